"""What a signature check found: one verdict per signature, readable by a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from archiver.i18n import _, shown


class Trust(StrEnum):
    """Whether the signer's certificate chains to a root the user named with --trust."""

    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"
    NOT_CHECKED = "not checked"


@dataclass(frozen=True)
class SignatureVerdict:
    """The outcome of checking one signature.

    `intact` covers the signed data (digest matches) and the signature value; `trust`
    says whether the certificate chain to a given root held. `signer` is the common name
    of the signer's certificate (never the full subject: Polish qualified certificates
    carry the holder's PESEL in it).
    """

    target: str  # what was signed, e.g. "manifest-sha256.txt" or "data/dziennik-1a.pdf"
    kind: str  # "PAdES", "CAdES" or "XAdES"
    intact: bool
    trust: Trust
    signer: str | None = None
    issuer: str | None = None
    signing_time: datetime | None = None
    problems: tuple[str, ...] = field(default=())
    time_ok: bool = True  # False: the signing time is impossible (before the data existed)
    proven_time: datetime | None = None  # when a trusted timestamp proves it existed
    checked_at: datetime | None = None  # the time the chain was validated at (--at, now)

    @property
    def time_claimed_only(self) -> bool:
        """Trust was checked, but no timestamp proves when the signature was made."""
        return self.trust is not Trust.NOT_CHECKED and self.proven_time is None

    @property
    def ok(self) -> bool:
        """Intact, with a possible time, and not refused by a trust check (an unchecked
        trust is not a failure)."""
        return self.intact and self.time_ok and self.trust is not Trust.UNTRUSTED

    def to_dict(self) -> dict[str, object]:
        """For `--json` output: plain values only."""
        return {
            "target": self.target,
            "kind": self.kind,
            "ok": self.ok,
            "intact": self.intact,
            "time_ok": self.time_ok,
            "trust": self.trust.value,
            "signer": self.signer,
            "issuer": self.issuer,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "proven_time": self.proven_time.isoformat() if self.proven_time else None,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "time_claimed_only": self.time_claimed_only,
            "problems": list(self.problems),
        }

    def describe(self) -> str:
        """One line for the verify report, naming the signer and the time it claims."""
        state = _("OK") if self.ok else _("FAILED")
        who = self.signer or _("unknown signer")
        when = (self.signing_time.isoformat(timespec="seconds") if self.signing_time
                else _("no time"))
        integrity = _("integrity intact") if self.intact else _("integrity BROKEN")
        if self.trust is Trust.NOT_CHECKED and self.signer is None:
            trust = _("trust not checked")
        elif self.trust is Trust.NOT_CHECKED:
            trust = _("trust not checked (no --trust root given)")
        elif self.trust is Trust.TRUSTED:
            trust = _("chain to the trusted root valid at {time}").format(time=self._checked())
        else:
            trust = _("chain to a trusted root NOT valid at {time}").format(
                time=self._checked())
        if self.proven_time is not None:
            trust += "; " + _("signing time proven by a timestamp: {time}").format(
                time=self.proven_time.isoformat(timespec="seconds"))
        elif self.time_claimed_only:
            trust += "; " + _("signing time not proven, claimed by the signer only")
        line = _("{state}: {kind} signature of {target} by {who}, signed {when}; "
                 "{integrity}; {trust}").format(state=state, kind=self.kind, target=self.target,
                                                who=who, when=when, integrity=integrity,
                                                trust=trust)
        if self.problems:
            line += " (" + "; ".join(shown(p) for p in self.problems) + ")"
        return line


    def _checked(self) -> str:
        return self.checked_at.isoformat(timespec="seconds") if self.checked_at else _("now")


def broken(target: str, kind: str, problem: str) -> SignatureVerdict:
    """A verdict for a signature that could not even be read."""
    return SignatureVerdict(
        target, kind, intact=False, trust=Trust.NOT_CHECKED, problems=(problem,)
    )


def format_verdicts(verdicts: list[SignatureVerdict]) -> list[str]:
    """Lines for a terminal: one per signature, then a one-line summary."""
    if not verdicts:
        return [_("signatures: none in this bundle")]
    lines = [_("signature: {verdict}").format(verdict=verdict.describe()) for verdict in verdicts]
    failed = sum(not verdict.ok for verdict in verdicts)
    if failed:
        lines.append(_("SIGNATURES: FAILED, {failed} of {total} do not verify").format(
            failed=failed, total=len(verdicts)))
    else:
        signers = sorted({v.signer for v in verdicts if v.signer})
        lines.append(_("SIGNATURES: OK, {total} verified, signed by {signers}").format(
            total=len(verdicts), signers=", ".join(signers)))
    return lines
