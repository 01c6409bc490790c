"""The triage view (portalgen.model.triage) as text for a terminal, Markdown, JSON or one HTML page.

It names anonymous customers and shows their private weights, so it is printed (or written where
the user says, with -o on the shell) for the team, and never written into site/. The HTML page is
self-contained: its style is inline, it loads nothing, runs no script and asks not to be indexed.
Text, Markdown and HTML speak the portal's language (its catalogs); JSON is a machine format with
English keys.
"""

from __future__ import annotations

import html
import json
from typing import Any

from portalgen.content.problems import printable
from portalgen.model.statuses import N_, STATUSES
from portalgen.model.triage import NO_PRIORITY, DecidedItem, Demand, OpenItem, Requester, Theme, Triage
from portalgen.render.i18n import Words, english
from portalgen.render.markdown_safe import code_span, md_escape
from portalgen.render.report import answers, as_of, content_errors, private_mark

FORMATS = ("text", "md", "json", "html")
# MoSCoW's own names, in the portal's language. Lines start with YYYY-MM-DD dates, as in the report
# (portalgen.render.report says why); the heading's date is the portal's long date.
PRIORITY_NAMES = {"must": N_("Must have"), "should": N_("Should have"), "could": N_("Could have"),
                  "wont": N_("Won't have this time"), NO_PRIORITY: N_("No priority set")}


def number(value: float, words: Words | None = None) -> str:
    """A weight as people read it: 120,000 or 1,234.5 (120.000 or 1.234,5 in German)."""
    return (words or english()).number(round(value) if float(value).is_integer() else round(value, 2))


def _theme_name(theme: Theme, w: Words) -> str:
    return theme.tag if theme.tag is not None else w.gettext("(no tag)")


def _segments(demand: Demand, w: Words) -> str:
    """'Healthcare 2, Retail 1': each segment with its number of customers."""
    # gettext outside the f-strings: pybabel extract does not look inside one.
    nameless = w.gettext("no segment")
    return w.comma([f"{s or nameless} {w.number(n)}" for s, n in demand.segments])


def _summary(demand: Demand, w: Words) -> str:
    """'3 customers (Healthcare 2, Retail 1) · 12 votes · weight 240,000'"""
    parts = [w.ngettext("%(num)s customer", "%(num)s customers", demand.count)
             + (f" ({_segments(demand, w)})" if demand.customers else "")]
    if demand.votes is not None:
        parts.append(w.ngettext("%(num)s vote", "%(num)s votes", demand.votes))
    if demand.weight is not None:
        parts.append(w.gettext("weight %(weight)s", weight=number(demand.weight, w)))
    return " · ".join(parts)


def _who(customer: Requester, w: Words) -> str:
    """'Globex Retail (anonymous, Retail, weight 50,000)'."""
    notes = [] if customer.named else [w.gettext("anonymous")]
    if customer.segment:
        notes.append(customer.segment)
    if customer.weight is not None:
        notes.append(w.gettext("weight %(weight)s", weight=number(customer.weight, w)))
    return customer.name + (f" ({w.comma(notes)})" if notes else "")


def _askers(demand: Demand, w: Words) -> str:
    return w.comma([_who(c, w) for c in demand.customers]) or w.gettext("nobody on record")


def _demand(demand: Demand, w: Words) -> str:
    """'2 customers (Healthcare 1, Retail 1) · weight 170,000: Acme Health (…), Globex Retail (…)'."""
    return w.gettext("%(demand)s: %(customers)s", demand=_summary(demand, w), customers=_askers(demand, w))


def status_name(w: Words, status: str) -> str:
    """A status or an outcome by the portal's own name for it ("Considering", "Not now")."""
    return w.gettext(STATUSES[status].label) if status in STATUSES else status


def _open_line(item: OpenItem, w: Words) -> str:
    return " · ".join([item.date.isoformat(), w.ngettext("%(num)s day", "%(num)s days", item.days_open),
                       status_name(w, item.status), item.title + private_mark(w, item.private)])


def _open_detail(item: OpenItem, w: Words) -> str:
    return item.path + ("; " + w.gettext("duplicates: %(slugs)s", slugs=", ".join(item.duplicates))
                        if item.duplicates else "")


