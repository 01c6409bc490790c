"""The internal report (portalgen.model.report) as text for a terminal, Markdown or JSON.

It names anonymous customers, so it is printed for the team and never written into site/.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from portalgen.content.problems import printable
from portalgen.model.report import Asker, Report
from portalgen.render.markdown_safe import code_span, md_escape

FORMATS = ("text", "md", "json")


def _who(customers: list[Asker]) -> str:
    return ", ".join(c.name + ("" if c.named else " (anonymous)") for c in customers) or "nobody on record"


def _plural(n: int, one: str, many: str) -> str:
    """'1 day', '2 days': both forms written out (this team report is in English; never an added "s")."""
    return f"{n} {one if n == 1 else many}"


def _sections(report: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(line, detail)]) shared by the text and Markdown formats."""
    stale = [(f"{f.date.isoformat()} · {_plural(f.days_waiting, 'day', 'days')} · {f.title}"
              + (" [private]" if f.private else "") + f" — from {_who(f.customers)}",
              f.path + (f" (duplicate of {f.duplicate_of})" if f.duplicate_of else "")
              + (f"; draft answer: {', '.join(f.draft_answers)}" if f.draft_answers else ""))
             for f in report.stale_feedback]
    overdue = [(f"revisit {d.revisit.isoformat()} · {_plural(d.days_overdue, 'day', 'days')} overdue · {d.title}"
                + (" [private]" if d.private else ""), f"{d.path} (answers: {', '.join(d.feedback)})")
               for d in report.overdue_revisits]
    declined = [(f"{d.date.isoformat()} · {d.title}" + (" [private]" if d.private else ""),
                 f"{d.path} (answers: {', '.join(d.feedback)})") for d in report.declined_without_workaround]
    quiet = [((f"last news {q.last_news.isoformat()} · {_plural(q.days_quiet or 0, 'day', 'days')} ago"
               if q.last_news else "no news ever") + f" · {q.name}" + ("" if q.named else " (anonymous)"), q.path)
             for q in report.quiet_customers]
    return [
        (f"Waiting for an answer for more than {_plural(report.stale_after_days, 'day', 'days')}, oldest first", stale),
        ("Deferred decisions past their revisit date", overdue),
        ("Declined decisions without a workaround", declined),
        (f"Customers due a check-in: no news in {report.quiet_after_days} days", quiet),
    ]


def _counts(counts: dict[str, int]) -> str:
    return (f"{counts['total']} ({counts['feedback']} feedback, {counts['decisions']} "
            f"{'decision' if counts['decisions'] == 1 else 'decisions'}, "
            f"{counts['changes']} {'change' if counts['changes'] == 1 else 'changes'})")


def _verdict(report: Report) -> str:
    if not report.stale:
        return "Nothing is stale."
    parts = []
    if report.stale_feedback:
        parts.append(_plural(len(report.stale_feedback), "stale feedback item", "stale feedback items"))
    if report.overdue_revisits:
        parts.append(_plural(len(report.overdue_revisits), "overdue revisit", "overdue revisits"))
    if report.quiet_customers:
        parts.append(_plural(len(report.quiet_customers), "customer", "customers") + " without news")
    return "Stale: " + ", ".join(parts) + "."


def format_text(report: Report) -> str:
    lines = [f"portalgen report: {report.title}",
             f"As of {report.today.isoformat()}. Internal: do not publish.", ""]
    if report.content_errors:
        lines += [f"! content has {_plural(report.content_errors, 'error', 'errors')}: run `portalgen check`; "
                  "records with errors are left out of this report.", ""]
    for heading, entries in _sections(report):
        lines.append(f"{heading} ({len(entries)})")
        if not entries:
            lines.append("  none")
        for line, detail in entries:
            lines.append(f"  {line}")
            lines.append(f"      {detail}")
        lines.append("")
    lines.append(f"Drafts: {_counts(report.drafts)}")
    lines.append(f"Private records: {_counts(report.private)}")
    lines += ["", _verdict(report)]
    # For a terminal: a title's line break or ESC is spelled out, so no record can redraw the report.
    return "\n".join(printable(line) for line in lines) + "\n"


def format_md(report: Report) -> str:
    lines = [f"# Report: {md_escape(report.title)}", "",
             f"As of {report.today.isoformat()}. Internal: do not publish.", ""]
    if report.content_errors:
        lines += [f"> **Content has {_plural(report.content_errors, 'error', 'errors')}**: run `portalgen check`; "
                  "records with errors are left out of this report.", ""]
    for heading, entries in _sections(report):
        lines += [f"## {md_escape(heading)} ({len(entries)})", ""]
        if not entries:
            lines.append("None.")
        for line, detail in entries:
            lines.append(f"- {md_escape(line)}  \n  {code_span(detail)}")
        lines.append("")
    lines += ["## Drafts and private records", "",
              f"- Drafts: {_counts(report.drafts)}", f"- Private records: {_counts(report.private)}", "",
              f"**{_verdict(report)}**"]
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


def format_json(report: Report) -> str:
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


def render(report: Report, fmt: str = "text") -> str:
    return {"text": format_text, "md": format_md, "json": format_json}[fmt](report)
