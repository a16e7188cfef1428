"""Throughput of hashing + encryption + packing of a bundle (issue 6: >= 100 MB/s).

Usage: .venv/bin/python -m archiver.bench.bundle_throughput [--mb 200] [--text-share 0.25]

Builds a payload of about --mb megabytes in a temporary folder: incompressible files
(like PDFs, whose streams are compressed already) and compressible CSV text, then times
BundleWriter (streaming, hashing, AES, ZIP, the full verification of the partial file,
sidecar and rename) and verify_bundle on the result. Prints MB/s of payload.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from archiver.bundle import BundleWriter, verify_bundle
from archiver.passwords import generate_password

MB = 1_000_000


def make_payload(folder: Path, total_mb: int, text_share: float) -> list[Path]:
    """Files of 1-8 MB: random bytes (PDF-like) and CSV-like text."""
    rng = random.Random(2026)
    files: list[Path] = []
    text_budget = int(total_mb * MB * text_share)
    binary_budget = total_mb * MB - text_budget
    row = "2025-09-{d:02d},{n},Matematyka,Temat lekcji {n},ob,nb,u,{n}\n"
    for kind, budget in (("pdf", binary_budget), ("csv", text_budget)):
        while budget > 0:
            size = min(budget, rng.randint(1, 8) * MB)
            path = folder / f"{kind}-{len(files):04d}.{kind}"
            if kind == "pdf":
                path.write_bytes(os.urandom(size))
            else:
                text = "".join(row.format(d=i % 28 + 1, n=i) for i in range(size // 40 + 1))
                path.write_bytes(text.encode()[:size])
            files.append(path)
            budget -= size
    return files


class Clock:
    """Wall and CPU (all threads) time of consecutive phases."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float, float]] = []
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.laps.append((name, wall - self._wall, cpu - self._cpu))
        self._wall, self._cpu = wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="payload size in MB")
    parser.add_argument("--text-share", type=float, default=0.25,
                        help="share of compressible text in the payload")
    args = parser.parse_args()
    password = generate_password()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        files = make_payload(folder / "in", args.mb, args.text_share)
        payload = sum(f.stat().st_size for f in files)
        target = folder / "bench-bundle.zip"
        clock = Clock()
        with BundleWriter(target, password, {"Source-Organization": "bench"}) as bundle:
            for path in files:
                bundle.add_file(f"docs/{path.name}", path)
            clock.lap("write: read, hash (SHA-256+512), compress, encrypt, pack")
        clock.lap("close: tag files, fsync, decrypt+check all, sidecar, rename")
        report = verify_bundle(target, password)
        clock.lap("verify_bundle with the password (separate run)")
        assert report.ok, report.problems
        size = target.stat().st_size
    print(f"payload: {payload / MB:.0f} MB in {len(files)} files "
          f"({args.text_share:.0%} compressible text); bundle {size / MB:.0f} MB; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} before start")
    print(f"{'phase':62s} {'wall s':>7s} {'CPU s':>7s} {'MB/s':>6s}")
    for name, wall, cpu in clock.laps:
        print(f"{name:62s} {wall:7.2f} {cpu:7.2f} {payload / MB / wall:6.0f}")
    wall = sum(lap[1] for lap in clock.laps[:2])
    cpu = sum(lap[2] for lap in clock.laps[:2])
    print(f"{'BundleWriter end to end':62s} {wall:7.2f} {cpu:7.2f} {payload / MB / wall:6.0f}")
    print(f"CPU cost of BundleWriter: {cpu * 1e9 / payload:.1f} ns per payload byte "
          f"(= {payload / MB / cpu:.0f} MB per CPU-second)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
