"""The Jinja2 environment of the documents: autoescape on, StrictUndefined, the Polish
filters of archiver.views.polish."""

from __future__ import annotations

from functools import lru_cache

import jinja2

from archiver.render.fetcher import TEMPLATES_DIR
from archiver.render.printable import finalize
from archiver.views.polish import FILTERS


def fit(value: object, width: int) -> str:
    """Text padded to `width` characters, or cut with "…" so a column stays aligned (for
    names also printed in full elsewhere in the document)."""
    text = str(value)
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """One environment per process (templates compile once); autoescape everything."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=finalize,  # control characters printed visibly, bidi overrides closed
    )
    env.filters.update(FILTERS)
    env.filters["fit"] = fit
    return env
