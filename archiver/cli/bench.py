"""`archiver bench`: the speed and memory figures of issues 6 and 18 on a demo school."""

from __future__ import annotations

import click

from archiver.bench import format_report, run_bench
from archiver.cli import main_group
from archiver.demo import SIZES


@main_group.command(
    "bench",
    epilog="Example: archiver bench --size large --jobs 2",
)
@click.option("--size", type=click.Choice(list(SIZES)), default="school", show_default=True,
              help="Demo school to measure on: small (2 classes, 4 weeks; a quick check), "
              "school (16 classes, a year) or large (32 classes, a year; the issue's goals).")
@click.option("--jobs", "-j", type=click.IntRange(min=1, max=256), default=2,
              show_default=True, metavar="N",
              help="Worker processes for term-end (the goals are set for 2).")
def bench_command(size: str, jobs: int) -> None:
    """Measure rendering speed and memory on a synthetic demo school.

    Writes the demo export to a temporary folder, then, in one run on the same data:
    lays out the attendance grid of real weeks in our layout and as a naive table with
    one cell per mark; lays out the pages of each kind's first document as plain text
    (the ceiling); runs term-end of the whole year on N processes (every part of every
    document measured where it ran: CPU, peak RSS, pages; the CPU of every process
    counted); runs it again with nothing changed (the encrypted render cache answers);
    and times hashing, encryption and packing of the bundle's payload. Prints the
    figures and each goal of issues 6 and 18 as met or not. Everything it writes is
    removed at the end; the demo data is invented. Timings depend on what else the
    machine is doing: the load average is printed with them.
    """
    report = run_bench(size, jobs, say=lambda line: click.echo(line, err=True))
    for line in format_report(report):
        click.echo(line)
