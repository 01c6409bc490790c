"""The linked model: records joined to each other, with derived status, credits and statistics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from portalgen.content.records import Change, Customer, Decision, Feedback, Portal

# The linked model: records joined to each other, with derived status, credits and statistics.
# Built once per build by linking.link(); treated as immutable afterwards.


class DatedRecord(Protocol):
    @property
    def slug(self) -> str: ...

    # Last: a member named date would shadow the class in any annotation after it.
    @property
    def date(self) -> date: ...


class DatedItem(Protocol):
    """A feedback, decision or change item: anything lists sort by date."""

    @property
    def record(self) -> DatedRecord: ...


def newest_first(item: DatedItem) -> tuple[int, str]:
    return (-item.record.date.toordinal(), item.record.slug)


def oldest_first(item: DatedItem) -> tuple[int, str]:
    return (item.record.date.toordinal(), item.record.slug)


@dataclass(eq=False)
class Credit:
    """Who to thank: named customers by name, anonymous ones counted by segment.

    An anonymous customer whose segment has too few anonymous members on the board to hide among
    (portal.yaml's anonymity_threshold) is counted in other_segments: its segment is never shown.
    """

    named: list[Customer]
    anonymous: list[tuple[str, int]]  # (segment or "", count), sorted, "" last; only segments big enough
    other_segments: int = 0  # anonymous customers of segments too small to name

    @classmethod
    def counted(cls, named: Iterable[Customer], segments: Mapping[str | None, int]) -> Credit:
        """A credit from its named customers and anonymous counts by segment (None: other segments)."""
        shown = [(s, n) for s, n in segments.items() if s is not None and n]
        return cls(sorted(named, key=lambda c: (c.name.casefold(), c.slug)),
                   sorted(shown, key=lambda kv: (kv[0] == "", kv[0].casefold())), segments.get(None, 0))

    @property
    def anonymous_total(self) -> int:
        return sum(n for _, n in self.anonymous) + self.other_segments

    def __bool__(self) -> bool:
        return bool(self.named or self.anonymous or self.other_segments)


@dataclass(eq=False)
class TagItem:
    slug: str
    name: str
    url: str
    feedback: list[FeedbackItem]


@dataclass(eq=False)
class FeedbackItem:
    record: Feedback
    url: str
    body_html: str
    status: str = "heard"
    days_waiting: int | None = None
    stale: bool = False
    answered_on: date | None = None
    shipped_on: date | None = None
    tags: list[TagItem] = field(default_factory=list)
    decisions: list[DecisionItem] = field(default_factory=list)
    changes: list[ChangeItem] = field(default_factory=list)
    duplicate_of: FeedbackItem | None = None
    duplicates: list[FeedbackItem] = field(default_factory=list)
    credit: Credit = field(default_factory=lambda: Credit([], []))
    also_asked: Credit = field(default_factory=lambda: Credit([], []))

    @property
    def latest_decision(self) -> DecisionItem | None:
        return self.decisions[-1] if self.decisions else None


@dataclass(eq=False)
class DecisionItem:
    record: Decision
    url: str
    body_html: str
    workaround_html: str
    feedback: list[FeedbackItem] = field(default_factory=list)
    changes: list[ChangeItem] = field(default_factory=list)


@dataclass(eq=False)
class ChangeItem:
    record: Change
    url: str
    body_html: str
    decisions: list[DecisionItem] = field(default_factory=list)
    feedback: list[FeedbackItem] = field(default_factory=list)  # everything it answers, duplicates included
    credit: Credit = field(default_factory=lambda: Credit([], []))


@dataclass(eq=False)
class CustomerItem:
    record: Customer
    url: str
    body_html: str
    raised: list[FeedbackItem] = field(default_factory=list)
    decided: list[DecisionItem] = field(default_factory=list)
    shipped: list[ChangeItem] = field(default_factory=list)


@dataclass(frozen=True)
class Stats:
    heard: int
    answered: int
    shipped: int
    declined: int
    median_days_to_answer: int | None
    median_days_to_ship: int | None


@dataclass(eq=False)
class Model:
    portal: Portal
    as_of: date
    feedback: list[FeedbackItem]  # newest first
    decisions: list[DecisionItem]  # newest first
    changes: list[ChangeItem]  # newest first
    customers: list[CustomerItem]  # named only, by name
    tags: list[TagItem]  # by name
    stats: Stats
    drafts: bool = False
