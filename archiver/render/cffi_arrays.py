"""Font subsetting without parsing a C type for every array size (issue 18).

WeasyPrint subsets each embedded font with HarfBuzz (weasyprint/pdf/fonts.py,
`Font._harfbuzz_subset`) and hands it the glyph ids as `ffi.new(f"hb_codepoint_t[{n}]",
ids)`. cffi keeps a parsed type per type string, so every new count `n` (the glyphs a
document uses, and the highest glyph id plus one: a different number in nearly every
document part) is parsed again through pycparser: 6 % of an attendance summary's layout,
2 % of a register's (py-spy, session 27). An array of `T[]` made from the same values is
the same array (cffi sizes it by the values), and its type string is parsed once. Here the
subsetting module's `ffi` is a stand-in that asks for `T[]` when it is given `T[n]` with
`n` values, and passes everything else through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sized
from typing import Any

_SIZED = re.compile(r"(\w+)\[(\d+)\]")


class _OneTypePerArray:
    """cffi's FFI, with `new("T[n]", n values)` made as `new("T[]", the values)`."""

    archiver_cffi_arrays = True

    def __init__(self, ffi: Any) -> None:  # noqa: ANN401 (cffi's FFI)
        self._ffi = ffi

    def new(self, cdecl: object, init: object = None) -> Any:  # noqa: ANN401
        if isinstance(cdecl, str) and isinstance(init, Sized):
            sized = _SIZED.fullmatch(cdecl)
            if sized and int(sized[2]) == len(init):
                return self._ffi.new(f"{sized[1]}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401
        return getattr(self._ffi, name)


def install() -> None:
    """Give weasyprint.pdf.fonts the stand-in (idempotent)."""
    from weasyprint.pdf import fonts

    if getattr(fonts.ffi, "archiver_cffi_arrays", False):
        return
    fonts.ffi = _OneTypePerArray(fonts.ffi)
