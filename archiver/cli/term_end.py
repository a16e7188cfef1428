"""`archiver term-end`: archive a whole school's term or year in one encrypted bundle;
with several exports, one bundle per school, rendered locally or on a Dask cluster."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click

from archiver.cli import (
    default_operator,
    get_context,
    main_group,
)
from archiver.cli.options import delivery_options, run_options
from archiver.cli.output import check_out_folder, free_space, seconds, size
from archiver.cli.progress import Reporter
from archiver.cli.sign import signer_from_options
from archiver.demo import write_demo
from archiver.errors import UsageError
from archiver.executor import Executor
from archiver.i18n import _, ngettext
from archiver.jobs.term_end import TermEndRequest, TermEndResult, run_term_end
from archiver.jobs.term_end_many import (
    ManyRequest,
    ManyResult,
    raise_for_failures,
    run_term_end_many,
)

SCHEDULER_ENV = "ARCHIVER_DASK_SCHEDULER"


def _summary(result: TermEndResult) -> list[str]:
    """What a secretary reads at the end: where each file went, verified, and what next.
    The password is never among it: it is on the slip only."""
    pack = result.pack
    rendering = result.rendering
    lines = [
        _("Documents: {count} ({rendered} rendered, {cached} from the cache), pages: "
          "{pages}, time: {time}").format(
            count=len(pack.documents), rendered=rendering.rendered, cached=rendering.cached,
            pages=pack.total_pages, time=seconds(result.seconds)),
        _("Bundle:    {path}  ({size}, verified)").format(path=pack.bundle.path,
                                                         size=size(pack.bundle.size)),
        _("Checksum:  {path}").format(path=pack.bundle.sidecar_path),
        _("SHA-256:   {digest}").format(digest=pack.bundle.sha256),
        _("Protocol:  {path}  (print, sign, keep with the medium)").format(
            path=pack.protocol_path),
    ]
    lines += [_("Copy:      {path}  (verified)").format(path=copy) for copy in result.copies]
    for folder in dict.fromkeys([pack.bundle.path.parent,
                                 *(Path(c).parent for c in result.copies)]):
        free = free_space(folder)
        if free:
            lines.append(_("Medium:    {folder}  ({free})").format(folder=folder, free=free))
    if result.slip_path:
        lines.append(_("Password slip: {path}  (the password is only there: print it, delete "
                       "the file, keep the paper apart from the medium)").format(
                           path=result.slip_path))
    if pack.ignored_sources:
        lines.append(ngettext(
            "archiver: warning: {count} file beside the export's tables was left out of the "
            "bundle (it is no part of the export format)",
            "archiver: warning: {count} files beside the export's tables were left out of the "
            "bundle (they are no part of the export format)",
            pack.ignored_sources).format(count=pack.ignored_sources))
    lines += [_("archiver: warning: the copy in {folder} is on the same disk as the bundle: "
                "it is lost with it; keep a copy on another medium").format(folder=folder)
              for folder in result.same_medium_copies]
    if result.slip_on_same_medium:
        lines.append(_("archiver: warning: the password slip {path} is on the same disk as "
                       "the bundle: print it and delete the file").format(path=result.slip_path))
    return lines


@main_group.command(
    "term-end",
    epilog="\b\nExample: archiver term-end eksport.zip --term 1 --out /media/archiwum \\\n"
    "           --slip-out ~/haslo-sem1.txt --copy-to /media/kopia\n"
    "\b\nMany schools on a Dask cluster (one slip per school in ~/hasla):\n"
    "  archiver term-end szkoly/*.zip --out /srv/archiwum --slip-out ~/hasla \\\n"
    "           --executor dask --scheduler tls://scheduler.cuw.local:8786",
)
@click.argument("sources", metavar="SOURCE...", nargs=-1,
                type=click.Path(exists=True, path_type=Path))
@click.option("--demo", is_flag=True,
              help="Archive the built-in demo school (synthetic data) instead of SOURCE.")
@click.option("--demo-size", type=click.Choice(["small", "school", "large"]), default="small",
              show_default=True, help="Size of the demo school used with --demo.")
@click.option("--term", default="year", show_default=True, metavar="N|year",
              help="Which period to archive: a term number (1, 2) or the whole school year.")
@delivery_options(
    out_help="Folder for the bundle, its .sha256 sidecar and the handover protocol.",
    slip_help="Where to write the printable password slip of a generated password; must not "
    "be the bundle's folder. With several SOURCEs: a folder, which gets one slip per school "
    "named after its bundle (BUNDLE-haslo.txt).",
    slip_type=click.Path(path_type=Path))
@click.option("--copy-to", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Also copy the bundle and sidecar here and verify the copy (repeatable).")
@click.option("--executor", "executor_kind", type=click.Choice(["local", "dask"]),
              default="local", show_default=True,
              help="Where documents are rendered: local processes (--jobs), or the workers "
              "of a Dask cluster (--scheduler). Packing and encryption stay on this machine.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", envvar=SCHEDULER_ENV,
              help=f"Address of the Dask scheduler for --executor dask (or ${SCHEDULER_ENV});"
              " tls://HOST:PORT uses Dask's TLS settings (see docs/dask.md).")
@click.option("--vendor-export", "vendor_exports", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The register vendor's own signed export (repeatable): .xml with an "
              "enveloped XAdES, .xml with a detached .xades/.p7s, or a .zip of such. Kept "
              "byte for byte under data/zrodlo-dziennika/, each signature checked offline "
              "and listed in the protocol; a broken one is refused.")
@click.option("--accept-broken-signature", is_flag=True,
              help="Keep a --vendor-export file whose signature is broken, flagged as such "
              "in the protocol, instead of refusing it.")
@run_options(sign=True, jobs=True, no_cache=True, quiet=True)
def term_end_command(sources: tuple[Path, ...], demo: bool, demo_size: str, term: str,
                     out_dir: Path, create_out: bool, password_file: Path | None,
                     slip_out: Path | None,
                     copy_to: tuple[Path, ...], executor_kind: str, scheduler: str | None,
                     vendor_exports: tuple[Path, ...], accept_broken_signature: bool,
                     sign_with: Path | None, sign_password_file: Path | None,
                     operator: str | None, jobs: int | None, no_cache: bool, quiet: bool,
                     state_dir: str | None) -> None:
    """Archive a school's term or year: every class's register and attendance summary
    and the message transcripts, as PDF/A in one AES-256 encrypted BagIt bundle.

    The bundle is verified before it gets its final name; a protocol of handover
    (protokół przekazania) is written beside it, and a generated password goes only to
    the slip. Every run is recorded in the audit log.

    With several SOURCEs (many schools), every export is validated first; each valid
    school gets its own bundle in --out and its own audit entry, an invalid one is
    reported and skipped, and the exit code is 6 when not all were archived. A given
    password applies to every school; generated ones are one per school.
    """
    if demo == bool(sources):
        raise click.UsageError(_("give either SOURCE(s) or --demo"))
    if len(sources) <= 1 and slip_out is not None and slip_out.is_dir():
        raise click.BadParameter(_("{path} is a folder; give a file name for the slip").format(
            path=slip_out), param_hint="'--slip-out'")
    check_out_folder(out_dir, create_out)
    executor = _open_executor(executor_kind, scheduler)
    try:
        with Reporter(quiet) as report, ExitStack() as stack:
            operator = operator or default_operator()
            signer = signer_from_options(sign_with, sign_password_file)
            if len(sources) > 1 and vendor_exports:
                raise click.UsageError(_("--vendor-export belongs to one school's export; "
                                         "give one SOURCE with it"))
            if len(sources) > 1:
                _run_many(ManyRequest(
                    sources=sources, term=term, out_dir=out_dir, operator=operator,
                    password_file=password_file, slip_dir=slip_out, copy_to=copy_to,
                    jobs=jobs, state_dir=Path(state_dir) if state_dir else None, signer=signer,
                    # On a cluster the next school renders while this machine packs one.
                    schools_at_once=1 if executor is None else 2, use_cache=not no_cache,
                ), executor, report)
                return
            report.step(_("reading and checking the export"))
            source = stack.enter_context(demo_export(demo_size)) if demo else sources[0]
            request = TermEndRequest(
                source=source, term=term, out_dir=out_dir,
                operator=operator, password_file=password_file, slip_out=slip_out,
                copy_to=copy_to, jobs=jobs,
                state_dir=Path(state_dir) if state_dir else None, signer=signer,
                use_cache=not no_cache, on_copy=report.copying,
                vendor_exports=vendor_exports, accept_broken_signature=accept_broken_signature,
            )
            result = run_term_end(request, get_context().config, executor=executor,
                                  progress=report.document, on_loaded=report.loaded)
            report.done()
            report.close()
        for line in _summary(result):
            click.echo(line)
    finally:
        if executor is not None:
            executor.close()


@contextmanager
def demo_export(size: str) -> Iterator[Path]:
    """The built-in demo school written as an export into a temporary folder (removed after)."""
    with tempfile.TemporaryDirectory(prefix="archiver-demo-") as scratch:
        yield write_demo(Path(scratch) / "demo-eksport.zip", size, 2026, "zip")


def _open_executor(kind: str, scheduler: str | None) -> Executor | None:
    """None for local processes (the jobs make their own pool), else a Dask client."""
    source = click.get_current_context().get_parameter_source("scheduler")
    if kind == "local":
        if scheduler and source == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError(_("--scheduler needs --executor dask"))
        return None
    if not scheduler:
        raise UsageError(_("--executor dask needs --scheduler tcp://HOST:PORT (or "
                           "{variable})").format(variable=SCHEDULER_ENV))
    try:
        from archiver.executor.cluster import DaskExecutor
    except ImportError:
        raise UsageError(_("--executor dask needs Dask distributed, which is not installed"),
                         hint=_("pip install 'archiver[cluster]' here and on every worker")
                         ) from None
    executor = DaskExecutor(scheduler)
    if not executor.encrypted:
        click.echo(_("archiver: warning: {scheduler} is plain tcp:// to another machine: "
                     "personal data crosses the network unencrypted; use tls:// "
                     "(docs/dask.md)").format(scheduler=scheduler), err=True)
    return executor


def _run_many(request: ManyRequest, executor: Executor | None, report: Reporter) -> None:
    """Archive every school, print each one's summary and each failure, exit 6 if any."""
    if executor is None:
        from archiver.executor import make_executor

        executor = make_executor(request.jobs)
    result: ManyResult = run_term_end_many(
        request, get_context().config, executor,
        progress=report.document, on_school=report.school)
    report.done()
    report.close()
    for outcome in result.succeeded:
        assert outcome.result is not None
        click.echo(_("School:    {school}  ({source})").format(school=outcome.school_id,
                                                             source=outcome.source.name))
        for line in _summary(outcome.result):
            click.echo(f"  {line}")
    for outcome in result.failed:
        click.echo(_("archiver: skipped: {problem}").format(problem=outcome.problem), err=True)
    click.echo(_("Schools archived: {done} of {total}, time: {time}").format(
        done=len(result.succeeded), total=len(result.outcomes), time=seconds(result.seconds)))
    raise_for_failures(result)
