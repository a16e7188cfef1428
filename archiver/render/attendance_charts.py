"""Charts of the attendance summaries as inline SVG (vectors laid out by WeasyPrint: no raster
image, text in the document's embedded fonts).

Made to be read at a glance and in black and white: bars grey, a bar below the risk threshold
black, the threshold a dashed line with its label, every bar labelled with its percentage.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from archiver.render.attendance_svg import packed
from archiver.render.attendance_tables import span_head
from archiver.views.attendance import AttendanceView, Share
from archiver.views.polish import counted, percent_pl
from archiver.views.school_attendance import SchoolAttendanceView

FONT = 'font-family="DejaVu Sans"'
LIGHT, DARK, INK = "#a6a6a6", "#000", "#000"
SUBJECT_FORMS = ("przedmiot", "przedmioty", "przedmiotów")


@dataclass(frozen=True)
class Bar:
    label: str
    share: Share | None
    note: str = ""  # printed after the percentage ("poniżej progu: 2 przedmioty")


def _pct(share: Share | None) -> float | None:
    return None if share is None else share.percent


def _fill(share: Share | None, threshold: float) -> str:
    return DARK if share is not None and share.below(threshold) else LIGHT


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}pt" height="{_n(height)}pt" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" data-chart="">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, text: str, size: float = 6.5, anchor: str = "start",
          bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" {FONT}{weight} '
            f'text-anchor="{anchor}" fill="{INK}">{escape(text)}</text>')


def _threshold_line(x: float, top: float, bottom: float) -> str:
    return (f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" stroke="{INK}" '
            'stroke-width="0.9" stroke-dasharray="3 2"/>')


def horizontal_bars(bars: list[Bar], threshold: float, title: str,
                    width: float = 470.0, label_width: float = 120.0) -> Markup:
    """A bar per row (a pupil, or a subject of one pupil): 0-100% across, the threshold a
    dashed vertical line, the percentage and the note after each bar."""
    row, top, bottom_axis = 9.0, 14.0, 14.0
    x0, x1 = label_width, width - 130.0
    height = top + row * len(bars) + bottom_axis

    def x(pct: float) -> float:
        return x0 + (x1 - x0) * pct / 100.0

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(f'<line x1="{_n(x(tick))}" y1="{_n(top - 2)}" x2="{_n(x(tick))}" '
                    f'y2="{_n(height - bottom_axis + 2)}" stroke="#d0d0d0" stroke-width="0.4"/>')
        body.append(_text(x(tick), height - 4, f"{tick}%", 6, "middle"))
    for i, bar in enumerate(bars):
        y = top + i * row
        fits = int(label_width / 3.6)  # characters of 6.5pt DejaVu Sans, about
        label = bar.label if len(bar.label) <= fits else bar.label[:fits - 1] + "…"
        body.append(_text(2, y + 6.5, label))
        pct = _pct(bar.share)
        if pct is None:
            body.append(_text(x0 + 3, y + 6.5, "— (brak lekcji liczonych do frekwencji)", 6))
            continue
        body.append(f'<rect x="{_n(x0)}" y="{_n(y + 1.2)}" width="{_n(x(pct) - x0)}" '
                    f'height="6.3" fill="{_fill(bar.share, threshold)}" stroke="{INK}" '
                    'stroke-width="0.3"/>')
        below = bar.share is not None and bar.share.below(threshold)
        body.append(_text(x(pct) + 3 if pct < 100 else x1 + 3, y + 6.5,
                          percent_pl(pct) + (f" {bar.note}" if bar.note else ""), 6.5,
                          bold=below))
    tx = x(threshold)
    body.append(_threshold_line(tx, top - 4, height - bottom_axis + 2))
    body.append(_text(tx, top - 6, f"próg {_threshold_text(threshold)}", 6, "middle",
                      bold=True))
    return _svg(width, height, body, title)


def column_bars(bars: list[Bar], threshold: float, title: str, width: float = 300.0,
                height: float = 140.0) -> Markup:
    """A column per month (then each term and the period): 0-100% up, the threshold a dashed
    line, each column's percentage above it."""
    left, right, top, bottom = 26.0, 36.0, 12.0, 22.0
    plot_h = height - top - bottom
    slot = (width - left - right) / max(len(bars), 1)

    def y(pct: float) -> float:
        return top + plot_h * (1 - pct / 100.0)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(f'<line x1="{_n(left)}" y1="{_n(y(tick))}" x2="{_n(width - right)}" '
                    f'y2="{_n(y(tick))}" stroke="#d0d0d0" stroke-width="0.4"/>')
        body.append(_text(left - 3, y(tick) + 2, f"{tick}%", 6, "end"))
    body.append(f'<line x1="{_n(left)}" y1="{_n(y(0))}" x2="{_n(width - right)}" '
                f'y2="{_n(y(0))}" stroke="{INK}" stroke-width="0.6"/>')
    for i, bar in enumerate(bars):
        cx = left + slot * (i + 0.5)
        body.append(_text(cx, height - bottom + 9, bar.label, 6.5, "middle"))
        if bar.note:
            body.append(_text(cx, height - bottom + 17, bar.note, 6.5, "middle"))
        pct = _pct(bar.share)
        if pct is None:
            body.append(_text(cx, y(0) - 3, "—", 6.5, "middle"))
            continue
        w = min(slot * 0.62, 26.0)
        body.append(f'<rect x="{_n(cx - w / 2)}" y="{_n(y(pct))}" width="{_n(w)}" '
                    f'height="{_n(y(0) - y(pct))}" fill="{_fill(bar.share, threshold)}" '
                    f'stroke="{INK}" stroke-width="0.3"/>')
        below = bar.share is not None and bar.share.below(threshold)
        body.append(_text(cx, y(pct) - 2.5, percent_pl(pct).removesuffix("%"), 6, "middle",
                          bold=below))
    ty = y(threshold)
    body.append(f'<line x1="{_n(left)}" y1="{_n(ty)}" x2="{_n(width - right)}" y2="{_n(ty)}" '
                f'stroke="{INK}" stroke-width="0.9" stroke-dasharray="3 2"/>')
    body.append(_text(width - right + 3, ty + 2, f"próg {_threshold_text(threshold)}", 6,
                      bold=True))
    return _svg(width, height, body, title)


