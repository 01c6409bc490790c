"""The triage view as data: what the board still asks for, by theme, and what is decided, by priority.

`portalgen report --triage` is the affinity-and-segments view a product owner takes to the board's
next meeting. Internal: it names anonymous customers and shows private weights, so it is printed,
never written into site/.

Choices (see docs/closing-the-loop.md#triage):

- Open means no answer yet: status `heard` (no decision) or `under-review` (considering). Drafts do
  not count, neither as feedback nor as answers (a draft is not something anyone has said or read);
  private records do, marked, because the team's own view includes them.
- A duplicate is folded into the item it duplicates: its customers and votes add to that item's
  demand, and it is not listed on its own.
- Themes are tags. An item with three tags is in three themes (an affinity map, not a partition);
  items without tags are a group of their own, last. Themes come in order of how many customers ask,
  then of weight, then by name; items in a theme oldest first.
- Demand: the distinct customers asking (the item's and its duplicates'), counted by segment; the sum
  of `votes` where the records carry votes (None when none does); and the sum of the customers'
  `private.weight`, each customer counted once however many items of a theme they asked for (None
  when no customer asking has a weight).
- Decided items: the latest decision on feedback that has not shipped, grouped by its MoSCoW
  `priority` (must, should, could, wont, then decisions without one), oldest decision first. Items
  closed as already-available, and everything shipped, are done and left out.
"""

from __future__ import annotations

import datetime as dt  # not `date`: entries have a field of that name, which would shadow it
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from portalgen.content.records import Customer, Records
from portalgen.content.schema import PRIORITIES
from portalgen.model.items import DecisionItem, FeedbackItem, oldest_first
from portalgen.model.report import internal_records, link_published

OPEN = ("heard", "under-review")
DECIDED = ("planned", "in-progress", "deferred", "declined")
NO_PRIORITY = ""  # the group of decisions without a priority, after wont


@dataclass(frozen=True)
class Requester:
    slug: str
    name: str
    named: bool
    segment: str  # "" when the customer has none
    weight: float | None  # private.weight: never published


@dataclass(frozen=True)
class Demand:
    customers: list[Requester]  # distinct, by name
    segments: list[tuple[str, int]]  # (segment or "", customers), most first, "" last
    votes: int | None
    weight: float | None

    @property
    def count(self) -> int:
        return len(self.customers)


@dataclass(frozen=True)
class OpenItem:
    slug: str
    title: str
    date: dt.date
    days_open: int
    status: str  # heard | under-review
    path: str
    private: bool
    tags: list[str]
    duplicates: list[str]  # slugs folded into this item
    demand: Demand


@dataclass(frozen=True)
class Theme:
    tag: str | None  # None: the items without tags
    items: list[OpenItem]
    demand: Demand


@dataclass(frozen=True)
class DecidedItem:
    slug: str  # the decision's
    title: str
    date: dt.date
    outcome: str
    priority: str  # one of PRIORITIES, or NO_PRIORITY
    path: str
    private: bool
    feedback: list[str]  # the unshipped items it is the latest word on
    demand: Demand


@dataclass
class Triage:
    title: str
    today: dt.date
    content_errors: int
    themes: list[Theme] = field(default_factory=list)
    decided: dict[str, list[DecidedItem]] = field(default_factory=dict)  # priority -> items
    language: str = "en"  # the portal's: the text, Markdown and HTML formats speak it

    @property
    def open_items(self) -> list[OpenItem]:
        """Each open item once, oldest first."""
        seen = {i.slug: i for t in self.themes for i in t.items}
        return sorted(seen.values(), key=lambda i: (i.date, i.slug))


def _family(item: FeedbackItem) -> list[FeedbackItem]:
    """The item and every item that duplicates it, however deep."""
    found = [item]
    for dup in item.duplicates:
        found += [d for d in _family(dup) if d not in found]
    return found


