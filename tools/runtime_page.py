"""The runtime page (book/runtime.md): one row per chapter with CPU columns (`make bench`) and GPU
columns (`make gpu-check`). Each command rewrites its own columns and the header line that says
where they were measured, and keeps the other's."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "book" / "runtime.md"
BUDGET_S = 90
ROW = re.compile(r"^\| \{doc\}`\.\./chapters/([^`]+)` \|(.*)\|\s*$", re.M)
CPU_NOTE = re.compile(r"^CPU: (.*)$", re.M)
GPU_NOTE = re.compile(r"^GPU: (.*)$", re.M)


def _num(text):
    try:
        return float(text)
    except ValueError:
        return None


def read() -> tuple[dict, str, str]:
    """Return ({stem: {seconds, peak_mib, gpu_result, gpu_seconds, gpu_peak_mib}}, cpu_note, gpu_note)."""
    rows, cpu_note, gpu_note = {}, "", ""
    if not PAGE.exists():
        return rows, cpu_note, gpu_note
    text = PAGE.read_text(encoding="utf-8")
    for m in ROW.finditer(text):
        cells = [c.strip() for c in m.group(2).split("|")]
        row = {"seconds": _num(cells[0]), "peak_mib": _num(cells[1])}
        if len(cells) >= 6:  # chapter | cpu s | cpu MiB | budget | gpu result | gpu s | gpu MiB
            row.update(gpu_result=cells[3], gpu_seconds=_num(cells[4]), gpu_peak_mib=_num(cells[5]))
        rows[m.group(1)] = {k: v for k, v in row.items() if v not in (None, "", "not run")}
    if (m := CPU_NOTE.search(text)):
        cpu_note = m.group(1)
    if (m := GPU_NOTE.search(text)):
        gpu_note = m.group(1)
    return rows, cpu_note, gpu_note


def write(rows: dict, cpu_note: str, gpu_note: str) -> None:
    def fmt(v, spec):
        return format(v, spec) if isinstance(v, (int, float)) else "not run"

    cpu_total = sum(r.get("seconds", 0) for r in rows.values())
    lines = [
        "# Runtime of each chapter",
        "",
        "Each chapter run top to bottom in a fresh kernel, offline. The CPU columns come from",
        f"`make bench` (the CPU configuration the tests run; budget {BUDGET_S} s per chapter on a 2-core",
        "CPU; wall time includes the kernel's start-up and imports; peak memory is the kernel's maximum",
        "resident set size). The GPU columns come from `make gpu-check` on a machine with a CUDA GPU:",
        "each chapter's FULL configuration, several chapters at once on one card, so a wall time there",
        "is an upper bound; peak GPU memory is PyTorch's `max_memory_reserved` plus TensorFlow's peak",
        "where it is used, without the CUDA context itself (a few hundred MiB per process).",
        "",
        f"CPU: {cpu_note or 'not measured'}",
        "",
        f"GPU: {gpu_note or 'not yet measured: no GPU machine has run make gpu-check'}",
        "",
        "| chapter | CPU wall time (s) | CPU peak memory (MiB) | within budget | GPU (FULL) | GPU wall time (s) | GPU peak memory (MiB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for stem in sorted(rows):
        r = rows[stem]
        s = r.get("seconds")
        ok = "not run" if s is None else ("yes" if s <= BUDGET_S else "**no**")
        lines.append(f"| {{doc}}`../chapters/{stem}` | {fmt(s, '.1f')} | {fmt(r.get('peak_mib'), '.0f')} | {ok} "
                     f"| {r.get('gpu_result', 'not run')} | {fmt(r.get('gpu_seconds'), '.1f')} "
                     f"| {fmt(r.get('gpu_peak_mib'), '.0f')} |")
    lines += ["", f"CPU total: {cpu_total:.0f} s for {sum('seconds' in r for r in rows.values())} chapters.", ""]
    PAGE.write_text("\n".join(lines), encoding="utf-8")
