"""`archiver term-end`: archive a whole school's term or year in one encrypted bundle;
with several exports, one bundle per school, rendered locally or on a Dask cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.cli import (
    config_option,
    default_operator,
    get_context,
    jobs_option,
    main_group,
    no_cache_option,
    operator_option,
    progress_printer,
    state_dir_option,
)
from archiver.cli.sign import sign_with_options, signer_from_options
from archiver.errors import UsageError
from archiver.executor import Executor
from archiver.jobs.term_end import TermEndRequest, TermEndResult, run_term_end
from archiver.jobs.term_end_many import (
    ManyRequest,
    ManyResult,
    raise_for_failures,
    run_term_end_many,
)

SCHEDULER_ENV = "ARCHIVER_DASK_SCHEDULER"


def _summary(result: TermEndResult, show_password: bool) -> list[str]:
    pack = result.pack
    rendering = result.rendering
    lines = [
        f"Documents: {len(pack.documents)} ({rendering.rendered} rendered, "
        f"{rendering.cached} from the cache), pages: {pack.total_pages}, "
        f"time: {result.seconds:.1f} s",
        f"Bundle:    {pack.bundle.path}  ({pack.bundle.size:,} bytes, verified)",
        f"Checksum:  {pack.bundle.sidecar_path}",
        f"SHA-256:   {pack.bundle.sha256}",
        f"Protocol:  {pack.protocol_path}  (print, sign, keep with the medium)",
    ]
    lines += [f"Copy:      {copy}  (verified)" for copy in result.copies]
    if result.slip_path:
        lines.append(f"Password slip: {result.slip_path}  (print it, delete the file, "
                     "keep the paper apart from the medium)")
    if show_password and result.generated_password is not None:
        # Shown once, on a terminal only: never into a redirected output or a log file.
        lines.append(f"Password (shown once): {result.generated_password.reveal()}")
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
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the bundle, its .sha256 sidecar and the handover protocol.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              help="File whose first line is the bundle password (or set ARCHIVER_PASSWORD). "
              "Without either, a strong password is generated for the slip.")
@click.option("--slip-out", type=click.Path(path_type=Path),
              help="Where to write the printable password slip of a generated password; "
              "must not be the bundle's folder. With several SOURCEs: a folder, which gets "
              "one slip per school named after its bundle (BUNDLE-haslo.txt).")
@click.option("--copy-to", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Also copy the bundle and sidecar here and verify the copy (repeatable).")
@click.option("--executor", "executor_kind", type=click.Choice(["local", "dask"]),
              default="local", show_default=True,
              help="Where documents are rendered: local processes (--jobs), or the workers "
              "of a Dask cluster (--scheduler). Packing and encryption stay on this machine.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", envvar=SCHEDULER_ENV,
              help=f"Address of the Dask scheduler for --executor dask (or ${SCHEDULER_ENV});"
              " tls://HOST:PORT uses Dask's TLS settings (see docs/dask.md).")
@sign_with_options
@operator_option
@jobs_option
@no_cache_option
@state_dir_option
@config_option
def term_end_command(sources: tuple[Path, ...], demo: bool, demo_size: str, term: str,
                     out_dir: Path, password_file: Path | None, slip_out: Path | None,
                     copy_to: tuple[Path, ...], executor_kind: str, scheduler: str | None,
                     sign_with: Path | None, sign_password_file: Path | None,
                     operator: str | None, jobs: int | None, no_cache: bool,
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
        raise click.UsageError("give either SOURCE(s) or --demo")
    if len(sources) <= 1 and slip_out is not None and slip_out.is_dir():
        raise click.BadParameter(f"{slip_out} is a folder; give a file name for the slip",
                                 param_hint="'--slip-out'")
    executor = _open_executor(executor_kind, scheduler)
    try:
        operator = operator or default_operator()
        signer = signer_from_options(sign_with, sign_password_file)
        if len(sources) > 1:
            _run_many(ManyRequest(
                sources=sources, term=term, out_dir=out_dir, operator=operator,
                password_file=password_file, slip_dir=slip_out, copy_to=copy_to,
                jobs=jobs, state_dir=Path(state_dir) if state_dir else None, signer=signer,
                # On a cluster the next school renders while this machine packs one.
                schools_at_once=1 if executor is None else 2, use_cache=not no_cache,
            ), executor)
            return
        request = TermEndRequest(
            source=sources[0] if sources else None, term=term, out_dir=out_dir,
            operator=operator, password_file=password_file, slip_out=slip_out,
            copy_to=copy_to, demo_size=demo_size if demo else None, jobs=jobs,
            state_dir=Path(state_dir) if state_dir else None, signer=signer,
            use_cache=not no_cache,
        )
        result = run_term_end(request, get_context().config, executor=executor,
                              progress=progress_printer("Rendering documents"))
        for line in _summary(result, sys.stdout.isatty()):
            click.echo(line)
    finally:
        if executor is not None:
            executor.close()


def _open_executor(kind: str, scheduler: str | None) -> Executor | None:
    """None for local processes (the jobs make their own pool), else a Dask client."""
    source = click.get_current_context().get_parameter_source("scheduler")
    if kind == "local":
        if scheduler and source == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("--scheduler needs --executor dask")
        return None
    if not scheduler:
        raise UsageError(f"--executor dask needs --scheduler tcp://HOST:PORT (or "
                         f"{SCHEDULER_ENV})")
    try:
        from archiver.executor_dask import DaskExecutor
    except ImportError:
        raise UsageError("--executor dask needs Dask distributed, which is not installed",
                         hint="pip install 'archiver[cluster]' here and on every worker"
                         ) from None
    executor = DaskExecutor(scheduler)
    if not executor.encrypted:
        click.echo(f"archiver: warning: {scheduler} is plain tcp:// to another machine: "
                   "personal data crosses the network unencrypted; use tls:// "
                   "(docs/dask.md)", err=True)
    return executor


def _school_started(position: int, total: int, school_id: str) -> None:
    if sys.stderr.isatty():
        click.echo(f"School {position}/{total}: {school_id}", err=True)


def _run_many(request: ManyRequest, executor: Executor | None) -> None:
    """Archive every school, print each one's summary and each failure, exit 6 if any."""
    if executor is None:
        from archiver.executor import make_executor

        executor = make_executor(request.jobs)
    result: ManyResult = run_term_end_many(
        request, get_context().config, executor,
        progress=progress_printer("Rendering documents"), on_school=_school_started)
    show_password = sys.stdout.isatty()
    for outcome in result.succeeded:
        assert outcome.result is not None
        click.echo(f"School:    {outcome.school_id}  ({outcome.source.name})")
        for line in _summary(outcome.result, show_password):
            click.echo(f"  {line}")
    for outcome in result.failed:
        click.echo(f"archiver: skipped: {outcome.problem}", err=True)
    click.echo(f"Schools archived: {len(result.succeeded)} of {len(result.outcomes)}, "
               f"time: {result.seconds:.1f} s")
    raise_for_failures(result)
