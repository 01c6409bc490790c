"""The triage view (portalgen.model.triage) as text for a terminal, Markdown, JSON or one HTML page.

It names anonymous customers and shows their private weights, so it is printed (or written where
the user says, with -o on the shell) for the team, and never written into site/. The HTML page is
self-contained: its style is inline, it loads nothing, runs no script and asks not to be indexed.
"""

from __future__ import annotations

import html
import json
from typing import Any

from portalgen.content.problems import printable
from portalgen.model.triage import NO_PRIORITY, DecidedItem, Demand, OpenItem, Requester, Theme, Triage
from portalgen.render.markdown_safe import code_span, md_escape

FORMATS = ("text", "md", "json", "html")
PRIORITY_NAMES = {"must": "Must have", "should": "Should have", "could": "Could have",
                  "wont": "Won't have this time", NO_PRIORITY: "No priority set"}
WARNING = "Internal: do not publish. It names anonymous customers and shows private weights."


def _plural(n: int, one: str, many: str) -> str:
    """'1 day', '2 days': both forms written out (this team report is in English; never an added "s")."""
    return f"{n} {one if n == 1 else many}"


def number(value: float) -> str:
    """A weight as people read it: 120,000 or 1,234.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _theme_name(theme: Theme) -> str:
    return theme.tag if theme.tag is not None else "(no tag)"


def _segments(demand: Demand) -> str:
    return ", ".join(f"{s or 'no segment'} {n}" for s, n in demand.segments)


def _summary(demand: Demand) -> str:
    """'3 customers (Healthcare 2, Retail 1) · 12 votes · weight 240,000'"""
    parts = [_plural(demand.count, "customer", "customers") + (f" ({_segments(demand)})" if demand.customers else "")]
    if demand.votes is not None:
        parts.append(_plural(demand.votes, "vote", "votes"))
    if demand.weight is not None:
        parts.append(f"weight {number(demand.weight)}")
    return " · ".join(parts)


def _who(customer: Requester) -> str:
    notes = [] if customer.named else ["anonymous"]
    if customer.segment:
        notes.append(customer.segment)
    if customer.weight is not None:
        notes.append(f"weight {number(customer.weight)}")
    return customer.name + (f" ({', '.join(notes)})" if notes else "")


def _askers(demand: Demand) -> str:
    return ", ".join(_who(c) for c in demand.customers) or "nobody on record"


def _open_line(item: OpenItem) -> str:
    return (f"{item.date.isoformat()} · {_plural(item.days_open, 'day', 'days')} · {item.status} · {item.title}"
            + (" [private]" if item.private else ""))


def _open_detail(item: OpenItem) -> str:
    return item.path + (f"; duplicates: {', '.join(item.duplicates)}" if item.duplicates else "")


def _decided_line(item: DecidedItem) -> str:
    return f"{item.date.isoformat()} · {item.outcome} · {item.title}" + (" [private]" if item.private else "")


def _decided_detail(item: DecidedItem) -> str:
    return f"{item.path} (answers: {', '.join(item.feedback)})"


def _headline(triage: Triage) -> str:
    items = triage.open_items
    asking = {c.slug for i in items for c in i.demand.customers}
    return (f"Open feedback by theme: {_plural(len(items), 'item', 'items')} "
            f"from {_plural(len(asking), 'customer', 'customers')}, "
            "biggest themes first, oldest items first")


def format_text(triage: Triage) -> str:
    lines = [f"portalgen triage: {triage.title}", f"As of {triage.today.isoformat()}. {WARNING}", ""]
    if triage.content_errors:
        lines += [f"! content has {_plural(triage.content_errors, 'error', 'errors')}: run `portalgen check`; "
                  "records with errors are left out.", ""]
    lines += [_headline(triage), ""]
    if not triage.themes:
        lines += ["  nothing open", ""]
    for theme in triage.themes:
        lines.append(f"{_theme_name(theme)} — {_summary(theme.demand)}")
        for item in theme.items:
            lines += [f"  {_open_line(item)}", f"      {_summary(item.demand)}: {_askers(item.demand)}",
                      f"      {_open_detail(item)}"]
        lines.append("")
    lines += ["Decided, not shipped yet, by priority", ""]
    for priority, entries in triage.decided.items():
        lines.append(f"{PRIORITY_NAMES[priority]} ({len(entries)})")
        if not entries:
            lines.append("  none")
        for entry in entries:
            lines += [f"  {_decided_line(entry)}", f"      {_summary(entry.demand)}: {_askers(entry.demand)}",
                      f"      {_decided_detail(entry)}"]
        lines.append("")
    # For a terminal: a title's line break or ESC is spelled out, so no record can redraw the view.
    return "\n".join(printable(line) for line in lines)


def format_md(triage: Triage) -> str:
    lines = [f"# Triage: {md_escape(triage.title)}", "", f"As of {triage.today.isoformat()}. {WARNING}", ""]
    if triage.content_errors:
        lines += [f"> **Content has {_plural(triage.content_errors, 'error', 'errors')}**: run `portalgen check`; "
                  "records with errors are left out.", ""]
    lines += [f"## {md_escape(_headline(triage))}", ""]
    if not triage.themes:
        lines += ["Nothing open.", ""]
    for theme in triage.themes:
        lines += [f"### {md_escape(_theme_name(theme))}", "", md_escape(_summary(theme.demand)), ""]
        for item in theme.items:
            lines.append(f"- {md_escape(_open_line(item))}  \n  {md_escape(_summary(item.demand))}: "
                         f"{md_escape(_askers(item.demand))}  \n  {code_span(_open_detail(item))}")
        lines.append("")
    lines += ["## Decided, not shipped yet, by priority", ""]
    for priority, entries in triage.decided.items():
        lines += [f"### {md_escape(PRIORITY_NAMES[priority])} ({len(entries)})", ""]
        if not entries:
            lines.append("None.")
        for entry in entries:
            lines.append(f"- {md_escape(_decided_line(entry))}  \n  {md_escape(_summary(entry.demand))}: "
                         f"{md_escape(_askers(entry.demand))}  \n  {code_span(_decided_detail(entry))}")
        lines.append("")
    return "\n".join(lines)


def _demand_data(demand: Demand) -> dict[str, Any]:
    return {
        "customers": [{"slug": c.slug, "name": c.name, "credit": "named" if c.named else "anonymous",
                       "segment": c.segment or None, "weight": c.weight} for c in demand.customers],
        "count": demand.count,
        "segments": [{"segment": s or None, "customers": n} for s, n in demand.segments],
        "votes": demand.votes, "weight": demand.weight,
    }


def to_data(triage: Triage) -> dict[str, Any]:
    return {
        "format": "portalgen/triage", "version": 1, "title": triage.title, "today": triage.today.isoformat(),
        "content_errors": triage.content_errors,
        "themes": [{"tag": t.tag, "demand": _demand_data(t.demand), "items": [{
            "slug": i.slug, "title": i.title, "date": i.date.isoformat(), "days_open": i.days_open,
            "status": i.status, "path": i.path, "visibility": "private" if i.private else "public",
            "tags": i.tags, "duplicates": i.duplicates, "demand": _demand_data(i.demand),
        } for i in t.items]} for t in triage.themes],
        "decided": [{"priority": priority or None, "items": [{
            "slug": d.slug, "title": d.title, "date": d.date.isoformat(), "outcome": d.outcome, "path": d.path,
            "visibility": "private" if d.private else "public", "feedback": d.feedback,
            "demand": _demand_data(d.demand),
        } for d in entries]} for priority, entries in triage.decided.items()],
    }


def format_json(triage: Triage) -> str:
    return json.dumps(to_data(triage), ensure_ascii=False, indent=2) + "\n"


_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#1a1a1a}
.warning{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .75rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;white-space:nowrap}td.d{white-space:nowrap}.private{color:#8a1c1c}
code{font-size:90%}
"""

