"""An edit that rewords records, or changes a decision's outcome, brought into the linked model
without linking again.

Linking joins records by their slugs, dates, outcomes, references, tags, visibility and the
customers behind them. An edit that changes none of these (a title, a body, a quote, a source, a
workaround, a priority, a revisit date) changes nothing that linking derives: the new record and
its HTML can replace the old ones in the items that show them, and only those records' own pages
are planned again. A decision's outcome is the status of the items it answers, when it is their
latest word and nothing shipped them: those statuses and the headline numbers are worked out
again, and every page is planned again. Anything else, and any record added or removed, links
the whole model again. The result is the model a full link would make; the property test that
compares incremental and cold builds holds these paths to that.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any

from portalgen.content.kinds import KINDS
from portalgen.content.records import Records
from portalgen.model.items import ChangeItem, DecisionItem, FeedbackItem, Model, Stats
from portalgen.render import plan
from portalgen.render.spec import PageSpec

# What an edit may change for this path to hold; `line` and `path` only say where the text sits.
WORDING = {
    "feedback": frozenset({"title", "source", "quote", "body", "line", "path"}),
    "decision": frozenset({"title", "body", "workaround", "priority", "revisit", "line", "path"}),
    "change": frozenset({"title", "body", "line", "path"}),
}
Item = FeedbackItem | DecisionItem | ChangeItem
_PAGES: dict[str, Callable[[Any, plan.Excerpt], PageSpec]] = {
    "feedback": plan.feedback_page, "decision": plan.decision_page, "change": plan.change_page}


OUTCOME = frozenset({"outcome"})


def reworded(old: Records, new: Records,
             keys: Collection[tuple[str, str]] | None = None) -> list[tuple[str, Any]] | None:
    """The records an edit only reworded (or, for decisions, gave another outcome), as (kind, new
    record); None when it did more than that. `keys`: the only (kind, slug) whose records can
    differ between `old` and `new`, when known (content/validating.py's Delta)."""
    if old.portal != new.portal:
        return None
    found: list[tuple[str, Any]] = []
    if keys is None:
        pairs = []
        for kind in KINDS.values():
            before, after = kind.table(old), kind.table(new)
            if before.keys() != after.keys():
                return None
            pairs += [(kind, before[slug], record) for slug, record in after.items()]
    else:
        pairs = [(KINDS[kind], KINDS[kind].table(old).get(slug), KINDS[kind].table(new).get(slug))
                 for kind, slug in sorted(keys)]
    for kind, earlier, record in pairs:
        if record is earlier:
            continue
        allowed = WORDING.get(kind.name)
        if allowed is not None and kind.name == "decision":
            allowed = allowed | OUTCOME
        if allowed is None or earlier is None or record is None \
                or any(getattr(record, f.name) != getattr(earlier, f.name)
                       for f in dataclasses.fields(record) if f.name not in allowed):
            return None
        found.append((kind.name, record))
    return found


def apply(model: Model, records: list[tuple[str, Any]], html: Callable[[str, str, str], str],
          today: date, touched: list[Item] | None = None,
          index: Mapping[tuple[str, ...], Any] | None = None,
          moved: dict[int, tuple[FeedbackItem, str]] | None = None) -> list[Item] | None:
    """Put the reworded records into the model; the items changed, or None if the day moved on.

    `touched` gets every item changed in memory: those, and the items whose status moved with them.
    `index`: the model's objects by key (pipeline/dependencies.py, World.index_of), when at hand.
    `moved` gets each item whose status was worked out again, with the status it had before."""
    if today != model.as_of:
        return None  # days waiting count to a new day: link again
    items: Mapping[tuple[str, ...], Any] = index if index is not None else {
        (kind, item.record.slug): item
        for group, kind in ((model.feedback, "feedback"), (model.decisions, "decision"), (model.changes, "change"))
        for item in group}
    changed = []
    for kind, record in records:
        found = items.get((kind, record.slug))
        if found is None:
            continue  # a draft or private record: not in the model, and it stays out
        item = found
        if isinstance(item, DecisionItem) and item.record.outcome != record.outcome:
            item.record = record
            settled = _settle_statuses(item, {} if moved is None else moved)
            if touched is not None:
                touched.extend(settled)
        item.record = record
        item.body_html = html(kind, record.slug, "body")
        if isinstance(item, DecisionItem):
            item.workaround_html = html(kind, record.slug, "workaround")
        changed.append(item)
    if touched is not None:
        touched.extend(changed)
    return changed


def outcome_changed(old: Records, changed: list[tuple[str, Any]]) -> bool:
    """Whether one of the changed records is a decision with another outcome (statuses move)."""
    return any(kind == "decision" and old.decisions[r.slug].outcome != r.outcome for kind, r in changed)


def _settle_statuses(decision: DecisionItem, before: dict[int, tuple[FeedbackItem, str]]) -> list[FeedbackItem]:
    """The status of every item the decision answers (and their duplicates), as linking sets it:
    shipped when a change answers the group, else the outcome of its latest decision. Returns the
    items looked at; `before` gets their status before, for those not in it yet."""
    seen: list[FeedbackItem] = []
    for item in decision.feedback:
        root = item
        while root.duplicate_of is not None:
            root = root.duplicate_of
        for member in _group(root):
            seen.append(member)
            before.setdefault(id(member), (member, member.status))
            if not member.changes and member.decisions:
                member.status = member.decisions[-1].record.outcome
    return seen


def restat(stats: Stats, moved: Mapping[int, tuple[FeedbackItem, str]]) -> Stats:
    """The headline numbers (linking.stats) after the items of `moved` changed from the status
    given to the one they have: they count statuses, and the dates they take medians of do not
    move with an outcome. Every item a decision answers is one of the model's published items."""

    def change(counted: Callable[[str], bool]) -> int:
        return sum(int(counted(item.status)) - int(counted(old)) for item, old in moved.values())

    return dataclasses.replace(stats, answered=stats.answered + change(lambda status: status != "heard"),
                               shipped=stats.shipped + change(lambda status: status == "shipped"),
                               declined=stats.declined + change(lambda status: status == "declined"))


def _group(root: FeedbackItem) -> list[FeedbackItem]:
    found: list[FeedbackItem] = []
    todo = [root]
    while todo:
        item = todo.pop()
        if all(item is not seen for seen in found):
            found.append(item)
            todo.extend(item.duplicates)
    return found


def replan(items: list[Item], excerpt: plan.Excerpt) -> dict[str, PageSpec]:
    """The changed items' own pages planned again (their title and description), by path."""
    fresh = {}
    for item in items:
        kind = "feedback" if isinstance(item, FeedbackItem) else "decision" if isinstance(item, DecisionItem) \
            else "change"
        spec = _PAGES[kind](item, excerpt)
        fresh[spec.path] = spec
    return fresh
