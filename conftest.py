"""Run the notebooks as CI does: offline, quiet, on the CPU.

The kernels nbval starts inherit this environment. A hub or dataset download is refused at
once (offline flags, and a proxy on a closed local port), so a notebook that touches the
network outside an `nbval-skip` cell fails the tests instead of passing on a machine that
happens to be online.
"""
import os

os.environ.update(
    {
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "no_proxy": "localhost,127.0.0.1,::1",
        "NO_PROXY": "localhost,127.0.0.1,::1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
)
