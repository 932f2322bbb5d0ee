#!/usr/bin/env python3
"""Plant realistic bugs in a chapter and check that the chapter's own checks catch each one.

Usage: python tools/mutate.py [chapters/NN-slug.ipynb ...]   (no argument: every chapter that has a list)

The bugs of chapter `chapters/NN-slug.ipynb` are listed in `tools/mutations/NN-slug.yml`:

    - bug: log-sum-exp shifts by the batch's global max instead of each row's
      find: "z.max(axis=1, keepdims=True)"
      replace: "z.max()"

`find` must occur exactly once in the notebook's code cells. For each bug the command writes a
temporary copy of the notebook with the substitution made, runs it from a clean kernel in the same
environment as the tests (tools/nbmeta.py: offline, CPU), and reports the bug

- caught, when a cell not tagged `raises-exception` raises (an assert, most often), or a
  `# NBVAL_CHECK_OUTPUT` cell prints something other than its stored output (nbval would fail);
- MISSED, when the chapter runs to the end with the same checked outputs.

Exit status 1 when any bug is missed, a `find` text is not found exactly once, or a chapter has
fewer than 3 bugs listed. This is slow (one run per bug) and so is not part of `make test`; run it
before calling a chapter done. `-j N` runs N copies at once; `--last N` plants only the last N bugs
of each list (the ones just added to it).
"""
import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbmeta import NOTEBOOK_ENV, cell_source  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "tools" / "mutations"
MIN_BUGS = 3
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def load_bugs(stem: str) -> list[dict]:
    path = LISTS / f"{stem}.yml"
    if not path.exists():
        return []
    bugs = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for b in bugs:
        missing = {"bug", "find", "replace"} - set(b)
        if missing:
            raise ValueError(f"{path}: entry {b!r} lacks {sorted(missing)}")
    return bugs


def text_outputs(cell) -> str:
    """The printed text of a cell, as nbval compares it (streams and text/plain results)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        elif out.get("output_type") in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data and "image/png" not in data:
                parts.append("".join(data["text/plain"]))
    return "".join(parts)


def plant(nb, bug: dict) -> int:
    """Make the substitution in the one code cell that holds `find`; return that cell's index."""
    hits = [(i, cell_source(c).count(bug["find"])) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and bug["find"] in cell_source(c)]
    total = sum(n for _, n in hits)
    if total != 1:
        raise ValueError(f"`find` occurs {total} times (must be exactly once): {bug['find']!r}")
    i = hits[0][0]
    nb.cells[i].source = cell_source(nb.cells[i]).replace(bug["find"], bug["replace"])
    return i


def run_mutant(path: Path, bug: dict, timeout: int) -> tuple[str, str, float]:
    """Return (verdict, detail, seconds) for one planted bug."""
    nb = nbformat.read(path, as_version=4)
    stored = {i: text_outputs(c) for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and cell_source(c).lstrip().startswith(CHECK_MARK)}
    try:
        plant(nb, bug)
    except ValueError as exc:
        return "ERROR", str(exc), 0.0
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
            if "nbval-skip" in c.metadata.get("tags", []):  # needs the network; nbval skips it too
                c.source = ""
    start = time.perf_counter()
    # Run from the chapter's own folder, as execute does; the chapter file itself is not touched.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        return "caught", f"raises {exc.ename}: {exc.evalue[:150]}", time.perf_counter() - start
    except Exception as exc:  # a timeout or a dead kernel also fails the tests
        return "caught", f"{type(exc).__name__}: {str(exc)[:150]}", time.perf_counter() - start
    elapsed = time.perf_counter() - start
    for i, before in stored.items():
        after = text_outputs(nb.cells[i])
        if after != before:
            return "caught", f"checked output of cell {i} changed", elapsed
    return "MISSED", "the chapter ran to the end with the same checked outputs", elapsed


def main(argv) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--last", type=int, default=0,
                    help="plant only the last N bugs of each list (the ones just added); 0 = all")
    args = ap.parse_args(argv)
    os.environ.update(NOTEBOOK_ENV)
    if args.jobs > 1:  # kernels side by side on a small machine: one thread each, or they thrash
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
            os.environ.setdefault(var, "1")
    if args.notebooks:
        paths = [Path(p).resolve() for p in args.notebooks]
    else:
        paths = sorted(p for p in (ROOT / "chapters").glob("*.ipynb") if (LISTS / f"{p.stem}.yml").exists())
        unlisted = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb") if not (LISTS / f"{p.stem}.yml").exists())
        if unlisted:
            print("no bug list (tools/mutations/<stem>.yml) for: " + ", ".join(unlisted))
    bad = 0
    for path in paths:
        bugs = load_bugs(path.stem)
        print(f"{path.name}: {len(bugs)} bugs listed", flush=True)
        if len(bugs) < MIN_BUGS:
            print(f"  FAIL: at least {MIN_BUGS} bugs must be listed in tools/mutations/{path.stem}.yml")
            bad += 1
        if args.last:
            bugs = bugs[-args.last:]
            print(f"  planting only the last {len(bugs)}", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda b: run_mutant(path, b, args.timeout), bugs))
        for bug, (verdict, detail, secs) in zip(bugs, results):
            print(f"  {verdict:7s} {secs:6.1f} s  {bug['bug']}\n            {detail}", flush=True)
            bad += verdict != "caught"
    caught = "all listed bugs caught" if not bad else f"{bad} problem(s)"
    print(caught)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