def _votes(items: Iterable[FeedbackItem]) -> int | None:
    # `votes` is optional in the content model (importers keep a hosted board's count): read it
    # where it exists, so triage works with records that have none.
    counted = [v for i in items if isinstance(v := getattr(i.record, "votes", None), int) and not isinstance(v, bool)]
    return sum(counted) if counted else None


def demand_of(slugs: Iterable[str], customers: dict[str, Customer], votes: int | None) -> Demand:
    """The demand of the customers with these slugs (each once), with the votes already summed."""
    people = []
    for slug in dict.fromkeys(slugs):
        c = customers.get(slug)
        people.append(Requester(slug, c.name, c.named, c.segment, c.weight) if c
                      else Requester(slug, slug, False, "", None))
    people.sort(key=lambda r: (r.name.casefold(), r.slug))
    by_segment = Counter(r.segment for r in people)
    segments = sorted(by_segment.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0].casefold()))
    weights = [r.weight for r in people if r.weight is not None]
    return Demand(people, segments, votes, sum(weights) if weights else None)


def _open_item(item: FeedbackItem, records: Records, as_of: dt.date) -> OpenItem:
    family = _family(item)
    r = item.record
    demand = demand_of((s for i in family for s in i.record.customers), records.customers, _votes(family))
    return OpenItem(r.slug, r.title, r.date, (as_of - r.date).days, item.status, r.path,
                    # The portal's spelling of each tag: "Exports" and "exports" are one theme, as on its tag pages.
                    not records.feedback[r.slug].public, [t.name for t in item.tags] or list(r.tags),
                    [i.record.slug for i in family[1:]], demand)


def _sum(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _theme(tag: str | None, items: list[OpenItem], customers: dict[str, Customer]) -> Theme:
    items = sorted(items, key=lambda i: (i.date, i.slug))
    slugs = [c.slug for i in items for c in i.demand.customers]
    return Theme(tag, items, demand_of(slugs, customers, _sum(i.demand.votes for i in items)))


def _themes(items: list[OpenItem], customers: dict[str, Customer]) -> list[Theme]:
    by_tag: dict[str, list[OpenItem]] = {}
    untagged = []
    for item in items:
        for tag in item.tags:
            by_tag.setdefault(tag, []).append(item)
        if not item.tags:
            untagged.append(item)
    themes = sorted((_theme(tag, found, customers) for tag, found in by_tag.items()),
                    key=lambda t: (-t.demand.count, -(t.demand.weight or 0), (t.tag or "").casefold(), t.tag or ""))
    return themes + ([_theme(None, untagged, customers)] if untagged else [])


def _decided(decision: DecisionItem, records: Records) -> DecidedItem | None:
    if decision.record.outcome not in DECIDED:
        return None
    # The items it is still the word on: not shipped, not decided again since.
    current = [i for i in decision.feedback if i.latest_decision is decision and i.status == decision.record.outcome]
    if not current:
        return None
    family = [f for i in current for f in _family(i)]
    r = decision.record
    demand = demand_of((s for i in family for s in i.record.customers), records.customers, _votes(family))
    return DecidedItem(r.slug, r.title, r.date, r.outcome, r.priority or NO_PRIORITY, r.path,
                       not records.decisions[r.slug].public, [i.record.slug for i in current], demand)


def make_triage(records: Records, as_of: dt.date, content_errors: int = 0) -> Triage:
    """The triage view as data; portalgen.render.triage writes it as text, Markdown, JSON or HTML."""
    model = link_published(internal_records(records), as_of, bodies=False)
    triage = Triage(records.portal.title, as_of, content_errors, language=records.portal.language)
    open_items = [_open_item(i, records, as_of) for i in sorted(model.feedback, key=oldest_first)
                  if i.status in OPEN and i.duplicate_of is None and i.record.date <= as_of]
    triage.themes = _themes(open_items, records.customers)
    for priority in (*PRIORITIES, NO_PRIORITY):
        triage.decided[priority] = []
    for decision in sorted(model.decisions, key=oldest_first):
        entry = _decided(decision, records)
        if entry is not None:
            triage.decided[entry.priority].append(entry)
    return triage
