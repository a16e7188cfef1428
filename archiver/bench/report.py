"""The benchmark report as text: figures, then each goal of issue 6 against its target."""

from __future__ import annotations

import os
import platform

from archiver.bench.run import BenchReport, RunFigures

KIND_NAMES = {"register": "class register", "attendance": "attendance summary",
              "messages": "message transcript"}
TERM_END_GOAL_S = 600.0
RSS_GOAL_MB = 1024.0
RERUN_GOAL = 0.05
PACKING_GOAL = 100.0
GRID_GOAL = 10.0
GRID_RATIO_GOAL = 15.0


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def _run_lines(name: str, run: RunFigures, jobs: int) -> list[str]:
    lines = [
        f"{name}: {run.wall_s:.1f} s wall ({run.load_s:.1f} s loading the export), "
        f"{run.documents} documents ({run.rendered} rendered, {run.cached} from the cache), "
        f"{run.pages} pages, bundle {run.bundle_bytes / 1e6:.1f} MB",
        f"  CPU: {run.parent_cpu_s:.1f} s in the main process (load, views, templates, "
        f"merging, packing), {run.worker_cpu_s:.1f} s in {jobs if jobs > 1 else 0} workers",
    ]
    if run.rendered:
        lines.append(f"  {'document kind':22s} {'docs':>5s} {'pages':>6s} {'layout CPU s':>13s} "
                     f"{'pages/s per core':>17s}")
        for kind in ("register", "attendance", "messages"):
            figures = run.kinds.get(kind)
            if figures and figures.layout_cpu_s:
                lines.append(f"  {KIND_NAMES[kind]:22s} {figures.documents:5d} "
                             f"{figures.pages:6d} {figures.layout_cpu_s:13.1f} "
                             f"{figures.pages_per_core:17.1f}")
        total_cpu = run.parent_cpu_s + run.worker_cpu_s
        lines.append(f"  whole pipeline: {run.pages / total_cpu:.1f} pages per CPU-second "
                     f"(every process), {run.pages / run.wall_s:.1f} pages/s wall")
    return lines


def _goal(name: str, measured: str, target: str, met: bool) -> str:
    return f"  [{'met' if met else 'NOT MET'}] {name}: {measured} (goal {target})"


def format_report(report: BenchReport) -> list[str]:
    """The lines `archiver bench` prints."""
    first, rerun, packing = report.first, report.rerun, report.packing
    ours, naive = report.grid_ours, report.grid_naive
    assert first and rerun and ours and naive and packing
    lines = [
        f"archiver bench --size {report.size} --jobs {report.jobs}: demo school of "
        f"{report.classes} classes",
        f"machine: {report.cores} cores ({platform.machine()}, {platform.system()}), "
        f"load average {_load(report.load_before)} before, {_load(report.load_after)} after",
        "",
        f"attendance grid, the same {ours.pages} pages of real weeks laid out in this process:",
        f"  ours (monospaced lines)  {ours.pages:3d} pages, {ours.cpu_s:6.2f} s CPU, "
        f"{ours.pages_per_cpu_s:6.1f} pages/s per core",
        f"  naive (cell per mark)    {naive.pages:3d} pages, {naive.cpu_s:6.2f} s CPU, "
        f"{naive.pages_per_cpu_s:6.1f} pages/s per core",
        "",
        *_run_lines(f"term-end, {report.jobs} job(s)", first, report.jobs),
        *_run_lines("term-end again, nothing changed", rerun, report.jobs),
        "",
        f"peak RSS: main process {report.parent_peak_mb:.0f} MB; workers: "
        + (", ".join(f"pid {pid} {mb:.0f} MB" for pid, mb in sorted(first.workers.items())
                     if pid != os.getpid()) or "none (serial)"),
        f"hashing + encryption + packing (BundleWriter, {packing.mb:.0f} MB in {packing.files} "
        f"files): {packing.write_s:.2f} s = {packing.write_mb_s:.0f} MB/s; with closing "
        f"(the whole bundle decrypted and checked again): {packing.total_s:.2f} s = "
        f"{packing.total_mb_s:.0f} MB/s ({packing.mb / packing.total_cpu_s:.0f} MB per "
        "CPU-second)",
        "",
        "goals (issue 6):",
    ]
    register = first.kinds.get("register")
    ratio = ours.pages_per_cpu_s / naive.pages_per_cpu_s if naive.pages_per_cpu_s else 0.0
    peaks = [report.parent_peak_mb, *first.workers.values(), *rerun.workers.values()]
    share = rerun.wall_s / first.wall_s
    lines += [
        _goal("register pages per core", f"{register.pages_per_core:.1f} pages/s"
              if register else "none rendered", f">= {GRID_GOAL:.0f}",
              bool(register) and register.pages_per_core >= GRID_GOAL),
        _goal("attendance grid per core", f"{ours.pages_per_cpu_s:.1f} pages/s",
              f">= {GRID_GOAL:.0f}", ours.pages_per_cpu_s >= GRID_GOAL),
        _goal("grid vs naive table", f"{ratio:.1f}x", f">= {GRID_RATIO_GOAL:.0f}x",
              ratio >= GRID_RATIO_GOAL),
        _goal(f"term-end wall time ({report.size}, {report.jobs} jobs)",
              f"{first.wall_s:.0f} s", f"<= {TERM_END_GOAL_S:.0f} s for large, 2 jobs",
              first.wall_s <= TERM_END_GOAL_S),
        _goal("peak RSS of every process", f"{max(peaks):.0f} MB", f"<= {RSS_GOAL_MB:.0f} MB",
              max(peaks) <= RSS_GOAL_MB),
        _goal("unchanged re-run", f"{share:.1%} of the first run", f"<= {RERUN_GOAL:.0%}",
              share <= RERUN_GOAL),
        _goal("hashing + encryption + packing", f"{packing.write_mb_s:.0f} MB/s "
              f"({packing.total_mb_s:.0f} MB/s with the verification)",
              f">= {PACKING_GOAL:.0f} MB/s", packing.write_mb_s >= PACKING_GOAL),
    ]
    return lines
