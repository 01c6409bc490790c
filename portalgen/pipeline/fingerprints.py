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
from collections.abc import Callable, Iterable
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

    def many(self, items: Iterable[Any], depth: str) -> str:
        """A list's view: its items' views, in order."""
        return "[" + ",".join(self(i, depth) for i in items) + "]"

    def _view(self, obj: Any, depth: str) -> str:
        for kind, view in _VIEWS:
            if isinstance(obj, kind):
                return view(self, obj, depth)
        if isinstance(obj, dict):
            pairs = sorted(obj.items(), key=lambda kv: repr(kv[0]))
            return "{" + ",".join(f"{k!r}:{self(val, depth)}" for k, val in pairs) + "}"
        if isinstance(obj, (list, tuple)):
            return self.many(obj, depth)
        if is_dataclass(obj) and not isinstance(obj, type):
            # Records and other frozen values: their repr is their content (a wrapper's, its record's).
            return repr(next((getattr(obj, f.name) for f in fields(obj) if f.name == "record"), obj))
        raise TypeError(f"no fingerprint view for {type(obj).__name__}")


def _feedback(v: Views, obj: FeedbackItem, depth: str) -> str:
    parts = [repr(obj.record), obj.url, obj.status, repr(obj.days_waiting), repr(obj.stale),
             v(obj.credit), v.many(obj.tags, "ref"),
             v(obj.duplicate_of.record.title if obj.duplicate_of else None),
             v(obj.duplicate_of.url if obj.duplicate_of else None)]
    if depth == "full":
        parts += [obj.body_html, repr(obj.answered_on), repr(obj.shipped_on), v(obj.also_asked),
                  v.many(obj.duplicates, "ref"), v.many(obj.decisions, "ref"),
                  v.many(obj.changes, "ref")]
    return "F(" + "|".join(parts) + ")"


def _decision(v: Views, obj: DecisionItem, depth: str) -> str:
    parts = [repr(obj.record), obj.url, obj.body_html, obj.workaround_html, str(len(obj.feedback))]
    if depth == "full":
        parts += [v.many(obj.feedback, "ref"), v.many(obj.changes, "ref")]
    return "D(" + "|".join(parts) + ")"


def _change(v: Views, obj: ChangeItem, depth: str) -> str:
    parts = [repr(obj.record), obj.url, obj.body_html, v(obj.credit)]
    if depth == "full":
        parts += [v.many(obj.decisions, "ref"), v.many(obj.feedback, "ref")]
    return "C(" + "|".join(parts) + ")"


def _customer(v: Views, obj: CustomerItem, depth: str) -> str:
    parts = [repr(obj.record), obj.url, obj.body_html, str(len(obj.raised)), str(len(obj.shipped))]
    if depth == "full":
        parts += [v.many(obj.raised, "ref"), v.many(obj.decided, "ref"), v.many(obj.shipped, "ref")]
    return "K(" + "|".join(parts) + ")"


def _tag(v: Views, obj: TagItem, depth: str) -> str:
    parts = [obj.slug, obj.name, obj.url] + ([str(len(obj.feedback))] if depth == "full" else [])
    return "T(" + "|".join(parts) + ")"


def _credit(v: Views, obj: Credit, depth: str) -> str:
    return "R(" + "|".join(repr(c) for c in obj.named) + "|" + repr(obj.anonymous) + ")"


def _pager(v: Views, obj: Pager, depth: str) -> str:
    return f"P({obj.number}|{obj.count}|{obj.total}|{obj.base}|{v.many(obj.items, 'full')})"


def _status(v: Views, obj: Status, depth: str) -> str:
    return "S(" + obj.key + ")"


# Views of the model's own types, tried in order before the generic containers and values.
_VIEWS: tuple[tuple[type[Any], Callable[[Views, Any, str], str]], ...] = (
    (FeedbackItem, _feedback), (DecisionItem, _decision), (ChangeItem, _change), (CustomerItem, _customer),
    (TagItem, _tag), (Credit, _credit), (Pager, _pager), (Status, _status),
)


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
