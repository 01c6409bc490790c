"""A check-in for the whole board: one digest per customer with something to tell, and who was left out.

A customer gets a message when something happened on what they raised since the date (a decision, a
shipped change) or when some of it is still open: both are worth telling. A customer with neither is
left out ("nothing to tell"), and so is one with no address under `private.email` ("no address"): a
message to a placeholder address would look sent and never arrive. `portalgen digest --all` writes
the messages and prints this summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portalgen.content.records import Customer, Records
from portalgen.model.items import Model
from portalgen.render.digest import Digest, make_digest
from portalgen.render.i18n import Words, english
from portalgen.render.wording import longdate


@dataclass(frozen=True)
class Skipped:
    customer: Customer
    reason: str  # "nothing to tell" or "no address"

    def note(self, since: date | None) -> str:
        who = f"{self.customer.slug} ({self.customer.name})"
        if self.reason == "no address":
            return (f"no message for {who}: no address — add it to {self.customer.path} as "
                    "private: {email: name@example.com}")
        news = f"nothing new since {longdate(since)}" if since else "nothing decided or shipped yet"
        return f"no message for {who}: nothing to tell ({news}, nothing open)"


@dataclass
class Checkin:
    since: date | None
    messages: list[Digest] = field(default_factory=list)  # by customer slug
    skipped: list[Skipped] = field(default_factory=list)


def checkin(records: Records, model: Model, today: date, since: date | None, words: Words | None = None) -> Checkin:
    """Who gets a message and who does not, by customer slug, from the published model."""
    found = Checkin(since)
    for slug in sorted(records.customers):
        customer = records.customers[slug]
        digest = make_digest(records, model, customer, today, since, words=words)
        if not digest.events and not digest.still_open:
            found.skipped.append(Skipped(customer, "nothing to tell"))
        elif not customer.addresses:
            found.skipped.append(Skipped(customer, "no address"))
        else:
            found.messages.append(digest)
    return found


def what(d: Digest) -> str:
    """'1 decision and 2 shipped changes; 1 item still open', for the summary line of one message."""
    still = len(d.still_open)
    # The team's console, in English like every command's messages (the message itself is in the
    # portal's language): both forms written out, never an added "s".
    return f"{d.news_in(english())}; " + (("1 item" if still == 1 else f"{still} items") + " still open"
                                          if still else "nothing open")
