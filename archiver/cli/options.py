"""The options commands share, declared once: `run_options` (who runs it, where its state
is, how it renders and signs) and `delivery_options` (where a bundle goes, how it is
locked). Each keeps the order the options have in --help."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archiver.cli import (
    config_option,
    jobs_option,
    no_cache_option,
    operator_option,
    state_dir_option,
)
from archiver.cli.output import CREATE_OUT_HELP
from archiver.cli.progress import quiet_option
from archiver.cli.sign import sign_with_options

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

PASSWORD_FILE_HELP = ("File whose first line is the bundle password (or set "
                      "ARCHIVER_PASSWORD). Without either, a strong password is generated "
                      "for the slip.")


def run_options(*, sign: bool = False, operator: bool = True, jobs: bool = False,
                no_cache: bool = False, quiet: bool = False) -> Decorator:
    """[--sign-with ...], [--operator], [--jobs], [--no-cache], [--quiet], --state-dir and
    --config, in this order, for a command that takes them."""
    chosen = [option for option, wanted in (
        (sign_with_options, sign), (operator_option, operator), (jobs_option, jobs),
        (no_cache_option, no_cache), (quiet_option, quiet), (state_dir_option, True),
        (config_option, True)) if wanted]

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(chosen):  # as if written one above the other
            func = option(func)
        return func
    return decorate


def delivery_options(*, out_help: str, slip_help: str, slip_type: click.Path) -> Decorator:
    """--out (required), --create-out, --password-file and --slip-out of a command that
    writes an encrypted bundle."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("--slip-out", type=slip_type, help=slip_help)(func)
        func = click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
                            help=PASSWORD_FILE_HELP)(func)
        func = click.option("--create-out", is_flag=True, help=CREATE_OUT_HELP)(func)
        return click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
                            help=out_help)(func)
    return decorate
