"""The content model, declared once: every key of every kind, its type, whether it is required.

Validation, the records it builds, the reference checks, `portalgen new` and the field
tables in docs/content-model.md all read these declarations, so they cannot drift apart.
The kinds of record that use them are registered in kinds.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formataddr, getaddresses
from typing import Any

OUTCOMES = ("under-review", "planned", "in-progress", "declined", "deferred", "already-available")
PRIORITIES = ("must", "should", "could", "wont")
# A change's kind, as Keep a Changelog names its sections (in its order): `export changelog` groups by it.
CHANGE_TYPES = ("added", "changed", "deprecated", "removed", "fixed", "security")
CHANGE_TYPE_SYNONYMS = (
    *((word, "added") for word in ("new", "feature", "add", "adds")),
    *((word, "changed") for word in ("change", "improved", "improvement", "changes", "updated", "update")),
    *((word, "fixed") for word in ("fix", "fixes", "bugfix", "bug")),
    *((word, "removed") for word in ("remove", "removal", "deleted")),
    *((word, "deprecated") for word in ("deprecation", "deprecate")),
    *((word, "security") for word in ("vulnerability", "securityfix")),
)
CREDITS = ("named", "anonymous")
VISIBILITIES = ("public", "private")

_RECORD_A_CHANGE = 'record a change instead: portalgen new change "…" {ship}, and keep the outcome that was decided'

OUTCOME_SYNONYMS = (
    *((word, "declined") for word in ("rejected", "wontdo", "wontfix", "no", "refused", "denied")),
    *((word, "planned") for word in ("accepted", "yes", "approved")),
    *((word, "deferred") for word in ("postponed", "later", "notnow")),
    *((word, _RECORD_A_CHANGE) for word in ("done", "shipped", "completed", "released", "delivered")),
)

URL_RE = re.compile(r"https?://[^\s/$.?#][^\s]*")  # an absolute http(s) URL, as portal.yaml and `init` take it


@dataclass(frozen=True)
class Field:
    """One key of a record file.

    `help` is the short phrase messages use ("add 'date:' (when it was said)"); `doc` is the
    sentence in the docs table (default: `help`). `attr` is the record attribute the value is
    kept in: the key itself by default, "" for keys that are never kept (private notes).
    `target` names the kind of record a slug key refers to.
    """

    name: str
    # text | texts | date | slug | slugs | tags | bool | choice | markdown | url | contact | int | count | people
    # | any | language
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    target: str = ""
    attr: str | None = None
    convert: Callable[[Any], Any] | None = None  # from the checked value (None when unset) to the attribute
    also: tuple[tuple[str, Callable[[Any], Any]], ...] = ()  # more attributes made from the value: (name, convert)
    doc: str = ""
    doc_type: str = ""
    default: str = ""
    example: str = ""  # what `new` writes, commented out, for an optional key
    # Other words authors use for a choice, squashed to a-z0-9: the choice they mean, or a hint
    # ("{ship}" in it is how the `portalgen new change` command it suggests ends).
    synonyms: tuple[tuple[str, str], ...] = ()

    @property
    def attribute(self) -> str:
        return self.name if self.attr is None else self.attr


_EMAIL = re.compile(r"[^@\s<>\"']+@([^@\s<>\"']+\.[^@\s<>\"'.]+)")


def _emails_in(value: Any) -> list[str]:
    """Every e-mail address anywhere in a private mapping, however it is nested."""
    if isinstance(value, str):
        return [m.group(0) for m in _EMAIL.finditer(value)]
    if isinstance(value, dict):
        return [e for item in value.values() for e in _emails_in(item)]
    if isinstance(value, list):
        return [e for item in value for e in _emails_in(item)]
    return []


def contact_addresses(private: Any) -> tuple[str, ...]:
    """The addresses under a customer's `private.email` (one, a list, or "A <a@x>, B <b@x>"), each as
    'Name <address>' or 'address': where `portalgen digest` sends their news."""
    given = private.get("email") if isinstance(private, dict) else None
    texts = [given] if isinstance(given, str) else [t for t in given if isinstance(t, str)] \
        if isinstance(given, list) else []
    found = []
    for name, address in getaddresses(texts):
        if _EMAIL.fullmatch(address):
            found.append(formataddr((name, address)) if name else address)
    return tuple(dict.fromkeys(found))


def private_weight(private: Any) -> float | None:
    """A customer's `private.weight` (annual revenue, seats, …): what `report --triage` weighs demand
    by. A number or nothing: a weight written as text is not guessed at."""
    weight = private.get("weight") if isinstance(private, dict) else None
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
        return None
    return float(weight)


def private_votes(private: Any) -> int | None:
    """A feedback item's `private.votes`: the count a hosted board had, for `report --triage` only."""
    votes = private.get("votes") if isinstance(private, dict) else None
    return votes if isinstance(votes, int) and not isinstance(votes, bool) and votes >= 0 else None


