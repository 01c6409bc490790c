"""The stats/ page: the portal's numbers over time, as SVG charts drawn at build time with data tables.

Three charts, each with the same numbers in a table:

- heard, answered and shipped per quarter (feedback items; see quarters.py for the definitions);
- median days to an answer per quarter (over the items first answered in that quarter);
- the mix of outcomes: where every published feedback item stands today, by status.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from portalgen.model import quarters, urls
from portalgen.model.items import Model
from portalgen.model.statuses import ORDER, STATUSES, Status
from portalgen.render import charts
from portalgen.render.i18n import Words
from portalgen.render.spec import Msg, PageSpec, spec

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


def _numbers(words: Words) -> charts.Numbers:
    """The charts' ticks, values and shares in the portal's locale, as its tables write them."""
    return charts.Numbers(lambda v: words.number(int(v) if float(v).is_integer() else round(v, 1)), words.percent)


def _volume_chart(rows: list[QuarterRow], words: Words) -> Markup:
    labels = [words.quarter(r.summary.quarter.number, r.summary.quarter.year) for r in rows]
    total = [sum(r.heard for r in rows), sum(r.answered for r in rows), sum(r.shipped for r in rows)]
    busiest = max(rows, key=lambda r: (r.heard, r.summary.quarter))
    desc = " ".join([
        words.ngettext("Grouped bar chart over %(num)s quarter, %(first)s to %(last)s.",
                       "Grouped bar chart over %(num)s quarters, %(first)s to %(last)s.", len(rows),
                       first=labels[0], last=labels[-1]),
        words.gettext("In all, %(heard)s heard, %(answered)s answered and %(shipped)s shipped.",
                      heard=words.number(total[0]), answered=words.number(total[1]), shipped=words.number(total[2])),
        words.gettext("Most feedback was heard in %(quarter)s (%(num)s).", quarter=labels[rows.index(busiest)],
                      num=words.number(busiest.heard)),
        words.gettext("The table below the chart lists every number.")])
    return charts.bar_chart(
        "chart-volume", words.gettext("Feedback heard, answered and shipped per quarter"), desc, labels,
        [charts.Series(words.gettext("Heard"), "heard", [r.heard for r in rows], FALLBACK["heard"]),
         charts.Series(words.gettext("Answered"), "answered", [r.answered for r in rows], FALLBACK["answered"]),
         charts.Series(words.gettext("Shipped"), "shipped", [r.shipped for r in rows], FALLBACK["shipped"])],
        numbers=_numbers(words))


def _days_chart(rows: list[QuarterRow], words: Words) -> Markup:
    labels = [words.quarter(r.summary.quarter.number, r.summary.quarter.year) for r in rows]
    known = [r for r in rows if r.median_days is not None]
    if known:
        fastest = min(known, key=lambda r: (r.median_days, r.summary.quarter))
        slowest = max(known, key=lambda r: (r.median_days, r.summary.quarter))
        desc = " ".join([
            words.ngettext("Line chart over %(num)s quarter, %(first)s to %(last)s.",
                           "Line chart over %(num)s quarters, %(first)s to %(last)s.", len(rows),
                           first=labels[0], last=labels[-1]),
            words.gettext("Fastest: %(fastest)s in %(fast_quarter)s; slowest: %(slowest)s in %(slow_quarter)s.",
                          fastest=_days(words, fastest.median_days), fast_quarter=labels[rows.index(fastest)],
                          slowest=_days(words, slowest.median_days), slow_quarter=labels[rows.index(slowest)]),
            words.gettext("Quarters in which nothing was answered have no point."),
            words.gettext("The table below the chart lists every number.")])
    else:
        desc = words.gettext("Nothing has been answered yet, so there are no points.")
    return charts.line_chart(
        "chart-days", words.gettext("Median days to an answer per quarter"), desc, labels,
        charts.Series(words.gettext("Median days to an answer"), "days", [r.median_days for r in rows],
                      FALLBACK["days"]), numbers=_numbers(words))


def _days(words: Words, days: int | None) -> str:
    return words.ngettext("%(num)s day", "%(num)s days", days or 0)


def _mix(model: Model) -> list[tuple[Status, int, int]]:
    """(status, items, percentage share) in the portal's status order, zeros included."""
    counts = Counter(i.status for i in model.feedback)
    total = sum(counts.values())
    return [(STATUSES[key], counts[key], charts.share(counts[key], total)) for key in ORDER]


def _mix_chart(mix: list[tuple[Status, int, int]], words: Words) -> Markup:
    total = sum(n for _, n, _ in mix)
    parts = [f"{words.gettext(s.label)}: {words.number(n)} ({words.percent(pct)})" for s, n, pct in mix if n]
    desc = " ".join([
        words.ngettext("Horizontal bar chart of all %(num)s feedback item by where it stands today.",
                       "Horizontal bar chart of all %(num)s feedback items by where they stand today.", total),
        "; ".join(parts) + ".",
        words.gettext("The table below the chart lists every number.")])
    return charts.hbar_chart("chart-mix", words.gettext("The mix of outcomes"), desc,
                             [(words.gettext(s.label), f"status-{s.key}", n) for s, n, _ in mix], STATUS_FALLBACK,
                             _numbers(words))


CHARTS: dict[str, Callable[[Any, Words], Markup]] = {"volume": _volume_chart, "days": _days_chart, "mix": _mix_chart}


def chart(name: str, data: Any, words: Words) -> Markup:
    """A chart of the stats page in the portal's language, drawn when the page is rendered."""
    return CHARTS[name](data, words)


def page_spec(model: Model, summaries: list[quarters.QuarterSummary]) -> PageSpec:
    """The stats page's plan."""
    rows = _rows(summaries)
    mix = _mix(model)
    context = {
        "stats": model.stats, "rows": rows, "mix": mix, "mix_total": sum(n for _, n, _ in mix),
        # What each chart shows; the template draws it (stats_chart), in the portal's language.
        "volume_chart": bool(rows), "days_chart": bool(rows), "mix_chart": any(n for _, n, _ in mix),
    }
    return spec(urls.page("stats"), "stats.html", Msg("In numbers"), context,
                Msg("How much feedback we heard, answered and shipped each quarter, how fast we answer, "
                    "and what became of it."))
