"""The internal report (portalgen.model.report) as text for a terminal, Markdown or JSON.

It names anonymous customers, so it is printed for the team and never written into site/. Text and
Markdown speak the portal's language (its catalogs); JSON is a machine format with English keys.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from portalgen.content.problems import printable
from portalgen.model.report import Asker, Report
from portalgen.render.i18n import Words, english
from portalgen.render.markdown_safe import code_span, md_escape

FORMATS = ("text", "md", "json")

# The report speaks the portal's language (its catalogs, its long dates in the heading). Each line
# of a list still starts with its YYYY-MM-DD date: those lists are sorted by it, and a team scans,
# sorts and greps them; an ISO date reads the same in every language and lines up in a column.
# No gettext call stands inside an f-string: pybabel extract does not look inside one.


def internal(w: Words) -> str:
    """The warning every report and triage view carries, in every language."""
    return w.gettext("Internal: do not publish.")


def private_mark(w: Words, private: bool) -> str:
    return " " + w.gettext("[private]") if private else ""


def who(w: Words, name: str, named: bool) -> str:
    """'Globex Retail (anonymous)': the report names anonymous customers, and says that it does."""
    return name if named else w.gettext("%(name)s (anonymous)", name=name)


def _askers(w: Words, customers: list[Asker]) -> str:
    return w.comma([who(w, c.name, c.named) for c in customers]) or w.gettext("nobody on record")


def answers(w: Words, path: str, feedback: list[str]) -> str:
    """'content/decisions/x.md (answers: a, b)': a path and slugs, as the team finds them."""
    return path + " (" + w.gettext("answers: %(feedback)s", feedback=", ".join(feedback)) + ")"


def _sections(report: Report, w: Words) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(line, detail)]) shared by the text and Markdown formats."""
    stale = [(" · ".join([f.date.isoformat(), w.ngettext("%(num)s day", "%(num)s days", f.days_waiting),
                          f.title + private_mark(w, f.private)])
              + " — " + w.gettext("from %(customers)s", customers=_askers(w, f.customers)),
              f.path + (" (" + w.gettext("duplicate of %(slug)s", slug=f.duplicate_of) + ")" if f.duplicate_of else "")
              + ("; " + w.ngettext("draft answer: %(paths)s", "draft answers: %(paths)s", len(f.draft_answers),
                                   paths=", ".join(f.draft_answers)) if f.draft_answers else ""))
             for f in report.stale_feedback]
    overdue = [(" · ".join([w.gettext("revisit %(date)s", date=d.revisit.isoformat()),
                            w.ngettext("%(num)s day overdue", "%(num)s days overdue", d.days_overdue),
                            d.title + private_mark(w, d.private)]), answers(w, d.path, d.feedback))
               for d in report.overdue_revisits]
    declined = [(f"{d.date.isoformat()} · {d.title}" + private_mark(w, d.private), answers(w, d.path, d.feedback))
                for d in report.declined_without_workaround]
    quiet = [(" · ".join([*([w.gettext("last news %(date)s", date=q.last_news.isoformat()),
                             w.ngettext("%(num)s day ago", "%(num)s days ago", q.days_quiet or 0)]
                            if q.last_news else [w.gettext("no news ever")]), who(w, q.name, q.named)]), q.path)
             for q in report.quiet_customers]
    return [
        (w.ngettext("Waiting for an answer for more than %(num)s day, oldest first",
                    "Waiting for an answer for more than %(num)s days, oldest first", report.stale_after_days), stale),
        (w.gettext("Deferred decisions past their revisit date"), overdue),
        (w.gettext("Declined decisions without a workaround"), declined),
        (w.ngettext("Customers due a check-in: no news in %(num)s day",
                    "Customers due a check-in: no news in %(num)s days", report.quiet_after_days), quiet),
    ]


def _counts(counts: dict[str, int], w: Words) -> str:
    """'2 (1 feedback, 0 decisions, 1 change)'."""
    parts = [w.ngettext("%(num)s feedback", "%(num)s feedback", counts["feedback"]),
             w.ngettext("%(num)s decision", "%(num)s decisions", counts["decisions"]),
             w.ngettext("%(num)s change", "%(num)s changes", counts["changes"])]
    return f"{w.number(counts['total'])} ({w.comma(parts)})"


def _verdict(report: Report, w: Words) -> str:
    if not report.stale:
        return w.gettext("Nothing is stale.")
    parts = []
    if report.stale_feedback:
        parts.append(w.ngettext("%(num)s stale feedback item", "%(num)s stale feedback items",
                                len(report.stale_feedback)))
    if report.overdue_revisits:
        parts.append(w.ngettext("%(num)s overdue revisit", "%(num)s overdue revisits", len(report.overdue_revisits)))
    if report.quiet_customers:
        parts.append(w.ngettext("%(num)s customer without news", "%(num)s customers without news",
                                len(report.quiet_customers)))
    return w.gettext("Stale: %(what)s.", what=w.join(parts))