def _public(visibility: str | None) -> bool:
    return (visibility or "public") == "public"


_PUBLISHING = (
    Field("draft", "bool", help="true: not published (shown by serve --drafts)", convert=bool,
          doc="`true`: not published. See [Drafts](#drafts-private-records-and-anonymity)", default="`false`"),
    Field("visibility", "choice", choices=VISIBILITIES, attr="public", convert=_public,
          help="public (default) or private: kept for internal reports, never published",
          doc="`private`: kept for internal use, never published", default="`public`"),
    Field("private", "any", attr="", help="internal notes; never published",
          doc="Internal notes. Never checked, never published", default="—"),
)

# The slugs a record had before `portalgen rename`: the build keeps each old address working with a
# redirect page. Not a reference, so it has no target kind; check refuses one that another record uses.
ALIASES = Field("aliases", "slugs", help="old slugs of this record (written by portalgen rename)",
                doc_type="list of slugs",
                doc="Slugs this record had before [`portalgen rename`](#renaming-a-record). The build writes a "
                    "redirect page at each old address, so links to it keep working",
                default="none")

PORTAL = (
    Field("title", "text", True, help="portal name",
          doc="Portal name. Used in page titles, the footer and the feed title. "
              'E.g. `"Acme Analytics — You said, we did"`'),
    Field("base_url", "url", help="absolute URL where the site is published; used by feeds and sitemap",
          doc="Where the site is published. A missing trailing `/` is added. Used for absolute URLs in the feed, "
              "`sitemap.xml`, `robots.txt`, `api/portal.json` and the links on `404.html`. Page links stay "
              "relative whatever you set here",
          default="none. Without it there is no `sitemap.xml`, the feed and JSON use relative links, and "
                  "`check` warns"),
    Field("description", "text", help="one paragraph for the home page and feeds",
          doc="One paragraph for the home page, the home page's meta description and the feed subtitle",
          default="empty"),
    Field("product", "text", help="product name",
          doc="Product name, shown in the site header and as the feed author", default="`title`"),
    Field("contact", "contact", help="e-mail or URL for 'talk to us'",
          doc='The "Talk to us" link in the footer. An e-mail address becomes a `mailto:` link', default="no link"),
    Field("language", "language", help="BCP 47 tag, default en",
          doc="The portal's language: the theme's words, dates and numbers, `<html lang>` (and `dir`), "
              "the feed's `xml:lang`; see [pages.md](pages.md#languages)", default="`en`"),
    Field("credit_default", "choice", choices=CREDITS,
          help="how customers without their own credit are credited; default anonymous",
          doc="How a customer without its own `credit` is credited", default="`anonymous`"),
    Field("allowed_phrases", "texts",
          help="phrases that contain an anonymous customer's name without naming them ('next quarter')",
          doc="Phrases that look like an anonymous customer's name but are not one: with a customer called "
              '*Next*, `["next quarter", "next release"]`. The leak check and the build\'s output guard skip '
              "these phrases (spelt in any case, accent or markup), and still refuse the name anywhere else. "
              "See [Anonymity](#drafts-private-records-and-anonymity)", default="none"),
    Field("stale_after_days", "int",
          help="default 30: feedback with no decision older than this is awaiting an answer",
          doc='A feedback item still "heard" (no answer) for longer than this, counted up to the '
              "[as-of date](#dates-and-as-of), is marked as waiting too long", default="`30`"),
    Field("anonymity_threshold", "count",
          help="default 3: anonymous customers of a segment with fewer anonymous members are credited as "
               "customers in other segments",
          doc="How many anonymous customers a segment needs on the board before anonymous credits name it. "
              'Those of a smaller segment are credited as "customers in other segments". `1` names every '
              "segment. See [Credit](#credit)", default="`3`"),
    Field("checkin_days", "int",
          help="default 90: report lists customers with no news for longer than this as due a check-in",
          doc="`portalgen report` lists a customer as due a check-in when nothing happened to what they raised "
              "(no decision, no change) for longer than this. See "
              "[closing the loop](closing-the-loop.md#portalgen-report)", default="`90`"),
)

