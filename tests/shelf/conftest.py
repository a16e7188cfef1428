"""A shelf of real demo bundles on three folders standing for media.

Four bundles are made once per test session from the small demo (term-end is the slow
part): term 1 and term 2 (category B5, kept five years), and two of the whole year
kept 0 years, so their retention ends on 31.12.2026: one of category B5 (to be listed
for destruction once that date has passed) and one of category A (never listed).
Each test lays copies of them onto its own media:

    m1: every bundle               m2: term 1 (damaged), year-B5, year-A
    m3: term 1 (renamed), year-B5  term 2 lies on m1 only (a single copy)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.config import parse_config
from archiver.demo import write_demo
from archiver.jobs.term_end import TermEndRequest, run_term_end
from archiver.load import load

PASSWORD = "shelf-test-password-7f3k-q9zm-x2wr-p4tn"
DAMAGED_AT = 300_000  # a byte inside the first register's PDF


@dataclass(frozen=True)
class Made:
    """The bundles of the session: bundle file path by role."""

    term1: Path
    term2: Path
    ended: Path  # year, B5, retention until 31.12.2026
    category_a: Path  # year, A, retention until 31.12.2026
    password_file: Path
    names: frozenset[str]  # every pupil's, guardian's and staff member's name

    def ids(self) -> dict[str, str]:
        return {role: getattr(self, role).name.removesuffix(".zip")
                for role in ("term1", "term2", "ended", "category_a")}


def _term_end(source: Path, term: str, out: Path, password_file: Path, state: Path,
              archive: dict[str, object] | None = None) -> Path:
    config = parse_config({"archive": archive} if archive else {})
    request = TermEndRequest(source=source, term=term, out_dir=out, operator="sekretariat",
                             password_file=password_file, state_dir=state)
    return run_term_end(request, config).pack.bundle.path


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    root = tmp_path_factory.mktemp("shelf-bundles")
    source = write_demo(root / "eksport.zip", "small", 2026, "zip")
    password_file = root / "haslo.txt"
    password_file.write_text(PASSWORD + "\n")
    state = root / "state"
    bundles = [
        _term_end(source, "1", root / "a", password_file, state),
        _term_end(source, "2", root / "b", password_file, state),
        _term_end(source, "year", root / "c", password_file, state, {"retention_years": 0}),
        _term_end(source, "year", root / "d", password_file, state,
                  {"retention_years": 0, "category": "A"}),
    ]
    names = frozenset(load(source).personal_name_tokens())
    return Made(*bundles, password_file=password_file, names=names)


@dataclass(frozen=True)
class Shelf:
    made: Made
    media: tuple[Path, Path, Path]
    state: Path

    def copy(self, bundle: Path, medium: int, name: str | None = None) -> Path:
        target = self.media[medium] / (name or bundle.name)
        shutil.copyfile(bundle, target)
        sidecar = bundle.with_name(bundle.name + ".sha256")
        shutil.copyfile(sidecar, self.media[medium] / sidecar.name)
        return target


def damage(path: Path, offset: int = DAMAGED_AT) -> None:
    """Flip one byte in place, as a failing medium would."""
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


@pytest.fixture
def shelf(made: Made, tmp_path: Path) -> Shelf:
    media = tuple(tmp_path / f"m{n}" for n in (1, 2, 3))
    for medium in media:
        medium.mkdir()
    laid = Shelf(made, media, tmp_path / "state")  # type: ignore[arg-type]
    for bundle in (made.term1, made.term2, made.ended, made.category_a):
        laid.copy(bundle, 0)
    damage(laid.copy(made.term1, 1))
    laid.copy(made.term1, 2, "kopia-zapasowa.zip")
    laid.copy(made.ended, 1)
    laid.copy(made.ended, 2)
    laid.copy(made.category_a, 1)
    return laid
