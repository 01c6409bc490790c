"""The typed records that validation produces. Private fields never get this far."""

from __future__ import annotations

import datetime as dt  # not `date`: records have a field of that name, which would shadow it
from dataclasses import dataclass


@dataclass(frozen=True)
class Portal:
    title: str
    base_url: str | None = None
    description: str = ""
    product: str = ""
    contact: str = ""
    language: str = "en"
    credit_default: str = "anonymous"
    stale_after_days: int = 30
    checkin_days: int = 90
    allowed_phrases: tuple[str, ...] = ()
    anonymity_threshold: int = 3


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    credit: str


@dataclass(frozen=True)
class Customer:
    slug: str
    path: str
    name: str
    segment: str
    credit: str
    url: str
    joined: dt.date | None
    people: tuple[Person, ...]
    body: str
    other_names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()  # from `private`: never published
    addresses: tuple[str, ...] = ()  # `private.email`, where its digest goes: never published
    weight: float | None = None  # `private.weight`, for `report --triage` only: never published
    aliases: tuple[str, ...] = ()  # slugs it had before a rename: redirect pages (named customers only)

    @property
    def named(self) -> bool:
        return self.credit == "named"

    @property
    def public_people(self) -> tuple[Person, ...]:
        """People who may be named: both the organisation and the person consented."""
        if not self.named:
            return ()
        return tuple(p for p in self.people if p.credit == "named")


@dataclass(frozen=True)
class Feedback:
    slug: str
    path: str
    title: str
    date: dt.date
    customers: tuple[str, ...]
    source: str
    tags: tuple[str, ...]
    quote: str
    duplicate_of: str
    draft: bool
    public: bool
    body: str
    line: int = 1
    aliases: tuple[str, ...] = ()  # slugs it had before a rename: each old address redirects here
    votes: int | None = None  # `private.votes` (an import's count): for `report --triage` only, never published


@dataclass(frozen=True)
class Decision:
    slug: str
    path: str
    title: str
    date: dt.date
    feedback: tuple[str, ...]
    outcome: str
    priority: str
    workaround: str
    revisit: dt.date | None
    draft: bool
    public: bool
    body: str
    line: int = 1
    aliases: tuple[str, ...] = ()  # slugs it had before a rename: each old address redirects here


@dataclass(frozen=True)
class Change:
    slug: str
    path: str
    title: str
    date: dt.date
    version: str
    decisions: tuple[str, ...]
    feedback: tuple[str, ...]
    draft: bool
    public: bool
    body: str
    line: int = 1
    aliases: tuple[str, ...] = ()  # slugs it had before a rename: each old address redirects here
    # Last: a member named type would shadow the builtin in any annotation after it.
    type: str = ""  # added, changed, deprecated, removed, fixed, security; "" when not given


@dataclass(frozen=True)
class Records:
    """Everything in content/, validated, drafts and private records included."""

    portal: Portal
    customers: dict[str, Customer]
    feedback: dict[str, Feedback]
    decisions: dict[str, Decision]
    changes: dict[str, Change]
