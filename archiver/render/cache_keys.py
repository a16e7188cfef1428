"""What a cached document's key is made of: everything that changes its bytes.

- the document (kind, class, student, period) and the digest of its slice of the export;
- the templates (every file of report_templates/), the configuration's fingerprint;
- the software: archiver's version and its own source code (a changed view or renderer
  without a new version number must not serve old documents), WeasyPrint, pydyf, pikepdf,
  Pango versions, and the size of a document's parts;
- who printed it and when. The printed time is on every page. With SOURCE_DATE_EPOCH set
  (reproducible runs) the key holds that exact time, so a cached document is byte for byte
  what rendering would give. Without it, the key holds the day in the school's time zone:
  a re-run the same day by the same operator reuses the documents, which then keep the
  time they were first printed (they were made then, from the same data); the next day,
  or for another operator, everything is printed anew.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from archiver import __version__
from archiver.config import Config
from archiver.render import chunks
from archiver.render.context import RunContext
from archiver.render.documents import DocumentSpec
from archiver.render.fetcher import TEMPLATES_DIR

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Code that decides what a document holds or how it is laid out.
RENDER_CODE = ("views", "render", "model.py", "config.py")


def _tree_digest(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def templates_digest() -> str:
    """SHA-256 over the names and contents of every file of report_templates/."""
    return _tree_digest([p for p in TEMPLATES_DIR.rglob("*") if p.is_file()], TEMPLATES_DIR)


@lru_cache(maxsize=1)
def software_digest() -> str:
    """archiver's version and rendering code, and the layout libraries' versions."""
    import pikepdf
    import pydyf
    import weasyprint
    from weasyprint.text.ffi import pango

    files = []
    for name in RENDER_CODE:
        path = PACKAGE_DIR / name
        files += [p for p in path.rglob("*.py")] if path.is_dir() else [path]
    versions = [__version__, weasyprint.__version__, pydyf.__version__, pikepdf.__version__,
                str(pango.pango_version())]
    return hashlib.sha256(("|".join(versions) + "|" + _tree_digest(files, PACKAGE_DIR))
                          .encode()).hexdigest()


def time_key(run_ctx: RunContext, timezone: str,
             environ: Mapping[str, str] | None = None) -> str:
    """The printed time as the cache sees it: exact when pinned by SOURCE_DATE_EPOCH,
    else the day in the school's time zone."""
    env = os.environ if environ is None else environ
    if env.get("SOURCE_DATE_EPOCH", "").strip():
        return "exact:" + run_ctx.printed_at.isoformat()
    return "day:" + run_ctx.printed_at.astimezone(ZoneInfo(timezone)).date().isoformat()


def document_key(spec: DocumentSpec, slice_digest: str, config: Config, run_ctx: RunContext,
                 timezone: str, environ: Mapping[str, str] | None = None) -> str:
    """The key material of one document (hashed again into the entry's file name)."""
    parts = [
        "document", spec.kind, str(spec.class_id), str(spec.student_id),
        spec.date_from.isoformat(), spec.date_to.isoformat(), str(spec.term),
        str(spec.whole_year), "slice", slice_digest, "templates", templates_digest(),
        "config", config.fingerprint(), "software", software_digest(),
        "parts", str(chunks.SECTIONS_PER_PART),
        "operator", run_ctx.operator, "version", run_ctx.software_version,
        "printed", time_key(run_ctx, timezone, environ),
    ]
    return "\x1f".join(parts)
