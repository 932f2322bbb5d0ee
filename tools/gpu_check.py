#!/usr/bin/env python3
"""Run every chapter's FULL configuration on a CUDA GPU and write the GPU columns of book/runtime.md.

Usage: python tools/gpu_check.py [-j N] [chapters/NN-slug.ipynb ...]   (no argument: every chapter)

On a machine without a CUDA GPU it says so and stops (exit status 2). Otherwise each notebook runs
on a copy (the stored outputs are not touched) in a fresh kernel, offline, with the GPU visible,
so that its FULL configuration is chosen (the chapters select it when CUDA is present). N
notebooks run at once (default 4) so that the book finishes in minutes on one large GPU; wall
times are therefore upper bounds. A cell appended to each copy reports the kernel's peak GPU
memory: PyTorch's `torch.cuda.max_memory_reserved()` plus TensorFlow's
`get_memory_info("GPU:0")["peak"]` where TensorFlow was imported (the CUDA context itself is not
counted). Per chapter: pass or fail, wall time, peak GPU memory; the executed copies and a JSON
summary are written to _build/gpu-check/.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "gpu-check"
sys.path.insert(0, str(ROOT / "tools"))
import runtime_page  # noqa: E402

T4_LIMIT_MIB = 12 * 1024  # the standard: FULL configurations stay under 12 GB (Colab's T4 has 16)
MARK = "GPU_PEAK_JSON"
PEAK_CELL = f'''import json as _json, sys as _sys
_peak = {{}}
if "torch" in _sys.modules:
    import torch as _torch
    if _torch.cuda.is_available():
        _peak["torch"] = int(_torch.cuda.max_memory_reserved())
if "tensorflow" in _sys.modules:
    import tensorflow as _tf
    try:
        _peak["tf"] = int(_tf.config.experimental.get_memory_info("GPU:0")["peak"])
    except Exception:
        pass
print("{MARK}" + _json.dumps(_peak))
'''


def run_one(src: Path, timeout: int) -> dict:
    """Run in a child process: execute a copy of `src` with the GPU visible; return the record."""
    import nbformat
    from nbclient import NotebookClient

    from nbmeta import NOTEBOOK_ENV

    env = {k: v for k, v in NOTEBOOK_ENV.items() if k != "CUDA_VISIBLE_DEVICES"}
    os.environ.update(env)
    os.environ.pop("CUDA_VISIBLE_DEVICES", None)
    os.environ.pop("BOOK_FULL", None)  # the chapters choose FULL themselves when CUDA is present
    nb = nbformat.read(src, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(src.parent)}})
    start = time.perf_counter()
    record = {"result": "pass"}
    try:
        client.execute()
    except Exception as exc:  # report it and keep the partial copy
        record = {"result": "fail", "error": f"{type(exc).__name__}: {str(exc)[-1500:]}"}
    record["seconds"] = round(time.perf_counter() - start, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, OUT / src.name)
    for out in nb.cells[-1].get("outputs", []):
        text = "".join(out.get("text", ""))
        if MARK in text:
            peak = json.loads(text.split(MARK, 1)[1].strip().splitlines()[0])
            record["peak_mib"] = round(sum(peak.values()) / 2**20)
            record["peak_parts_mib"] = {k: round(v / 2**20) for k, v in peak.items()}
    return record


def gpu_name() -> str | None:
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    p = torch.cuda.get_device_properties(0)
    return f"{p.name} ({p.total_memory / 2**30:.0f} GiB), PyTorch {torch.__version__}"


def main(argv) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(Path(argv[1]).resolve(), int(argv[2]))))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per notebook")
    args = ap.parse_args(argv)
    name = gpu_name()
    if name is None:
        print("make gpu-check needs a CUDA GPU and PyTorch with CUDA; none is visible here, so nothing was run.")
        return 2
    paths = [Path(a).resolve() for a in args.notebooks] or sorted((ROOT / "chapters").glob("*.ipynb"))
    print(f"GPU: {name}; {len(paths)} chapters, {args.jobs} at a time", flush=True)

    def launch(p: Path) -> tuple[Path, dict]:
        proc = subprocess.run([sys.executable, __file__, "--one", str(p), str(args.timeout)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{p.stem}: fail (the runner itself failed)\n  {proc.stderr[-600:]}", flush=True)
            return p, {"result": "fail", "error": proc.stderr[-1500:]}
        rec = json.loads(proc.stdout.strip().splitlines()[-1])
        peak = rec.get("peak_mib")
        print(f"{p.stem}: {rec['result']}, {rec['seconds']} s, peak {peak} MiB"
              + (f"\n  {rec['error'][-600:]}" if "error" in rec else ""), flush=True)
        return p, rec

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = dict(pool.map(launch, paths))
    total = time.perf_counter() - start
    rows, cpu_note, _ = runtime_page.read()
    for p, rec in results.items():
        row = rows.setdefault(p.stem, {})
        over = rec.get("peak_mib") is not None and rec["peak_mib"] > T4_LIMIT_MIB
        row["gpu_result"] = rec["result"] + (" (over 12 GB)" if over else "")
        row["gpu_seconds"] = rec.get("seconds")
        row["gpu_peak_mib"] = rec.get("peak_mib")
    note = (f"measured on {datetime.date.today().isoformat()}: {name}; {len(paths)} chapters, "
            f"{args.jobs} at a time, {total / 60:.1f} min in all.")
    runtime_page.write(rows, cpu_note, note)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "summary.json").write_text(json.dumps({"gpu": name, "total_s": round(total, 1),
                                                  "chapters": {p.stem: r for p, r in results.items()}}, indent=1))
    bad = [p.stem for p, r in results.items() if r["result"] != "pass"
           or (r.get("peak_mib") or 0) > T4_LIMIT_MIB]
    print(f"{len(paths) - len(bad)} passed, {len(bad)} failed" + (": " + ", ".join(bad) if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
