"""What each page shows, as a digest: equal digests mean equal bytes, so the page is reused.

A page's digest covers its template set, the site-wide settings and a view of every model
object in its context: the record itself, what is derived from it (status, credits, tags) and
the records it links to, one hop out. Back-references that grow with the portal (all items of
a tag) enter as counts, so an edit re-renders the pages that show it, not the whole site.

Pages that summarise the whole portal (home, roadmap, stats, quarters, indexes) have no digest
and are rendered on every build; they are few.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

from portalgen.model.items import ChangeItem, Credit, CustomerItem, DecisionItem, FeedbackItem, Model, TagItem
from portalgen.model.statuses import Status
from portalgen.render.spec import Pager, PageSpec

# Templates whose pages depend only on their own context (see the module docstring).
LOCAL_TEMPLATES = frozenset({
    "feedback.html", "decision.html", "change.html", "customer.html", "tag.html",
    "feedback_list.html", "decision_list.html", "why_not.html", "change_list.html",
})


def templates_digest(dirs: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for base in dirs:
        for path in sorted(base.rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(base)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


class Views:
    """Memoised text views of model objects, at two depths: 'ref' (as linked) and 'full'."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, str], str] = {}
        self._keep: list[Any] = []

    def __call__(self, obj: Any, depth: str = "full") -> str:
        if obj is None or isinstance(obj, (str, int, float, bool, date)):
            return repr(obj)
        key = (id(obj), depth)
        found = self._memo.get(key)
        if found is None:
            # A short digest, not the text: list pages combine many views, and hashing the
            # views of views keeps every page's work small.
            found = hashlib.blake2b(self._view(obj, depth).encode("utf-8", "surrogatepass"),
                                    digest_size=12).hexdigest()
            self._memo[key] = found
            self._keep.append(obj)  # ids stay unique while memoised
        return found

    def _list(self, items: Iterable[Any], depth: str) -> str:
        return "[" + ",".join(self(i, depth) for i in items) + "]"

    def _view(self, obj: Any, depth: str) -> str:
        v = self
        if isinstance(obj, FeedbackItem):
            parts = [repr(obj.record), obj.url, obj.status, repr(obj.days_waiting), repr(obj.stale),
                     v(obj.credit), v._list(obj.tags, "ref"),
                     v(obj.duplicate_of.record.title if obj.duplicate_of else None),
                     v(obj.duplicate_of.url if obj.duplicate_of else None)]
            if depth == "full":
                parts += [obj.body_html, repr(obj.answered_on), repr(obj.shipped_on), v(obj.also_asked),
                          v._list(obj.duplicates, "ref"), v._list(obj.decisions, "ref"),
                          v._list(obj.changes, "ref")]
            return "F(" + "|".join(parts) + ")"
        if isinstance(obj, DecisionItem):
            parts = [repr(obj.record), obj.url, obj.body_html, obj.workaround_html, str(len(obj.feedback))]
            if depth == "full":
                parts += [v._list(obj.feedback, "ref"), v._list(obj.changes, "ref")]
            return "D(" + "|".join(parts) + ")"
        if isinstance(obj, ChangeItem):
            parts = [repr(obj.record), obj.url, obj.body_html, v(obj.credit)]
            if depth == "full":
                parts += [v._list(obj.decisions, "ref"), v._list(obj.feedback, "ref")]
            return "C(" + "|".join(parts) + ")"
        if isinstance(obj, CustomerItem):
            parts = [repr(obj.record), obj.url, obj.body_html, str(len(obj.raised)), str(len(obj.shipped))]
            if depth == "full":
                parts += [v._list(obj.raised, "ref"), v._list(obj.decided, "ref"), v._list(obj.shipped, "ref")]
            return "K(" + "|".join(parts) + ")"
        if isinstance(obj, TagItem):
            parts = [obj.slug, obj.name, obj.url] + ([str(len(obj.feedback))] if depth == "full" else [])
            return "T(" + "|".join(parts) + ")"
        if isinstance(obj, Credit):
            return "R(" + "|".join(repr(c) for c in obj.named) + "|" + repr(obj.anonymous) + ")"
        if isinstance(obj, Pager):
            return f"P({obj.number}|{obj.count}|{obj.total}|{obj.base}|{v._list(obj.items, 'full')})"
        if isinstance(obj, Status):
            return "S(" + obj.key + ")"
        if isinstance(obj, dict):
            pairs = sorted(obj.items(), key=lambda kv: repr(kv[0]))
            return "{" + ",".join(f"{k!r}:{v(val, depth)}" for k, val in pairs) + "}"
        if isinstance(obj, (list, tuple)):
            return v._list(obj, depth)
        if is_dataclass(obj):  # records and other frozen values: their repr is their content
            return repr(obj) if not any(f.name == "record" for f in fields(obj)) else repr(obj.record)
        raise TypeError(f"no fingerprint view for {type(obj).__name__}")


def site_digest(model: Model, templates: str, code: str) -> str:
    """Everything every page shows: settings and nav. The as-of date is not: the pages that show
    it have no digest, and days waiting are part of each feedback item's view."""
    return hashlib.sha256(f"{code}|{templates}|{model.portal!r}|{model.drafts}".encode()).hexdigest()


def page_fingerprints(specs: list[PageSpec], site: str) -> dict[str, str]:
    """Digest per page path, for pages that depend only on their own context."""
    views = Views()
    out: dict[str, str] = {}
    for spec in specs:
        if spec.template not in LOCAL_TEMPLATES:
            continue
        text = f"{site}|{spec.path}|{spec.template}|{spec.title}|{spec.description}|{views(spec.context)}"
        out[spec.path] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return out
