"""search/index.js: the compact, build-time search index the theme's search.js and filters.js query.

It is a JavaScript file that assigns a global rather than a JSON file because browsers refuse
fetch() of a file:// URL, and the site must also work when opened from a folder. The script is
loaded lazily (a <script src> inserted on first use), so no page embeds the list of all records.

Format (version 1), kept small so 10,000 items load and search fast::

    window.PORTALGEN_SEARCH = {
      "v": 1,
      "u": {kind: "feedback/{slug}/index.html"}, # where records live (model/urls.py); kind "t" is a tag
      "mo": ["January", ...],                   # month names, so scripts write dates as the pages do
      "df": "%(day)s %(month)s %(year)s",       # and how the portal's language orders them
      "st": {status: [label, symbol]},          # badge wording, in display order
      "w": {key: text or {category: text}},    # what the scripts say, in the portal's language
      "tags": [[slug, name], ...],              # referenced by index below
      "segs": [[slug, name], ...],
      "i": [[kind, slug, title, text, status, date, [tag index], [segment index], "Named, Customers",
             "credit sentence" (feedback only: as its card words it)], ...]
    }

kind is "f" (feedback), "d" (decision) or "c" (change); text is plain text, truncated. Customers
are listed by name only when they are named: anonymous customers never reach the index (their
segment does, as it does on the pages).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from portalgen.content.slugs import slugify
from portalgen.model import urls
from portalgen.model.items import Credit, FeedbackItem, Model
from portalgen.model.statuses import STATUSES
from portalgen.render.i18n import Words, english
from portalgen.render.plaintext import plain_text, truncate
from portalgen.render.wording import credit_words

VERSION = 1
TEXT_LIMIT = 300
GLOBAL = "PORTALGEN_SEARCH"

def segments(credit: Credit) -> list[str]:
    """Segments of everyone credited, named or not (anonymous customers are credited by segment)."""
    found = {c.segment for c in credit.named if c.segment}
    found.update(segment for segment, _ in credit.anonymous if segment)
    return sorted(found, key=str.casefold)


def segment_slugs(credit: Credit | FeedbackItem) -> str:
    """Space-separated segment slugs of a credit (or a feedback item's), for data-segments attributes.

    Templates pass the credit, so a card depends on the item's credit only, not on all of it.
    """
    if isinstance(credit, FeedbackItem):
        credit = credit.credit
    return " ".join(slugify(s) for s in segments(credit))


def all_segments(model: Model) -> list[tuple[str, str]]:
    """(slug, name) of every segment credited on published feedback, by name."""
    names: dict[str, str] = {}
    seen: set[str] = set()  # thousands of items name a handful of segments: slugify each name once
    for item in model.feedback:
        for name in segments(item.credit):
            if name not in seen:
                seen.add(name)
                names.setdefault(slugify(name), name)
    return sorted(names.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


def _names(credits: Iterable[Credit]) -> str:
    names: dict[str, str] = {}
    for credit in credits:
        for customer in credit.named:
            names.setdefault(customer.slug, customer.name)
    return ", ".join(sorted(names.values(), key=str.casefold))


Inputs = tuple[Any, ...]  # what one row is made from: text, numbers and lists of them (see _row)


def build_document(model: Model, words: Words | None = None) -> dict[str, Any]:
    seg_list = all_segments(model)
    rows = [_row(inputs) for inputs in _inputs(model, seg_list, words)]
    return {**_head(model, words or english(), seg_list), "i": rows}


def _head(model: Model, words: Words, seg_list: list[tuple[str, str]]) -> dict[str, Any]:
    """Everything but the rows ("i", the last key)."""
    return {
        "v": VERSION,
        "u": urls.patterns(),
        "mo": words.month_names(),
        "df": words.date_pattern(),
        "st": {key: [words.gettext(s.label), s.symbol] for key, s in STATUSES.items()},
        "w": script_words(words),
        "tags": [[t.slug, t.name] for t in model.tags],
        "segs": [list(pair) for pair in seg_list],
    }


def _inputs(model: Model, seg_list: list[tuple[str, str]], words: Words | None = None,
            only: Collection[tuple[str, str]] | None = None) -> Iterator[Inputs]:
    """What each record's row is made from, in the index's order: plain values only, so a row is
    the same whenever they are (RowMemo keys rows by them). The HTML is still to be made plain.
    `only`: the records (kind, slug) to give the inputs of; all without it."""
    words = words or english()
    tag_index = {t.slug: n for n, t in enumerate(model.tags)}
    seg_index = {slug: n for n, (slug, _) in enumerate(seg_list)}

    def tags_of(items: Iterable[FeedbackItem]) -> list[int]:
        found = {tag_index[t.slug] for i in items for t in i.tags if t.slug in tag_index}
        return sorted(found)

    @functools.cache  # a handful of names, each on thousands of items
    def seg_number(name: str) -> int:
        return seg_index[slugify(name)]

    def segs_of(item: FeedbackItem) -> list[int]:
        return sorted(seg_number(s) for s in segments(item.credit))

    sentences: dict[tuple[Any, ...], str] = {}

    def sentence(credit: Credit) -> str:
        # credit_words reads these alone, and thousands of items are credited alike
        key = (tuple(c.name for c in credit.named), tuple(credit.anonymous), credit.other_segments)
        found = sentences.get(key)
        if found is None:
            found = sentences[key] = credit_words(credit, words=words)
        return found

    feedback, decisions, changes = model.feedback, model.decisions, model.changes
    if only is not None:
        feedback = [i for i in feedback if ("feedback", i.record.slug) in only]
        decisions = [d for d in decisions if ("decision", d.record.slug) in only]
        changes = [c for c in changes if ("change", c.record.slug) in only]
    for item in feedback:
        r = item.record
        yield ("f", r.slug, r.title, (r.quote,), (item.body_html,), item.status, r.date.isoformat(),
               tags_of([item]), segs_of(item), _names([item.credit]), (sentence(item.credit),))
    for d in decisions:
        decision = d.record
        yield ("d", decision.slug, decision.title, (), (d.body_html, d.workaround_html), decision.outcome,
               decision.date.isoformat(), tags_of(d.feedback), [], _names(i.credit for i in d.feedback), ())
    for c in changes:
        change = c.record
        yield ("c", change.slug, change.title, (change.version,), (c.body_html,), "shipped", change.date.isoformat(),
               tags_of(c.feedback), [], _names([c.credit]), ())


def _row(inputs: Inputs) -> list[Any]:
    """One row of the index from its inputs alone: kind, slug, title, text (the plain texts, then
    the HTML ones made plain, truncated), status, date, tags, segments, names, credit sentence."""
    kind, slug, title, plain, html, status, day, tags, segs, names, extra = inputs
    text = " ".join(x for x in (*plain, *map(plain_text, html)) if x)
    return [kind, slug, title, truncate(text, TEXT_LIMIT), status, day, tags, segs, names, *extra]


def touched_inputs(model: Model, records: Collection[tuple[str, str]], words: Words | None,
                   seg_list: list[tuple[str, str]]) -> Iterator[Inputs]:
    """The inputs of the rows of `records` (kind, slug) alone (render/spliced.py), their segments
    numbered as in `seg_list` (all_segments)."""
    return _inputs(model, seg_list, words, records)


def encode_row(inputs: Inputs) -> str:
    """A row as render() writes it."""
    return safe_json(_row(inputs))


class RowMemo:
    """Rows encoded by earlier builds, by a digest of their inputs: an edit encodes the rows whose
    inputs changed and joins the others. `saved`: `used` after an earlier build (from the cache).
    Without one (a cold build), rows are not keyed (that costs more, once): the next build keys them."""

    def __init__(self, saved: Any = None) -> None:
        self.ready = isinstance(saved, dict)
        self._known: dict[bytes, Any] = saved if isinstance(saved, dict) else {}
        self.used: dict[bytes, str] = {}
        self.asked = False  # render() made the index from these rows

    def kept(self) -> dict[bytes, str]:
        """What to keep for the next build: the rows used, or those of earlier builds when this
        one made its index without them (render/spliced.py), so the next whole one has them."""
        return self.used if self.asked or not self.ready else self._known

    def state(self) -> tuple[dict[bytes, str], bool]:
        """What this build learnt, for adopt() in another process (pipeline/site_wide.py)."""
        return self.used, self.asked

    def adopt(self, state: tuple[dict[bytes, str], bool]) -> None:
        self.used, self.asked = state

    def encoded(self, inputs: Inputs) -> str:
        # The HTML is hashed as it is, not through repr(), which would copy it escaped.
        html = inputs[4]
        digest = hashlib.blake2b(repr((*inputs[:4], len(html), *inputs[5:])).encode("utf-8", "surrogatepass"),
                                 digest_size=16)
        for part in html:
            text = part.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(text))
            digest.update(text)
        key = digest.digest()
        found = self.used.get(key) or self._known.get(key)
        if not isinstance(found, str):
            found = safe_json(_row(inputs))
        self.used[key] = found
        return found


def script_words(w: Words) -> dict[str, Any]:
    """What search.js and filters.js say, in the portal's language; a plural as {CLDR category: text}."""
    return {
        "kinds": {"f": w.gettext("You said"), "d": w.gettext("Decision"), "c": w.gettext("We did")},
        "seeAll": w.js_plural("See all %(num)s matching feedback item →",
                              "See all %(num)s matching feedback items →"),
        "nothing": w.gettext("Nothing matches “%(query)s”."),
        "noResults": w.gettext("No results."),
        "results": w.js_plural("%(num)s result.", "%(num)s results."),
        "resultsBest": w.js_plural("%(num)s result, showing the best %(best)s.",
                                   "%(num)s results, showing the best %(best)s."),
        "more": w.gettext("Show %(count)s more of %(total)s"),
        "pieces": w.js_plural("%(num)s piece of feedback", "%(num)s pieces of feedback"),
        "with": w.gettext("with “%(query)s”"),
        "status": w.gettext("status %(name)s"),
        "theme": w.gettext("theme %(name)s"),
        "from": w.gettext("from %(name)s"),
    }


def safe_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render(model: Model, words: Words | None = None, rows: RowMemo | None = None) -> bytes:
    """The index as a script that assigns window.PORTALGEN_SEARCH. `rows`: the rows of earlier builds.

    Made in parts, each escaped alone (the escapes replace single characters), the document's
    text is json.dumps's of build_document(), byte for byte. Row by row, as UTF-8: the whole
    document's objects and three copies of its text were held at once otherwise (7 MB of text at
    10,000 items, and each rebuild under serve makes it anew)."""
    keyed = rows is not None and rows.ready  # a cold build's rows are not keyed (RowMemo)
    if rows is not None and keyed:
        rows.asked = True
    seg_list = all_segments(model)
    head = safe_json(_head(model, words or english(), seg_list))
    encode = rows.encoded if rows is not None and keyed else encode_row
    body = b",".join(row.encode("utf-8") for row in map(encode, _inputs(model, seg_list, words)))
    return b"".join((f"window.{GLOBAL}={head[:-1]},\"i\":[".encode(), body, b"]};\n"))
