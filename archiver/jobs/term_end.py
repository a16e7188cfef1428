"""term-end: every class's register and attendance summary and the period's message
transcripts, packed into one encrypted, verified bundle with its handover protocol."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archiver import files
from archiver.audit import AuditLog, record
from archiver.bundle import copy_verified
from archiver.config import Config
from archiver.errors import UsageError
from archiver.executor import Executor, make_executor
from archiver.files import remove_stale_partials
from archiver.i18n import _
from archiver.jobs.delivery import Delivery
from archiver.jobs.packing import PackResult, base_bag_info, pack_bundle, write_how_to_open
from archiver.model import Dataset
from archiver.passwords import (
    Password,
    PasswordChoice,
    PasswordSlip,
    choose_password,
    write_slip_or_withdraw,
)
from archiver.render import (
    Progress,
    RenderedDocument,
    RenderStats,
    RunContext,
    document_title,
    keep_export,
    load_export,
    open_render_cache,
    page_header,
    period_text,
    plan_documents,
    render_documents,
    safe_part,
    start_layout_workers,
)
from archiver.sign.clock import check_can_sign
from archiver.sign.vendor import read_vendor_exports, refuse_broken
from archiver.views import KINDS, Period, make_scope, resolve_period
from archiver.views.handover import (
    local_time,
    media_rows,
    same_medium_warnings,
    term_end_protocol,
)


@dataclass(kw_only=True)
class TermEndRequest(Delivery):
    """What the secretariat asked for."""

    source: Path | None
    term: str  # "1", "2", ... or "year"
    slip_out: Path | None = None
    copy_to: Sequence[Path] = ()
    use_cache: bool = True  # reuse documents rendered before from the same data (encrypted)
    on_copy: Callable[[Path], None] | None = None  # told before each --copy-to copy starts
    vendor_exports: Sequence[Path] = ()  # the vendor's signed XML, kept byte for byte
    accept_broken_signature: bool = False  # keep a vendor file whose signature is broken


@dataclass
class TermEndResult:
    pack: PackResult
    slip_path: Path | None
    copies: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    generated_password: Password | None = None  # only in memory, for the terminal
    rendering: RenderStats = field(default_factory=RenderStats)  # rendered / from the cache
    same_medium_copies: list[Path] = field(default_factory=list)  # on the bundle's disk
    slip_on_same_medium: bool = False  # the slip's folder is on the bundle's disk


def parse_term(value: str) -> Period:
    """`1`, `2` ... or `year` (also `rok`)."""
    text = value.strip().lower()
    if text in ("year", "rok"):
        return Period()
    if text.isdigit():
        return Period(term=int(text))
    raise UsageError(_("--term {value!r}: expected a term number (1, 2) or 'year'").format(
                         value=value))


def bundle_name(ds: Dataset, period: Period, run_ctx: RunContext) -> str:
    """`SCHOOLID_2025-2026_sem1_20260627T153000Z.zip`: school, year, period, run time."""
    which = f"sem{period.term}" if period.term is not None else "rok"
    year = ds.meta.school_year.replace("/", "-")
    stamp = run_ctx.printed_at.strftime("%Y%m%dT%H%M%SZ")
    return f"{safe_part(ds.meta.school.id, 'szkola')}_{safe_part(year, 'rok')}_{which}_{stamp}.zip"


def archive_term(ds: Dataset, config: Config, request: TermEndRequest, run_ctx: RunContext,
                 *, progress: Progress | None = None, executor: Executor | None = None,
                 password: PasswordChoice | None = None) -> TermEndResult:
    """Render, pack, verify and publish one school's bundle; write the slip and copies.

    `executor` (default: local processes) renders; `password` chosen by the caller (a
    multi-school run) replaces reading --password-file / ARCHIVER_PASSWORD here."""
    started = time.monotonic()
    out_dir = files.ensure_folder(request.out_dir)
    remove_stale_partials(out_dir)
    files.check_copy_destinations(request.copy_to, request.out_dir)
    if request.signer:
        check_can_sign(request.signer, ds.meta.exported_at)
    vendor_files = read_vendor_exports(list(request.vendor_exports))
    refuse_broken(vendor_files, request.accept_broken_signature)
    period = parse_term(request.term)
    resolve_period(ds.meta, period)  # a term the export lacks stops here, before any output
    choice = password or choose_password(request.password_file, request.slip_out,
                                                out_dir, config, request.copy_to)
    specs = plan_documents(ds, KINDS, None, None, period)
    period_label = period_text(ds, specs[0].scope) if specs else ""
    name = bundle_name(ds, period, run_ctx)
    same_copies = files.same_medium(out_dir, request.copy_to)
    slip_same = bool(choice.generated and request.slip_out and files.same_medium(
        out_dir, [Path(request.slip_out).parent]))
    description = term_end_protocol(ds, config, run_ctx, period_label, period.term,
                                    extra=same_medium_warnings(same_copies, slip_same))
    header = page_header(ds, config, description.heading, period_label, run_ctx)
    bag_info = base_bag_info(
        ds, config, run_ctx, name.removesuffix(".zip"),
        "Dokumentacja przebiegu nauczania z dziennika elektronicznego: "
        + period_text(ds, make_scope(ds.meta, None, period)))
    bag_info["Term"] = str(period.term) if period.term is not None else "year"

    class_names = dict(zip(ds.classes["class_id"], ds.classes["name"], strict=True))

    def title_of(doc: RenderedDocument) -> str:
        return document_title(doc.spec, str(class_names.get(doc.spec.class_id, "")))

    cache = open_render_cache(config, request.state_dir) if request.use_cache else None
    rendering = RenderStats()
    documents = render_documents(specs, ds, config, run_ctx, jobs=request.jobs,
                                 executor=executor, progress=progress, cache=cache,
                                 stats=rendering)
    pack = pack_bundle(
        bundle_path=out_dir / name, password=choice.password, bag_info=bag_info,
        description=description, header=header, documents=documents, title_of=title_of,
        source=ds.source, forbidden_name_tokens=ds.personal_name_tokens(),
        run_ctx=run_ctx, signer=request.signer, exported_at=ds.meta.exported_at,
        vendor_files=vendor_files,
        media=lambda size: _media_rows(out_dir, request, choice.generated, size),
    )
    keep_export(cache, ds)  # with its slices' digests, for the next run
    slip_path = None
    if choice.generated:
        slip = PasswordSlip(pack.bundle.path.name, pack.bundle.sha256, choice.password,
                            local_time(ds, run_ctx), run_ctx.operator_label)
        made = [pack.bundle.path, pack.bundle.sidecar_path, pack.protocol_path]
        slip_path = write_slip_or_withdraw(slip, request.slip_out, out_dir, made)
    copies = []
    for dest in request.copy_to:
        if request.on_copy:
            request.on_copy(Path(dest))
        copies.append(copy_verified(pack.bundle.path, Path(dest)))
    return TermEndResult(pack, slip_path, copies, time.monotonic() - started,
                         choice.password if choice.generated else None, rendering,
                         same_copies, slip_same)


def _media_rows(out_dir: Path, request: TermEndRequest, slip: bool,
                bundle_size: int | None) -> tuple[tuple[str, str], ...]:
    """The protocol's media rows; with the bundle's size, each medium's free space once
    the bundle (already in `out_dir`) and its copies are written."""
    out_dir = Path(out_dir).resolve()  # the protocol names the medium, not a relative name
    copies = [Path(c).resolve() for c in request.copy_to]
    slip_folder = Path(request.slip_out).resolve().parent if slip and request.slip_out else None
    if bundle_size is None:
        return media_rows(out_dir, copies, slip_folder)
    free: dict[Path, int] = {}
    for folder in [out_dir, *copies]:
        try:
            usage = shutil.disk_usage(folder)
        except OSError:
            continue  # not told: the row names the folder only
        free[folder] = max(0, usage.free - (0 if folder == out_dir else bundle_size))
    return media_rows(out_dir, copies, slip_folder, free)


def run_term_end(request: TermEndRequest, config: Config, *,
                 progress: Progress | None = None,
                 on_loaded: Callable[[Dataset], None] | None = None,
                 executor: Executor | None = None) -> TermEndResult:
    """The whole term-end job, recorded in the audit log (rendered on `executor`, default
    local processes)."""
    run_ctx = RunContext.create(request.operator)
    if request.source is None:
        raise UsageError(_("give the export to archive (SOURCE) or --demo"))
    cache = open_render_cache(config, request.state_dir) if request.use_cache else None
    own = executor is None
    if executor is None:
        executor = make_executor(request.jobs)
    try:
        # An unchanged export comes from the cache (and so, most likely, every document);
        # a new one is read while the workers start.
        ds = load_export(Path(request.source), cache,
                         on_read=(lambda: start_layout_workers(executor)) if own else None)
        if on_loaded:
            on_loaded(ds)
        log = AuditLog.for_config(config, request.state_dir)
        with files.output_folder(request.out_dir):
            return archive_recorded(ds, config, request, run_ctx, log, progress=progress,
                                    executor=executor)
    finally:
        if own:
            executor.close()


def archive_recorded(ds: Dataset, config: Config, request: TermEndRequest,
                     run_ctx: RunContext, log: AuditLog, *, progress: Progress | None = None,
                     executor: Executor | None = None,
                     password: PasswordChoice | None = None) -> TermEndResult:
    """archive_term() inside its own term-end entry of the audit log."""
    scope = {"school_id": ds.meta.school.id, "school_year": ds.meta.school_year,
             "term": request.term, "documents": list(KINDS),
             "config_fingerprint": config.fingerprint()}
    if request.signer:
        scope["signed_by"] = request.signer.common_name
    with record(log, "term-end", operator=request.operator, scope=scope) as rec:
        result = archive_term(ds, config, request, run_ctx, progress=progress,
                              executor=executor, password=password)
        rec.add_output(result.pack.bundle.path, kind="bundle")
        rec.add_output(result.pack.protocol_path, kind="protocol")
        for copy in result.copies:
            rec.add_output(copy, kind="copy")
        write_how_to_open(rec, result.pack.bundle.path.name,
                                 [result.pack.bundle.path.parent,
                                  *(Path(c).parent for c in result.copies)])
    return result
