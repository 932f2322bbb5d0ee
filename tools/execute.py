#!/usr/bin/env python3
"""Re-run notebooks in place so that their stored outputs are one clean top-to-bottom run.

Usage: python tools/execute.py [chapters/NN-slug.ipynb ...]   (no argument: every chapter)

Each notebook is cleared, run in a fresh kernel from its own folder (as Colab or JupyterLab
would), offline and on the CPU (tools/nbmeta.py: NOTEBOOK_ENV), and written back with execution counts 1, 2, 3, ... Cells tagged `raises-exception`
may raise; any other error stops with a non-zero exit and leaves the file untouched. Every code
cell gets the hash of the source that produced its outputs (see tools/nbmeta.py), so the tests
can tell a stale output from a fresh one.
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbmeta import NOTEBOOK_ENV, SOURCE_HASH_KEY, source_hash  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path, timeout: int = 900) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
            cell.metadata.pop(SOURCE_HASH_KEY, None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,  # raises-exception cells are still allowed to raise
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata[SOURCE_HASH_KEY] = source_hash(cell)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv):
    os.environ.update(NOTEBOOK_ENV)
    paths = [Path(a) for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    failed = []
    for p in paths:
        print(f"executing {p} ...", flush=True)
        try:
            t = execute(p.resolve())
        except Exception as exc:  # report and go on with the others
            print(f"  FAILED: {type(exc).__name__}: {str(exc)[-2000:]}", flush=True)
            failed.append(p)
            continue
        print(f"  done in {t:.1f} s", flush=True)
    if failed:
        print("failed: " + " ".join(map(str, failed)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
