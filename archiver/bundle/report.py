"""What verification found: every problem with its entry, expected and found value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archiver.bundle.names import display_name
from archiver.i18n import _, ngettext, number, shown


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold; `entry` is a ZIP entry name, or None for the file."""

    cause: str
    entry: str | None = None
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        """The problem as the user reads it, in the current language (to_dict keeps the
        English cause)."""
        text = shown(self.cause)
        if self.expected is not None or self.found is not None:
            # Both may come from the file itself (a forged sidecar): escape them too.
            text = _("{cause} (expected {expected}, found {found})").format(
                cause=text, expected=display_name(str(self.expected)),
                found=display_name(str(self.found)))
        if self.entry is not None:
            text = _("entry {name}: {problem}").format(name=display_name(self.entry),
                                                       problem=text)
        return text


@dataclass(frozen=True)
class EntryRecord:
    """A file of the bag: path inside the bag ('data/...' or a tag file), size, checksums."""

    name: str
    size: int
    sha256: str
    sha512: str


@dataclass
class VerifyReport:
    """The outcome of verify_bundle: what was checked, what could not be, what failed."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not a problem
    sha256: str | None = None  # of the whole bundle file, when it could be read
    size: int = 0
    entry_count: int = 0
    # What decryption found, in file order; names are full ZIP entry names ('NAME/data/..')
    files: list[EntryRecord] = field(default_factory=list)
    # bag-info.txt's (label, value) pairs, when the password opened it
    bag_info: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check that could run holds."""
        return not self.problems

    @property
    def complete(self) -> bool:
        """True when everything was checked (a password was given) and held."""
        return self.ok and not self.not_checked

    def to_dict(self) -> dict[str, object]:
        """The report as plain data (for --json and the audit log)."""
        return {
            "bundle": str(self.path), "ok": self.ok, "complete": self.complete,
            "sha256": self.sha256, "size": self.size, "entries": self.entry_count,
            "checked": self.checked, "not_checked": self.not_checked, "notes": self.notes,
            "problems": [{"entry": p.entry, "cause": p.cause, "expected": p.expected,
                          "found": p.found} for p in self.problems],
        }

    def add(self, cause: str, entry: str | None = None, expected: object = None,
            found: object = None) -> None:
        self.problems.append(
            Problem(cause, entry, None if expected is None else str(expected),
                    None if found is None else str(found))
        )


def format_report(report: VerifyReport) -> list[str]:
    """The verdict as lines of text for a terminal or a log (no personal data beyond
    entry names, no password)."""
    lines = [_("bundle: {path}").format(path=report.path)]
    if report.sha256:
        lines.append(ngettext("SHA-256: {digest} ({size} bytes, {count} entry)",
                              "SHA-256: {digest} ({size} bytes, {count} entries)",
                              report.entry_count).format(
            digest=report.sha256, size=number(report.size), count=report.entry_count))
    lines += [_("note: {text}").format(text=shown(item)) for item in report.notes]
    lines += [_("checked: {item}").format(item=shown(item)) for item in report.checked]
    lines += [_("NOT checked: {item}").format(item=shown(item)) for item in report.not_checked]
    if report.problems:
        lines.append(ngettext("VERDICT: FAILED, {count} problem:",
                              "VERDICT: FAILED, {count} problems:",
                              len(report.problems)).format(count=len(report.problems)))
        lines += [f"  - {problem}" for problem in report.problems]
    elif report.not_checked:
        lines.append(_("VERDICT: OK as far as checked; the contents were NOT checked "
                       "(give the password to check everything)"))
    else:
        lines.append(_("VERDICT: OK, the bundle is complete and unchanged"))
    return lines
