"""Run every chapter's FULL configuration on a CUDA GPU and write the GPU columns of book/runtime.md.

Usage: python tools/gpu_check.py [-j N] [--deadline S] [--no-bf16] [--out DIR] [chapters/NN-slug.ipynb ...]
(no notebook named: every chapter)

On a machine without a CUDA GPU it says so and stops (exit status 2). Otherwise each notebook runs
on a copy (the stored outputs are not touched) in a fresh kernel, offline, with the GPU visible,
so that its FULL configuration is chosen (the chapters select it when CUDA is present). N
notebooks run at once (default 4) so that the book finishes in minutes on one large GPU; wall
times are therefore upper bounds. A cell appended to each copy reports the kernel's peak GPU
memory: PyTorch's `torch.cuda.max_memory_reserved()` plus TensorFlow's
`get_memory_info("GPU:0")["peak"]` where TensorFlow was imported (the CUDA context itself is not
counted); a thread started by a cell prepended to each copy records the same figure every two
seconds, so that a notebook stopped by the deadline still reports its peak so far.

A failing cell does not stop its notebook: every error is listed (cell number, exception, first
line of the message), so one run reports all of them. --deadline stops every notebook S seconds
after the start (for a lease of fixed length); a notebook stopped so is reported "stopped at the
deadline" with the cell it reached. Where TensorFlow is not installed (a bare GPU image), the
copies skip its import and Keras's seeding, and the cells that use it fail and are listed: the
PyTorch paths still run. --no-bf16 makes `torch.cuda.is_bf16_supported()` answer False, so that a
recent GPU takes the float16 path (with gradient scaling) that Colab's T4 takes. Per chapter:
pass or fail, wall time, peak GPU memory; the executed copies, a JSON summary and one JSON line
per finished notebook (results.jsonl, written as they finish) go to --out (default
_build/gpu-check/).
"""
import argparse
import datetime
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "gpu-check"
sys.path.insert(0, str(ROOT / "tools"))
import runtime_page  # noqa: E402

DEFAULT_OUT = OUT
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


MONITOR_CELL = '''import json as _json, sys as _sys, threading as _threading, time as _time


def _gpu_peak_monitor(path):
    """Every 2 s, write this kernel's peak GPU memory so far (bytes) to path."""
    while True:
        _peak = {}
        _torch = _sys.modules.get("torch")
        try:
            if _torch is not None and _torch.cuda.is_initialized():
                _peak["torch"] = int(_torch.cuda.max_memory_reserved())
        except Exception:
            pass
        _tf = _sys.modules.get("tensorflow")
        try:
            if _tf is not None:
                _peak["tf"] = int(_tf.config.experimental.get_memory_info("GPU:0")["peak"])
        except Exception:
            pass
        with open(path, "w") as _f:
            _json.dump(_peak, _f)
        _time.sleep(2)


_threading.Thread(target=_gpu_peak_monitor, args=(PEAK_PATH,), daemon=True).start()
'''
NO_BF16_CELL = '''import torch as _torch  # gpu_check --no-bf16: take the float16 path, as on a T4
_torch.cuda.is_bf16_supported = lambda including_emulation=True: False
'''
# Where TensorFlow is absent: the copies skip its import and Keras's seeding (the cells that use it fail).
NO_TF = [(re.compile(r"^(\s*)import tensorflow as tf\s*$", re.M), r"\1tf = None  # gpu_check: no TensorFlow here"),
         (re.compile(r"^(\s*)import keras\s*$", re.M), r"\1keras = None  # gpu_check: no TensorFlow here"),
         (re.compile(r"^(\s*)keras\.utils\.set_random_seed\(.*$", re.M), r"\1pass  # gpu_check: no TensorFlow here"),
         (re.compile(r'tf\.config\.list_physical_devices\("GPU"\)'), "[]"),
         (re.compile(r"^(\s*)(?:tf|keras)\.config\..*$", re.M), r"\1pass  # gpu_check: no TensorFlow here")]


