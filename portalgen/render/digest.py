"""A customer digest: a message to one customer about what became of what they told us.

The digest has three parts: what happened since a date (decisions with their reasons and
workarounds, shipped changes, oldest first so it reads as a story), what is still open, and
every item they raised (newest first). It is written as Markdown, as e-mail-safe HTML (inline CSS,
no scripts, no external resources) or as a complete RFC 5322 message (multipart/alternative: plain
text and HTML) built with the standard library's email package. `portalgen digest` writes it.

A digest is private output, never part of site/, so it works for anonymous customers too. It shows
only what the portal publishes (no drafts, no private records): every link in it leads somewhere,
and nothing internal reaches a customer. Other customers appear only the way the portal credits
them, so no other anonymous customer is ever named.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from portalgen.content.problems import UsageError
from portalgen.content.records import Customer, Decision, Portal, Records
from portalgen.model import urls
from portalgen.model.headings import place_under
from portalgen.model.items import ChangeItem, DecisionItem, FeedbackItem, Model
from portalgen.model.statuses import ORDER, STATUSES
from portalgen.render import theme
from portalgen.render.i18n import SOURCE, Words, english
from portalgen.render.markdown_safe import autolink, link, md_escape
from portalgen.render.plaintext import html_to_text

FORMATS = ("md", "html", "eml")
OPEN = ("heard", "under-review", "planned", "in-progress", "deferred")
PLACEHOLDER_TO = "recipient@example.invalid"
PLACEHOLDER_FROM = "feedback@example.invalid"


@dataclass(eq=False)
class Event:
    """A decision or a change on some of the customer's items."""

    item: DecisionItem | ChangeItem
    about: list[FeedbackItem]  # the customer's items it concerns

    @property
    def kind(self) -> str:
        return "decision" if isinstance(self.item, DecisionItem) else "change"

    @property
    def date(self) -> date:
        return self.item.record.date

    @property
    def heading(self) -> str:
        return self.item.record.title

    def meta_in(self, w: Words) -> str:
        """'Not now, decided on 3 June 2026, about: Custom fiscal calendars.'"""
        r, about = self.item.record, "; ".join(i.record.title for i in self.about)
        if isinstance(r, Decision):
            return w.gettext("%(status)s, decided on %(date)s, about: %(about)s.", status=w.gettext(
                STATUSES[r.outcome].headline), date=w.longdate(r.date), about=about)
        if r.version:
            return w.gettext("Shipped in %(version)s on %(date)s, about: %(about)s.", version=r.version,
                             date=w.longdate(r.date), about=about)
        return w.gettext("Shipped on %(date)s, about: %(about)s.", date=w.longdate(r.date), about=about)


@dataclass(eq=False)
class Digest:
    portal: Portal
    customer: Customer
    recipient: str  # who the greeting is for
    today: date
    since: date | None
    raised: list[FeedbackItem]  # newest first
    events: list[Event]  # oldest first
    still_open: list[FeedbackItem]  # open questions first, then oldest first
    hidden: dict[str, int] = field(default_factory=dict)  # their unpublished items, by reason
    words: Words = field(default_factory=english)  # the portal's language

    def link(self, path: str) -> str:
        """A page's address: absolute with base_url, else relative to the site's root."""
        return urls.absolute(self.portal.base_url, path)

    @property
    def absolute_links(self) -> bool:
        return bool(self.portal.base_url)

    @property
    def home(self) -> str:
        return self.portal.base_url or ""

    @property
    def product(self) -> str:
        return self.portal.product or self.portal.title

    @property
    def period(self) -> str:
        w = self.words
        return w.gettext("since %(date)s", date=w.longdate(self.since)) if self.since else w.gettext("so far")

    @property
    def subject(self) -> str:
        return self.words.gettext("%(product)s: what happened to your feedback %(period)s", product=self.product,
                                  period=self.period)

    def status_text(self, item: FeedbackItem) -> str:
        w = self.words
        if item.status == "shipped" and item.changes:
            first = item.changes[0].record
            return (w.gettext("Shipped in %(version)s", version=first.version) if first.version
                    else w.gettext("Shipped on %(date)s", date=w.longdate(first.date)))
        text = w.gettext(STATUSES[item.status].headline)
        decision = item.latest_decision
        if item.status == "deferred" and decision and decision.record.revisit:
            text += " (" + w.gettext("we will look again on %(date)s", date=w.longdate(decision.record.revisit)) + ")"
        if item.status == "heard" and item.days_waiting is not None:
            text += " (" + w.ngettext("%(num)s day", "%(num)s days", item.days_waiting) + ")"
        return text

    @property
    def news(self) -> str:
        """'1 decision and 2 shipped changes', or 'nothing new', in the portal's language."""
        return self.news_in(self.words)

    def news_in(self, w: Words) -> str:
        """The news in `w`'s words: the console says it in English whatever the portal's language."""
        decisions = sum(1 for e in self.events if e.kind == "decision")
        changes = len(self.events) - decisions
        parts = []
        if decisions:
            parts.append(w.ngettext("%(num)s decision", "%(num)s decisions", decisions))
        if changes:
            parts.append(w.ngettext("%(num)s shipped change", "%(num)s shipped changes", changes))
        return w.join(parts) if parts else w.gettext("nothing new")

    @property
    def summary(self) -> str:
        w = self.words
        raised = w.ngettext("%(name)s raised %(num)s item with us,", "%(name)s raised %(num)s items with us,",
                            len(self.raised), name=self.customer.name)
        still = w.ngettext("and %(num)s is still open.", "and %(num)s are still open.", len(self.still_open))
        return f"{raised} {still} {self.period[0].upper()}{self.period[1:]}: {self.news}."


