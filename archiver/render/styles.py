"""Elements with the same `style` attribute share one computed style (issue 18).

WeasyPrint computes an element's style once for all elements with the same parent style,
the same matching rules and the same declarations of their own: it keeps a computed
style per such key and shares it. But an element's own declarations are those of its
`style` attribute parsed afresh for every element, and tinycss2's nodes compare by
identity, so no element with a `style` attribute ever shares: each gets a computed style
of its own, every property of it looked up and computed again. Archiver's documents give
their pre-wrapped blocks a `style` each (a folded block's height, a grid's rules: a few
hundred distinct strings in a register of ~2,000 blocks), so that was most of the
cascade's work (about a seventh of a register's layout).

Here a `style` attribute is parsed once per distinct string (and process): elements with
the same string get the very same declarations, which WeasyPrint then takes as equal, and
their declarations are validated once (`preprocess_declarations`). The computed styles are
those WeasyPrint computes, shared as it shares those of elements without a `style`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

_LIMIT = 50_000  # distinct style strings kept per process (a register has a few hundred)
_PARSED: dict[str, list[Any]] = {}  # a style attribute's text: its declarations
_MINE: dict[int, list[Any]] = {}  # id of such a list: the list (kept alive)
_CHECKED: dict[tuple[str | None, int], list[Any]] = {}  # (base url, id): preprocessed


def _shared(real: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def find_style_attributes(tree: Any, presentational_hints: bool = False,
                              base_url: str | None = None) -> Iterator[Any]:
        for specificity, element, declarations, url in real(tree, presentational_hints,
                                                            base_url):
            style = element.get("style")
            if specificity == (1, 0, 0) and style:  # the style attribute's declarations
                found = _PARSED.get(style)
                if found is None and len(_PARSED) < _LIMIT:
                    found = _PARSED[style] = list(declarations)
                    _MINE[id(found)] = found
                if found is not None:
                    declarations = found
            yield specificity, element, declarations, url

    find_style_attributes.archiver_styles = True  # type: ignore[attr-defined]
    find_style_attributes.__wrapped__ = real  # type: ignore[attr-defined]
    return find_style_attributes


def _checked_once(real: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
    def preprocess_declarations(base_url: str | None, declarations: Any,
                                *args: Any) -> Iterable[Any]:
        if args or _MINE.get(id(declarations)) is not declarations:
            return real(base_url, declarations, *args)
        key = (base_url, id(declarations))
        found = _CHECKED.get(key)
        if found is None:
            found = _CHECKED[key] = list(real(base_url, declarations))
        return found

    preprocess_declarations.archiver_styles = True  # type: ignore[attr-defined]
    preprocess_declarations.__wrapped__ = real  # type: ignore[attr-defined]
    return preprocess_declarations


def install() -> None:
    """Share parsed `style` attributes (idempotent; marks.install has checked the
    WeasyPrint version)."""
    from weasyprint import css

    if getattr(css.find_style_attributes, "archiver_styles", False):
        return
    css.find_style_attributes = _shared(css.find_style_attributes)
    css.preprocess_declarations = _checked_once(css.preprocess_declarations)
