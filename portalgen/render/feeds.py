"""Machine-readable outputs for followers and crawlers: Atom feeds (site, tag, customer), sitemap, robots.txt."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date

from portalgen.model import urls
from portalgen.model.items import ChangeItem, CustomerItem, DecisionItem, Model, TagItem
from portalgen.model.statuses import STATUSES
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


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _xml(root: ET.Element) -> bytes:
    # An annotated local: typeshed types tostring() as Any for every encoding but "unicode".
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _entry_html(item: DecisionItem | ChangeItem) -> str:
    if isinstance(item, DecisionItem):
        status = STATUSES[item.record.outcome]
        html = f"<p><strong>{status.headline}</strong></p>" + item.body_html
        if item.workaround_html:
            html += "<h2>What you can do meanwhile</h2>" + item.workaround_html
        if item.record.revisit:
            html += f"<p>We will look at this again on {item.record.revisit.isoformat()}.</p>"
        return html
    html = item.body_html
    if item.credit:
        html += f"<p>Thanks to {credit_html(item.credit)}.</p>"
    return html


def feed_link(model: Model, feed_path: str, target: str) -> str:
    """A link inside a feed: absolute from base_url, else relative to the feed's own location.

    Feed readers resolve relative links against the feed's URL, so without a base_url the feed
    still points at the right pages wherever the site is published.
    """
    if model.portal.base_url:
        return absolute(model, target)
    return urls.relative(feed_path, urls.pretty(target) or "./")


def atom(model: Model, title_suffix: str = "", items: Iterable[DecisionItem | ChangeItem] | None = None,
         self_path: str = urls.SITE_FEED, alternate_path: str = urls.INDEX, subtitle: str | None = None) -> bytes:
    """An RFC 4287 feed of decisions and changes, newest first."""
    if items is None:
        items = [*model.decisions, *model.changes]
    unique = {id(i): i for i in items}.values()
    entries = sorted(unique, key=lambda i: (-i.record.date.toordinal(), i.url))[:FEED_ENTRIES]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": model.portal.language})
    a = f"{{{ATOM}}}"
    _sub(feed, a + "title", model.portal.title + title_suffix)
    subtitle = model.portal.description if subtitle is None else subtitle
    if subtitle:
        _sub(feed, a + "subtitle", subtitle)
    _sub(feed, a + "id", _stable_id(model, self_path))
    _sub(feed, a + "updated", _timestamp(entries[0].record.date if entries else model.as_of))
    _sub(feed, a + "link", rel="self", href=feed_link(model, self_path, self_path), type="application/atom+xml")
    _sub(feed, a + "link", rel="alternate", href=feed_link(model, self_path, alternate_path), type="text/html")
    author = _sub(feed, a + "author")
    _sub(author, a + "name", model.portal.product or model.portal.title)
    _sub(feed, a + "generator", "portalgen")
    for item in entries:
        entry = _sub(feed, a + "entry")
        kind = "Decision" if isinstance(item, DecisionItem) else "Shipped"
        _sub(entry, a + "title", f"{kind}: {item.record.title}")
        _sub(entry, a + "id", _stable_id(model, item.url))
        _sub(entry, a + "updated", _timestamp(item.record.date))
        _sub(entry, a + "published", _timestamp(item.record.date))
        _sub(entry, a + "link", rel="alternate", href=feed_link(model, self_path, item.url), type="text/html")
        _sub(entry, a + "category", term="decision" if kind == "Decision" else "change")
        # ElementTree escapes the HTML, so it is plain text to any XML parser (type="html").
        _sub(entry, a + "content", _entry_html(item), type="html")
    return _xml(feed)


def tag_feed(model: Model, tag: TagItem) -> bytes:
    """Decisions and changes touching feedback on one theme."""
    items: list[DecisionItem | ChangeItem] = []
    for fb in tag.feedback:
        items.extend(fb.decisions)
        items.extend(fb.changes)
    return atom(model, f": {tag.name}", items, self_path=urls.feed("tag", tag.slug), alternate_path=tag.url,
                subtitle=f"What we decided and shipped on the theme {tag.name}.")


def customer_feed(model: Model, customer: CustomerItem) -> bytes:
    """Follow what happens to what one named customer asked for."""
    name = customer.record.name
    return atom(model, f": what {name} asked for", [*customer.decided, *customer.shipped],
                self_path=urls.feed("customer", customer.record.slug), alternate_path=customer.url,
                subtitle=f"What we decided and shipped on what {name} raised.")


def sitemap(model: Model, paths: list[str]) -> bytes:
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path in sorted(paths):
        url = _sub(urlset, f"{{{SITEMAP}}}url")
        _sub(url, f"{{{SITEMAP}}}loc", absolute(model, path))
    return _xml(urlset)


def robots(model: Model) -> bytes:
    text = "User-agent: *\nAllow: /\n"
    if model.portal.base_url:
        text += f"Sitemap: {absolute(model, urls.SITEMAP)}\n"
    return text.encode("utf-8")