def make_digest(records: Records, model: Model, customer: Customer, today: date, since: date | None = None,
                recipient: str | None = None, words: Words | None = None) -> Digest:
    """The digest as data, from the published model (drafts and private records excluded)."""
    slug = customer.slug
    raised = [i for i in model.feedback if slug in i.record.customers]  # model order: newest first
    events: dict[int, Event] = {}
    for item in sorted(raised, key=lambda i: (i.record.date, i.record.slug)):
        answers: list[DecisionItem | ChangeItem] = [*item.decisions, *item.changes]
        for answer in answers:
            if since is None or answer.record.date >= since:
                events.setdefault(id(answer), Event(answer, [])).about.append(item)
    ordered = sorted(events.values(), key=lambda e: (e.date, 0 if e.kind == "decision" else 1, e.item.record.slug))
    still_open = sorted((i for i in raised if i.status in OPEN),
                        key=lambda i: (ORDER.index(i.status), i.record.date, i.record.slug))
    published = {i.record.slug for i in raised}
    hidden: dict[str, int] = {}
    for fb in records.feedback.values():
        if slug in fb.customers and fb.slug not in published:
            reason = "private" if not fb.public else "draft"
            hidden[reason] = hidden.get(reason, 0) + 1
    return Digest(model.portal, customer, recipient or _greeted(customer), today, since, raised, ordered, still_open,
                  hidden, words or english())


def _greeted(customer: Customer) -> str:
    """Who the greeting names: the person of the customer's one address, else the organisation."""
    if len(customer.addresses) == 1:
        return parse_address(customer.addresses[0]).display_name or customer.name
    return customer.name


# --- text and Markdown -----------------------------------------------------------------------------


def _heading(text: str, level: int, markdown: bool) -> list[str]:
    if markdown:
        return ["#" * level + " " + md_escape(text), ""]
    return [text, ("=" if level <= 2 else "-") * len(text), ""]


def _ref(d: Digest, title: str, path: str, markdown: bool) -> str:
    if markdown:
        return link(md_escape(title), d.link(path))
    return f"{title} <{d.link(path)}>"


def _escaper(markdown: bool) -> Callable[[str], str]:
    return md_escape if markdown else (lambda s: s)


