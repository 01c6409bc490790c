"""The neutral form every importer reads an export into, whatever tool it came from.

A source module (github, fider, canny, uservoice, spreadsheet) turns an export file into a
`Reading`: ideas, and the rows it could not map with the reason. It never touches content/; the
writer decides which records to write, update or leave alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

# What became of an idea in its tool, in portalgen's words. A "completed" idea becomes a change;
# "duplicate" points at another idea of the same export; "deleted" ideas are skipped (and reported).
Status = Literal["open", "under-review", "planned", "in-progress", "declined", "deferred", "completed",
                 "already-available", "duplicate", "deleted"]


@dataclass(frozen=True)
class Person:
    """Someone who raised or voted for an idea. Only `organisation` (or, without one, `name`) may
    become a public customer name, and only anonymously unless the user says otherwise; e-mail and
    login are private and go under the customer's `private:`."""

    key: str  # stable within the source (an id, a login, an e-mail): the same person in every export
    name: str = ""
    organisation: str = ""  # company, forum: customers are made per organisation when there is one
    email: str = ""
    login: str = ""
    weight: float | None = None  # e.g. Canny's monthlySpend: private, for triage
    segment: str = ""  # the customer's segment, where the export (or --segment-from) says


@dataclass(frozen=True)
class Idea:
    source: str  # "github", "fider", "canny", "uservoice", "csv"
    id: str  # the source's own id (issue number, post id, row key): stable across exports
    title: str
    body: str = ""  # Markdown (or plain text, which is Markdown)
    created: date | None = None
    author: Person | None = None
    voters: tuple[Person, ...] = ()  # besides the author
    tags: tuple[str, ...] = ()
    votes: int | None = None
    status: Status = "open"
    response: str = ""  # the tool's answer: the reasoning of the decision it becomes
    responded: date | None = None  # when the status was set (else `closed`, else `created`)
    closed: date | None = None
    duplicate_of: str = ""  # the id of the original, within the same source
    version: str = ""  # milestone / release the change shipped in
    url: str = ""  # where the idea lived (private: it may name the tool's account)
    where: str = ""  # for messages: "row 12", "issue #34", "post 5f2a…"


@dataclass
class Reading:
    """What one export file holds: the ideas, and what could not be mapped (with where and why)."""

    ideas: list[Idea] = field(default_factory=list)
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
