"""Helpers shared by the execute command and the tests (never imported by a notebook).

A notebook's stored outputs are trusted only if they come from one clean run of the current
sources. At execute time we record, in each code cell's metadata, a hash of the source that
produced its outputs; the tests recompute it and fail when a cell was edited after the run.
"""
import hashlib

SOURCE_HASH_KEY = "executed_source_sha256"


def cell_source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def source_hash(cell) -> str:
    return hashlib.sha256(cell_source(cell).encode("utf-8")).hexdigest()[:16]


# The environment every notebook runs in when the project runs it (make execute, make bench, the
# tests): the CPU configuration (no CUDA device visible) and offline. A hub or dataset download
# is refused at once (offline flags, and a proxy on a closed local port) instead of hanging or
# quietly succeeding on a machine that happens to be online.
_DEAD_PROXY = "http://127.0.0.1:9"
NOTEBOOK_ENV = {
    "CUDA_VISIBLE_DEVICES": "",
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "http_proxy": _DEAD_PROXY,
    "https_proxy": _DEAD_PROXY,
    "HTTP_PROXY": _DEAD_PROXY,
    "HTTPS_PROXY": _DEAD_PROXY,
    "no_proxy": "localhost,127.0.0.1,::1",
    "NO_PROXY": "localhost,127.0.0.1,::1",
}
