"""Run the notebooks as CI does: offline, quiet, on the CPU.

The kernels nbval starts inherit this environment (tools/nbmeta.py: NOTEBOOK_ENV), the same
one `make execute` and `make bench` use, so a notebook that touches the network outside an
`nbval-skip` cell fails the tests instead of passing on a machine that happens to be online.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
from nbmeta import NOTEBOOK_ENV  # noqa: E402

os.environ.update(NOTEBOOK_ENV)
