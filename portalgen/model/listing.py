"""What `portalgen list` shows: one row per record, drafts and private ones included. Internal.

Choices (see the README's command table):

- A feedback item's status is the one the portal shows (model/linking.py, drafts never count as
  an answer). A draft or private item is not on the portal: its status is the one it would show
  once published, with every answer it has, drafts and private ones included.
- A decision's status is its outcome, a change's is `shipped`, a customer's is its credit
  (`named` or `anonymous`). Anonymous customers are listed by name: this is for the team. A
  customer is never draft or private.
- Decisions and changes carry the tags of the feedback they answer, so `--tag` finds a theme's
  whole story.
"""

from __future__ import annotations

import datetime as dt  # not `date`: rows have a field of that name, which would shadow it
from dataclasses import dataclass

from portalgen.content.records import Records
from portalgen.content.slugs import slugify
from portalgen.model import linking
from portalgen.model.report import internal_records, link_published
from portalgen.model.statuses import ORDER

# Every status a row can have, in the order the help lists them.
ROW_STATUSES = (*ORDER, "named", "anonymous")


@dataclass(frozen=True)
class Row:
    kind: str
    slug: str
    title: str
    date: dt.date | None
    status: str
    tags: tuple[str, ...]
    draft: bool
    private: bool
    path: str


def _no_html(kind: str, slug: str, name: str) -> str:
    return ""  # the list shows no bodies: nothing to render


def rows(records: Records, as_of: dt.date) -> list[Row]:
    """Every record, by kind (feedback, decisions, changes, customers), newest first."""
    public = link_published(records, as_of, bodies=False)
    everything = linking.link(internal_records(records), _no_html, drafts=True, as_of=as_of)
    shown = {item.record.slug: item.status for item in public.feedback}
    tags = {item.record.slug: item.record.tags for item in everything.feedback}
    found: list[Row] = []
    for item in everything.feedback:
        r = records.feedback[item.record.slug]
        found.append(Row("feedback", r.slug, r.title, r.date, shown.get(r.slug, item.status), r.tags, r.draft,
                         not r.public, r.path))
    for decision in everything.decisions:
        d = records.decisions[decision.record.slug]
        found.append(Row("decision", d.slug, d.title, d.date, d.outcome, _tags_of(d.feedback, tags), d.draft,
                         not d.public, d.path))
    for change in everything.changes:
        c = records.changes[change.record.slug]
        answered = [i.record.slug for i in change.feedback]
        found.append(Row("change", c.slug, c.title, c.date, "shipped", _tags_of(answered, tags), c.draft,
                         not c.public, c.path))
    for slug, customer in sorted(records.customers.items()):
        found.append(Row("customer", slug, customer.name, customer.joined, customer.credit, (), False, False,
                         customer.path))
    return found


def _tags_of(slugs: tuple[str, ...] | list[str], tags: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for slug in slugs for t in tags.get(slug, ())))


def select(found: list[Row], kind: str | None = None, status: str | None = None,
           tag: str | None = None) -> list[Row]:
    """The rows of one kind, with one status, with one tag (spelt as the portal groups tags: in any
    case, with any punctuation)."""
    wanted = slugify(tag) if tag else None
    return [r for r in found if (kind is None or r.kind == kind) and (status is None or r.status == status)
            and (wanted is None or any(slugify(t) == wanted for t in r.tags))]

