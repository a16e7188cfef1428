"""`archiver validate SOURCE`: read an export and list every problem, grouped by table."""

from __future__ import annotations

import json
from collections import defaultdict

import click

from archiver import i18n
from archiver.cli import main_group
from archiver.errors import ExitCode, InputError
from archiver.i18n import _, ngettext
from archiver.load import read_and_validate
from archiver.schema import Problem, Report
from archiver.schema.tables import TABLES

DEFAULT_LIMIT = 20


@main_group.command(
    "validate",
    epilog="Example: archiver validate eksport-2025-2026.zip",
)
@click.argument("source", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True,
              help="Print the full report as JSON (every problem, no limit) on standard output.")
@click.option("--limit", type=click.IntRange(min=0), default=DEFAULT_LIMIT, show_default=True,
              metavar="N",
              help="Print at most N problems per table and rule, then a count of the rest "
                   "(0 = print all).")
def validate_command(source: str, as_json: bool, limit: int) -> None:
    """Check a register export against the format and list every problem.

    SOURCE is an export folder, a .zip of one, an .xlsx workbook or a SQLite
    database (.sqlite, .db). Errors and warnings are grouped by table with their
    counts. Exit status: 0 valid (warnings allowed), 1 invalid or unreadable,
    2 wrong options.
    """
    try:
        _, report = read_and_validate(source)
    except InputError as exc:
        if as_json:
            click.echo(json.dumps({"source": source, "readable": False, "valid": False,
                                   "error": exc.message}, ensure_ascii=False, indent=2))
        raise
    if as_json:
        payload = {"source": source, "readable": True, **report.to_dict()}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(render_report(source, report, limit))
    if not report.ok:
        click.get_current_context().exit(ExitCode.INVALID)


def _table_order(table: str) -> tuple[int, str]:
    names = ["export", *TABLES]
    return (names.index(table) if table in names else len(names), table)


def render_report(source: str, report: Report, limit: int) -> str:
    """The human-readable report: a verdict, then problems grouped by table and rule."""
    verdict = _("VALID") if report.ok else _("INVALID")
    kind = f" ({report.container})" if report.container else ""
    lines = [_("{source}{container}: {verdict}, {errors}, {warnings}").format(
        source=source, container=kind, verdict=verdict, errors=_errors(len(report.errors)),
        warnings=_warnings(len(report.warnings)))]
    grouped: dict[str, dict[str, list[Problem]]] = defaultdict(lambda: defaultdict(list))
    for kind_name, problems in (("error", report.errors), ("warning", report.warnings)):
        for problem in problems:
            grouped[problem.table][f"{kind_name}|{problem.rule}"].append(problem)
    counts = report.counts()
    for table in sorted(grouped, key=_table_order):
        c = counts[table]
        lines += ["", _("{table}: {errors} error(s), {warnings} warning(s)").format(
            table=table, errors=c["errors"], warnings=c["warnings"])]
        for key, problems in grouped[table].items():
            kind_name, rule = key.split("|", 1)
            label = _("error") if kind_name == "error" else _("warning")
            lines.append(f"  {label} [{rule}] ×{len(problems)}")
            shown = problems if limit == 0 else problems[:limit]
            lines += [f"    {i18n.shown(p.message)}" for p in shown]
            if len(problems) > len(shown):
                lines.append("    " + _("... and {count} more (--limit 0 or --json prints all)")
                             .format(count=len(problems) - len(shown)))
    return "\n".join(lines)


def _errors(n: int) -> str:
    return ngettext("{count} error", "{count} errors", n).format(count=n)


def _warnings(n: int) -> str:
    return ngettext("{count} warning", "{count} warnings", n).format(count=n)