def as_of(w: Words, today: date) -> str:
    """'As of 15 June 2026. Internal: do not publish.'"""
    return w.gettext("As of %(date)s.", date=w.longdate(today)) + " " + internal(w)


def content_errors(w: Words, count: int) -> str:
    """'Content has 2 errors:', to go before the advice (bold in Markdown)."""
    return w.ngettext("Content has %(num)s error:", "Content has %(num)s errors:", count)


def format_text(report: Report, words: Words | None = None) -> str:
    w = words or english()
    lines = [w.gettext("portalgen report: %(title)s", title=report.title), as_of(w, report.today), ""]
    if report.content_errors:
        lines += ["! " + content_errors(w, report.content_errors) + " " + w.gettext(
            "run %(command)s; records with errors are left out of this report.", command="`portalgen check`"), ""]
    for heading, entries in _sections(report, w):
        lines.append(f"{heading} ({w.number(len(entries))})")
        if not entries:
            lines.append("  " + w.gettext("none"))
        for line, detail in entries:
            lines.append(f"  {line}")
            lines.append(f"      {detail}")
        lines.append("")
    lines.append(w.gettext("Drafts: %(counts)s", counts=_counts(report.drafts, w)))
    lines.append(w.gettext("Private records: %(counts)s", counts=_counts(report.private, w)))
    lines += ["", _verdict(report, w)]
    # For a terminal: a title's line break or ESC is spelled out, so no record can redraw the report.
    return "\n".join(printable(line) for line in lines) + "\n"


def format_md(report: Report, words: Words | None = None) -> str:
    w = words or english()
    lines = ["# " + md_escape(w.gettext("Report: %(title)s", title=report.title)), "", as_of(w, report.today), ""]
    if report.content_errors:
        lines += [f"> **{content_errors(w, report.content_errors)}** " + w.gettext(
            "run %(command)s; records with errors are left out of this report.", command="`portalgen check`"), ""]
    for heading, entries in _sections(report, w):
        lines += [f"## {md_escape(heading)} ({w.number(len(entries))})", ""]
        if not entries:
            lines.append(w.gettext("None."))
        for line, detail in entries:
            lines.append(f"- {md_escape(line)}  \n  {code_span(detail)}")
        lines.append("")
    lines += ["## " + md_escape(w.gettext("Drafts and private records")), "",
              "- " + md_escape(w.gettext("Drafts: %(counts)s", counts=_counts(report.drafts, w))),
              "- " + md_escape(w.gettext("Private records: %(counts)s", counts=_counts(report.private, w))), "",
              f"**{md_escape(_verdict(report, w))}**"]
    return "\n".join(lines) + "\n"


def to_data(report: Report) -> dict[str, Any]:
    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "format": "portalgen/report", "version": 1, "title": report.title, "today": iso(report.today),
        "stale_after_days": report.stale_after_days, "quiet_after_days": report.quiet_after_days,
        "content_errors": report.content_errors, "stale": report.stale,
        "stale_feedback": [{
            "slug": f.slug, "title": f.title, "date": iso(f.date), "days_waiting": f.days_waiting,
            "path": f.path, "visibility": "private" if f.private else "public",
            "customers": [{"slug": c.slug, "name": c.name, "credit": "named" if c.named else "anonymous"}
                          for c in f.customers],
            "duplicate_of": f.duplicate_of, "draft_answers": f.draft_answers,
        } for f in report.stale_feedback],
        "overdue_revisits": [{
            "slug": d.slug, "title": d.title, "date": iso(d.date), "revisit": iso(d.revisit),
            "days_overdue": d.days_overdue, "path": d.path, "visibility": "private" if d.private else "public",
            "feedback": d.feedback,
        } for d in report.overdue_revisits],
        "declined_without_workaround": [{
            "slug": d.slug, "title": d.title, "date": iso(d.date), "path": d.path,
            "visibility": "private" if d.private else "public", "feedback": d.feedback,
        } for d in report.declined_without_workaround],
        "quiet_customers": [{
            "slug": q.slug, "name": q.name, "credit": "named" if q.named else "anonymous", "path": q.path,
            "last_news": iso(q.last_news), "days_quiet": q.days_quiet,
        } for q in report.quiet_customers],
        "drafts": report.drafts, "private": report.private,
    }


def format_json(report: Report, words: Words | None = None) -> str:
    """A machine format: English keys and ISO dates whatever the portal's language."""
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


def render(report: Report, fmt: str = "text", words: Words | None = None) -> str:
    """The report in the portal's `words` (English without them)."""
    return {"text": format_text, "md": format_md, "json": format_json}[fmt](report, words)
