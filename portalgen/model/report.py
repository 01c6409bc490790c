"""The internal report as data: silence made visible to the product owner. Internal: never part of site/.

The report lists, as of "today":

- feedback waiting for an answer longer than portal.yaml's stale_after_days, oldest first, with who
  asked (anonymous customers by name too: this report is for the team, not for publication);
- deferred decisions past their revisit date;
- declined decisions without a workaround;
- customers due a check-in: no news in portal.yaml's checkin_days (default 90);
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
  just as much); each entry says which. News is what we told them: a decision or a change,
  published or private, on something they raised. Feedback from them is not news to them: a
  customer who keeps asking and never hears back is the silence this report exists to show. The
  date they joined counts as news, so new members are not due in their first checkin_days.
- --fail-on-stale fails on stale feedback, overdue revisits and customers without news. Declined
  decisions without a workaround and the draft/private counts are reported but never fail.

The published view of the records (link_published) is here too: the digest and the changelog start
from it, and it is model work, like the report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt  # not `date`: entries have a field of that name, which would shadow it
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from portalgen.content.records import Change, Customer, Decision, Feedback, Records
from portalgen.model import linking
from portalgen.model import markdown as markup
from portalgen.model.items import DecisionItem, FeedbackItem, Model


@dataclass(frozen=True)
class Asker:
    slug: str
    name: str
    named: bool


@dataclass(frozen=True)
class StaleFeedback:
    slug: str
    title: str
    date: dt.date
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
    date: dt.date
    path: str
    private: bool
    feedback: list[str]  # slugs of the unshipped items it is the latest word on


@dataclass(frozen=True)
class OverdueRevisit(DecisionEntry):
    revisit: dt.date
    days_overdue: int


@dataclass(frozen=True)
class QuietCustomer:
    slug: str
    name: str
    named: bool
    path: str
    last_news: dt.date | None
    days_quiet: int | None


@dataclass
class Report:
    title: str
    today: dt.date
    stale_after_days: int
    quiet_after_days: int
    content_errors: int
    stale_feedback: list[StaleFeedback] = field(default_factory=list)
    overdue_revisits: list[OverdueRevisit] = field(default_factory=list)
    declined_without_workaround: list[DecisionEntry] = field(default_factory=list)
    quiet_customers: list[QuietCustomer] = field(default_factory=list)
    drafts: dict[str, int] = field(default_factory=dict)
    private: dict[str, int] = field(default_factory=dict)
    language: str = "en"  # the portal's: the text and Markdown formats speak it

    @property
    def stale(self) -> bool:
        """What --fail-on-stale fails on."""
        return bool(self.stale_feedback or self.overdue_revisits or self.quiet_customers)


def link_published(records: Records, as_of: dt.date | None,
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
    kinds: dict[str, Mapping[str, Feedback | Decision | Change]] = {
        "feedback": records.feedback, "decision": records.decisions, "change": records.changes}

    def lookup(kind: str, slug: str, name: str) -> str:
        record = kinds.get(kind, {}).get(slug) if (kind, slug) in wanted else None
        if record is None:
            return ""
        if name == "workaround":
            return render(record.workaround if isinstance(record, Decision) else "")
        return render(record.body)

    return linking.link(records, lookup, drafts=False, as_of=as_of)


_Publishable = TypeVar("_Publishable", Feedback, Decision, Change)


def internal_records(records: Records) -> Records:
    """The same records with every private one treated as public: for internal views only."""
    def unhide(kind: dict[str, _Publishable]) -> dict[str, _Publishable]:
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


def make_report(records: Records, as_of: dt.date, content_errors: int = 0) -> Report:
    """The report as data; portalgen.render.report writes it as text, Markdown or JSON."""
    public = link_published(records, as_of, bodies=False)
    internal = link_published(internal_records(records), as_of, bodies=False)
    draft_answers = _draft_answers(records)
    private_feedback = {s for s, r in records.feedback.items() if not r.public}
    report = Report(records.portal.title, as_of, records.portal.stale_after_days, records.portal.checkin_days,
                    content_errors, language=records.portal.language)

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
            report.overdue_revisits.append(OverdueRevisit(r.slug, r.title, r.date, r.path, private, slugs,
                                                          r.revisit, (as_of - r.revisit).days))
        if r.outcome == "declined" and not r.workaround.strip():
            report.declined_without_workaround.append(DecisionEntry(r.slug, r.title, r.date, r.path, private, slugs))
    report.overdue_revisits.sort(key=lambda d: (d.revisit, d.slug))
    report.declined_without_workaround.sort(key=lambda d: (d.date, d.slug))

    report.quiet_customers = _quiet_customers(records, internal, as_of, records.portal.checkin_days)

    for name, kind in (("feedback", records.feedback), ("decisions", records.decisions),
                       ("changes", records.changes)):
        report.drafts[name] = sum(1 for r in kind.values() if r.draft)
        report.private[name] = sum(1 for r in kind.values() if not r.public)
    report.drafts["total"] = sum(report.drafts.values())
    report.private["total"] = sum(report.private.values())
    return report


def _quiet_customers(records: Records, internal: Model, as_of: dt.date, checkin_days: int) -> list[QuietCustomer]:
    """Customers due a check-in: nothing decided or shipped on what they raised for `checkin_days`."""
    news: dict[str, list[dt.date]] = {slug: [] for slug in records.customers}
    for item in internal.feedback:
        answers = [d.record.date for d in item.decisions] + [c.record.date for c in item.changes]
        for slug in item.record.customers:
            if slug in news:
                news[slug].extend(answers)
    quiet = []
    for slug, customer in records.customers.items():
        dates = [d for d in news[slug] if d <= as_of]
        if customer.joined and customer.joined <= as_of:
            dates.append(customer.joined)
        last = max(dates, default=None)
        days = None if last is None else (as_of - last).days
        if days is None or days > checkin_days:
            quiet.append(QuietCustomer(slug, customer.name, customer.named, customer.path, last, days))
    return sorted(quiet, key=lambda q: (q.last_news is not None, q.last_news or dt.date.min, q.name.casefold(), q.slug))
