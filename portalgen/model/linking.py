"""Join validated records into the linked model: statuses, trails, credits, tags and statistics.

Only records that are published in this build take part, so nothing derived from a draft or a
private record (a count, a credit, a link) can reach a page.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from portalgen.content.records import Change, Customer, Decision, Feedback, Records
from portalgen.content.slugs import slugify
from portalgen.model import urls
from portalgen.model.items import (
    ChangeItem,
    Credit,
    CustomerItem,
    DatedItem,
    DecisionItem,
    FeedbackItem,
    Model,
    Stats,
    TagItem,
    newest_first,
    oldest_first,
)

# (kind, slug, field) -> sanitised HTML; supplied by the markup step so linking stays pure.
HtmlLookup = Callable[[str, str, str], str]


def _visible(record: Feedback | Decision | Change, drafts: bool) -> bool:
    return record.public and (drafts or not record.draft)


def small_segments(customers: Mapping[str, Customer], threshold: int) -> frozenset[str]:
    """Segments with fewer anonymous customers on the board than `threshold`: too few to hide among.

    Counted over every customer on the board, not over who raised an item: board membership is
    what an outsider may know, and a segment with one anonymous member names that member wherever
    "1 customer in <segment>" appears. Spellings are counted apart, as credits show them apart.
    """
    counts = Counter(c.segment for c in customers.values() if not c.named and c.segment)
    return frozenset(segment for segment, n in counts.items() if n < threshold)


def credit_for(slugs: Iterable[str], customers: Mapping[str, Customer], small: frozenset[str]) -> Credit:
    """Named customers by name; anonymous ones by segment, those of `small` segments as other segments."""
    named: list[Customer] = []
    segments: dict[str | None, int] = {}  # a Counter's own calls cost more than the rest, 20,000 times a build
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen or slug not in customers:
            continue
        seen.add(slug)
        customer = customers[slug]
        if customer.named:
            named.append(customer)
        else:
            segment = None if customer.segment in small else customer.segment
            segments[segment] = segments.get(segment, 0) + 1
    return Credit.counted(named, segments)


# Credits for a list of customer slugs: credit_for with the board's customers and small segments.
Crediting = Callable[[Iterable[str]], Credit]


def _root(item: FeedbackItem) -> FeedbackItem:
    seen: set[int] = set()
    while item.duplicate_of is not None and id(item) not in seen:
        seen.add(id(item))
        item = item.duplicate_of
    return item


def _median_days(pairs: list[tuple[date, date]]) -> int | None:
    days = [max(0, (end - start).days) for start, end in pairs]
    return round(statistics.median(days)) if days else None


@dataclass(eq=False)
class _Group:
    """Feedback items that duplicate one another: they share one status and one trail of answers."""

    members: list[FeedbackItem] = field(default_factory=list)
    decisions: set[str] = field(default_factory=set)  # slugs of the decisions on any member
    changes: set[str] = field(default_factory=set)  # slugs of the changes answering any member


def link(records: Records, html: HtmlLookup, drafts: bool = False, as_of: date | None = None) -> Model:
    """Build the linked model of what this build publishes."""
    fb = {s: FeedbackItem(r, urls.record("feedback", s), html("feedback", s, "body"))
          for s, r in sorted(records.feedback.items()) if _visible(r, drafts)}
    dec = {s: DecisionItem(r, urls.record("decision", s), html("decision", s, "body"),
                           html("decision", s, "workaround"))
           for s, r in sorted(records.decisions.items()) if _visible(r, drafts)}
    chg = {s: ChangeItem(r, urls.record("change", s), html("change", s, "body"))
           for s, r in sorted(records.changes.items()) if _visible(r, drafts)}

    groups = _duplicate_groups(fb)
    group_of = {id(m): group for group in groups for m in group.members}
    _link_decisions(dec, fb, group_of)
    small = small_segments(records.customers, records.portal.anonymity_threshold)
    credit: Crediting = partial(credit_for, customers=records.customers, small=small)
    _link_changes(chg, dec, fb, group_of, credit)

    dated: list[DatedItem] = [*fb.values(), *dec.values(), *chg.values()]
    as_of = as_of or max((i.record.date for i in dated), default=date(1970, 1, 1))
    for group in groups:
        _settle(group, dec, chg, as_of, records.portal.stale_after_days)
        _credit_members(group, credit)
    for d in dec.values():
        d.changes.sort(key=oldest_first)

    # Sorted once: the lists of a tag's and a customer's items are made in this order, sorted already.
    items = sorted(fb.values(), key=newest_first)
    tags = _tags(items)
    customers = _customers(records.customers, html, items, chg.values())
    return Model(
        portal=records.portal, as_of=as_of,
        feedback=items,
        decisions=sorted(dec.values(), key=newest_first),
        changes=sorted(chg.values(), key=newest_first),
        customers=customers, tags=tags, stats=stats(items), drafts=drafts,
    )


def _duplicate_groups(fb: dict[str, FeedbackItem]) -> list[_Group]:
    """Point each duplicate at its original; then group every item with its original's other duplicates."""
    for item in fb.values():
        target = fb.get(item.record.duplicate_of)
        if target is not None:
            item.duplicate_of = target
            target.duplicates.append(item)
    groups: dict[int, _Group] = {}
    for item in fb.values():
        groups.setdefault(id(_root(item)), _Group()).members.append(item)
    return list(groups.values())


