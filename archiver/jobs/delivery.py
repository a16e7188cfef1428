"""What every bundle-making request shares: where the bundle goes, who hands it over, how
it is locked, signed and rendered (term-end, its many-school run and disclose).

The slip differs: one bundle's slip is a file (`slip_out`), a many-school run's slips go
into a folder (`slip_dir`); and only term-end makes verified copies (`copy_to`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.sign import Signer


@dataclass(kw_only=True)
class Delivery:
    """The delivery part of a request (given by keyword)."""

    out_dir: Path  # the bundle, its sidecar, the printed protocol
    operator: str  # who runs it: printed on the protocol, recorded in the audit log
    password_file: Path | None = None  # else ARCHIVER_PASSWORD, else one generated for the slip
    jobs: int | None = None  # render processes (default: the CPU cores)
    state_dir: Path | None = None  # audit log and render cache (default: statedir's choice)
    signer: Signer | None = None  # --sign-with: PAdES on every PDF, CAdES on the manifest
