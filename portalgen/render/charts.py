"""SVG charts drawn at build time: no JavaScript, no charting library, the same bytes for the same data.

Every chart is an inline <svg role="img"> labelled by its own <title> and <desc> (aria-labelledby),
so a screen reader announces one image with a name and a description; the page shows the same
numbers in a data table next to it. Colours come from classes styled in style.css (so they follow
dark mode), with presentation attributes as a fallback when the style sheet is missing; there are no
style attributes, so the charts pass the portal's Content-Security-Policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# Drawn narrow with large type: a chart scales to its box, so on a phone (about 340 px) text of 14
# stays above 11 px, and beside its table on a wide screen (a box of 34rem) near 17 px.
WIDTH = 420
FONT = 14
CHAR = 0.6 * FONT  # the width of an average character, for laying out legends


@dataclass(frozen=True)
class Series:
    name: str
    key: str  # CSS class suffix: chart-series-<key>
    values: Sequence[float | None]
    fallback: str = "#1f5f8b"  # fill used only when style.css is not loaded


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(value: float) -> str:
    """Coordinates with at most one decimal, so output is stable and small."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _percent(pct: int) -> str:
    return f"{pct}%"


@dataclass(frozen=True)
class Numbers:
    """How a chart writes its numbers: axis ticks, values and shares. The stats page passes its
    locale's ('1.234' and '45 %' in German); the default is Python's own ('1234', '45%')."""

    value: Callable[[float], str] = _value
    percent: Callable[[int], str] = _percent


PLAIN = Numbers()


def share(part: float, total: float) -> int:
    """A whole percentage, rounded half up (the same everywhere it is shown)."""
    return int(100 * part / total + 0.5) if total else 0


