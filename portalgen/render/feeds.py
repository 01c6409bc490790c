"""Machine-readable outputs for followers and crawlers: Atom feeds (site, tag, customer), sitemap, robots.txt."""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Iterable
from datetime import date

from portalgen.model import urls
from portalgen.model.items import ChangeItem, CustomerItem, DecisionItem, Model, TagItem
from portalgen.model.statuses import STATUSES
from portalgen.render.i18n import Words, english
from portalgen.render.wording import credit_html

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ENTRIES = 50


def absolute(model: Model, path: str) -> str:
    return urls.absolute(model.portal.base_url, path)


def _stable_id(model: Model, path: str) -> str:
    if model.portal.base_url:
        return absolute(model, path)
    # Atom ids must be absolute IRIs and must not change between builds.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"portalgen:{model.portal.title}:{path}").urn


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


# Feeds are assembled from strings: ElementTree spent most of the time of a 10,000-item build
# re-serialising the same entries for the site, tag and customer feeds. These escape exactly as
# ElementTree's serialiser does (xml.etree.ElementTree._escape_cdata and _escape_attrib), so the
# bytes are the same as before; tests/render/test_site_files.py holds them to ElementTree's.
def xml_text(text: str) -> str:
    """Character data as ElementTree writes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(value: str) -> str:
    """An attribute value (inside double quotes) as ElementTree writes it."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;"))


def _el(tag: str, text: str | None = None, **attrs: str) -> str:
    """One element without children; empty ones are closed the way ElementTree closes them."""
    start = tag + "".join(f' {name}="{xml_attr(value)}"' for name, value in attrs.items())
    return f"<{start}>{xml_text(text)}</{tag}>" if text else f"<{start} />"


def _document(root: str, xmlns: str, attrs: str, children: list[str]) -> bytes:
    start = f"<?xml version='1.0' encoding='utf-8'?>\n<{root} xmlns=\"{xmlns}\"{attrs}"
    text = start + ">" + "".join(children) + f"</{root}>\n" if children else start + " />\n"
    # ElementTree writes through a UTF-8 text stream with errors="xmlcharrefreplace".
    return text.encode("utf-8", "xmlcharrefreplace")


def _entry_html(item: DecisionItem | ChangeItem, words: Words) -> str:
    # The words are the catalog's (trusted, like the theme); the record's HTML is sanitised.
    if isinstance(item, DecisionItem):
        status = STATUSES[item.record.outcome]
        html = f"<p><strong>{words.gettext(status.headline)}</strong></p>" + item.body_html
        if item.workaround_html:
            html += f"<h2>{words.gettext('What you can do meanwhile')}</h2>" + item.workaround_html
        if item.record.revisit:
            html += "<p>" + words.gettext("We will look at this again on %(date)s.",
                                          date=item.record.revisit.isoformat()) + "</p>"
        return html
    html = item.body_html
    if item.credit:
        html += "<p>" + words.gettext("Thanks to %(credit)s.", credit=credit_html(item.credit, words=words)) + "</p>"
    return html


def feed_link(model: Model, feed_path: str, target: str) -> str:
    """A link inside a feed: absolute from base_url, else relative to the feed's own location.

    Feed readers resolve relative links against the feed's URL, so without a base_url the feed
    still points at the right pages wherever the site is published.
    """
    if model.portal.base_url:
        return absolute(model, target)
    return urls.relative(feed_path, urls.pretty(target) or "./")


class Entries:
    """Feed entries of one build, each rendered once and shared by every feed that lists it.

    An entry is the same in the site feed, its tag feeds and its customer feeds except for its
    link, which without a base_url is relative to the feed: so it is kept as the text before and
    after the link's address.
    """

    def __init__(self, model: Model, words: Words | None = None) -> None:
        self.model = model
        self.words = words or english()
        self._done: dict[int, tuple[DecisionItem | ChangeItem, str, str]] = {}  # item kept: id() stays unique

    def entry(self, item: DecisionItem | ChangeItem, feed_path: str) -> str:
        found = self._done.get(id(item))
        if found is None:
            found = self._done[id(item)] = (item, *self._render(item))
        _, head, tail = found
        return head + xml_attr(feed_link(self.model, feed_path, item.url)) + tail

    def _render(self, item: DecisionItem | ChangeItem) -> tuple[str, str]:
        kind = "Decision" if isinstance(item, DecisionItem) else "Shipped"
        title = (self.words.gettext("Decision: %(title)s", title=item.record.title) if kind == "Decision"
                 else self.words.gettext("Shipped: %(title)s", title=item.record.title))
        stamp = _timestamp(item.record.date)
        head = ("<entry>" + _el("title", title) + _el("id", _stable_id(self.model, item.url))
                + _el("updated", stamp) + _el("published", stamp) + '<link rel="alternate" href="')
        # Escaped, the HTML is plain text to any XML parser (type="html").
        tail = ('" type="text/html" />' + _el("category", term="decision" if kind == "Decision" else "change")
                + _el("content", _entry_html(item, self.words), type="html") + "</entry>")
        return head, tail


