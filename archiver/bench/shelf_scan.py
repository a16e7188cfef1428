"""Speed of `archiver shelf scan` on a synthetic shelf (issue 19: 500 bundles, minutes).

Usage: .venv/bin/python -m archiver.bench.shelf_scan [--bundles 500] [--kb 600] [--deep]

Writes --bundles bundles with the real BundleWriter (each a payload of --kb kilobytes of
incompressible bytes, like a small school's PDFs, and the bag-info fields of a term-end
bundle; each its own id: school id, year and time differ) into one folder, copies them
with their sidecars onto a second folder (two media), then runs `archiver shelf scan`
on both as a separate process with a fresh state directory, quick and (with --deep)
with the password, and prints wall time, CPU of the scan process, bytes hashed and the
load average. The files were just written, so they are read from the page cache: the
figure is the scan's own cost, not the medium's; a USB disk adds its read time
(bytes / its MB/s). Everything is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archiver.bundle import BundleWriter
from archiver.bundle.hashing import sidecar_path
from archiver.passwords import generate_password

START = datetime(2026, 6, 27, 15, 30, tzinfo=UTC)


def bag_info(number: int) -> dict[str, str]:
    year = 2020 + number % 7
    return {"Source-Organization": f"Szkoła Podstawowa nr {number % 40 + 1}",
            "School-Id": f"sp{number % 40 + 1}", "School-Year": f"{year - 1}/{year}",
            "Archive-Category": "B5", "Retention-Until": f"{year + 5}-12-31",
            "Term": "year"}


def write_shelf(first: Path, second: Path, count: int, kb: int, password) -> int:
    """`count` bundles on `first`, copied onto `second`; the bytes of one medium."""
    total = 0
    for number in range(count):
        info = bag_info(number)
        moment = START + timedelta(minutes=number)
        name = (f"{info['School-Id']}_{info['School-Year'].replace('/', '-')}_rok_"
                f"{moment:%Y%m%dT%H%M%SZ}.zip")
        with BundleWriter(first / name, password, info, created=moment) as writer:
            writer.add_bytes("dokumenty/dziennik.pdf", os.urandom(kb * 1000), compress=False)
        result = writer.result
        assert result is not None
        total += result.size
        for path in (result.path, sidecar_path(result.path)):
            shutil.copyfile(path, second / path.name)
    return total


def timed_scan(media: list[Path], state: Path, extra: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the scan process, its last line of output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "archiver", "--lang", "en", "shelf", "scan",
                           *map(str, media), "--state-dir", str(state), *extra],
                          capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"scan failed ({done.returncode}): {done.stderr[-500:]}")
    return wall, cpu, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundles", type=int, default=500)
    parser.add_argument("--kb", type=int, default=600, help="payload of each bundle")
    parser.add_argument("--deep", action="store_true", help="also time a --deep scan")
    args = parser.parse_args()
    password = generate_password()
    with tempfile.TemporaryDirectory(prefix="shelf-bench-") as tmp:
        root = Path(tmp)
        media = [root / "nosnik1", root / "nosnik2"]
        for medium in media:
            medium.mkdir()
        started = time.monotonic()
        size = write_shelf(media[0], media[1], args.bundles, args.kb, password)
        print(f"wrote {args.bundles} bundles x 2 media, {2 * size / 1e6:.0f} MB, "
              f"in {time.monotonic() - started:.1f} s", file=sys.stderr)
        runs = [("quick", [])]
        if args.deep:
            secret = root / "haslo.txt"
            secret.write_text(password.reveal() + "\n")
            runs.append(("deep", ["--deep", "--password-file", str(secret)]))
        for label, extra in runs:
            state = root / f"state-{label}"
            load = os.getloadavg()
            wall, cpu, last = timed_scan(media, state, extra)
            print(f"{label} scan of {args.bundles} bundles on 2 media ({2 * size / 1e6:.0f} "
                  f"MB): {wall:.1f} s wall, {cpu:.1f} s CPU, {2 * size / 1e6 / wall:.0f} MB/s; "
                  f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after "
                  f"{os.getloadavg()[0]:.2f}")
            print(f"  {last}")


if __name__ == "__main__":
    main()