def nice_max(value: float) -> tuple[float, float]:
    """(axis maximum, tick step) for values up to value: steps of 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    return step * math.ceil(value / step), step


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{_e(chart_id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" '
        f'font-size="{FONT}" font-family="system-ui, sans-serif">',
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
        f'<desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>',
    ]


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts = ['<g class="chart-legend">']
    for s in series:
        parts.append(f'<rect class="chart-series-{_e(s.key)}" x="{_num(x)}" y="{_num(y - 10)}" width="12" '
                     f'height="12" rx="2" fill="{_e(s.fallback)}"/>')
        parts.append(f'<text x="{_num(x + 17)}" y="{_num(y)}" fill="currentColor">{_e(s.name)}</text>')
        x += 30 + CHAR * len(s.name)
    parts.append("</g>")
    return parts


def _y_axis(top: float, bottom: float, left: float, right: float, top_value: float, step: float,
            numbers: Numbers, unit: str = "") -> list[str]:
    parts = ['<g class="chart-axis">']
    ticks = round(top_value / step)
    for n in range(ticks + 1):
        value = n * step
        y = bottom - (bottom - top) * value / top_value
        parts.append(f'<line class="chart-grid" x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
                     f'stroke="currentColor" stroke-opacity="0.25"/>')
        parts.append(f'<text x="{_num(left - 6)}" y="{_num(y + 4)}" text-anchor="end" fill="currentColor">'
                     f'{_e(numbers.value(value))}{_e(unit)}</text>')
    parts.append(f'<line class="chart-baseline" x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(right)}" '
                 f'y2="{_num(bottom)}" stroke="currentColor"/>')
    parts.append("</g>")
    return parts


def _x_labels(labels: Sequence[str], left: float, band: float, bottom: float) -> list[str]:
    """Category labels under the plot; 'Q1 2026' is split over two lines so many quarters fit."""
    parts = ['<g class="chart-axis">']
    every = max(1, math.ceil(34 / band)) if band > 0 else 1  # at least 34 px between labels
    for n, label in enumerate(labels):
        if n % every:
            continue
        x = left + band * (n + 0.5)
        first, _, second = label.partition(" ")
        parts.append(f'<text x="{_num(x)}" y="{_num(bottom + 17)}" text-anchor="middle" fill="currentColor">'
                     f'{_e(first)}</text>')
        if second:
            parts.append(f'<text class="chart-minor" x="{_num(x)}" y="{_num(bottom + 32)}" text-anchor="middle" '
                         f'fill="currentColor">{_e(second)}</text>')
    parts.append("</g>")
    return parts


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series],
              height: int = 320, numbers: Numbers = PLAIN) -> Markup:
    """Grouped vertical bars: one group per label, one bar per series, each bar with its value."""
    left, right, top, bottom = 44.0, WIDTH - 10.0, 44.0, height - 44.0
    values = [v or 0 for s in series for v in s.values]
    top_value, step = nice_max(max(values, default=0))
    parts = _open(chart_id, title, desc, height)
    parts += _legend(series, left, 18)
    parts += _y_axis(top, bottom, left, right, top_value, step, numbers)
    band = (right - left) / max(1, len(labels))
    gap = min(12.0, band * 0.2)
    bar = (band - gap) / max(1, len(series))
    show_values = bar >= 14
    parts.append('<g class="chart-bars">')
    for n, label in enumerate(labels):
        for k, s in enumerate(series):
            value = s.values[n] or 0
            h = (bottom - top) * value / top_value
            x = left + band * n + gap / 2 + bar * k
            parts.append(f'<rect class="chart-series-{_e(s.key)}" x="{_num(x)}" y="{_num(bottom - h)}" '
                         f'width="{_num(max(1.0, bar - 1))}" height="{_num(h)}" fill="{_e(s.fallback)}">'
                         f'<title>{_e(label)}, {_e(s.name.lower())}: {_e(numbers.value(value))}</title></rect>')
            if show_values:
                parts.append(f'<text class="chart-value" x="{_num(x + bar / 2)}" y="{_num(bottom - h - 4)}" '
                             f'text-anchor="middle" fill="currentColor">{_e(numbers.value(value))}</text>')
    parts.append("</g>")
    parts += _x_labels(labels, left, band, bottom)
    parts.append("</svg>")
    return Markup("\n".join(parts))


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Series, unit: str = "",
               height: int = 300, numbers: Numbers = PLAIN) -> Markup:
    """One line over the labels; a missing value (None) breaks the line and leaves no point."""
    left, right, top, bottom = 44.0, WIDTH - 10.0, 44.0, height - 44.0
    present = [v for v in series.values if v is not None]
    top_value, step = nice_max(max(present, default=0))
    parts = _open(chart_id, title, desc, height)
    parts += _legend([series], left, 18)
    parts += _y_axis(top, bottom, left, right, top_value, step, numbers)
    band = (right - left) / max(1, len(labels))
    points: list[tuple[float, float, float, str] | None] = []
    for n, value in enumerate(series.values):
        if value is None:
            points.append(None)
            continue
        x = left + band * (n + 0.5)
        y = bottom - (bottom - top) * value / top_value
        points.append((x, y, value, labels[n]))
    runs: list[list[tuple[float, float, float, str]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    parts.append(f'<g class="chart-line chart-series-{_e(series.key)}">')
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{_num(x)},{_num(y)}" for x, y, _, _ in run)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{_e(series.fallback)}" '
                         f'stroke-width="2.5"/>')
    for point in points:
        if point is None:
            continue
        x, y, value, label = point
        parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4.5" fill="{_e(series.fallback)}">'
                     f'<title>{_e(label)}: {_e(numbers.value(value))}{_e(unit)}</title></circle>')
        parts.append(f'<text class="chart-value" x="{_num(x)}" y="{_num(y - 9)}" text-anchor="middle" '
                     f'fill="currentColor">{_e(numbers.value(value))}</text>')
    parts.append("</g>")
    parts += _x_labels(labels, left, band, bottom)
    parts.append("</svg>")
    return Markup("\n".join(parts))


def hbar_chart(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, str, float]],
               fallback: str = "#1f5f8b", numbers: Numbers = PLAIN) -> Markup:
    """Horizontal bars, one row per (label, CSS key, value), labelled with the value and its share."""
    row_height = 30
    height = 20 + row_height * max(1, len(rows))
    total = sum(v for _, _, v in rows)
    values = [f"{numbers.value(v)} ({numbers.percent(share(v, total))})" for _, _, v in rows]
    # The longest bar ends where its value ("14 (32 %)" in German) still fits inside the chart.
    left, right = 150.0, WIDTH - 10.0 - 6 - CHAR * max((len(v) for v in values), default=8)
    top_value = max((v for _, _, v in rows), default=0) or 1
    parts = _open(chart_id, title, desc, height)
    parts.append('<g class="chart-bars">')
    for n, (label, key, value) in enumerate(rows):
        y = 10 + row_height * n
        w = (right - left) * value / top_value
        shown = _e(values[n])
        parts.append(f'<text x="{_num(left - 8)}" y="{_num(y + 15)}" text-anchor="end" fill="currentColor">'
                     f'{_e(label)}</text>')
        parts.append(f'<rect class="chart-series-{_e(key)}" x="{_num(left)}" y="{_num(y + 2)}" '
                     f'width="{_num(max(w, 1.0 if value else 0.0))}" height="{row_height - 10}" rx="2" '
                     f'fill="{_e(fallback)}"><title>{_e(label)}: {shown}</title></rect>')
        parts.append(f'<text class="chart-value" x="{_num(left + w + 6)}" y="{_num(y + 15)}" fill="currentColor">'
                     f'{shown}</text>')
    parts.append(f'<line class="chart-baseline" x1="{_num(left)}" y1="6" x2="{_num(left)}" y2="{height - 6}" '
                 f'stroke="currentColor"/>')
    parts.append("</g>")
    parts.append("</svg>")
    return Markup("\n".join(parts))
