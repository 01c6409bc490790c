"""`portalgen report`: make silence visible to the product owner. Internal: never part of site/.

The report lists, as of "today":

- feedback waiting for an answer longer than portal.yaml's stale_after_days, oldest first, with who
  asked (anonymous customers by name too: this report is for the team, not for publication);
- deferred decisions past their revisit date;
- declined decisions without a workaround;
- customers with no news in 90 days;
- how many drafts and private records there are.

Choices (see docs/closing-the-loop.md):

- Drafts never count as an answer: a draft decision is not something a customer can read. A stale
  item lists the draft answers waiting to be published, so the fix is obvious.
- Public feedback is stale when the portal shows no answer (a private decision does not help the
  customer reading the portal). Private feedback is stale when it has no answer at all, public or
  private: it is still a customer waiting, only not in public.
- Deferred and declined decisions are listed only while they are the latest word on some item
  that has not shipped; a superseded "not now" needs no revisit. Private ones are included, marked.
- "No news" covers every customer on the board, named or anonymous (anonymous members deserve news
  just as much); each entry says which. News is any feedback from them (draft or private included:
  we heard from them), or any decision or change, published or private, on what they raised. The
  date they joined counts as news, so new members are not flagged in their first 90 days.
- --fail-on-stale fails on stale feedback, overdue revisits and customers without news. Declined
  decisions without a workaround and the draft/private counts are reported but never fail.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from portalgen.content.records import Customer, Records
from portalgen.model import linking
from portalgen.model import markdown as markup
from portalgen.model.items import DecisionItem, FeedbackItem, Model
from portalgen.pipeline import building
from portalgen.render.plaintext import md_escape

QUIET_AFTER_DAYS = 90
FORMATS = ("text", "md", "json")


def today(override: date | None = None) -> date:
    """'Today' for reports and digests: the --today option, else SOURCE_DATE_EPOCH, else the clock."""
    return override or building.source_date() or date.today()


@dataclass(frozen=True)
class Asker:
    slug: str
    name: str
    named: bool


@dataclass(frozen=True)
class StaleFeedback:
    slug: str
    title: str
    date: date
    days_waiting: int
    path: str
    private: bool
    customers: list[Asker]
    duplicate_of: str | None
    draft_answers: list[str]  # paths of draft decisions and changes that would answer it


@dataclass(frozen=True)
class DecisionEntry:
    slug: str
    title: str
    date: date
    path: str
    private: bool
    feedback: list[str]  # slugs of the unshipped items it is the latest word on
    revisit: date | None = None
    days_overdue: int | None = None


@dataclass(frozen=True)
class QuietCustomer:
    slug: str
    name: str
    named: bool
    path: str
    last_news: date | None
    days_quiet: int | None


@dataclass
class Report:
    title: str
    today: date
    stale_after_days: int
    quiet_after_days: int
    content_errors: int
    stale_feedback: list[StaleFeedback] = field(default_factory=list)
    overdue_revisits: list[DecisionEntry] = field(default_factory=list)
    declined_without_workaround: list[DecisionEntry] = field(default_factory=list)
    quiet_customers: list[QuietCustomer] = field(default_factory=list)
    drafts: dict[str, int] = field(default_factory=dict)
    private: dict[str, int] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        """What --fail-on-stale fails on."""
        return bool(self.stale_feedback or self.overdue_revisits or self.quiet_customers)


def link_published(records: Records, as_of: date | None,
                   bodies: bool | set[tuple[str, str]] = True) -> Model:
    """The linked model of what the portal publishes (no drafts, no private records) as of a date.

    Rendering Markdown is the slow part, so bodies says which to render: True for all, False for
    none (the report shows none), or a set of (kind, slug) such as {("change", "dark-mode")}.
    """
    if bodies is True:
        html = markup.render_records(records)
        return linking.link(records, lambda kind, slug, name: html.get((kind, slug, name), ""), drafts=False,
                            as_of=as_of)
    wanted = bodies or set()
    render = markup.Renderer()
    kinds = {"feedback": records.feedback, "decision": records.decisions, "change": records.changes}

    def lookup(kind: str, slug: str, name: str) -> str:
        record = kinds.get(kind, {}).get(slug) if (kind, slug) in wanted else None
        if record is None:
            return ""
        return render(getattr(record, "workaround", "") if name == "workaround" else record.body)

    return linking.link(records, lookup, drafts=False, as_of=as_of)


def internal_records(records: Records) -> Records:
    """The same records with every private one treated as public: for internal views only."""
    def unhide(kind: dict) -> dict:
        return {s: dataclasses.replace(r, public=True) if not r.public else r for s, r in kind.items()}

    return dataclasses.replace(records, feedback=unhide(records.feedback), decisions=unhide(records.decisions),
                               changes=unhide(records.changes))


def _askers(item: FeedbackItem, customers: dict[str, Customer]) -> list[Asker]:
    return [Asker(s, customers[s].name if s in customers else s, s in customers and customers[s].named)
            for s in dict.fromkeys(item.record.customers)]


def _draft_answers(records: Records) -> dict[str, list[str]]:
    """Feedback slug -> paths of the draft decisions and changes that would answer it."""
    answers: dict[str, set[str]] = {}
    for d in records.decisions.values():
        for slug in d.feedback:
            if d.draft:
                answers.setdefault(slug, set()).add(d.path)
    decided_in: dict[str, set[str]] = {}
    for d in records.decisions.values():
        for slug in d.feedback:
            decided_in.setdefault(d.slug, set()).add(slug)
    for c in records.changes.values():
        if c.draft:
            for slug in {*c.feedback, *(s for d in c.decisions for s in decided_in.get(d, ()))}:
                answers.setdefault(slug, set()).add(c.path)
    return {slug: sorted(paths) for slug, paths in answers.items()}


def _current(decision: DecisionItem) -> list[FeedbackItem]:
    """The unshipped items this decision is the latest word on."""
    return [i for i in decision.feedback if i.latest_decision is decision and i.status == decision.record.outcome]


def make_report(records: Records, as_of: date, content_errors: int = 0) -> Report:
    """The report as data; render it with format_text, format_md or format_json."""
    public = link_published(records, as_of, bodies=False)
    internal = link_published(internal_records(records), as_of, bodies=False)
    draft_answers = _draft_answers(records)
    private_feedback = {s for s, r in records.feedback.items() if not r.public}
    report = Report(records.portal.title, as_of, records.portal.stale_after_days, QUIET_AFTER_DAYS, content_errors)

    stale = [i for i in public.feedback if i.stale]
    stale += [i for i in internal.feedback if i.stale and i.record.slug in private_feedback]
    for item in sorted(stale, key=lambda i: (i.record.date, i.record.slug)):
        report.stale_feedback.append(StaleFeedback(
            item.record.slug, item.record.title, item.record.date, item.days_waiting or 0, item.record.path,
            item.record.slug in private_feedback, _askers(item, records.customers),
            item.duplicate_of.record.slug if item.duplicate_of else None,
            draft_answers.get(item.record.slug, [])))

    for decision in internal.decisions:
        current = _current(decision)
        if not current:
            continue
        r = decision.record
        private = not records.decisions[r.slug].public
        slugs = [i.record.slug for i in current]
        if r.outcome == "deferred" and r.revisit and r.revisit < as_of:
            report.overdue_revisits.append(DecisionEntry(r.slug, r.title, r.date, r.path, private, slugs,
                                                         r.revisit, (as_of - r.revisit).days))
        if r.outcome == "declined" and not r.workaround.strip():
            report.declined_without_workaround.append(DecisionEntry(r.slug, r.title, r.date, r.path, private, slugs))
    report.overdue_revisits.sort(key=lambda d: (d.revisit, d.slug))
    report.declined_without_workaround.sort(key=lambda d: (d.date, d.slug))

    report.quiet_customers = _quiet_customers(records, internal, as_of)

    for name, kind in (("feedback", records.feedback), ("decisions", records.decisions),
                       ("changes", records.changes)):
        report.drafts[name] = sum(1 for r in kind.values() if r.draft)
        report.private[name] = sum(1 for r in kind.values() if not r.public)
    report.drafts["total"] = sum(report.drafts.values())
    report.private["total"] = sum(report.private.values())
    return report


def _quiet_customers(records: Records, internal: Model, as_of: date) -> list[QuietCustomer]:
    news: dict[str, list[date]] = {slug: [] for slug in records.customers}
    for fb in records.feedback.values():  # hearing from them is news too, drafts and private included
        for slug in fb.customers:
            if slug in news:
                news[slug].append(fb.date)
    for item in internal.feedback:
        answers = [x.record.date for x in (*item.decisions, *item.changes)]
        for slug in item.record.customers:
            if slug in news:
                news[slug].extend(answers)
    quiet = []
    for slug, customer in records.customers.items():
        dates = [d for d in news[slug] if d <= as_of]
        if customer.joined and customer.joined <= as_of:
            dates.append(customer.joined)
        last = max(dates, default=None)
        days = (as_of - last).days if last else None
        if last is None or days > QUIET_AFTER_DAYS:
            quiet.append(QuietCustomer(slug, customer.name, customer.named, customer.path, last, days))
    return sorted(quiet, key=lambda q: (q.last_news is not None, q.last_news or date.min, q.name.casefold(), q.slug))


def build_report(project: Path | str | None = None, as_of: date | None = None) -> Report:
    """Load and validate the project, then report on it (content errors are counted, not raised)."""
    root = building.find_project(Path(project) if project else None)
    records, problems = building.check(root)
    return make_report(records, today(as_of), len(problems.errors))


# --- formats ---------------------------------------------------------------------------------------


def _who(customers: list[Asker]) -> str:
    return ", ".join(c.name + ("" if c.named else " (anonymous)") for c in customers) or "nobody on record"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _sections(report: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(line, detail)]) shared by the text and Markdown formats."""
    stale = [(f"{f.date.isoformat()} · {_plural(f.days_waiting, 'day')} · {f.title}"
              + (" [private]" if f.private else "") + f" — from {_who(f.customers)}",
              f.path + (f" (duplicate of {f.duplicate_of})" if f.duplicate_of else "")
              + (f"; draft answer: {', '.join(f.draft_answers)}" if f.draft_answers else ""))
             for f in report.stale_feedback]
    overdue = [(f"revisit {d.revisit.isoformat()} · {_plural(d.days_overdue or 0, 'day')} overdue · {d.title}"
                + (" [private]" if d.private else ""), f"{d.path} (answers: {', '.join(d.feedback)})")
               for d in report.overdue_revisits]
    declined = [(f"{d.date.isoformat()} · {d.title}" + (" [private]" if d.private else ""),
                 f"{d.path} (answers: {', '.join(d.feedback)})") for d in report.declined_without_workaround]
    quiet = [((f"last news {q.last_news.isoformat()} · {_plural(q.days_quiet or 0, 'day')} ago"
               if q.last_news else "no news ever") + f" · {q.name}" + ("" if q.named else " (anonymous)"), q.path)
             for q in report.quiet_customers]
    return [
        (f"Waiting for an answer for more than {_plural(report.stale_after_days, 'day')}, oldest first", stale),
        ("Deferred decisions past their revisit date", overdue),
        ("Declined decisions without a workaround", declined),
        (f"Customers with no news in {report.quiet_after_days} days", quiet),
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
        parts.append(_plural(len(report.stale_feedback), "stale feedback item"))
    if report.overdue_revisits:
        parts.append(_plural(len(report.overdue_revisits), "overdue revisit"))
    if report.quiet_customers:
        parts.append(_plural(len(report.quiet_customers), "customer") + " without news")
    return "Stale: " + ", ".join(parts) + "."


def format_text(report: Report) -> str:
    lines = [f"portalgen report: {report.title}",
             f"As of {report.today.isoformat()}. Internal: do not publish.", ""]
    if report.content_errors:
        lines += [f"! content has {_plural(report.content_errors, 'error')}: run `portalgen check`; "
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
    return "\n".join(lines) + "\n"


def format_md(report: Report) -> str:
    lines = [f"# Report: {md_escape(report.title)}", "",
             f"As of {report.today.isoformat()}. Internal: do not publish.", ""]
    if report.content_errors:
        lines += [f"> **Content has {_plural(report.content_errors, 'error')}**: run `portalgen check`; "
                  "records with errors are left out of this report.", ""]
    for heading, entries in _sections(report):
        lines += [f"## {md_escape(heading)} ({len(entries)})", ""]
        if not entries:
            lines.append("None.")
        for line, detail in entries:
            lines.append(f"- {md_escape(line)}  \n  `{detail}`")
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
