"""What a page is before it is rendered: its path, template, title and context; and list pagination."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from portalgen.model import urls
from portalgen.model.quarters import Quarter
from portalgen.render.i18n import Words, english

PER_PAGE = 50  # list pages are paginated so no page grows with the portal
REDIRECT = "redirect.html"  # the template of a page at an old address (aliases:); never in the sitemap


@dataclass(frozen=True)
class Pager:
    items: Sequence[Any]
    number: int
    count: int
    base: str  # folder of page 1, e.g. "feedback/"
    total: int

    def path(self, number: int) -> str:
        return urls.listing(self.base, number)

    @property
    def prev(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.count else None


def paginate(items: Sequence[Any], base: str, per_page: int = PER_PAGE) -> Iterator[Pager]:
    count = max(1, math.ceil(len(items) / per_page))
    for number in range(1, count + 1):
        chunk = items[(number - 1) * per_page : number * per_page]
        yield Pager(chunk, number, count, base, len(items))


@dataclass(frozen=True)
class Msg:
    """A sentence of the theme before it is said in the portal's language: its English msgid and
    values (text, numbers, quarters, or other Msgs). Plans are made without the catalogs; a page
    says its title and description when it is rendered (render/pages.py)."""

    msgid: str
    values: tuple[tuple[str, Any], ...] = ()
    plural: str = ""  # with `n`: the English plural, and the count that chooses the form
    n: int = 0

    def english(self) -> str:
        return say(english(), self)


def plural_msg(singular: str, plural: str, n: int, values: tuple[tuple[str, Any], ...] = ()) -> Msg:
    """A Msg with a count: its own name, so pybabel extract finds both forms (-k plural_msg:1,2)."""
    return Msg(singular, values, plural, n)


@dataclass(frozen=True)
class Months:
    """A quarter said as its months: 'January to March 2026'."""

    quarter: Quarter


def say(words: Words, msg: Msg) -> str:
    values: dict[str, object] = {}
    for name, value in msg.values:
        if isinstance(value, Msg):
            value = say(words, value)
        elif isinstance(value, Quarter):
            value = words.quarter(value.number, value.year)
        elif isinstance(value, Months):
            value = words.quarter_months(value.quarter.number, value.quarter.year)
        values[name] = value
    if msg.plural:
        return words.ngettext(msg.msgid, msg.plural, msg.n, **values)
    return words.gettext(msg.msgid, **values)


@dataclass(frozen=True)
class PageSpec:
    path: str
    template: str
    title: str  # English (or the record's own title): what the page's fingerprint counts
    context: dict[str, Any]
    description: str = ""
    title_msg: Msg | None = None  # the title in words of the theme, said in the portal's language
    description_msg: Msg | None = None


def spec(path: str, template: str, title: Msg, context: dict[str, Any], description: Msg) -> PageSpec:
    """A page whose title and description are words of the theme."""
    return PageSpec(path, template, title.english(), context, description.english(), title, description)
