"""The tamper-evident audit log: who made which printout, archive or disclosure, and when.

One JSON object per line in `audit.jsonl` in the state directory (directory 0700, file
0600), written only by appending. Each entry holds `seq` (1-based), `time` (UTC, from
the real clock, not SOURCE_DATE_EPOCH), `operator`, `os_user`, `host`, `command`,
`scope`, `recipient`, `legal_basis`, `case_ref`, `approved_by`, `outputs` (name, sha256,
size, optional kind), `result` (ok, failed, refused, interrupted), `reason` (short, never
personal data), `software`, `prev` and `hash`.

Chain: `hash` is the SHA-256 of the entry's canonical JSON without `hash` (sorted keys,
no spaces, UTF-8: `json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))`);
`prev` is the SHA-256 of the previous line's exact bytes without its newline, or for the
first entry of `GENESIS` = sha256("archiver-audit-genesis-v1"). A line is stored in that
canonical form, so anyone can re-check the log with a few lines of any language.

Concurrency: an append takes an exclusive lock on `audit.lock` beside the log, reads
the last line, writes the new line with one `write`, fsyncs and unlocks, so two runs
never interleave or lose an entry. A failed write is cut back, leaving the log as it was.

A torn last line (a crash or power cut in the middle of a write) is never repaired
silently and nothing is chained onto it: an auditor expects that a damaged record is
kept and that every intervention on the log is itself on the record. So the next append
refuses (AuditLogDamaged, exit 3) and points to `archiver audit verify`, which names the
line. `archiver audit recover` then moves the torn bytes, unchanged, to
`audit-torn-<UTC time>.bin` beside the log and appends an `audit-recover` entry naming
that file and its SHA-256; it refuses any other damage, which is evidence to keep as is.
Only the last line is read before an append (constant time); a change further back is
found by `audit verify`, not by every run.

Limits: a hash chain shows changes to the past, not entries removed from the very end or
a whole log rewritten by someone with write access. Copy the head hash that
`audit verify` prints onto a paper protocol (or into a bundle) and check it later with
`audit verify --expect-head HASH`.

Privacy: no password (a password-like key anywhere is refused, and `secrets=` values are
refused wherever they appear), no document content (text fields are short, scope keys a
closed list), no student's name: scope holds `student_id`; the register of disclosures
looks names up in the export at print time (`audit disclosures --source EXPORT`).
"""

from archiver.audit.entry import GENESIS, SCOPE_KEYS, AuditEntry, AuditFieldError
from archiver.audit.log import BROKEN_HINT, AuditLog, AuditLogDamaged, require_intact
from archiver.audit.record import AuditRecord, record
from archiver.audit.verify import AuditVerdict, verify_bytes

__all__ = [
    "BROKEN_HINT",
    "GENESIS",
    "SCOPE_KEYS",
    "AuditEntry",
    "AuditFieldError",
    "AuditLog",
    "AuditLogDamaged",
    "AuditRecord",
    "AuditVerdict",
    "record",
    "require_intact",
    "verify_bytes",
]
