"""`archiver list SOURCE classes|students|staff`: what can be chosen with --class,
--student and --approved-by. Names are printed to the terminal only; nothing is logged."""

from __future__ import annotations

from collections import Counter

import click

from archiver.cli import main_group
from archiver.i18n import _
from archiver.load import load
from archiver.people import ROLE_NAMES, staff_candidates, student_candidates
from archiver.render import class_ids_by_name
from archiver.views.polish import list_name, polish_key

WHAT = ("classes", "students", "staff")


@main_group.command(
    "list",
    epilog="Example: archiver list eksport.zip students --class 7a",
)
@click.argument("source", type=click.Path(exists=True))
@click.argument("what", type=click.Choice(WHAT))
@click.option("--class", "class_name", metavar="NAME",
              help="With students: only the pupils of this class (as printed, e.g. 7a).")
def list_command(source: str, what: str, class_name: str | None) -> None:
    """Print the classes, pupils or staff of a register export, with their ids.

    SOURCE is an export folder, a .zip of one, an .xlsx workbook or a SQLite database.
    WHAT is classes, students (with class and birth date) or staff (with roles). A pupil
    or a director can then be given by name or by id (--student, --approved-by).
    """
    ds = load(source)  # type: ignore[arg-type]
    if what == "classes":
        lines = _classes(ds)
    elif what == "staff":
        lines = [c.line().strip() for c in staff_candidates(ds)]
    else:
        candidates = student_candidates(ds)
        if class_name:
            class_id = class_ids_by_name(ds, [class_name])[0]
            ids = set(ds.students.loc[ds.students["class_id"] == class_id, "student_id"]
                      .astype(str))
            name = str(ds.classes.loc[ds.classes["class_id"] == class_id, "name"].iloc[0])
            candidates = [c for c in candidates if c.id in ids and name in c.detail]
        lines = [c.line().strip() for c in candidates]
    click.echo("\n".join(lines) if lines else _("(none)"))


def _classes(ds) -> list[str]:
    staff = {str(r.staff_id): list_name(r.first_name, r.last_name) for r in ds.staff.itertuples()}
    counts = Counter(ds.students["class_id"].astype(str))
    rows = sorted(ds.classes.itertuples(), key=lambda r: polish_key(str(r.name)))
    lines = []
    for r in rows:
        homeroom = staff.get(str(getattr(r, "homeroom_teacher_id", "") or ""), "")
        lines.append(_("{name}  (pupils: {count}; {role}: {teacher})  (id {id})").format(
            name=r.name, count=counts.get(str(r.class_id), 0),
            role=ROLE_NAMES["homeroom_teacher"], teacher=homeroom or "-", id=r.class_id))
    return lines
