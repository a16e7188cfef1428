"""The DejaVu faces' advance widths, read with fontTools from the TTF files WeasyPrint
embeds: for text pre-wrapped in Python (render/tablines.py, render/lines.py,
render/pango_text.py)."""

from __future__ import annotations

from functools import lru_cache

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
UNREAD_EM = 0.75  # a character's width (em) when the font file cannot be read: wide


def font_advances(file_name: str, size_pt: float) -> dict[int, float] | None:
    """Advance widths (pt at `size_pt`) of the characters of the DejaVu font file
    `file_name`, by code point; None when the font file cannot be read."""
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(FONT_DIR + file_name, lazy=True)
        scale = size_pt / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {code: metrics[name][0] * scale for code, name in font.getBestCmap().items()}
    except (OSError, ImportError, KeyError):
        return None


@lru_cache(maxsize=8)
def advances(file_name: str, size_pt: float) -> tuple[dict[int, float], float]:
    """The advance widths (pt at `size_pt`) of the face's characters, and the widest of
    them (for a character the face lacks, which a fallback font draws); no widths and
    UNREAD_EM wide when the font file cannot be read."""
    widths = font_advances(file_name, size_pt)
    if not widths:
        return {}, UNREAD_EM * size_pt
    return widths, max(widths.values())
