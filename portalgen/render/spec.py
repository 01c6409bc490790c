"""What a page is before it is rendered: its path, template, title and context; and list pagination."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from portalgen.model import urls

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
class PageSpec:
    path: str
    template: str
    title: str
    context: dict[str, Any]
    description: str = ""