def _link_decisions(dec: dict[str, DecisionItem], fb: dict[str, FeedbackItem], group_of: dict[int, _Group]) -> None:
    for d in dec.values():
        d.feedback = [fb[s] for s in d.record.feedback if s in fb]
        for item in d.feedback:
            group_of[id(item)].decisions.add(d.record.slug)


def _link_changes(chg: dict[str, ChangeItem], dec: dict[str, DecisionItem], fb: dict[str, FeedbackItem],
                  group_of: dict[int, _Group], credit: Crediting) -> None:
    """A change answers the items it names and those of the decisions it delivers, duplicates included."""
    for c in chg.values():
        c.decisions = [dec[s] for s in c.record.decisions if s in dec]
        answered = [fb[s] for s in c.record.feedback if s in fb]
        for d in c.decisions:
            d.changes.append(c)
            answered.extend(d.feedback)
        members: dict[int, FeedbackItem] = {}
        for item in answered:
            group = group_of[id(item)]
            group.changes.add(c.record.slug)
            for m in group.members:
                members[id(m)] = m
        c.feedback = sorted(members.values(), key=newest_first)
        c.credit = credit(s for m in c.feedback for s in m.record.customers)


def _settle(group: _Group, dec: dict[str, DecisionItem], chg: dict[str, ChangeItem], as_of: date,
            stale_after: int) -> None:
    """Status, answers and waiting time, the same for every item of a group."""
    decisions = sorted((dec[s] for s in group.decisions), key=oldest_first)
    changes = sorted((chg[s] for s in group.changes), key=oldest_first)
    if changes:
        status = "shipped"
    elif decisions:
        status = decisions[-1].record.outcome
    else:
        status = "heard"
    answers = [d.record.date for d in decisions] + [c.record.date for c in changes]
    for m in group.members:
        m.status = status
        m.decisions = decisions
        m.changes = changes
        m.answered_on = min(answers) if answers else None
        m.shipped_on = changes[0].record.date if changes else None
        if status == "heard":
            m.days_waiting = max(0, (as_of - m.record.date).days)
            m.stale = m.days_waiting > stale_after


def _credit_members(group: _Group, credit: Crediting) -> None:
    """Each item credits who raised it, and who else asked for the same thing through a duplicate."""
    alone = len(group.members) == 1  # most items: nobody else asked (what credit(()) makes, made directly)
    for m in group.members:
        m.credit = credit(m.record.customers)
        if alone:
            m.also_asked = Credit([], [], 0)
            continue
        own = set(m.record.customers)
        m.also_asked = credit(
            s for other in group.members if other is not m for s in other.record.customers if s not in own)


def stats(items: list[FeedbackItem]) -> Stats:
    """The headline numbers over the published feedback."""
    return Stats(
        heard=len(items),
        answered=sum(1 for i in items if i.status != "heard"),
        shipped=sum(1 for i in items if i.status == "shipped"),
        declined=sum(1 for i in items if i.status == "declined"),
        median_days_to_answer=_median_days([(i.record.date, i.answered_on) for i in items if i.answered_on]),
        median_days_to_ship=_median_days([(i.record.date, i.shipped_on) for i in items if i.shipped_on]),
    )


def _tags(items: Iterable[FeedbackItem]) -> list[TagItem]:
    """Tags are free text; spellings that slugify alike are one tag, named by the commonest spelling.
    `items`: newest first, the order of each tag's list."""
    spellings: dict[str, dict[str, int]] = {}  # counts: no Counter (nor list) made for each of 20,000 tags
    members: dict[str, list[FeedbackItem]] = {}
    slug_of: dict[str, str] = {}  # a few spellings, each on thousands of items: slugify each once
    for item in items:
        for text in item.record.tags:
            slug = slug_of.get(text) or slug_of.setdefault(text, slugify(text))
            counts = spellings.get(slug)
            if counts is None:
                counts = spellings[slug] = {}
                members[slug] = []
            counts[text] = counts.get(text, 0) + 1
            bucket = members[slug]
            if not bucket or bucket[-1] is not item:
                bucket.append(item)
    by_slug: dict[str, TagItem] = {}
    for slug, counts in spellings.items():
        name = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        by_slug[slug] = TagItem(slug, name, urls.record("tag", slug), members[slug])
    for bucket in members.values():
        for item in bucket:
            if not item.tags:  # in the order the author wrote them
                slugs = dict.fromkeys(slug_of[t] for t in item.record.tags)
                item.tags = [by_slug[s] for s in slugs]
    tags = list(by_slug.values())
    return sorted(tags, key=lambda t: (t.name.casefold(), t.slug))


def _customers(customers: dict[str, Customer], html: HtmlLookup, items: Iterable[FeedbackItem],
               changes: Iterable[ChangeItem]) -> list[CustomerItem]:
    """Pages for named customers only: anonymous customers never get a page. `items`: newest
    first, the order of each customer's list of what they raised."""
    pages = {s: CustomerItem(c, urls.record("customer", s), html("customer", s, "body"))
             for s, c in customers.items() if c.named}
    for item in items:
        for slug in item.record.customers:
            # An item is put in once, while its own customers are looked at: if at all, it is last.
            if slug in pages and (not (raised := pages[slug].raised) or raised[-1] is not item):
                raised.append(item)
    for page in pages.values():
        decided = {id(d): d for item in page.raised for d in item.decisions}
        page.decided = sorted(decided.values(), key=newest_first)
    for change in changes:
        for customer in change.credit.named:
            pages[customer.slug].shipped.append(change)
    for page in pages.values():
        page.shipped.sort(key=newest_first)
    return sorted(pages.values(), key=lambda p: (p.record.name.casefold(), p.record.slug))
