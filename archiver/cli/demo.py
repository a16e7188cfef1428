"""`archiver demo OUT`: write the built-in synthetic demo school as a register export."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.cli import main_group
from archiver.demo import SIZES, build_demo
from archiver.demo.write import SUFFIXES
from archiver.i18n import _
from archiver.sources.write import FORMATS


def infer_format(out: Path) -> str:
    """The container a file name asks for (.zip, .xlsx, .sqlite/.db), else a folder."""
    suffix = out.suffix.lower()
    return next((fmt for fmt, endings in SUFFIXES.items() if suffix in endings), "folder")


@main_group.command(
    "demo",
    epilog="Example: archiver demo demo-szkola.zip --size school --seed 7",
)
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--size", type=click.Choice(list(SIZES)), default="small", show_default=True,
              help="How big a school: small = 2 classes of about 12 students over 4 weeks "
                   "(quick), school = 16 classes of about 25 over the whole year, "
                   "large = 32 classes of about 28 over the whole year.")
@click.option("--seed", type=int, default=2026, show_default=True,
              help="Random seed; the same size and seed always give byte-identical output.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Container to write: a folder of CSV files, or one .zip, .xlsx or "
                   ".sqlite file. Default: taken from OUT's ending, else folder.")
def demo_command(out: Path, size: str, seed: int, fmt: str | None) -> None:
    """Write a synthetic demo school year (2025/2026) as a register export.

    OUT is a new or empty folder, or a file ending with .zip, .xlsx or .sqlite that
    matches --format. An existing non-empty OUT is never overwritten. All people are
    invented; only counts are printed.
    """
    result = build_demo(out, size=size, seed=seed, fmt=fmt or infer_format(out))
    click.echo(_("Wrote the {size} demo school (seed {seed}) to {path}: {classes} "
                 "classes, {students} students, {lessons} lessons, {messages} messages.").format(
                   size=size, seed=seed, path=result.path, classes=result.classes,
                   students=result.students, lessons=result.lessons,
                   messages=result.messages))