def render_text(d: Digest, markdown: bool = True) -> str:
    """The digest as Markdown, or as plain text for the text/plain part of an e-mail."""
    e, w = _escaper(markdown), d.words
    lines = [e(w.gettext("Hello %(name)s,", name=d.recipient)), "", e(d.summary), ""]
    lines += _heading(w.gettext("What happened %(period)s", period=d.period), 2, markdown)
    if not d.events:
        lines += [e(w.gettext("Nothing new %(period)s. Everything you raised is listed below with where it stands.",
                              period=d.period)), ""]
    for ev in d.events:
        lines += _event_text(d, ev, markdown)
    lines += _heading(w.gettext("Still open"), 2, markdown)
    lines += _item_list(d, d.still_open, w.gettext("Nothing: every item you raised has an answer."), markdown, False)
    lines += _heading(w.gettext("Everything you raised"), 2, markdown)
    lines += _item_list(d, d.raised, w.gettext("Nothing yet: we would love to hear from you."), markdown, True)
    contact = d.portal.contact
    lines.append(e(w.gettext("Thank you for telling us. If anything here is wrong or unclear, reply to this message "
                             "or write to %(contact)s.", contact=contact) if contact else w.gettext(
        "Thank you for telling us. If anything here is wrong or unclear, reply to this message.")))
    lines += ["", e(w.gettext("The %(product)s team", product=d.product))]
    if d.home:
        lines.append(autolink(d.home) if markdown else d.home)
    return "\n".join(lines) + "\n"


def _event_text(d: Digest, ev: Event, markdown: bool) -> list[str]:
    e, w = _escaper(markdown), d.words
    item = ev.item
    lines = [*_heading(ev.heading, 3, markdown), e(ev.meta_in(w)), ""]

    def label(text: str) -> str:
        return f"**{e(w.gettext('%(label)s:', label=text))}**" if markdown else w.gettext("%(label)s:", label=text)

    if isinstance(item, DecisionItem):
        if item.body_html:
            lines += [label(w.gettext("Why")), "", html_to_text(item.body_html, markdown), ""]
        if item.workaround_html:
            lines += [label(w.gettext("What you can do meanwhile")), "",
                      html_to_text(item.workaround_html, markdown), ""]
        if item.record.revisit:
            lines += [e(w.gettext("We will look at this again on %(date)s.", date=w.longdate(item.record.revisit))), ""]
    elif item.body_html:
        lines += [html_to_text(item.body_html, markdown), ""]
    more = _ref(d, item.record.title, item.url, markdown) if markdown else d.link(item.url)
    lines += [w.gettext("Read more: %(link)s", link=more), ""]
    return lines


def _item_list(d: Digest, items: list[FeedbackItem], empty: str, markdown: bool, dated: bool) -> list[str]:
    """One line per item with where it stands (and when it was raised), or `empty`."""
    if not items:
        return [empty, ""]
    e = _escaper(markdown)
    lines = []
    for item in items:
        when = f"{d.words.longdate(item.record.date)}: " if dated else ""
        lines.append(f"- {when}{_ref(d, item.record.title, item.url, markdown)}: {e(d.status_text(item))}")
    return [*lines, ""]


# --- HTML ------------------------------------------------------------------------------------------

# Inline styles for the sanitised body HTML: e-mail clients ignore <style> blocks and style sheets.
BODY_STYLES = {
    "p": "margin:0 0 12px 0;",
    "ul": "margin:0 0 12px 0;padding-left:22px;",
    "ol": "margin:0 0 12px 0;padding-left:22px;",
    "li": "margin:0 0 4px 0;",
    "a": "color:#1a5785;",
    "blockquote": "margin:0 0 12px 0;padding-left:12px;border-left:3px solid #d8dde4;color:#4d5663;",
    "pre": "margin:0 0 12px 0;padding:8px;background:#eef3f8;white-space:pre-wrap;",
    "code": "font-family:Consolas,Menlo,monospace;font-size:90%;",
    "h3": "font-size:16px;margin:16px 0 8px 0;", "h4": "font-size:15px;margin:16px 0 8px 0;",
    "h5": "font-size:14px;margin:12px 0 6px 0;", "h6": "font-size:14px;margin:12px 0 6px 0;",
    "table": "border-collapse:collapse;margin:0 0 12px 0;",
    "th": "border:1px solid #d8dde4;padding:4px 8px;text-align:left;",
    "td": "border:1px solid #d8dde4;padding:4px 8px;",
}
_TAG = re.compile(r"<(" + "|".join(BODY_STYLES) + r")(?=[\s>])")


def email_body(html: str) -> Markup:
    """Sanitised body HTML with inline styles added (it carries no style attributes of its own).

    Bodies sit under an event's h3, so their headings start at h4."""
    return Markup(_TAG.sub(lambda m: f'<{m[1]} style="{BODY_STYLES[m[1]]}"', place_under(html, 3)))


def render_html(d: Digest, env: jinja2.Environment) -> str:
    template = env.get_template("digest_email.html")
    return template.render(d=d, body=email_body, status_text=d.status_text, longdate=d.words.longdate,
                           statuses=STATUSES)


