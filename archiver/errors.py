"""Exit codes and the error classes; imports nothing of the package.

The library raises one of these; the CLI turns any of them into a one-line message
and the exit code carried on the class. Messages never hold personal data or passwords.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of every archiver command."""

    OK = 0
    INVALID = 1  # invalid or unreadable input, or a generic failure
    USAGE = 2  # wrong options (click's own code for usage errors)
    VERIFY_FAILED = 3  # a bundle, signature or audit chain does not verify
    REFUSED = 4  # a policy refusal: weak password, unauthorised disclosure, overwrite
    STORAGE = 5  # the disk is full, read-only or vanished; the Dask cluster lost
    PARTIAL = 6  # a multi-school run where some schools failed
    HANGUP = 129  # SIGHUP (the terminal closed): handled like Ctrl-C
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM (shutdown, kill, a service manager): handled like Ctrl-C


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised in the main thread so the run unwinds as on Ctrl-C:
    workers stopped, partial files removed, the audit entry says interrupted."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class ArchiverError(Exception):
    """Base of every error a user can act on."""

    exit_code: ExitCode = ExitCode.INVALID

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"


class UsageError(ArchiverError):
    """Options that do not fit together or a value out of range."""

    exit_code = ExitCode.USAGE


class ConfigError(ArchiverError):
    """A configuration file with an unknown key or a bad value."""

    exit_code = ExitCode.USAGE


class InputError(ArchiverError):
    """The export cannot be read at all (not a zip, bad encoding, corrupt workbook...)."""

    exit_code = ExitCode.INVALID


class ValidationFailed(ArchiverError):
    """The export was read but breaks rules of the format; carries the full report."""

    exit_code = ExitCode.INVALID

    def __init__(self, message: str, report: object, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.report = report


class VerificationError(ArchiverError):
    """A bundle, signature or audit log does not verify."""

    exit_code = ExitCode.VERIFY_FAILED

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class RefusedError(ArchiverError):
    """A request the rules forbid: weak password, unapproved disclosure, overwrite."""

    exit_code = ExitCode.REFUSED


class StorageError(ArchiverError):
    """Writing failed: disk full, read-only folder, vanished destination."""

    exit_code = ExitCode.STORAGE


class PartialFailure(ArchiverError):
    """Some units of a multi-unit run failed while others completed."""

    exit_code = ExitCode.PARTIAL


# its Polish is looked up where it is printed (cli.report): errors.py imports nothing
AUDIT_VERIFY_HINT = (
    "Run `archiver audit verify` to see what is wrong. If it reports only a truncated last "
    "line (a crash during writing), `archiver audit recover` sets that line aside and "
    "records that it did; anything else is evidence of a change: keep the file as it is."
)


class UntrustedStateError(RefusedError):
    """A state directory, or a file in it, that another account could have written."""


class AuditLogDamaged(VerificationError):
    """The log's last entry is incomplete or altered, so nothing can be chained onto it."""

    def __init__(self, message: str, hint: str | None = AUDIT_VERIFY_HINT) -> None:
        super().__init__(message)
        self.hint = hint


class RenderError(ArchiverError):
    """A document could not be laid out (a template or asset problem, never user data)."""


class ClusterError(ArchiverError):
    """The Dask cluster cannot be reached, was lost or cannot finish the work: like a
    medium gone, the machine the run depends on (exit 5)."""

    exit_code = ExitCode.STORAGE