def _threshold_text(threshold: float) -> str:
    return percent_pl(threshold).replace(",0%", "%")


COLUMN_ROWS = 20  # more bars than this go into two charts side by side


def pupils_charts(view: AttendanceView) -> list[Markup]:
    """Per pupil the period's attendance (a class summary), or per subject (one pupil's); in
    two charts side by side when the list is long, so that it takes half the height."""
    threshold = view.risk_threshold
    if view.scope.student_id is not None:
        table = view.by_subject[0]
        cells = table.rows[0].cells if table.rows else (None,) * len(view.subjects)
        bars = [Bar(s.name, c) for s, c in zip(view.subjects, cells, strict=True)]
        title = "Frekwencja ucznia według przedmiotów"
    else:
        bars = _pupil_bars(view)
        title = "Frekwencja uczniów w całym okresie"
    if len(bars) <= COLUMN_ROWS:
        return [horizontal_bars(bars, threshold, title)]
    half = (len(bars) + 1) // 2
    return [horizontal_bars(part, threshold, title, width=380.0, label_width=108.0)
            for part in (bars[:half], bars[half:])]


def _pupil_bars(view: AttendanceView) -> list[Bar]:
    risky: dict[int, int] = {}
    for entry in view.at_risk:
        risky[entry.number] = risky.get(entry.number, 0) + 1
    period = view.sections[-1]
    return [Bar(f"{r.number:>2} {r.name}", Share(r.present, r.absent),
                "– poniżej progu: " + counted(risky[r.number], *SUBJECT_FORMS)
                if r.number in risky else "")
            for r in period.rows]


def trend_chart(view: AttendanceView) -> Markup:
    """The class's (or the pupil's) attendance month by month, then each term and the period."""
    bars = []
    for section in view.sections:
        row = section.total if section.total is not None else (
            section.rows[0] if section.rows else None)
        share = Share(row.present, row.absent) if row is not None else None
        label = span_head(view, section)
        if section.kind == "term":  # "sem." over the number: a month's column is narrow
            bars.append(Bar("sem.", share, str(section.term)))
        else:
            bars.append(Bar(label, share))
    width = max(240.0, min(330.0, 70.0 + 24.0 * len(bars)))
    return column_bars(bars, view.risk_threshold, "Frekwencja w kolejnych miesiącach",
                       width=width)


PUPIL_FORMS = ("uczeń zagrożony", "uczniów zagrożonych", "uczniów zagrożonych")


def classes_chart(view: SchoolAttendanceView) -> Markup:
    """Per class the period's attendance, with how many pupils are at risk."""
    period = len(view.spans) - 1
    bars = [Bar(line.name, line.shares[period],
                f"– {counted(line.at_risk, *PUPIL_FORMS)}" if line.at_risk else "")
            for line in view.classes]
    bars.append(Bar(view.total.name, view.total.shares[period]))
    return horizontal_bars(bars, view.risk_threshold, "Frekwencja oddziałów w całym okresie",
                           width=330.0, label_width=62.0)


# The charts as the templates print them: packed (render/attendance_svg.packed)
TEMPLATE_CHARTS = {
    "trend_chart": lambda view: packed(trend_chart(view)),
    "pupils_charts": lambda view: [packed(chart) for chart in pupils_charts(view)],
    "classes_chart": lambda view: packed(classes_chart(view)),
}
