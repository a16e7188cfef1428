"""Benchmark: load and validate one export; print wall time and peak memory.

Usage:
    .venv/bin/python -m archiver.bench.load_validate PATH            # an existing export
    .venv/bin/python -m archiver.bench.load_validate --demo large    # generate the demo first
        [--format folder|zip|sqlite|xlsx] [--seed N] [--keep DIR]

The generation and writing of a demo export is timed separately and not counted in the
load+validate figures. Peak RSS is the process's high-water mark (ru_maxrss), so for a
`--demo` run it includes the generator; the RSS growth during loading is printed too.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil

from archiver.errors import ArchiverError
from archiver.load import read_and_validate

SUFFIX = {"folder": "", "zip": ".zip", "xlsx": ".xlsx", "sqlite": ".sqlite"}


def _peak_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    return psutil.Process().memory_info().rss / 1024**2


def make_demo(size: str, seed: int, fmt: str, directory: Path) -> Path:
    """Generate the demo school and write it in the given container."""
    from archiver.demo import generate
    from archiver.sources.write import write_export

    started = time.perf_counter()
    tables, export = generate(size, seed)
    rows = sum(len(f) for f in tables.values())
    generated = time.perf_counter()
    path = write_export(tables, export, directory / f"demo-{size}{SUFFIX[fmt]}", fmt)
    del tables
    print(f"demo {size} seed {seed}: {rows:,} rows generated in {generated - started:.1f} s, "
          f"written as {fmt} in {time.perf_counter() - generated:.1f} s")
    return path


def measure(path: Path) -> int:
    """Load + validate `path`, print the figures; exit status 0 when valid."""
    rss_before = _rss_mib()
    started = time.perf_counter()
    try:
        dataset, report = read_and_validate(path)
    except ArchiverError as exc:
        print(f"unreadable: {exc}")
        return 1
    elapsed = time.perf_counter() - started
    rows = sum(len(f) for f in dataset.tables.values()) if dataset else 0
    print(f"load+validate {path.name}: {elapsed:.2f} s wall, {report.summary()}, "
          f"{rows:,} rows in the dataset")
    print(f"peak RSS {_peak_mib():.0f} MiB (process), RSS before {rss_before:.0f} MiB, "
          f"after {_rss_mib():.0f} MiB")
    for problem in report.errors[:10]:
        print(f"  {problem.message}")
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, help="an export to load")
    parser.add_argument("--demo", metavar="SIZE", help="generate the demo of this size first")
    parser.add_argument("--format", default="folder", choices=sorted(SUFFIX))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="write the demo export here and keep it")
    args = parser.parse_args(argv)
    if args.path is None and not args.demo:
        parser.error("give an export PATH or --demo SIZE")
    if args.path is not None:
        return measure(args.path)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return measure(make_demo(args.demo, args.seed, args.format, args.keep))
    with tempfile.TemporaryDirectory(prefix="archiver-bench-") as tmp:
        return measure(make_demo(args.demo, args.seed, args.format, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
