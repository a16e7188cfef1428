"""The benchmark behind `archiver bench` (issue 6): speed and memory on a demo school."""

from archiver.bench.report import format_report
from archiver.bench.run import BenchReport, run_bench

__all__ = ["BenchReport", "format_report", "run_bench"]
