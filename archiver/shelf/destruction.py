"""shelf destruction-list and shelf destroy: the end of a bundle's life, on the record.

The list (a PDF for the state archive) holds the bundles whose retention ended before
the given day, never one of category A, and is kept in the shelf index under its number.
`destroy` removes, from the media it is given, only the files that are copies of a
bundle on that list (recognised by their bag, whatever their file name), and only with
the state archive's consent reference; it re-checks every bundle's category and
retention end first, writes the destruction protocol and records every removed file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archiver.audit import AuditLog, record
from archiver.config import Config
from archiver.errors import InputError, RefusedError, UsageError
from archiver.files import fsync_dir, storage_error, write_whole
from archiver.i18n import N_, _
from archiver.render import RunContext, render_pdf
from archiver.shelf.find import find_bundles
from archiver.shelf.index import BundleRecord, ShelfIndex, index_path, locked_index
from archiver.shelf.report import page_header, report_day
from archiver.shelf.scan import _now
from archiver.views.shelf_destruction import (
    LIST_TITLE,
    PROTOCOL_TITLE,
    DestructionDocument,
    destruction_document,
    is_archival,
    listable,
    unknown,
)
from archiver.views.shelf_report import local


@dataclass
class ListResult:
    number: str
    path: Path
    bundles: list[str]
    unknown: list[str]  # bundles left out: category or retention end not known


@dataclass
class DestroyResult:
    number: str
    protocol: Path
    removed: list[str] = field(default_factory=list)  # files removed
    kept: list[str] = field(default_factory=list)  # copies left on media not named


def _pdf(document: DestructionDocument, title: str, schools: tuple[str, ...],
         run_ctx: RunContext, config: Config, data_as_of: str) -> bytes:
    header = page_header(title, schools, f"spis nr {document.number}", data_as_of,
                         run_ctx, config)
    pdf, _pages = render_pdf("shelf-destruction", {"header": header, "doc": document}, run_ctx,
                             title=title)
    return pdf


def _schools(bundles: list[BundleRecord]) -> tuple[str, ...]:
    return tuple(sorted({b.school or b.school_id for b in bundles if b.school or b.school_id}))


def _next_number(index: ShelfIndex, year: int) -> str:
    used = [n for n in index.lists if n.endswith(f"/{year}")]
    return f"{len(used) + 1}/{year}"


def _pdf_out(out: Path) -> Path:
    if out.suffix.lower() != ".pdf":
        raise UsageError(_("--out {path}: the document is written as .pdf").format(path=out))
    if out.exists():
        raise RefusedError(_("{path} already exists; it is never overwritten").format(
            path=out), hint=_("choose another --out file"))
    return out


def make_destruction_list(config: Config, *, until: date | None, out: Path, operator: str,
                          state_dir: Path | None = None) -> ListResult:
    """List the bundles whose retention ended before `until` (default: today)."""
    run_ctx = RunContext.create(operator)
    today = report_day(run_ctx)
    until = until or today
    if until > today:
        raise UsageError(_("--until {day}: a destruction list holds only retention periods "
                           "that have ended; give a day up to today").format(day=until))
    out = _pdf_out(out)
    log = AuditLog.for_config(config, state_dir)
    with record(log, "shelf-destruction-list", operator=operator) as rec:
        with locked_index(config.state_dir(state_dir)) as index:
            chosen = [b for b in index.bundles.values() if listable(b, until)]
            number = _next_number(index, today.year)
            document = destruction_document(chosen, number=number, made_on=today, until=until,
                                            school=_school_line(chosen, config))
            pdf = _pdf(document, LIST_TITLE, _schools(chosen), run_ctx, config,
                       _data_as_of(index))
            write_whole(out, pdf, what=N_("the destruction list"))
            ids = sorted(b.bundle_id for b in chosen)
            index.lists[number] = {"made_at": _now(), "until": until.isoformat(), "bundles": ids,
                                   "sha256": rec.add_output_bytes(out.name, pdf, path=out,
                                                                  kind="destruction-list")["sha256"]}
            rec.scope.update(bundles=ids, shelf={"list": number, "until": until.isoformat()})
            result = ListResult(number, out, ids, unknown(index.bundles.values()))
        rec.add_output(index_path(config.state_dir(state_dir)), kind="shelf-index")
    return result


def _school_line(bundles: list[BundleRecord], config: Config) -> str:
    schools = _schools(bundles)
    return config.school.name or ", ".join(schools) or "—"


def _data_as_of(index: ShelfIndex) -> str:
    return local(index.updated_at)


def _list(index: ShelfIndex, number: str | None) -> tuple[str, dict[str, Any]]:
    if not index.lists:
        raise InputError(_("no destruction list was made yet"),
                         hint=_("make one with `archiver shelf destruction-list` and obtain "
                                "the state archive's consent to it first"))
    number = number or max(index.lists, key=lambda n: index.lists[n]["made_at"])
    if number not in index.lists:
        raise InputError(_("there is no destruction list {number}").format(number=number))
    listed = index.lists[number]
    if listed.get("destroyed"):
        raise RefusedError(_("the bundles of list {number} were destroyed already").format(
            number=number))
    return number, listed


def _check_still_ended(bundles: list[BundleRecord], today: date) -> None:
    for bundle in bundles:
        if is_archival(bundle.category):
            raise RefusedError(_("{bundle} is of category A and is never destroyed").format(
                bundle=bundle.bundle_id))
        if not bundle.retention_until or date.fromisoformat(bundle.retention_until) >= today:
            raise RefusedError(_("the retention of {bundle} has not ended").format(
                bundle=bundle.bundle_id))


def _remove(path: Path) -> None:
    try:
        path.unlink()
        fsync_dir(path.parent)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise storage_error(exc, _("remove a destroyed bundle"), path.parent) from None


def destroy_listed(config: Config, *, media: list[Path], consent: str | None,
                   out: Path, operator: str, number: str | None = None,
                   state_dir: Path | None = None) -> DestroyResult:
    """Remove from `media` every copy of the bundles on the list, with the protocol."""
    consent = (consent or "").strip() or None
    run_ctx = RunContext.create(operator)
    today = report_day(run_ctx)
    media = [Path(m).expanduser().resolve() for m in media]
    log = AuditLog.for_config(config, state_dir)
    with record(log, "shelf-destroy", operator=operator, case_ref=consent,
                scope={"media": [str(m) for m in media]}) as rec:
        if consent is None:
            raise RefusedError(_("nothing is destroyed without the state archive's consent"),
                               hint=_("give its reference with --consent REF (e.g. the "
                                      "number of its letter)"))
        if not media:
            raise UsageError(_("name the media (folders) to destroy the bundles on"))
        for medium in media:
            if not medium.is_dir():
                raise UsageError(_("{medium} is not a folder").format(medium=medium))
        out = _pdf_out(out)
        with locked_index(config.state_dir(state_dir)) as index:
            number, listed = _list(index, number)
            bundles = [index.require(b) for b in listed["bundles"]]
            _check_still_ended(bundles, today)
            rec.scope.update(bundles=list(listed["bundles"]), shelf={"list": number})
            result = DestroyResult(number, out)
            wanted = set(listed["bundles"])
            for medium in media:
                for found in find_bundles(medium):
                    if found.bundle_id not in wanted:
                        continue
                    for path in (found.path, found.sidecar.path if found.sidecar else None):
                        if path is not None and path.exists():
                            rec.add_output(path, name=str(path), kind="destroyed")
                            _remove(path)
                            result.removed.append(str(path))
            now = _now()
            for bundle in bundles:
                for key, copy in list(bundle.copies.items()):
                    if any(Path(key).is_relative_to(m) for m in media):
                        del bundle.copies[key]
                    elif Path(copy.path).exists():
                        result.kept.append(copy.path)
                if not bundle.copies:
                    bundle.destroyed_at, bundle.destruction_list = now, number
            listed.setdefault("destructions", []).append(
                {"at": now, "consent": consent, "media": [str(m) for m in media],
                 "removed": len(result.removed)})
            listed["destroyed"] = all(b.destroyed_at for b in bundles)
            document = destruction_document(
                bundles, number=number, made_on=today,
                until=date.fromisoformat(listed["until"]), school=_school_line(bundles, config),
                consent=consent, destroyed=result.removed, kept=result.kept)
            pdf = _pdf(document, PROTOCOL_TITLE, _schools(bundles), run_ctx, config,
                       _data_as_of(index))
            write_whole(out, pdf, what=N_("the destruction protocol"))
            rec.add_output_bytes(out.name, pdf, kind="destruction-protocol", path=out)
        rec.add_output(index_path(config.state_dir(state_dir)), kind="shelf-index")
    return result
