"""term-end for many schools in one run (a municipality's shared services centre).

Every export is validated before any rendering starts; a school whose export is invalid
is reported in one line (no personal data) and skipped while the others complete. Each
school gets its own bundle in the same folder (bundle names carry the school id) and
its own term-end entry in the audit log. Rendering runs on the executor given (a Dask
cluster, or local processes); packing, hashing and encryption run here, where the
bundles are written, and passwords never leave this process.

Passwords: a given one (--password-file, ARCHIVER_PASSWORD) applies to every school; a
generated one is made per school and printed on its own slip, written into the slip
folder as `<bundle name without .zip>-haslo.txt`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archiver import files
from archiver.audit import AuditLog
from archiver.config import Config
from archiver.errors import (
    ArchiverError,
    ClusterError,
    ExitCode,
    PartialFailure,
    StorageError,
    UsageError,
    ValidationFailed,
)
from archiver.executor import Executor
from archiver.i18n import _
from archiver.jobs.delivery import Delivery
from archiver.jobs.term_end import (
    TermEndRequest,
    TermEndResult,
    archive_recorded,
    bundle_name,
    parse_term,
)
from archiver.load import load
from archiver.model import Dataset
from archiver.passwords import PasswordChoice, check_strength, choose_password, read_password
from archiver.render import Progress, RenderedDocument, RunContext
from archiver.sign.clock import check_can_sign
from archiver.views import Period, resolve_period

SLIP_SUFFIX = "-haslo.txt"

# Called when a school's turn comes: (position from 1, number of schools, school id).
SchoolStarted = Callable[[int, int, str], None]


@dataclass(kw_only=True)
class ManyRequest(Delivery):
    """term-end of several exports into one folder."""

    sources: Sequence[Path]
    term: str  # "1", "2", ... or "year", the same for every school
    slip_dir: Path | None = None  # folder for the slips of generated passwords
    copy_to: Sequence[Path] = ()
    schools_at_once: int = 1  # >1: the next school renders while one is packed
    use_cache: bool = True  # reuse documents rendered before from the same data (encrypted)


@dataclass
class SchoolOutcome:
    """What became of one export: a result, or a one-line problem free of personal data."""

    source: Path
    school_id: str | None = None
    bundle_name: str | None = None
    result: TermEndResult | None = None
    problem: str | None = None
    exit_code: ExitCode = ExitCode.OK

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass
class ManyResult:
    outcomes: list[SchoolOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def succeeded(self) -> list[SchoolOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[SchoolOutcome]:
        return [o for o in self.outcomes if not o.ok]


def problem_line(source: Path, exc: ArchiverError) -> str:
    """One line about a failed export: its file name and what kind of problem, never the
    offending values (a validation error may quote a pupil's data)."""
    if isinstance(exc, ValidationFailed):
        count = len(getattr(exc.report, "errors", ()) or ())
        return _("{name}: invalid export ({count} error(s)); see `archiver validate "
                 "{source}`").format(name=source.name, count=count, source=source)
    first = exc.message.splitlines()[0] if exc.message else type(exc).__name__
    return f"{source.name}: {first}"


def _failed(source: Path, exc: ArchiverError, school_id: str | None = None) -> SchoolOutcome:
    return SchoolOutcome(source, school_id, problem=problem_line(source, exc),
                         exit_code=exc.exit_code)


def _given_password(request: ManyRequest, config: Config) -> PasswordChoice | None:
    """The password for every school, or None when each school gets a generated one."""
    given = read_password(request.password_file)
    if given is not None:
        check_strength(given, config.security.min_password_bits)
        return PasswordChoice(given, False)
    if request.slip_dir is None:
        raise UsageError(
            _("no password given and no --slip-out folder for the generated passwords' "
              "slips"),
            hint=_("use --password-file FILE or ARCHIVER_PASSWORD (one password for "
                   "every school), or --slip-out DIR (outside the bundles' folder): "
                   "one slip per school"))
    slip_dir = Path(request.slip_dir)
    if slip_dir.exists() and not slip_dir.is_dir():
        raise UsageError(_("--slip-out {slip_dir}: with several exports it must be a "
                           "folder (one slip per school is written into it)").format(
                             slip_dir=slip_dir))
    for folder in (request.out_dir, *request.copy_to):
        if slip_dir.resolve() == Path(folder).resolve():
            raise UsageError(_("the slip folder {slip_dir} is the bundles' folder "
                               "{folder}").format(slip_dir=slip_dir, folder=folder),
                             hint=_("a password never travels with the bundle"))
    files.check_slip_folder(slip_dir, (request.out_dir, *request.copy_to), is_folder=True)
    files.ensure_folder(slip_dir)
    return None


def _check_school(source: Path, period: Period, run_ctx: RunContext,
                  slip_dir: Path | None) -> tuple[Dataset, str]:
    """Load and validate one export; its dataset and bundle name (ArchiverError if not)."""
    ds = load(source)
    resolve_period(ds.meta, period)  # a term the school does not have is its own problem
    name = bundle_name(ds, period, run_ctx)
    if slip_dir is not None and (slip_dir / slip_name(name)).exists():
        raise UsageError(_("the password slip {value} already exists; a slip is never "
                           "overwritten").format(value=slip_dir / slip_name(name)))
    return ds, name


def slip_name(bundle: str) -> str:
    """The slip of a bundle's generated password: `<bundle without .zip>-haslo.txt`."""
    return bundle.removesuffix(".zip") + SLIP_SUFFIX


def validate_all(request: ManyRequest, period: Period, run_ctx: RunContext,
                 slip_dir: Path | None) -> list[SchoolOutcome]:
    """Check every export before any work; an outcome per source, failed ones with a
    problem. Datasets are not kept (a hundred schools would not fit in memory).
    `slip_dir`: where generated passwords' slips go (each must not exist yet)."""
    outcomes: list[SchoolOutcome] = []
    seen: dict[tuple[str, str], Path] = {}
    for source in request.sources:
        source = Path(source)
        try:
            ds, name = _check_school(source, period, run_ctx, slip_dir)
        except ArchiverError as exc:
            outcomes.append(_failed(source, exc))
            continue
        key = (ds.meta.school.id, ds.meta.school_year)
        if key in seen:
            outcomes.append(SchoolOutcome(
                source, key[0], problem=_("{name}: the same school and year as {other}; "
                                          "archived once").format(name=source.name,
                                                                  other=seen[key].name),
                exit_code=ExitCode.USAGE))
            continue
        seen[key] = source
        outcomes.append(SchoolOutcome(source, key[0], bundle_name=name))
    return outcomes


def _archive_one(outcome: SchoolOutcome, run: _Run) -> TermEndResult:
    request = run.request
    ds = load(outcome.source)  # read again: validation kept no dataset
    slip = None
    if run.given is None and request.slip_dir is not None and outcome.bundle_name:
        slip = Path(request.slip_dir) / slip_name(outcome.bundle_name)
    school = TermEndRequest(
        source=outcome.source, term=request.term, out_dir=request.out_dir,
        operator=request.operator, slip_out=slip, copy_to=request.copy_to,
        jobs=request.jobs, state_dir=request.state_dir, signer=request.signer,
        use_cache=request.use_cache)
    # ARCHIVER_PASSWORD was read (and removed) once by _given_password: without a given
    # password this generates a new one for this school's slip.
    password = run.given or choose_password(None, slip, request.out_dir, run.config,
                                                   request.copy_to)
    return archive_recorded(ds, run.config, school, run.run_ctx, run.log,
                            progress=run.progress_checked, executor=run.executor,
                            password=password)


@dataclass
class _Run:
    """What every school's archiving shares, and whether the run must stop."""

    request: ManyRequest
    config: Config
    run_ctx: RunContext
    log: AuditLog
    executor: Executor
    given: PasswordChoice | None
    progress: Progress | None
    on_school: SchoolStarted | None
    total: int
    stopped: StorageError | None = None
    interrupted: threading.Event = field(default_factory=threading.Event)

    def progress_checked(self, done: int, total: int, doc: RenderedDocument) -> None:
        # Called for every document: a school running beside an interrupted one stops
        # here (its partial bundle is removed and its audit entry says interrupted).
        if self.interrupted.is_set():
            raise KeyboardInterrupt
        if self.progress:
            self.progress(done, total, doc)

    def archive(self, position: int, outcome: SchoolOutcome) -> None:
        """Archive one school into `outcome`; an ArchiverError becomes its problem."""
        if self.stopped is not None or self.interrupted.is_set():
            outcome.problem = (f"{outcome.source.name}: not archived, the run stopped "
                               "before its turn")
            outcome.exit_code = self.stopped.exit_code if self.stopped else ExitCode.INTERRUPTED
            return
        if self.on_school:
            self.on_school(position, self.total, outcome.school_id or "")
        try:
            outcome.result = _archive_one(outcome, self)
        except ArchiverError as exc:
            failed = _failed(outcome.source, exc, outcome.school_id)
            outcome.problem, outcome.exit_code = failed.problem, failed.exit_code
            if isinstance(exc, StorageError | ClusterError):  # a disk or cluster gone
                self.stopped = exc


def _archive_all(run: _Run, todo: list[SchoolOutcome], at_once: int) -> None:
    """One school after another, or `at_once` schools overlapping (one renders while
    another is packed, so a cluster's workers do not wait for the packing machine)."""
    if at_once <= 1:
        for position, outcome in enumerate(todo, start=1):
            run.archive(position, outcome)
        return
    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="archiver-school") as pool:
        futures = [pool.submit(run.archive, position, outcome)
                   for position, outcome in enumerate(todo, start=1)]
        try:
            for future in futures:
                future.result()  # a bug in one school's thread stops the run here
        except BaseException:
            run.interrupted.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def run_term_end_many(request: ManyRequest, config: Config, executor: Executor, *,
                      progress: Progress | None = None,
                      on_school: SchoolStarted | None = None) -> ManyResult:
    """Validate every export, then archive each valid school in its own bundle.

    Returns every school's outcome; call `raise_for_failures` to turn failures into the
    exit code. A storage error (full or vanished disk) stops the run: the schools not
    yet archived are reported as such.
    """
    started = time.monotonic()
    if not request.sources:
        raise UsageError(_("give at least one export to archive"))
    period = parse_term(request.term)
    run_ctx = RunContext.create(request.operator)
    with files.output_folder(request.out_dir):
        files.check_copy_destinations(request.copy_to, request.out_dir)
        if request.signer:
            check_can_sign(request.signer)
        given = _given_password(request, config)
        log = AuditLog.for_config(config, request.state_dir)
        outcomes = validate_all(request, period, run_ctx,
                                None if given else request.slip_dir)
        todo = [o for o in outcomes if o.bundle_name]
        run = _Run(request, config, run_ctx, log, executor, given, progress, on_school,
                   len(todo))
        _archive_all(run, todo, request.schools_at_once)
    return ManyResult(outcomes, time.monotonic() - started)


def raise_for_failures(result: ManyResult) -> None:
    """PartialFailure (exit 6) when some schools failed and others completed; when none
    completed, an error with their common exit code (else 1)."""
    failed = result.failed
    if not failed:
        return
    total = len(result.outcomes)
    if result.succeeded:
        raise PartialFailure(_("{failed} of {total} exports were not archived (listed "
                               "above); the others were").format(
                                 failed=len(failed), total=total))
    error = ArchiverError(_("none of the {total} exports was archived (listed above)").format(
                              total=total))
    codes = {o.exit_code for o in failed}
    error.exit_code = codes.pop() if len(codes) == 1 else ExitCode.INVALID
    raise error