CUSTOMER = (
    Field("name", "text", True, help="organisation name",
          doc="Organisation name. Published only when the customer is `named`"),
    Field("other_names", "texts", help="short names, abbreviations, product names it goes by",
          doc="Other names the organisation goes by: a short name, an abbreviation, a product. When the "
              "customer is anonymous they are protected exactly like `name`", default="none",
          example='["Globex"]'),
    Field("segment", "text", help="used to credit anonymously ('a Healthcare customer')",
          doc='E.g. `Healthcare`, `Retail`. Anonymous customers are credited by segment ("2 customers in '
              'Healthcare"), or as "customers in other segments" while the segment has fewer anonymous members '
              "than `anonymity_threshold`", default='none: counted as "1 customer"', example='"Healthcare"'),
    Field("credit", "choice", choices=CREDITS, help="named (consent to be credited by name) or anonymous",
          doc="`named` means the customer agreed to be credited by name", default="`credit_default` from portal.yaml"),
    Field("url", "url", help="organisation web site (shown only when named)",
          doc="Organisation web site, shown on its page (only when named)", example='"https://example.com/"'),
    Field("joined", "date", help="date joined the advisory board",
          doc="When it joined the advisory board, shown on its page"),
    Field("people", "people", help="list of {name, role, credit}", doc="Contacts at the organisation",
          example='\n  - {name: "Ana Ruiz", role: "CTO", credit: anonymous}'),
    Field("private", "any", attr="emails", convert=lambda value: tuple(sorted(set(_emails_in(value)))),
          also=(("addresses", contact_addresses), ("weight", private_weight)),
          help="anything; never published",
          doc="Internal notes, never published. `email:` under it (`ana@globex.example`, `\"Ana Ruiz "
              "<ana@globex.example>\"` or a list of them) is where `portalgen digest` sends the customer's news; "
              "`weight:` (a number, e.g. annual revenue) weighs its demand in `portalgen report --triage`. "
              "When the customer is anonymous, every e-mail address in it, and its domain, is protected like "
              "its name", default="—", example='\n  email: ""'),
    ALIASES,
)

PERSON = (
    Field("name", "text", True, doc="Person's name"),
    Field("role", "text", doc="Job title, shown after the name"),
    Field("credit", "choice", choices=CREDITS, doc="Consent to be named",
          default="`anonymous`, always. `credit_default` does **not** apply to people: consent must be written "
                  "explicitly"),
)

FEEDBACK = (
    Field("title", "text", True, help="short summary"),
    Field("date", "date", True, help="when it was said"),
    Field("from", "slugs", True, target="customer", attr="customers",
          help="customer slugs who said it (at least one)", doc="Who said it"),
    Field("source", "text", help="where it was heard",
          doc='Where it was heard: `"CAB meeting 2026-Q1"`, `"interview"`, `"support ticket"`',
          example='"CAB meeting"'),
    Field("tags", "tags", help="list of themes; each tag gets a page",
          doc="Themes. Each tag gets a page (see [Tags](#tags)). Must be a list, even with one tag: "
              "`tags: [exports]`. At most 20 per item", example="[exports]"),
    Field("quote", "text", help="a short verbatim quote to feature", doc_type="text (plain, not Markdown)",
          example='"A short verbatim quote"'),
    Field("duplicate_of", "slug", target="feedback", help="slug of another feedback item",
          doc="This item says the same as another. See [Duplicates](#duplicates)"),
    ALIASES,
    *_PUBLISHING[:2],
    Field("private", "any", attr="", also=(("votes", private_votes),), help="internal notes; never published",
          doc="Internal notes, never published. `votes:` (a whole number, kept by `portalgen import` from a "
              "hosted board) counts towards the item's demand in `portalgen report --triage`", default="—"),
)