# --- e-mail ----------------------------------------------------------------------------------------


def _date_header(today: date) -> datetime:
    """SOURCE_DATE_EPOCH's exact time when set, else midnight UTC of 'today' (reproducible)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    # isdigit() alone accepts "²", which int() refuses; twelve digits already reach past year 9999.
    if epoch.isascii() and epoch.isdigit() and len(epoch) <= 12:
        with suppress(OverflowError, OSError, ValueError):
            stamp = datetime.fromtimestamp(int(epoch), tz=UTC)
            if stamp.date() == today:
                return stamp
    return datetime(today.year, today.month, today.day, tzinfo=UTC)


def _domain(portal: Portal) -> str:
    address = sender(portal)
    if address is not None:
        return address.rsplit("@", 1)[1]
    host = _HOST.match(portal.base_url or "")
    return host[1] if host else "portalgen.invalid"


# An address as people type it: dot-atoms of ASCII on both sides of one @ (RFC 5322 without its
# quoting and comments). The standard library's own parser fails on odd input in many different ways.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_HOST = re.compile(r"https?://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?:[:/]|$)")
# What would end a header line or hide in it: C0 and C1 controls, DEL, line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Header text on one line: a line break in a name or a title would start a header of its own."""
    return " ".join(text.split())


def parse_address(text: str | None, fallback_name: str = "", fallback_addr: str = PLACEHOLDER_TO) -> Address:
    """'Name <addr>', a bare address, or a name alone (then the placeholder address); UsageError otherwise."""
    if not text:
        return _address(fallback_name, fallback_addr)
    if _CONTROL.search(text):
        raise UsageError(f"{text!r} is not one line of text: a recipient holds no line break or control character")
    match = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", text)
    name, addr = (match[1].strip('"'), match[2].strip()) if match else ("", text.strip())
    if not match and ("@" not in addr or " " in addr):
        return _address(addr, fallback_addr)  # a name alone
    if not _ADDR_SPEC.fullmatch(addr):
        raise UsageError(f"'{addr}' is not an e-mail address: write it like ana@example.com")
    return _address(name, addr)


def _address(name: str, addr: str) -> Address:
    return Address(display_name=one_line(name), addr_spec=addr)


def sender(portal: Portal) -> str | None:
    """The portal's `contact` when it is an e-mail address a header can carry: who a digest is from."""
    contact = portal.contact.removeprefix("mailto:")
    return contact if _ADDR_SPEC.fullmatch(contact) else None


def recipients(d: Digest, to: str | None) -> list[Address]:
    """--to, else the customer's own addresses (private.email), else the placeholder with their name."""
    if to or not d.customer.addresses:
        return [parse_address(to, d.recipient)]
    return [parse_address(address) for address in d.customer.addresses]


def render_eml(d: Digest, env: jinja2.Environment, to: str | None = None) -> bytes:
    """A complete RFC 5322 message: multipart/alternative with a text/plain and a text/html part."""
    text = render_text(d, markdown=False)
    html = render_html(d, env)
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = one_line(d.subject)
    msg["From"] = _address(d.product, sender(d.portal) or PLACEHOLDER_FROM)
    msg["To"] = recipients(d, to)
    msg["Date"] = format_datetime(_date_header(d.today))
    digest = hashlib.sha256((msg["Subject"] + str(msg["To"]) + text + html).encode("utf-8")).hexdigest()
    msg["Message-ID"] = f"<digest.{digest[:32]}@{_domain(d.portal)}>"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    msg.set_boundary(f"==portalgen-digest-{digest[:24]}==")
    return msg.as_bytes()


def render(d: Digest, fmt: str, env: jinja2.Environment, to: str | None = None) -> bytes:
    if fmt == "md":
        return render_text(d, markdown=True).encode("utf-8")
    if fmt == "html":
        return render_html(d, env).encode("utf-8")
    if fmt == "eml":
        return render_eml(d, env, to)
    raise UsageError(f"unknown digest format '{fmt}': use one of {', '.join(FORMATS)}")


def environment(root: Path, language: str = SOURCE) -> jinja2.Environment:
    """The theme's Jinja environment (a project's templates/digest_email.html overrides the default)."""
    return theme.make_environment(root, language)
