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
