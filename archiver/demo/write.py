"""Write the demo school to disk in any of the export containers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.demo.generate import generate
from archiver.demo.profile import get_profile
from archiver.errors import RefusedError, StorageError, UsageError
from archiver.i18n import _
from archiver.sources.write import FORMATS, write_export

# The file name endings each container must have (a folder must have none of them).
SUFFIXES = {"zip": (".zip",), "xlsx": (".xlsx",), "sqlite": (".sqlite", ".db")}


@dataclass(frozen=True)
class DemoResult:
    """Where the demo was written and how much it holds (counts only: no names)."""

    path: Path
    classes: int
    students: int
    lessons: int
    messages: int


def check_target(out: Path, fmt: str) -> None:
    """UsageError when the name does not fit the format; RefusedError when `out` holds data."""
    if fmt not in FORMATS:
        raise UsageError(_("unknown format {fmt!r}; choose one of: {FORMATS}").format(
                             fmt=fmt, FORMATS=', '.join(FORMATS)))
    suffix = out.suffix.lower()
    if fmt == "folder":
        for other, endings in SUFFIXES.items():
            if suffix in endings:
                raise UsageError(_("{out} ends with {suffix} but the format is folder").format(
                                     out=out, suffix=suffix),
                                 hint=_("use --format {other}, or a name without "
                                        "{suffix}").format(other=other, suffix=suffix))
    elif suffix not in SUFFIXES[fmt]:
        raise UsageError(_("the {fmt} format needs a file name ending with {suffixes}, "
                           "not {name!r}").format(
                             fmt=fmt, suffixes=_(' or ').join(SUFFIXES[fmt]), name=out.name))
    if (out.is_dir() and any(out.iterdir())) or (out.is_file() and out.stat().st_size > 0):
        raise RefusedError(_("{out} already exists and is not empty; nothing was "
                             "written").format(out=out),
                           hint=_("choose a new name or remove it first"))
    if (fmt != "folder" and out.is_dir()) or (fmt == "folder" and out.is_file()):
        raise RefusedError((_("{out} already exists as a folder") if out.is_dir()
                            else _("{out} already exists as a file")).format(out=out))


def build_demo(out: str | Path, size: str = "small", seed: int = 2026,
               fmt: str = "folder") -> DemoResult:
    """Generate the demo school and write it to `out`; what was written, as counts."""
    out = Path(out)
    get_profile(size)  # an unknown size is a usage error before any work
    check_target(out, fmt)
    tables, export = generate(size, seed)
    if fmt == "folder" and out.is_dir():
        out.rmdir()  # an empty folder we were asked to fill: the writer creates it anew
    try:
        path = write_export(tables, export, out, fmt)
    except OSError as exc:
        raise StorageError(_("cannot write the demo to {out}: {value}").format(
                               out=out, value=exc.strerror or exc)) from None
    return DemoResult(path, len(tables["classes"]), tables["students"]["student_id"].nunique(),
                      len(tables["lessons"]), len(tables["messages"]))


def write_demo(out: str | Path, size: str = "small", seed: int = 2026,
               fmt: str = "folder") -> Path:
    """Write the demo school of a size and seed to `out` in a container; return the path."""
    return build_demo(out, size, seed, fmt).path
