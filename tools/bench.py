#!/usr/bin/env python3
"""Time every chapter on the CPU and write book/runtime.md.

Usage: python tools/bench.py [chapters/NN-slug.ipynb ...]   (no argument: every chapter)

Each notebook runs in a fresh kernel, in a child process of its own, on a copy (the stored
outputs are not touched). The wall time is that of the whole run, kernel start-up included; the
peak memory is the kernel's maximum resident set size. Named notebooks update their rows and
keep the others.
"""
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import runtime_page  # noqa: E402
from runtime_page import BUDGET_S  # noqa: E402


def run_one(path: Path) -> dict:
    """Run in this process (a child of the bench driver): returns seconds and peak MiB."""
    import nbformat
    from nbclient import NotebookClient

    from nbmeta import NOTEBOOK_ENV

    os.environ.update(NOTEBOOK_ENV)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": round(seconds, 1), "peak_mib": round(peak_kib / 1024)}


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_note() -> str:
    import torch

    return (f"measured on {datetime.date.today().isoformat()}: {cpu_name()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PyTorch {torch.__version__}.")


def main(argv):
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(Path(argv[1]).resolve())))
        return 0
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    rows, note, gpu = runtime_page.read()
    if not argv:  # a full run replaces every CPU column (GPU columns are kept) and drops removed chapters
        rows = {p.stem: {k: v for k, v in rows.get(p.stem, {}).items() if k.startswith("gpu_")} for p in paths}
    failed = False
    for p in paths:
        proc = subprocess.run([sys.executable, __file__, "--one", str(p)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{p.name}: FAILED\n{proc.stderr[-3000:]}")
            failed = True
            continue
        rows.setdefault(p.stem, {}).update(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"{p.name}: {rows[p.stem]['seconds']:.1f} s, {rows[p.stem]['peak_mib']} MiB", flush=True)
    if argv and note:  # a partial run keeps the date of the full one and says which rows are newer
        note = note.split(" Rows updated")[0] + (f" Rows updated on {datetime.date.today().isoformat()}: "
                                                  + ", ".join(p.stem for p in paths) + ".")
    runtime_page.write(rows, note if argv and note else cpu_note(), gpu)
    over = [s for s, r in rows.items() if r.get("seconds", 0) > BUDGET_S]
    if over:
        print("over budget: " + ", ".join(over))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