def without_tensorflow(source: str) -> str:
    for pattern, repl in NO_TF:
        source = pattern.sub(repl, source)
    return source


def error_cells(nb, offset: int = 0) -> list[str]:
    """'cell N: Exception: first line' for every code cell whose outputs hold an error, except the
    cells tagged raises-exception (a chapter's deliberate errors); N counts the chapter's own cells
    from 0 (the cells the check prepends, `offset` of them, are not counted)."""
    found = []
    for i, cell in enumerate(nb.cells[offset:]):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                msg = (out.get("evalue") or "").strip().splitlines()
                found.append(f"cell {i}: {out.get('ename')}: {msg[0][:200] if msg else ''}")
    return found


def run_one(src: Path, timeout: int, deadline: float | None = None, no_bf16: bool = False,
            out: Path = DEFAULT_OUT) -> dict:
    """Run in a child process: execute a copy of `src` with the GPU visible; return the record."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError

    from nbmeta import NOTEBOOK_ENV

    env = {k: v for k, v in NOTEBOOK_ENV.items() if k != "CUDA_VISIBLE_DEVICES"}
    os.environ.update(env)
    os.environ.pop("CUDA_VISIBLE_DEVICES", None)
    os.environ.pop("BOOK_FULL", None)  # the chapters choose FULL themselves when CUDA is present
    out.mkdir(parents=True, exist_ok=True)
    peak_path = out / f"{src.stem}.peak.json"
    peak_path.unlink(missing_ok=True)  # a reading left by an earlier run must not be reported as this one's
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:  # the stored (CPU) outputs must not be mistaken for this run's
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    tf_absent = importlib.util.find_spec("tensorflow") is None
    if tf_absent:
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = without_tensorflow(cell.source)
    head = [nbformat.v4.new_code_cell(f"PEAK_PATH = {str(peak_path)!r}\n" + MONITOR_CELL)]
    if no_bf16:
        head.append(nbformat.v4.new_code_cell(NO_BF16_CELL))
    nb.cells[:0] = head
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))

    def cell_timeout(cell):
        left = timeout if deadline is None else deadline - time.time()
        return max(1, int(min(timeout, left)))

    client = NotebookClient(nb, timeout=timeout, timeout_func=cell_timeout, kernel_name="python3",
                            allow_errors=True, resources={"metadata": {"path": str(src.parent)}})
    start = time.perf_counter()
    record = {"result": "pass"}
    try:
        try:
            client.execute()
        except RuntimeError as exc:  # many kernels starting at once: a start can fail; try once more
            if "before replying to kernel_info" not in str(exc):
                raise
            time.sleep(5)
            client.execute()
    except CellTimeoutError as exc:
        reached = max((i - len(head) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                       and c.get("execution_count") is not None), default=None)
        late = deadline is not None and time.time() >= deadline - 2
        record = {"result": "stopped at the deadline" if late else "fail",
                  "error": f"cell {reached}: CellTimeoutError: {str(exc)[-300:]}"}
    except Exception as exc:  # report it and keep the partial copy
        record = {"result": "fail", "error": f"{type(exc).__name__}: {str(exc)[-1500:]}"}
    record["seconds"] = round(time.perf_counter() - start, 1)
    record["code_cells"] = sum(c.cell_type == "code" for c in nb.cells) - len(head) - 1
    errors = error_cells(nb, len(head))
    if errors:
        record["errors"] = errors
        if record["result"] == "pass":
            record["result"] = "fail"
    if tf_absent:
        record["tensorflow"] = "absent: its import skipped"
    if no_bf16:
        record["no_bf16"] = True
    nbformat.write(nb, out / src.name)
    peak = None
    for o in nb.cells[-1].get("outputs", []):
        text = "".join(o.get("text", ""))
        if MARK in text:
            peak = json.loads(text.split(MARK, 1)[1].strip().splitlines()[0])
    if peak is None and peak_path.exists():  # stopped early: the monitor's last reading
        try:
            peak = json.loads(peak_path.read_text())
            record["peak_from"] = "monitor"
        except ValueError:
            peak = None
    if peak:
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


def gpu_result(rec: dict) -> str:
    """The runtime page's GPU column for one record."""
    text = rec["result"]
    if rec.get("errors"):
        text += f" ({len(rec['errors'])} cells failed)"
    if rec.get("peak_mib") is not None and rec["peak_mib"] > T4_LIMIT_MIB:
        text += ", over 12 GB"
    if rec.get("tensorflow"):
        text += "; TensorFlow absent"
    return text


