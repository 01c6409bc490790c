"""The stats/ page: the portal's numbers over time, as SVG charts drawn at build time with data tables.

Three charts, each with the same numbers in a table:

- heard, answered and shipped per quarter (feedback items; see quarters.py for the definitions);
- median days to an answer per quarter (over the items first answered in that quarter);
- the mix of outcomes: where every published feedback item stands today, by status.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup

from portalgen.model import quarters, urls
from portalgen.model.items import Model
from portalgen.model.statuses import ORDER, STATUSES, Status
from portalgen.render import charts
from portalgen.render.spec import PageSpec

# Fallback fills for when style.css is not loaded; style.css colours the classes for light and dark.
FALLBACK = {"heard": "#6b7480", "answered": "#1f6fb2", "shipped": "#1e7a46", "days": "#5b34a8"}
STATUS_FALLBACK = "#1f5f8b"


@dataclass(frozen=True)
class QuarterRow:
    summary: quarters.QuarterSummary
    heard: int
    answered: int
    shipped: int
    median_days: int | None


def _rows(summaries: list[quarters.QuarterSummary]) -> list[QuarterRow]:
    return [QuarterRow(s, len(s.heard), len(s.answered), len(s.delivered), s.median_days_to_answer)
            for s in summaries]


def _volume_chart(rows: list[QuarterRow]) -> Markup:
    labels = [r.summary.quarter.label for r in rows]
    total = [sum(r.heard for r in rows), sum(r.answered for r in rows), sum(r.shipped for r in rows)]
    busiest = max(rows, key=lambda r: (r.heard, r.summary.quarter))
    desc = (f"Grouped bar chart over {len(rows)} {'quarter' if len(rows) == 1 else 'quarters'}, "
            f"{labels[0]} to {labels[-1]}. In all, {total[0]} heard, {total[1]} answered and {total[2]} shipped. "
            f"Most feedback was heard in {busiest.summary.quarter.label} ({busiest.heard}). "
            "The table below the chart lists every number.")
    return charts.bar_chart(
        "chart-volume", "Feedback heard, answered and shipped per quarter", desc, labels,
        [charts.Series("Heard", "heard", [r.heard for r in rows], FALLBACK["heard"]),
         charts.Series("Answered", "answered", [r.answered for r in rows], FALLBACK["answered"]),
         charts.Series("Shipped", "shipped", [r.shipped for r in rows], FALLBACK["shipped"])])


def _days_chart(rows: list[QuarterRow]) -> Markup:
    labels = [r.summary.quarter.label for r in rows]
    known = [r for r in rows if r.median_days is not None]
    if known:
        fastest = min(known, key=lambda r: (r.median_days, r.summary.quarter))
        slowest = max(known, key=lambda r: (r.median_days, r.summary.quarter))
        desc = (f"Line chart over {len(rows)} {'quarter' if len(rows) == 1 else 'quarters'}, {labels[0]} to "
                f"{labels[-1]}. Fastest: {fastest.median_days} days in {fastest.summary.quarter.label}; slowest: "
                f"{slowest.median_days} days in {slowest.summary.quarter.label}. Quarters in which nothing was "
                "answered have no point. The table below the chart lists every number.")
    else:
        desc = "Nothing has been answered yet, so there are no points."
    return charts.line_chart(
        "chart-days", "Median days to an answer per quarter", desc, labels,
        charts.Series("Median days to an answer", "days", [r.median_days for r in rows], FALLBACK["days"]))


def _mix(model: Model) -> list[tuple[Status, int, int]]:
    """(status, items, percentage share) in the portal's status order, zeros included."""
    counts = Counter(i.status for i in model.feedback)
    total = sum(counts.values())
    return [(STATUSES[key], counts[key], charts.share(counts[key], total)) for key in ORDER]


def _mix_chart(mix: list[tuple[Status, int, int]]) -> Markup:
    total = sum(n for _, n, _ in mix)
    parts = [f"{s.label}: {n} ({pct}%)" for s, n, pct in mix if n]
    desc = (f"Horizontal bar chart of all {total} feedback items by where they stand today. "
            + "; ".join(parts) + ". The table below the chart lists every number.")
    return charts.hbar_chart("chart-mix", "The mix of outcomes", desc,
                             [(s.label, f"status-{s.key}", n) for s, n, _ in mix], STATUS_FALLBACK)


def page_specs(model: Model, summaries: list[quarters.QuarterSummary]) -> Iterator[PageSpec]:
    rows = _rows(summaries)
    mix = _mix(model)
    context = {
        "stats": model.stats, "rows": rows, "mix": mix, "mix_total": sum(n for _, n, _ in mix),
        "volume_chart": _volume_chart(rows) if rows else None,
        "days_chart": _days_chart(rows) if rows else None,
        "mix_chart": _mix_chart(mix) if any(n for _, n, _ in mix) else None,
    }
    yield PageSpec(urls.page("stats"), "stats.html", "In numbers", context,
                   "How much feedback we heard, answered and shipped each quarter, how fast we answer, "
                   "and what became of it.")
