"""How the portal words things, once: dates, plurals, and who is thanked for a change.

Templates (as filters and globals), feeds, digests, the changelog export and the search index
all take their wording from here, so a page, a feed entry and an e-mail say the same thing.
Every function takes the portal's Words (render/i18n.py): its language is a setting of the
portal, never of the process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from markupsafe import Markup, escape

from portalgen.content.records import Customer
from portalgen.model import urls
from portalgen.model.items import Credit
from portalgen.model.quarters import Quarter
from portalgen.render.i18n import Words, english


def longdate(day: date | None, words: Words | None = None) -> str:
    """'3 June 2026'."""
    return (words or english()).longdate(day)


def quarter_label(q: Quarter, words: Words | None = None) -> str:
    """'Q3 2026'."""
    return (words or english()).quarter(q.number, q.year)


def quarter_months(q: Quarter, words: Words | None = None) -> str:
    """'January to March 2026'."""
    return (words or english()).quarter_months(q.number, q.year)


def customer_count(words: Words, count: int, segment: str = "", text: Callable[[str], str] = lambda s: s,
                   other: bool = False) -> str:
    """'1 customer', '2 customers in Healthcare', '2 customers in other segments'.

    `text` escapes the sentence around the segment's name (the name is escaped by the caller).
    """
    if other:
        return text(words.ngettext("%(num)s customer in other segments", "%(num)s customers in other segments",
                                   count))
    if not segment:
        return text(words.ngettext("%(num)s customer", "%(num)s customers", count))
    return text(words.ngettext("%(num)s customer in %(segment)s", "%(num)s customers in %(segment)s", count,
                               segment="\x00")).replace("\x00", segment)


def credit_words(credit: Credit, name: Callable[[Customer], str] = lambda c: c.name,
                 text: Callable[[str], str] = lambda s: s, words: Words | None = None) -> str:
    """'Acme, Globex and 2 customers in Healthcare': named customers by name, anonymous ones by segment.

    `name` writes a named customer (as a link, say) and `text` escapes the words around them, so
    the same sentence serves HTML, Markdown and plain text. A Credit never holds an anonymous
    customer's name, so only public information goes in. Customers of segments too small to name
    are 'in other segments', after the named segments and before customers without one.
    """
    words = words or english()
    names = [name(c) for c in credit.named]
    anonymous = [customer_count(words, count, text(segment), text) for segment, count in credit.anonymous if segment]
    if credit.other_segments:
        anonymous.append(customer_count(words, credit.other_segments, text=text, other=True))
    anonymous += [customer_count(words, count, text=text) for segment, count in credit.anonymous if not segment]
    if names and anonymous:
        return text(words.join(["\x01", "\x02"])).replace("\x01", words.comma(names)).replace(
            "\x02", words.join(anonymous))
    return words.join(names or anonymous)


def credit_html(credit: Credit, url: Callable[[str], str] | None = None, words: Words | None = None) -> Markup:
    """The credit sentence as HTML. With `url` (a page's link maker), named customers link to their page."""
    def name(c: Customer) -> str:
        if url is None:
            return str(escape(c.name))
        return f'<a href="{escape(url(urls.record("customer", c.slug)))}">{escape(c.name)}</a>'

    return Markup(credit_words(credit, name, lambda s: str(escape(s)), words))
