"""Calendar quarters: bucketing the model by quarter, and the quarters/ pages ("you said, we did" reports).

A quarter page answers, for three months: what we heard, what we decided, what we shipped, with the
numbers. Everything here comes from the linked model, so only published records take part, and
customers are credited the portal's way: named ones by name, anonymous ones counted by segment.

The numbers of a quarter, all about published feedback items (duplicates included, as on the home page):

- heard: items dated in the quarter;
- answered: items whose first answer (a decision or a change) is dated in the quarter;
- shipped: items whose first shipped change is dated in the quarter;
- median days to an answer: over the items answered in the quarter, from when each was heard;
- decisions and changes: records dated in the quarter.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from portalgen.content.records import Customer
from portalgen.model.items import ChangeItem, Credit, DatedItem, DecisionItem, FeedbackItem, Model, newest_first
from portalgen.model.statuses import ORDER, STATUSES, Status


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def start(self) -> date:
        return date(self.year, (self.number - 1) * 3 + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        # Counted from the quarter's own last month, not back from the next quarter's start: the quarter
        # after Q4 9999 would start in year 10000, which date() cannot hold.
        return date(self.year, self.number * 3, 31 if self.number in (1, 4) else 30)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and Quarter.of(day) == self


def quarter_range(first: date, last: date) -> list[Quarter]:
    """Every quarter from the one holding first to the one holding last, oldest first, gaps included."""
    quarters = []
    current, stop = Quarter.of(first), Quarter.of(last)
    while current <= stop:
        quarters.append(current)
        current = current.next()
    return quarters


def median_days(items: Iterable[FeedbackItem]) -> int | None:
    """Median days from being heard to a first answer, rounded like the home page's statistic."""
    days = [max(0, (i.answered_on - i.record.date).days) for i in items if i.answered_on]
    return round(statistics.median(days)) if days else None


# --- credits over many items -----------------------------------------------------------------------
#
# The model deliberately holds no anonymous customer record: a credit carries only segment counts.
# To credit a whole quarter without counting a customer twice, the segment of each anonymous
# customer is worked out from the credits the model already has (every item's and every change's).
# It is exact whenever the credits determine it; a customer whose segment cannot be determined is
# counted without a segment ("1 customer"). Only counts and segments come out, never a name.
# Customers the credits count in other segments (too few to name) are solved as other segments
# (None), so a quarter never shows a segment that no item shows.

Counts = Counter[str | None]


def _counts(credit: Credit) -> Counts:
    counts: Counts = Counter(dict(credit.anonymous))
    if credit.other_segments:
        counts[None] = credit.other_segments
    return counts


class CreditIndex:
    """Combines the credits of many feedback items, each customer counted once."""

    def __init__(self, model: Model):
        self.named: dict[str, Customer] = {}
        constraints: list[tuple[list[str], Counts]] = []
        for item in model.feedback:
            for customer in item.credit.named:
                self.named[customer.slug] = customer
        # Only the facts _solve can use (as many customers as the credit counts) are counted out:
        # a Counter for each of 10,000 credits was most of the cost.
        for item in model.feedback:
            slugs = self._anonymous_slugs(item.record.customers)
            if slugs and item.credit.anonymous_total == len(slugs):
                constraints.append((slugs, _counts(item.credit)))
        for change in model.changes:
            slugs = self._anonymous_slugs(s for i in change.feedback for s in i.record.customers)
            if slugs and change.credit.anonymous_total == len(slugs):
                constraints.append((slugs, _counts(change.credit)))
        self.segment_of = _solve(constraints)

    def _anonymous_slugs(self, slugs: Iterable[str]) -> list[str]:
        return sorted(set(slugs).difference(self.named))  # not set(self.named): once per item, it was quadratic

    def credit(self, items: Iterable[FeedbackItem]) -> Credit:
        slugs = {s for item in items for s in item.record.customers}
        segments: Counts = Counter(self.segment_of.get(slug, "") for slug in slugs if slug not in self.named)
        return Credit.counted((self.named[s] for s in slugs if s in self.named), segments)


def _solve(constraints: list[tuple[list[str], Counts]]) -> dict[str, str | None]:
    """Segments of anonymous customers from (customers, segment counts) facts about groups of them."""
    usable = [(slugs, counts, frozenset(counts)) for slugs, counts in constraints
              if slugs and sum(counts.values()) == len(slugs)]
    known: dict[str, str | None] = {}
    changed = True
    while changed:
        changed = False
        candidates: dict[str, AbstractSet[str | None]] = {}
        for slugs, counts, segments in usable:
            unknown = [s for s in slugs if s not in known]
            if not unknown:
                continue
            # With none of its customers known, what is left is every segment counted (no Counter
            # to subtract, nor a set made twice per customer, in the loop run for every item).
            left = segments if len(unknown) == len(slugs) else \
                frozenset(counts - Counter(known[s] for s in slugs if s in known))
            for slug in unknown:
                found = candidates.get(slug)
                candidates[slug] = left if found is None else found & left
        for slug in sorted(candidates):
            if len(candidates[slug]) == 1:
                known[slug] = next(iter(candidates[slug]))
                changed = True
    return known