def _decided_line(item: DecidedItem, w: Words) -> str:
    return " · ".join([item.date.isoformat(), status_name(w, item.outcome), item.title + private_mark(w, item.private)])


def _headline(triage: Triage, w: Words) -> str:
    items = triage.open_items
    asking = {c.slug for i in items for c in i.demand.customers}
    return w.gettext("Open feedback by theme: %(items)s %(customers)s, biggest themes first, oldest items first",
                     items=w.ngettext("%(num)s item", "%(num)s items", len(items)),
                     customers=w.ngettext("from %(num)s customer", "from %(num)s customers", len(asking)))


def _warning(triage: Triage, w: Words) -> str:
    """'As of 1 March 2026. Internal: do not publish. It names anonymous customers and shows private weights.'"""
    return as_of(w, triage.today) + " " + w.gettext("It names anonymous customers and shows private weights.")


def _priority(w: Words, priority: str, count: int) -> str:
    return f"{w.gettext(PRIORITY_NAMES[priority])} ({w.number(count)})"


def _errors_advice(w: Words) -> str:
    return w.gettext("run %(command)s; records with errors are left out.", command="\x00")


def format_text(triage: Triage, words: Words | None = None) -> str:
    w = words or english()
    lines = [w.gettext("portalgen triage: %(title)s", title=triage.title), _warning(triage, w), ""]
    if triage.content_errors:
        lines += ["! " + content_errors(w, triage.content_errors) + " "
                  + _errors_advice(w).replace("\x00", "`portalgen check`"), ""]
    lines += [_headline(triage, w), ""]
    if not triage.themes:
        lines += ["  " + w.gettext("nothing open"), ""]
    for theme in triage.themes:
        lines.append(f"{_theme_name(theme, w)} — {_summary(theme.demand, w)}")
        for item in theme.items:
            lines += [f"  {_open_line(item, w)}", f"      {_demand(item.demand, w)}",
                      f"      {_open_detail(item, w)}"]
        lines.append("")
    lines += [w.gettext("Decided, not shipped yet, by priority"), ""]
    for priority, entries in triage.decided.items():
        lines.append(_priority(w, priority, len(entries)))
        if not entries:
            lines.append("  " + w.gettext("none"))
        for entry in entries:
            lines += [f"  {_decided_line(entry, w)}", f"      {_demand(entry.demand, w)}",
                      f"      {answers(w, entry.path, entry.feedback)}"]
        lines.append("")
    # For a terminal: a title's line break or ESC is spelled out, so no record can redraw the view.
    return "\n".join(printable(line) for line in lines)


def format_md(triage: Triage, words: Words | None = None) -> str:
    w = words or english()
    lines = ["# " + md_escape(w.gettext("Triage: %(title)s", title=triage.title)), "", _warning(triage, w), ""]
    if triage.content_errors:
        lines += [f"> **{content_errors(w, triage.content_errors)}** "
                  + _errors_advice(w).replace("\x00", "`portalgen check`"), ""]
    lines += [f"## {md_escape(_headline(triage, w))}", ""]
    if not triage.themes:
        lines += [w.gettext("Nothing open."), ""]
    for theme in triage.themes:
        lines += [f"### {md_escape(_theme_name(theme, w))}", "", md_escape(_summary(theme.demand, w)), ""]
        for item in theme.items:
            lines.append(f"- {md_escape(_open_line(item, w))}  \n  {md_escape(_demand(item.demand, w))}  \n  "
                         f"{code_span(_open_detail(item, w))}")
        lines.append("")
    lines += ["## " + md_escape(w.gettext("Decided, not shipped yet, by priority")), ""]
    for priority, entries in triage.decided.items():
        lines += [f"### {md_escape(_priority(w, priority, len(entries)))}", ""]
        if not entries:
            lines.append(w.gettext("None."))
        for entry in entries:
            lines.append(f"- {md_escape(_decided_line(entry, w))}  \n  {md_escape(_demand(entry.demand, w))}  \n  "
                         f"{code_span(answers(w, entry.path, entry.feedback))}")
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


def format_json(triage: Triage, words: Words | None = None) -> str:
    """A machine format: English keys, status keys and ISO dates whatever the portal's language."""
    return json.dumps(to_data(triage), ensure_ascii=False, indent=2) + "\n"


