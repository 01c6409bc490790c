"""api/portal.json: every published record, machine-readable, safe to embed in a <script> block."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from portalgen.model import urls
from portalgen.model.items import ChangeItem, Credit, CustomerItem, DecisionItem, FeedbackItem, Model, TagItem
from portalgen.render.feeds import absolute


def _credit(model: Model, credit: Credit) -> dict[str, Any]:
    anonymous: list[dict[str, Any]] = [{"segment": s, "count": n} for s, n in credit.anonymous if s]
    if credit.other_segments:  # in the order the credit sentence reads: after the segments it names
        anonymous.append({"segment": None, "other_segments": True, "count": credit.other_segments})
    anonymous += [{"segment": None, "count": n} for s, n in credit.anonymous if not s]
    return {
        "named": [{"slug": c.slug, "name": c.name, "url": absolute(model, urls.record("customer", c.slug))}
                  for c in credit.named],
        "anonymous": anonymous,
    }


def _feedback(model: Model, i: FeedbackItem) -> dict[str, Any]:
    return {
        "slug": i.record.slug, "title": i.record.title, "date": i.record.date.isoformat(),
        "status": i.status, "tags": [t.name for t in i.tags], "source": i.record.source or None,
        "quote": i.record.quote or None,
        "duplicate_of": i.duplicate_of.record.slug if i.duplicate_of else None,
        "credits": _credit(model, i.credit),
        "decisions": [d.record.slug for d in i.decisions], "changes": [c.record.slug for c in i.changes],
        "url": absolute(model, i.url), "body_html": i.body_html,
    }


def _decision(model: Model, d: DecisionItem) -> dict[str, Any]:
    return {
        "slug": d.record.slug, "title": d.record.title, "date": d.record.date.isoformat(),
        "outcome": d.record.outcome, "priority": d.record.priority or None,
        "revisit": d.record.revisit.isoformat() if d.record.revisit else None,
        "feedback": [i.record.slug for i in d.feedback], "changes": [c.record.slug for c in d.changes],
        "url": absolute(model, d.url), "reasoning_html": d.body_html,
        "workaround_html": d.workaround_html or None,
    }


def _change(model: Model, c: ChangeItem) -> dict[str, Any]:
    return {
        "slug": c.record.slug, "title": c.record.title, "date": c.record.date.isoformat(),
        "version": c.record.version or None, "type": c.record.type or None,
        "decisions": [d.record.slug for d in c.decisions],
        "feedback": [i.record.slug for i in c.feedback], "credits": _credit(model, c.credit),
        "url": absolute(model, c.url), "body_html": c.body_html,
    }


# The lists of records by kind, each record on a line of its own (render/spliced.py finds them).
SECTIONS = {"feedback": "feedback", "decision": "decisions", "change": "changes"}


class _Records(NamedTuple):
    """A list of records in the document, each made when it is written (render())."""

    items: Sequence[Any]
    make: Callable[[Any], dict[str, Any]]


def _customer(model: Model, c: CustomerItem) -> dict[str, Any]:
    return {
        "slug": c.record.slug, "name": c.record.name, "segment": c.record.segment or None,
        "url": absolute(model, c.url), "website": c.record.url or None,
        "people": [{"name": p.name, "role": p.role or None} for p in c.record.public_people],
    }


def _tag(model: Model, t: TagItem) -> dict[str, Any]:
    return {"slug": t.slug, "name": t.name, "url": absolute(model, t.url),
            "feedback": [i.record.slug for i in t.feedback]}


def _fields(model: Model) -> dict[str, Any]:
    """The document's fields, in order; its lists of records as _Records."""
    p = model.portal
    return {
        "format": "portalgen/portal.json",
        "version": 1,
        "portal": {"title": p.title, "description": p.description, "product": p.product,
                   "contact": p.contact, "language": p.language, "base_url": p.base_url,
                   "as_of": model.as_of.isoformat()},
        "stats": {
            "heard": model.stats.heard, "answered": model.stats.answered, "shipped": model.stats.shipped,
            "declined": model.stats.declined, "median_days_to_answer": model.stats.median_days_to_answer,
            "median_days_to_ship": model.stats.median_days_to_ship,
        },
        "feedback": _Records(model.feedback, functools.partial(_feedback, model)),
        "decisions": _Records(model.decisions, functools.partial(_decision, model)),
        "changes": _Records(model.changes, functools.partial(_change, model)),
        "customers": _Records(model.customers, functools.partial(_customer, model)),
        "tags": _Records(model.tags, functools.partial(_tag, model)),
    }


def build_document(model: Model) -> dict[str, Any]:
    """The whole document as objects (what render() writes)."""
    return {key: [value.make(item) for item in value.items] if isinstance(value, _Records) else value
            for key, value in _fields(model).items()}


# Only the C encoder is fast, and json.dumps uses it only without indent: so each record is
# dumped on one line of its own, which keeps the file readable and diffable record by record.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _lines(document: dict[str, Any]) -> str:
    """One top-level field per line, and one record per line for the lists of records."""
    fields = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            records = ",\n  ".join(map(_ENCODER.encode, value))
            fields.append(f" {_ENCODER.encode(key)}: [\n  {records}\n ]")
        else:
            fields.append(f" {_ENCODER.encode(key)}: {_ENCODER.encode(value)}")
    return "{\n" + ",\n".join(fields) + "\n}"


def dumps_embeddable(data: dict[str, Any]) -> str:
    """JSON that cannot close a <script> element or an HTML comment when inlined."""
    return _escaped(_lines(data))


def embeddable(value: Any) -> str:
    """One value as dumps_embeddable writes it inside the document (its escapes replace single
    characters, so a part escaped alone reads as in the whole)."""
    return _escaped(_ENCODER.encode(value))


def feedback_line(model: Model, item: FeedbackItem) -> str:
    """A feedback item's line, without its indent and comma."""
    return embeddable(_feedback(model, item))


def decision_line(model: Model, item: DecisionItem) -> str:
    return embeddable(_decision(model, item))


def change_line(model: Model, item: ChangeItem) -> str:
    return embeddable(_change(model, item))


def _escaped(text: str) -> str:
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render(model: Model) -> bytes:
    """dumps_embeddable(build_document(model)) and a line break, as UTF-8, made record by record.

    Made whole, the document's objects and four copies of its text (joined, escaped, encoded) were
    held at once: at 10,000 items (an 18 MB file) that was the peak of serve's memory, in each
    rebuild that makes the file anew. Here one record's objects are held at a time, and the text
    twice: its lines, then the file. The escapes replace single characters, so a line escaped
    alone reads as in the whole."""
    out: list[bytes] = []
    head = "{\n "
    for key, value in _fields(model).items():
        head += _ENCODER.encode(key) + ": "
        if isinstance(value, _Records) and value.items:
            out.append(_escaped(head + "[\n  ").encode("utf-8"))
            lines = (_escaped(_ENCODER.encode(value.make(item))).encode("utf-8") for item in value.items)
            out.append(next(lines))
            out.extend(b",\n  " + line for line in lines)
            out.append(b"\n ]")
        else:
            out.append(_escaped(head + _ENCODER.encode([] if isinstance(value, _Records) else value)).encode("utf-8"))
        head = ",\n "
    out.append(b"\n}\n")
    return b"".join(out)