# --- summaries -------------------------------------------------------------------------------------


@dataclass(eq=False)
class QuarterSummary:
    """What a quarter page shows. Its numbers are fields, worked out here, not properties: a page's
    context is fingerprinted by its fields (render/fingerprints.py), and a property reading the
    items' statuses in Python is a read no page records, so an edited outcome left it stale."""

    quarter: Quarter
    heard: list[FeedbackItem]  # newest first
    decided: list[DecisionItem]  # newest first
    shipped: list[ChangeItem]  # newest first
    answered: list[FeedbackItem]  # first answered this quarter, newest answer first
    delivered: list[FeedbackItem]  # first shipped this quarter
    heard_from: Credit
    customers: int  # distinct customers heard from
    median_days_to_answer: int | None
    complete: bool  # False while the quarter is still running (as of the model's date)
    waiting: list[FeedbackItem]  # heard this quarter and still without an answer
    outcomes: list[tuple[Status, int]]  # decisions taken this quarter by outcome, in status order
    statuses: list[tuple[Status, int]]  # where this quarter's feedback stands today, in status order
    previous: Quarter | None = None
    next: Quarter | None = None


def _by_status(keys: Iterable[str]) -> list[tuple[Status, int]]:
    counts = Counter(keys)
    return [(STATUSES[key], counts[key]) for key in ORDER if counts[key]]


def _newest_first_on(dated: list[tuple[date, FeedbackItem]]) -> list[FeedbackItem]:
    """Items by the date paired with each (when it was answered, when it shipped), newest first."""
    return [item for _, item in sorted(dated, key=lambda pair: (-pair[0].toordinal(), pair[1].record.slug))]


def covered(model: Model) -> list[Quarter]:
    """The quarters summaries() summarises: from the first published record's to the build date's."""
    dated: list[DatedItem] = [*model.feedback, *model.decisions, *model.changes]
    dates = [r.record.date for r in dated]
    return quarter_range(min(dates), max(*dates, model.as_of)) if dates else []


def summaries(model: Model) -> list[QuarterSummary]:
    """One summary per quarter from the first published record to the build date's, oldest first.

    Quarters after the last record are listed too: a quarter in which customers heard nothing is
    news the portal must not hide."""
    covering = covered(model)
    if not covering:
        return []
    credits = CreditIndex(model)
    heard: dict[Quarter, list[FeedbackItem]] = {}
    answered: dict[Quarter, list[tuple[date, FeedbackItem]]] = {}
    delivered: dict[Quarter, list[tuple[date, FeedbackItem]]] = {}
    for item in model.feedback:  # one pass each, so a big portal costs no more than a small one per item
        heard.setdefault(Quarter.of(item.record.date), []).append(item)
        if item.answered_on:
            answered.setdefault(Quarter.of(item.answered_on), []).append((item.answered_on, item))
        if item.shipped_on:
            delivered.setdefault(Quarter.of(item.shipped_on), []).append((item.shipped_on, item))
    decided: dict[Quarter, list[DecisionItem]] = {}
    for decision in model.decisions:
        decided.setdefault(Quarter.of(decision.record.date), []).append(decision)
    shipped: dict[Quarter, list[ChangeItem]] = {}
    for change in model.changes:
        shipped.setdefault(Quarter.of(change.record.date), []).append(change)
    result = []
    for q in covering:
        items = sorted(heard.get(q, []), key=newest_first)
        first_answers = _newest_first_on(answered.get(q, []))
        decisions = sorted(decided.get(q, []), key=newest_first)
        result.append(QuarterSummary(
            quarter=q, heard=items, decided=decisions,
            shipped=sorted(shipped.get(q, []), key=newest_first),
            answered=first_answers,
            delivered=_newest_first_on(delivered.get(q, [])),
            heard_from=credits.credit(items),
            customers=len({s for i in items for s in i.record.customers}),
            median_days_to_answer=median_days(first_answers), complete=q.end <= model.as_of,
            waiting=[i for i in items if i.status == "heard"],
            outcomes=_by_status(d.record.outcome for d in decisions),
            statuses=_by_status(i.status for i in items),
        ))
    for before, after in pairwise(result):
        before.next = after.quarter
        after.previous = before.quarter
    return result
