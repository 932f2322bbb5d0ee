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
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "book" / "runtime.md"
BUDGET_S = 90
sys.path.insert(0, str(ROOT / "tools"))


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


def read_rows() -> dict:
    rows = {}
    if PAGE.exists():
        for m in re.finditer(r"^\| \{doc\}`\.\./chapters/([^`]+)` \| ([\d.]+) \| (\d+) \|", PAGE.read_text(), re.M):
            rows[m.group(1)] = {"seconds": float(m.group(2)), "peak_mib": int(m.group(3))}
    return rows


def write_page(rows: dict) -> None:
    import torch

    total = sum(r["seconds"] for r in rows.values())
    lines = [
        "# Runtime of each chapter",
        "",
        "Each chapter run top to bottom in a fresh kernel on the CPU, as the tests run it",
        f"(`make bench`). The budget is {BUDGET_S} s per chapter on a 2-core CPU. Wall time includes",
        "the kernel's start-up and imports; peak memory is the kernel's maximum resident set size.",
        "",
        f"Measured on {datetime.date.today().isoformat()}: {cpu_name()}, {os.cpu_count()} cores,",
        f"Python {platform.python_version()}, PyTorch {torch.__version__}.",
        "",
        "| chapter | wall time (s) | peak memory (MiB) | within budget |",
        "|---|---|---|---|",
    ]
    for stem in sorted(rows):
        r = rows[stem]
        ok = "yes" if r["seconds"] <= BUDGET_S else "**no**"
        lines.append(f"| {{doc}}`../chapters/{stem}` | {r['seconds']:.1f} | {r['peak_mib']} | {ok} |")
    lines += ["", f"Total: {total:.0f} s for {len(rows)} chapters.", ""]
    PAGE.write_text("\n".join(lines))


def main(argv):
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(Path(argv[1]).resolve())))
        return 0
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    rows = read_rows() if argv else {}
    failed = False
    for p in paths:
        proc = subprocess.run([sys.executable, __file__, "--one", str(p)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{p.name}: FAILED\n{proc.stderr[-3000:]}")
            failed = True
            continue
        rows[p.stem] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{p.name}: {rows[p.stem]['seconds']:.1f} s, {rows[p.stem]['peak_mib']} MiB", flush=True)
    write_page(rows)
    over = [s for s, r in rows.items() if r["seconds"] > BUDGET_S]
    if over:
        print("over budget: " + ", ".join(over))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