_OPEN_HEAD = ("Date", "Days open", "Status", "Feedback", "Customers", "Segments", "Votes", "Weight")
_DECIDED_HEAD = ("Decided", "Outcome", "Decision", "Answers", "Customers", "Segments", "Votes", "Weight")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cells(demand: Demand) -> str:
    return (f"<td>{_e(_askers(demand))}</td><td>{_e(_segments(demand))}</td>"
            f"<td class=\"n\">{'' if demand.votes is None else demand.votes}</td>"
            f"<td class=\"n\">{'' if demand.weight is None else _e(number(demand.weight))}</td>")


def _title_cell(title: str, path: str, private: bool) -> str:
    mark = ' <span class="private">[private]</span>' if private else ""
    return f"<td>{_e(title)}{mark}<br><code>{_e(path)}</code></td>"


def _table(head: tuple[str, ...], rows: list[str]) -> list[str]:
    header = "".join(f'<th scope="col">{h}</th>' for h in head)
    return [f"<table><thead><tr>{header}</tr></thead><tbody>", *rows, "</tbody></table>"]


def format_html(triage: Triage) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="robots" content="noindex, nofollow">',
           # Nothing to load and nothing to run, whatever a title holds.
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           f"<title>Triage: {_e(triage.title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>", "<main>",
           f"<h1>Triage: {_e(triage.title)}</h1>",
           f'<p class="warning">As of {triage.today.isoformat()}. {_e(WARNING)}</p>']
    if triage.content_errors:
        out.append(f'<p class="warning">Content has {_plural(triage.content_errors, "error", "errors")}: run '
                   "<code>portalgen check</code>; records with errors are left out.</p>")
    out += ['<section id="open">', f"<h2>{_e(_headline(triage))}</h2>"]
    if not triage.themes:
        out.append("<p>Nothing open.</p>")
    for theme in triage.themes:
        out += ['<section class="theme">', f"<h3>{_e(_theme_name(theme))}</h3>", f"<p>{_e(_summary(theme.demand))}</p>"]
        out += _table(_OPEN_HEAD, [
            f"<tr><td class=\"d\">{i.date.isoformat()}</td><td class=\"n\">{i.days_open}</td><td>{_e(i.status)}</td>"
            f"{_title_cell(i.title, _open_detail(i), i.private)}{_cells(i.demand)}</tr>" for i in theme.items])
        out.append("</section>")
    out += ["</section>", '<section id="decided">', "<h2>Decided, not shipped yet, by priority</h2>"]
    for priority, entries in triage.decided.items():
        out.append(f"<h3>{_e(PRIORITY_NAMES[priority])} ({len(entries)})</h3>")
        if not entries:
            out.append("<p>None.</p>")
            continue
        out += _table(_DECIDED_HEAD, [
            f"<tr><td class=\"d\">{d.date.isoformat()}</td><td>{_e(d.outcome)}</td>"
            f"{_title_cell(d.title, d.path, d.private)}<td>{_e(', '.join(d.feedback))}</td>{_cells(d.demand)}</tr>"
            for d in entries])
    out += ["</section>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def render(triage: Triage, fmt: str = "text") -> str:
    text = {"text": format_text, "md": format_md, "json": format_json, "html": format_html}[fmt](triage)
    return text if text.endswith("\n") else text + "\n"