DECISION = (
    Field("title", "text", True),
    Field("date", "date", True, help="when decided", doc="When it was decided"),
    Field("feedback", "slugs", True, target="feedback", help="feedback slugs this answers (at least one)",
          doc="The feedback this decision answers"),
    Field("outcome", "choice", True, choices=OUTCOMES, doc="The decision", synonyms=OUTCOME_SYNONYMS),
    Field("priority", "choice", choices=PRIORITIES, help="must, should, could or wont (MoSCoW)",
          doc_type="`must`, `should`, `could` or `wont` (MoSCoW)",
          doc='Shown as "priority: must have", …, "won\'t have this time"', example="should"),
    Field("workaround", "markdown", help="what customers can do meanwhile",
          doc='What customers can do in the meantime. Shown under "What you can do meanwhile" with any outcome',
          example='"What customers can do meanwhile."'),
    Field("revisit", "date", help="when we will look again (expected with deferred)",
          doc="When we will look again. Expected with `deferred`"),
    ALIASES,
    *_PUBLISHING,
)

CHANGE = (
    Field("title", "text", True),
    Field("date", "date", True, help="when it shipped"),
    Field("version", "text", help="release or version label",
          doc='Release or version label. Quote it: `version: "4.10"`. Changes with the same label are grouped '
              "together on each page of the changelog", default='none: the change goes under "Other changes"',
          example='"1.2"'),
    Field("type", "choice", choices=CHANGE_TYPES, synonyms=CHANGE_TYPE_SYNONYMS,
          help="added, changed, deprecated, removed, fixed or security",
          doc="What kind of change, as [Keep a Changelog](https://keepachangelog.com/) sorts them. "
              "`portalgen export changelog` groups each version's entries by it (\"Added\", \"Fixed\", …), and "
              "the portal labels the change with it",
          default='none: not labelled; in the changelog, a version with typed changes lists it under "Other"',
          example="fixed"),
    Field("decisions", "slugs", target="decision", help="decision slugs this change delivers",
          doc="Decisions this change delivers"),
    Field("feedback", "slugs", target="feedback", help="feedback slugs this change answers directly",
          doc="Feedback this change answers directly, without a formal decision"),
    ALIASES,
    *_PUBLISHING,
)

# How each type reads in the docs' "type" column.
_DOC_TYPES = {
    "text": "text", "date": "date", "tags": "list of text", "texts": "list of text", "bool": "`true` / `false`",
    "markdown": "Markdown",
    "url": "`http(s)://` URL", "contact": "e-mail address or `http(s)://` URL", "int": "whole number, 1–36500",
    "count": "whole number, at least 1", "people": "list of people (below)", "any": "anything",
    "language": "language tag (`en`, `en-GB`, `pt-BR`)",
}


def _or(words: tuple[str, ...]) -> str:
    quoted = [f"`{w}`" for w in words]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else "".join(quoted)


def doc_type(field: Field) -> str:
    """The 'type' column of a field in the docs."""
    if field.doc_type:
        return field.doc_type
    if field.type == "slugs":
        return f"list of {field.target} slugs" + (", at least one" if field.required else "")
    if field.type == "slug":
        return f"one {field.target} slug"
    if field.type == "choice":
        return ("one of " + ", ".join(f"`{c}`" for c in field.choices)) if len(field.choices) > 4 \
            else _or(field.choices)
    return _DOC_TYPES[field.type]


def docs_table(fields: tuple[Field, ...]) -> str:
    """The Markdown table of a kind's keys, as docs/content-model.md shows it."""
    rows = ["| key | required | type | meaning | default |", "|---|---|---|---|---|"]
    for f in fields:
        meaning = f.doc or (f.help[:1].upper() + f.help[1:] if f.help else "—")
        default = "—" if f.required else (f.default or "none")
        rows.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {doc_type(f)} | {meaning} | {default} |")
    return "\n".join(rows)