def newest(items: Iterable[DecisionItem | ChangeItem]) -> list[DecisionItem | ChangeItem]:
    """The entries of a feed of `items`."""
    unique = {id(i): i for i in items}.values()
    # nsmallest is sorted()[:n] without sorting the thousands of entries a big theme has.
    return heapq.nsmallest(FEED_ENTRIES, unique, key=lambda i: (-i.record.date.toordinal(), i.url))


def atom(model: Model, title_suffix: str = "", items: Iterable[DecisionItem | ChangeItem] | None = None,
         self_path: str = urls.SITE_FEED, alternate_path: str = urls.INDEX, subtitle: str | None = None,
         entries: Entries | None = None) -> bytes:
    """An RFC 4287 feed of decisions and changes, newest first.

    Pass the build's Entries to every feed of a build, so each entry is rendered once.
    """
    if items is None:
        items = [*model.decisions, *model.changes]
    listed = newest(items)
    entries = entries or Entries(model)
    subtitle = model.portal.description if subtitle is None else subtitle
    parts = [_el("title", model.portal.title + title_suffix)]
    if subtitle:
        parts.append(_el("subtitle", subtitle))
    parts += [
        _el("id", _stable_id(model, self_path)),
        _el("updated", _timestamp(listed[0].record.date if listed else model.as_of)),
        _el("link", rel="self", href=feed_link(model, self_path, self_path), type="application/atom+xml"),
        _el("link", rel="alternate", href=feed_link(model, self_path, alternate_path), type="text/html"),
        "<author>" + _el("name", model.portal.product or model.portal.title) + "</author>",
        _el("generator", "portalgen"),
    ]
    parts += [entries.entry(item, self_path) for item in listed]
    return _document("feed", ATOM, f' xml:lang="{xml_attr(model.portal.language)}"', parts)


def tag_items(tag: TagItem) -> list[DecisionItem | ChangeItem]:
    """What a tag's feed lists the newest of."""
    items: list[DecisionItem | ChangeItem] = []
    for fb in tag.feedback:
        items.extend(fb.decisions)
        items.extend(fb.changes)
    return items


def customer_items(customer: CustomerItem) -> list[DecisionItem | ChangeItem]:
    """What a customer's feed lists the newest of."""
    return [*customer.decided, *customer.shipped]


def tag_feed(model: Model, tag: TagItem, entries: Entries | None = None) -> bytes:
    """Decisions and changes touching feedback on one theme."""
    items = tag_items(tag)
    entries = entries or Entries(model)
    words = entries.words
    return atom(model, words.gettext(": %(name)s", name=tag.name), items, self_path=urls.feed("tag", tag.slug),
                alternate_path=tag.url, entries=entries,
                subtitle=words.gettext("What we decided and shipped on the theme %(name)s.", name=tag.name))


def customer_feed(model: Model, customer: CustomerItem, entries: Entries | None = None) -> bytes:
    """Follow what happens to what one named customer asked for."""
    name = customer.record.name
    entries = entries or Entries(model)
    words = entries.words
    return atom(model, words.gettext(": what %(name)s asked for", name=name), customer_items(customer),
                self_path=urls.feed("customer", customer.record.slug), alternate_path=customer.url,
                subtitle=words.gettext("What we decided and shipped on what %(name)s raised.", name=name),
                entries=entries)


def sitemap(model: Model, paths: list[str]) -> bytes:
    return _document("urlset", SITEMAP, "", ["<url>" + _el("loc", absolute(model, path)) + "</url>"
                                             for path in sorted(paths)])


def robots(model: Model) -> bytes:
    text = "User-agent: *\nAllow: /\n"
    if model.portal.base_url:
        text += f"Sitemap: {absolute(model, urls.SITEMAP)}\n"
    return text.encode("utf-8")
