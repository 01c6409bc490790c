"""The content model, declared once: every key of every kind, its type, whether it is required.

Validation, `portalgen new` and the docs read these declarations, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

OUTCOMES = ("under-review", "planned", "in-progress", "declined", "deferred", "already-available")
PRIORITIES = ("must", "should", "could", "wont")
CREDITS = ("named", "anonymous")
VISIBILITIES = ("public", "private")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text | date | slugs | tags | bool | choice | markdown | url | contact | int | people | any | language
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


_PUBLISHING = (
    Field("draft", "bool", help="true: not published (shown by serve --drafts)"),
    Field("visibility", "choice", choices=VISIBILITIES,
          help="public (default) or private: kept for internal reports, never published"),
    Field("private", "any", help="internal notes; never published"),
)

PORTAL = (
    Field("title", "text", True, help="portal name"),
    Field("base_url", "url", help="absolute URL where the site is published; used by feeds and sitemap"),
    Field("description", "text", help="one paragraph for the home page and feeds"),
    Field("product", "text", help="product name"),
    Field("contact", "contact", help="e-mail or URL for 'talk to us'"),
    Field("language", "language", help="BCP 47 tag, default en"),
    Field("credit_default", "choice", choices=CREDITS,
          help="how customers without their own credit are credited; default anonymous"),
    Field("stale_after_days", "int",
          help="default 30: feedback with no decision older than this is awaiting an answer"),
)

CUSTOMER = (
    Field("name", "text", True, help="organisation name"),
    Field("segment", "text", help="used to credit anonymously ('a Healthcare customer')"),
    Field("credit", "choice", choices=CREDITS, help="named (consent to be credited by name) or anonymous"),
    Field("url", "url", help="organisation web site (shown only when named)"),
    Field("joined", "date", help="date joined the advisory board"),
    Field("people", "people", help="list of {name, role, credit}"),
    Field("private", "any", help="anything; never published"),
)

PERSON = (
    Field("name", "text", True),
    Field("role", "text"),
    Field("credit", "choice", choices=CREDITS),
)

FEEDBACK = (
    Field("title", "text", True, help="short summary"),
    Field("date", "date", True, help="when it was said"),
    Field("from", "slugs", True, help="customer slugs who said it (at least one)"),
    Field("source", "text", help="where it was heard"),
    Field("tags", "tags", help="list of themes; each tag gets a page"),
    Field("quote", "text", help="a short verbatim quote to feature"),
    Field("duplicate_of", "slug", help="slug of another feedback item"),
    *_PUBLISHING,
)

DECISION = (
    Field("title", "text", True),
    Field("date", "date", True, help="when decided"),
    Field("feedback", "slugs", True, help="feedback slugs this answers (at least one)"),
    Field("outcome", "choice", True, choices=OUTCOMES),
    Field("priority", "choice", choices=PRIORITIES, help="MoSCoW"),
    Field("workaround", "markdown", help="what customers can do meanwhile"),
    Field("revisit", "date", help="when we will look again (expected with deferred)"),
    *_PUBLISHING,
)

CHANGE = (
    Field("title", "text", True),
    Field("date", "date", True, help="when it shipped"),
    Field("version", "text", help="release or version label"),
    Field("decisions", "slugs", help="decision slugs this change delivers"),
    Field("feedback", "slugs", help="feedback slugs this change answers directly"),
    *_PUBLISHING,
)

SCHEMAS: dict[str, tuple[Field, ...]] = {
    "portal": PORTAL,
    "customer": CUSTOMER,
    "feedback": FEEDBACK,
    "decision": DECISION,
    "change": CHANGE,
}

FOLDERS = {"customer": "customers", "feedback": "feedback", "decision": "decisions", "change": "changes"}
