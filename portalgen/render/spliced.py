"""The site-wide files of a build whose model differs from the live site's only in a few
reworded records: the live site's files, with what those records show put in.

A rewording (pipeline/patch.py WORDING: found by since_last.py in a fresh process, patched by
serve) changes a feedback item's, decision's or change's own words, never its date, status,
tags, customers or links; every list of the model is ordered by date and slug. So:

- in api/portal.json only the records' own lines change (a line names other records by slug);
- in the search index only their own rows (a decision's or change's row shows its feedback's
  tags and credited names, which a rewording does not change);
- an Atom feed changes only when one of the records is among its entries: an entry shows the
  decision's or change's own words, its date and its credit (customers, not feedback), and which
  entries a feed lists depends on dates and slugs alone. The other feeds are the live site's
  files, hard-linked like unchanged pages.

The caller (pipeline/session.py) makes a Live only when the live site is the one the model's
basis describes, read by the output guard against the same names, for the same day, portal
settings and words; every doubt here (a file missing, a row not found where it must be, bytes
not the ones the build cache recorded) returns None, and the file is made whole.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from portalgen.model import urls
from portalgen.model.items import ChangeItem, DecisionItem, FeedbackItem, Model
from portalgen.render import feeds, portal_json, search_index
from portalgen.render.i18n import Words

_Item = TypeVar("_Item", FeedbackItem, DecisionItem, ChangeItem)

# The kinds of record a rewording touches (pipeline/patch.py WORDING).
KINDS = frozenset({"feedback", "decision", "change"})


def basis(model: Model, words: Words | None, drafts: bool) -> str:
    """What the site-wide files are made from besides the records: a live site made on another
    basis is not one to take them from (kept in the build cache's entry of the output folder)."""
    text = repr((model.portal, model.as_of.isoformat(), words.digest if words is not None else "", drafts))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass
class Live:
    """The live site, and the records (kind, slug) reworded since it was made (None: unknown, and
    the site-wide files are made whole)."""

    folder: Path
    touched: frozenset[tuple[str, str]] | None
    digests: Mapping[str, str]  # the live site's files as the build cache recorded them (page_digest)
    digest: Callable[[bytes], str]  # output_state.page_digest
    kept: set[str] = field(default_factory=set)  # feeds (and the sitemap) left as the live site has them

    def keeps(self, path: str, items: Callable[[], Iterable[DecisionItem | ChangeItem]]) -> bool:
        """Whether the feed at `path`, of the newest of `items`, is the live site's (then it is in kept)."""
        touched = self.touched
        if touched is None or path not in self.digests:
            return False
        entries = [key for key in touched if key[0] != "feedback"]  # feedback is never an entry
        if entries and any((("decision" if isinstance(item, DecisionItem) else "change"), item.record.slug)
                           in touched for item in feeds.newest(items())):
            return False
        self.kept.add(path)
        return True

    def keeps_sitemap(self, pages: Collection[str]) -> bool:
        """Whether the live site's sitemap is this build's: its pages are `pages` (all of them)."""
        if self.touched is None or urls.SITEMAP not in self.digests:
            return False
        recorded = self.digests
        if len(pages) != sum(1 for path in recorded if path.endswith(".html")) or any(
                path not in recorded for path in pages):
            return False
        self.kept.add(urls.SITEMAP)
        return True

    def read(self, path: str) -> bytes | None:
        """The live site's file, when it holds the bytes the build cache recorded for it."""
        try:
            data = (self.folder / path).read_bytes()
        except OSError:
            return None
        recorded = self.digests.get(path)
        return data if recorded is not None and self.digest(data) == recorded else None


def _splice(data: bytes, parts: list[tuple[int, int, bytes]]) -> bytes | None:
    """`data` with each (start, end) range replaced by its bytes; None if two ranges overlap
    (two records found on one line: not the file they were looked for in)."""
    view, at = memoryview(data), 0  # views: the file is copied once, by join
    out: list[memoryview | bytes] = []
    for start, end, new in sorted(parts):
        if start < at:
            return None
        out += [view[at:start], new]
        at = end
    out.append(view[at:])
    return b"".join(out)


def portal_document(model: Model, live: Live) -> bytes | None:
    """api/portal.json with the reworded records' lines made anew (portal_json.render's bytes)."""
    touched, data = live.touched, live.read(urls.PORTAL_JSON)
    if touched is None or data is None:
        return None
    parts = [_lines(data, "feedback", model.feedback, touched, functools.partial(portal_json.feedback_line, model)),
             _lines(data, "decision", model.decisions, touched, functools.partial(portal_json.decision_line, model)),
             _lines(data, "change", model.changes, touched, functools.partial(portal_json.change_line, model))]
    return None if None in parts else _splice(data, [part for found in parts if found for part in found])


def _lines(data: bytes, kind: str, items: Sequence[_Item], touched: Collection[tuple[str, str]],
           line: Callable[[_Item], str]) -> list[tuple[int, int, bytes]] | None:
    """Where the lines of the touched records of `items` are in portal.json, and what they say now."""
    wanted = [item for item in items if (kind, item.record.slug) in touched]
    if not wanted:
        return []
    # The section's lines: a record's line holds no raw newline (JSON escapes them).
    start = data.find(b'\n "%s": [\n' % portal_json.SECTIONS[kind].encode())
    end = data.find(b"\n ]", start + 1)
    if start < 0 or end < 0:
        return None
    parts = []
    for item in wanted:
        at = data.find(b'\n  {"slug": %s, ' % portal_json.embeddable(item.record.slug).encode(), start, end)
        if at < 0:
            return None
        at += 3  # the line's text starts after "\n  "
        stop = data.find(b"\n", at)
        end_of_line = stop - 1 if data[stop - 1:stop] == b"," else stop  # all but the last end in a comma
        parts.append((at, end_of_line, line(item).encode("utf-8")))
    return parts


def search_document(model: Model, words: Words | None, live: Live) -> bytes | None:
    """The search index with the reworded records' rows made anew (search_index.render's bytes)."""
    touched, data = live.touched, live.read(urls.SEARCH_INDEX)
    if touched is None or data is None:
        return None
    rows = data.find(b'"i":[')  # a key: a quote inside a JSON string is escaped
    tail = b"]};\n"
    if rows < 0 or not data.endswith(tail):
        return None
    first, last = rows + 5, len(data) - len(tail)
    prefix = b"window.%s=" % search_index.GLOBAL.encode()
    if not data.startswith(prefix):
        return None
    # The segments the rows are numbered by, as the live index lists them (a rewording credits no
    # one else): all_segments() would go through every item's credit.
    try:
        segments = [(str(slug), str(name)) for slug, name in json.loads(data[len(prefix):rows - 1] + b"}")["segs"]]
    except (ValueError, TypeError, KeyError):
        return None
    parts = []
    for inputs in search_index.touched_inputs(model, touched, words, segments):
        head = "[" + search_index.safe_json(inputs[0]) + "," + search_index.safe_json(inputs[1]) + ","
        at = data.find(head.encode(), first, last)
        if at < 0 or not (at == first or data[at - 1:at] == b","):
            return None
        # A row ends before the next one's '],["': inside a row a list holds numbers, and a
        # string's quotes are escaped. The last one ends before the tail.
        stop = data.find(b'],["', at, last)
        stop = last if stop < 0 else stop + 1
        parts.append((at, stop, search_index.encode_row(inputs).encode("utf-8")))
    return _splice(data, parts)