_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#1a1a1a}
.warning{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .75rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:start;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:end;white-space:nowrap}td.d{white-space:nowrap}.private{color:#8a1c1c}
code{font-size:90%}
"""

_OPEN_HEAD = (N_("Date"), N_("Days open"), N_("Status"), N_("Feedback"), N_("Customers"), N_("Segments"),
              N_("Votes"), N_("Weight"))
_DECIDED_HEAD = (N_("Decided"), N_("Outcome"), N_("Decision"), N_("Answers"), N_("Customers"), N_("Segments"),
                 N_("Votes"), N_("Weight"))


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cells(demand: Demand, w: Words) -> str:
    return (f"<td>{_e(_askers(demand, w))}</td><td>{_e(_segments(demand, w))}</td>"
            f"<td class=\"n\">{'' if demand.votes is None else _e(w.number(demand.votes))}</td>"
            f"<td class=\"n\">{'' if demand.weight is None else _e(number(demand.weight, w))}</td>")


def _title_cell(title: str, path: str, private: bool, w: Words) -> str:
    mark = ' <span class="private">' + _e(w.gettext("[private]")) + "</span>" if private else ""
    return f"<td>{_e(title)}{mark}<br><code>{_e(path)}</code></td>"


def _table(head: tuple[str, ...], rows: list[str], w: Words) -> list[str]:
    header = "".join(f'<th scope="col">{_e(w.gettext(h))}</th>' for h in head)
    return [f"<table><thead><tr>{header}</tr></thead><tbody>", *rows, "</tbody></table>"]


def format_html(triage: Triage, words: Words | None = None) -> str:
    w = words or english()
    title = _e(w.gettext("Triage: %(title)s", title=triage.title))
    out = ["<!DOCTYPE html>", f'<html lang="{_e(w.language)}"' + (' dir="rtl">' if w.rtl else ">"), "<head>",
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="robots" content="noindex, nofollow">',
           # Nothing to load and nothing to run, whatever a title holds.
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           f"<title>{title}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>", "<main>",
           f"<h1>{title}</h1>", f'<p class="warning">{_e(_warning(triage, w))}</p>']
    if triage.content_errors:
        out.append(f'<p class="warning">{_e(content_errors(w, triage.content_errors))} '
                   + _e(_errors_advice(w)).replace("\x00", "<code>portalgen check</code>") + "</p>")
    out += ['<section id="open">', f"<h2>{_e(_headline(triage, w))}</h2>"]
    if not triage.themes:
        out.append("<p>" + _e(w.gettext("Nothing open.")) + "</p>")
    for theme in triage.themes:
        out += ['<section class="theme">', f"<h3>{_e(_theme_name(theme, w))}</h3>",
                f"<p>{_e(_summary(theme.demand, w))}</p>"]
        out += _table(_OPEN_HEAD, [
            f"<tr><td class=\"d\">{i.date.isoformat()}</td><td class=\"n\">{_e(w.number(i.days_open))}</td>"
            f"<td>{_e(status_name(w, i.status))}</td>{_title_cell(i.title, _open_detail(i, w), i.private, w)}"
            f"{_cells(i.demand, w)}</tr>" for i in theme.items], w)
        out.append("</section>")
    out += ["</section>", '<section id="decided">',
            "<h2>" + _e(w.gettext("Decided, not shipped yet, by priority")) + "</h2>"]
    for priority, entries in triage.decided.items():
        out.append(f"<h3>{_e(_priority(w, priority, len(entries)))}</h3>")
        if not entries:
            out.append("<p>" + _e(w.gettext("None.")) + "</p>")
            continue
        out += _table(_DECIDED_HEAD, [
            f"<tr><td class=\"d\">{d.date.isoformat()}</td><td>{_e(status_name(w, d.outcome))}</td>"
            f"{_title_cell(d.title, d.path, d.private, w)}<td>{_e(', '.join(d.feedback))}</td>"
            f"{_cells(d.demand, w)}</tr>"
            for d in entries], w)
    out += ["</section>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def render(triage: Triage, fmt: str = "text", words: Words | None = None) -> str:
    """The triage view in the portal's `words` (English without them)."""
    text = {"text": format_text, "md": format_md, "json": format_json, "html": format_html}[fmt](triage, words)
    return text if text.endswith("\n") else text + "\n"
