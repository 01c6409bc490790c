"""How the portal words things, once: dates, plurals, and who is thanked for a change.

Templates (as filters and globals), feeds, digests, the changelog export and the search index
all take their wording from here, so a page, a feed entry and an e-mail say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from markupsafe import Markup, escape

from portalgen.content.records import Customer
from portalgen.model import urls
from portalgen.model.items import Credit
from portalgen.model.quarters import Quarter

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def longdate(day: date | None) -> str:
    """'3 June 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def quarter_months(q: Quarter) -> str:
    """'January to March 2026'."""
    return f"{MONTHS[(q.number - 1) * 3]} to {MONTHS[q.number * 3 - 1]} {q.year}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


def join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


OTHER_SEGMENTS = "other segments"


def customer_count(count: int, segment: str = "") -> str:
    """'1 customer', '2 customers in Healthcare', '2 customers in other segments'."""
    return f"{count} {plural(count, 'customer')}" + (f" in {segment}" if segment else "")


def credit_words(credit: Credit, name: Callable[[Customer], str] = lambda c: c.name,
                 text: Callable[[str], str] = lambda s: s) -> str:
    """'Acme, Globex and 2 customers in Healthcare': named customers by name, anonymous ones by segment.

    `name` writes a named customer (as a link, say) and `text` escapes the words around them, so
    the same sentence serves HTML, Markdown and plain text. A Credit never holds an anonymous
    customer's name, so only public information goes in. Customers of segments too small to name
    are 'in other segments', after the named segments and before customers without one.
    """
    names = [name(c) for c in credit.named]
    anonymous = [customer_count(count, text(segment)) for segment, count in credit.anonymous if segment]
    if credit.other_segments:
        anonymous.append(customer_count(credit.other_segments, OTHER_SEGMENTS))
    anonymous += [customer_count(count) for segment, count in credit.anonymous if not segment]
    if names and anonymous:
        return ", ".join(names) + " and " + join(anonymous)
    return join(names or anonymous)


def credit_html(credit: Credit, url: Callable[[str], str] | None = None) -> Markup:
    """The credit sentence as HTML. With `url` (a page's link maker), named customers link to their page."""
    def name(c: Customer) -> str:
        if url is None:
            return str(escape(c.name))
        return f'<a href="{escape(url(urls.record("customer", c.slug)))}">{escape(c.name)}</a>'

    return Markup(credit_words(credit, name, lambda s: str(escape(s))))