def main(argv) -> int:
    if argv[:1] == ["--one"]:
        opts = json.loads(argv[3]) if len(argv) > 3 else {}
        print(json.dumps(run_one(Path(argv[1]).resolve(), int(argv[2]), deadline=opts.get("deadline"),
                                 no_bf16=opts.get("no_bf16", False), out=Path(opts.get("out", DEFAULT_OUT)))))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    ap.add_argument("--deadline", type=float, default=None, help="stop every notebook this many seconds after the start")
    ap.add_argument("--no-bf16", action="store_true", help="take the float16 path a T4 takes")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the copies and the summary go")
    args = ap.parse_args(argv)
    name = gpu_name()
    if name is None:
        print("make gpu-check needs a CUDA GPU and PyTorch with CUDA; none is visible here, so nothing was run.")
        return 2
    paths = [Path(a).resolve() for a in args.notebooks] or sorted((ROOT / "chapters").glob("*.ipynb"))
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.jsonl").unlink(missing_ok=True)  # this run's lines only
    start_wall = time.time()
    opts = json.dumps({"deadline": None if args.deadline is None else start_wall + args.deadline,
                       "no_bf16": args.no_bf16, "out": str(out)})
    print(f"GPU: {name}; {len(paths)} chapters, {args.jobs} at a time"
          + (", float16 path (--no-bf16)" if args.no_bf16 else "")
          + (f", deadline {args.deadline:.0f} s" if args.deadline else ""), flush=True)

    def launch(p: Path) -> tuple[Path, dict]:
        proc = subprocess.run([sys.executable, __file__, "--one", str(p), str(args.timeout), opts],
                              capture_output=True, text=True)
        try:
            rec = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            rec = {"result": "fail", "error": "the runner itself failed: " + proc.stderr[-1500:]}
        with open(out / "results.jsonl", "a") as f:
            f.write(json.dumps({"chapter": p.stem, **rec}) + "\n")
        print(f"{p.stem}: {gpu_result(rec)}, {rec.get('seconds')} s, peak {rec.get('peak_mib')} MiB"
              + "".join(f"\n  {e}" for e in rec.get("errors", []))
              + (f"\n  {rec['error'][-600:]}" if "error" in rec else ""), flush=True)
        return p, rec

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = dict(pool.map(launch, paths))
    total = time.perf_counter() - start
    rows, cpu_note, _ = runtime_page.read()
    for p, rec in results.items():
        row = rows.setdefault(p.stem, {})
        row["gpu_result"] = gpu_result(rec)
        row["gpu_seconds"] = rec.get("seconds")
        row["gpu_peak_mib"] = rec.get("peak_mib")
    note = (f"measured on {datetime.date.today().isoformat()}: {name}; {len(paths)} chapters, "
            f"{args.jobs} at a time, {total / 60:.1f} min in all"
            + ("; float16 path (--no-bf16), as on a T4" if args.no_bf16 else "") + ".")
    runtime_page.write(rows, cpu_note, note)
    (out / "summary.json").write_text(json.dumps({"gpu": name, "total_s": round(total, 1), "no_bf16": args.no_bf16,
                                                  "chapters": {p.stem: r for p, r in results.items()}}, indent=1))
    bad = [p.stem for p, r in results.items() if r["result"] != "pass"
           or (r.get("peak_mib") or 0) > T4_LIMIT_MIB]
    print(f"{len(paths) - len(bad)} passed, {len(bad)} failed" + (": " + ", ".join(bad) if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
