"""Hashing, encryption and packing stream: a file much larger than the memory it may use
goes through BundleWriter (write and full verification) without being held whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import os, resource, sys
from pathlib import Path
from archiver.bundle import BundleWriter

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

folder = Path(sys.argv[1])
big = folder / "eksport.zip"
with open(big, "wb") as handle:
    for _ in range(96):
        handle.write(os.urandom(1 << 20))   # incompressible, like a zipped export
before = peak_mb()
with BundleWriter(folder / "paczka.zip", "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag",
                  {"Source-Organization": "test"}) as writer:
    writer.add_bytes("dokumenty/a.pdf", b"%PDF-1.7 small document")
    writer.add_file("zrodlo/eksport.zip", big)
print(before, peak_mb(), (folder / "paczka.zip").stat().st_size)
"""


def test_a_96_mb_file_is_packed_and_verified_in_far_less_memory(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                            text=True, check=True)
    before, after, size = (float(v) for v in result.stdout.split())
    assert size > 96 * (1 << 20)  # the whole file is in the bundle
    assert after - before < 40, f"peak RSS grew by {after - before:.0f} MB"
