"""The benchmarks (issues 6, 7, 15, 18): `archiver bench` (run.py, report.py, grid.py,
instrument.py) and the single-purpose scripts beside it, each run as
`.venv/bin/python -m archiver.bench.NAME` (bundle_throughput, dask_throughput,
document_pages, grid, load_validate, shelf_scan) or, for an A/B of two commits,
archiver/bench/ab_document_pages.sh."""

from typing import Any

__all__ = ["BenchReport", "format_report", "run_bench"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `python -m archiver.bench.grid` finds no copy of its
    # own module imported already (run.py imports grid.py).
    if name == "format_report":
        from archiver.bench.report import format_report
        return format_report
    if name in ("BenchReport", "run_bench"):
        from archiver.bench import run
        return getattr(run, name)
    raise AttributeError(name)
