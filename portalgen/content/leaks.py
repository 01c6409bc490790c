"""Leak lint: names we promised to keep private must not appear in text we publish.

An anonymous customer's name, or the name of a person who has not consented to be named, is
easy to paste into a title or a quote, or to spell so that a plain search misses it
(`_Globex Retail_`, `Glo<!-- -->bex`, `GLOBEX_RETAIL`, `İstanbul`). `check` reads every public
field as a reader would see it (readertext.py) and reports each hit once, with its line. It is
the early warning; the output guard (output/guard.py) reads what a build actually writes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from portalgen.content.kinds import KINDS, Kind
from portalgen.content.markupwords import markup_text
from portalgen.content.namefinder import NameFinder, skeletal
from portalgen.content.placeholders import without_marks
from portalgen.content.problems import Problems
from portalgen.content.readertext import without_markup, words
from portalgen.content.records import Customer, Records

PORTAL_FILE = "content/portal.yaml"


@dataclass(frozen=True)
class Protected:
    """One string that must never be published, and whose it is."""

    text: str
    slug: str  # the customer's
    what: str  # "anonymous customer", "person who has not consented to be named"
    path: str  # the customer's file
    consent: str = ""  # how they are named, if they agreed: the credit the lint's hint asks for


def protected(records: Records) -> list[Protected]:
    """Every string that names someone we promised not to name."""
    found: list[Protected] = []
    for slug, customer in sorted(records.customers.items()):
        where = f"in {customer.path}"
        if not customer.named:
            found += [Protected(text, slug, "anonymous customer", customer.path, f"set credit: named {where}")
                      for text in _names_of(customer)]
        for person in customer.people:
            if customer.named and person.credit != "named":
                consent = f"set credit: named on {person.name} (under people:) {where}"
            elif not customer.named:  # a person is named only where the organisation is too
                consent = ("set credit: named on the organisation " if person.credit == "named" else
                           f"set credit: named on the organisation and on {person.name} (under people:) ") + where
            else:
                continue
            found.append(Protected(person.name, slug, "person who has not consented to be named", customer.path,
                                   consent))
    kept: dict[tuple[str, str], Protected] = {}
    for name in found:  # a slug or a host that reads as the name is the same name: reported once
        if len(name.text.strip()) >= 2:
            kept.setdefault((name.slug, words(name.text)), name)
    return list(kept.values())


def _names_of(customer: Customer) -> Iterator[str]:
    # Its old slugs too: a rename does not make the name it was filed under public.
    yield from (customer.name, *customer.other_names, customer.slug, *customer.aliases)
    if customer.url:  # their web site's address names them as surely as their name
        yield customer.url
        yield (urlsplit(customer.url).hostname or "").removeprefix("www.")
    for email in customer.emails:
        yield email
        yield email.rpartition("@")[2]


def allowed(records: Records) -> list[str]:
    """Phrases that are not leaks: the portal's own list, and the names of those who agreed to be
    named (a named "Globex Holdings" is not the anonymous "Globex")."""
    public = [text for c in records.customers.values() if c.named
              for text in (c.name, *c.other_names, *(p.name for p in c.public_people))]
    return [*records.portal.allowed_phrases, *public]


def finder(records: Records) -> NameFinder[Protected]:
    return NameFinder(((p.text, p) for p in protected(records)), allowed(records))


def views(text: str) -> tuple[str, ...]:
    """The folded forms a text is read in: as shown (tags and comments removed, Markdown's
    emphasis marks kept as separators, then removed too, as `Glo**bex**` shows "Globex"), and
    whole, markup included (attribute values, link targets; not HTML's own words, markupwords.py).
    A "fill in:" marker's prompt is no view's: it never publishes, and an organisation an import
    names "fill in" would otherwise be found in every prompt `new` and `import` write."""
    return tuple(each_view(text))


def each_view(text: str) -> Iterator[str]:
    """views(), one at a time: the output guard reads portal.json (18 MB at 10,000 items) view by
    view, never holding the three at once."""
    text = without_marks(text)
    shown = without_markup(text)
    yield words(shown)
    yield words(_EMPHASIS.sub("", shown))
    del shown
    yield words(markup_text(text))


_EMPHASIS = re.compile(r"[*_~`\\]+")

Text = tuple[str, str, int | None, str]  # (path, field, line of the field, text)


def _public_texts(records: Records) -> Iterator[tuple[tuple[str, str], object, Callable[[], list[Text]]]]:
    """Every text a build can publish (drafts included), record by record, as ((kind, slug), record,
    its texts): every field that is not a reference to another record, and the file name, which
    becomes a URL. The texts are made when asked for: a kept lint (the dev server) reads only the
    records an edit changed."""
    for kind in KINDS.values():
        for slug, record in kind.table(records).items():
            make = _texts_of(kind, record)
            if make is not None:
                yield (kind.name, slug), record, make
    yield ("portal", ""), records.portal, functools.partial(_portal_texts, records.portal)


def _texts_of(kind: Kind, record: Any) -> Callable[[], list[Text]] | None:
    """What of one record a build can publish (None: nothing, it is private)."""
    if kind.name == "customer" and not record.named:
        return functools.partial(_credited_as, record)
    if kind.name == "customer" or record.public:
        return functools.partial(_record_texts, kind, record)
    return None


def _credited_as(customer: Any) -> list[Text]:
    return [(customer.path, "segment", None, customer.segment)]  # how an anonymous customer is credited


def _record_texts(kind: Kind, record: Any) -> list[Text]:
    texts: list[Text] = [(record.path, "file name", None, record.slug)]
    for field in kind.fields:
        if field.target or not field.attribute or field.name == "private":
            continue
        value = record.public_people if field.name == "people" else getattr(record, field.attribute)
        texts += [(record.path, field.name, None, text) for text in _strings(value)]
    texts.append((record.path, "body", record.line if kind.name != "customer" else None, record.body))
    return texts


def _portal_texts(portal: Any) -> list[Text]:
    return [(PORTAL_FILE, f.name, None, value) for f in dataclasses.fields(portal)
            if f.name != "allowed_phrases" for value in _strings(getattr(portal, f.name))]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for item in value for s in _strings(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # people
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    return []


Hit = tuple[Text, Protected]
Key = tuple[str, str]  # (kind, slug) of a record; ("portal", "") for the portal's settings


@dataclass
class Memo:
    """What lint found, kept by a long-running caller (the dev server) between builds, so an edit
    re-reads only the records it changed: the names protected, and what each record's texts name."""

    key: object = None  # the protected and allowed names `names` was made for
    names: NameFinder[Protected] | None = None
    records: Records | None = None  # the records linted last
    read: dict[Key, tuple[object, list[Hit]]] = dataclasses.field(default_factory=dict)
    named: set[Key] = dataclasses.field(default_factory=set)  # the keys whose texts name someone
    # For a fresh process (the CLI), what an earlier one found, from the build cache: the record
    # files whose texts name nobody, as "path\0text_key", with the digest of the names they were
    # read against. A record's public texts are a function of its file's text alone (not of the
    # portal settings or other records), except a customer's. `texts`: each file's text_key now.
    clean: tuple[str, frozenset[str]] = ("", frozenset())
    texts: dict[str, str] = dataclasses.field(default_factory=dict)
    cleared: set[str] = dataclasses.field(default_factory=set)  # what this lint found naming nobody
    _digest: tuple[object, str] = (None, "")

    def names_digest(self) -> str:
        """Of the names protected and allowed (`key`): what `clean` is valid for."""
        if self._digest[0] is not self.key:
            self._digest = (self.key, hashlib.sha256(repr(self.key).encode("utf-8", "surrogatepass")).hexdigest()[:32])
        return self._digest[1]

    def _entry(self, key: Key, record: Any) -> str | None:
        """The record's file and text, as `clean` holds them; None when not kept so."""
        if not self.texts or key[0] in ("customer", "portal"):
            return None
        text = self.texts.get(record.path)
        return f"{record.path}\0{text}" if text is not None else None

    def finder(self, records: Records) -> NameFinder[Protected] | None:
        """The names these very records protect, when they are the ones linted last."""
        return self.names if records is self.records else None

    def _note(self, key: Key, record: object, make: Callable[[], list[Text]] | None) -> None:
        """What one record's texts name now (None: it publishes nothing)."""
        found = self.read.get(key)
        if make is None:
            self.read.pop(key, None)
        elif found is None or found[0] is not record:  # records never change: the same one reads the same
            assert self.names is not None
            entry = self._entry(key, record)
            if entry is not None and self.clean[0] == self.names_digest() and entry in self.clean[1]:
                found = self.read[key] = (record, [])  # read by an earlier build: names nobody
            else:
                found = self.read[key] = (record, _hits(make(), self.names))
            if entry is not None and not found[1]:
                self.cleared.add(entry)
        if found is not None and found[1] and make is not None:
            self.named.add(key)
        else:
            self.named.discard(key)


def lint(records: Records, memo: Memo | None = None, read: Callable[[str], str | None] | None = None,
         since: tuple[Records, Collection[Key]] | None = None) -> Problems:
    """One pass over the words of each text, however many names are protected. `read` gives a
    file's text, to point at the line of each hit. `since`: the records these were made from by
    replacing only those of the given keys: with a memo that linted those, only they are read."""
    problems = Problems()
    memo = Memo() if memo is None else memo
    old = memo.records
    changed = since[1] if since is not None and old is not None and since[0] is old else None
    if old is None or changed is None or any(kind == "customer" for kind, _ in changed) \
            or records.portal != old.portal:  # the names protected may have changed
        changed = None
        names_now = (tuple(protected(records)), tuple(allowed(records)))
        if memo.key != names_now:  # other names to protect: every text is read again
            memo.key, memo.names, memo.read, memo.named = names_now, finder(records), {}, set()
            memo.cleared = set()
    memo.records = records
    names = memo.names
    assert names is not None
    if names.empty:
        return problems
    if changed is None:
        live = set()
        for key, record, make in _public_texts(records):
            memo._note(key, record, make)
            live.add(key)
        for gone in memo.read.keys() - live:
            memo._note(gone, None, None)
    else:
        for kind, slug in changed:
            record = KINDS[kind].table(records).get(slug)
            memo._note((kind, slug), record, _texts_of(KINDS[kind], record) if record is not None else None)
    reported: set[tuple[str, str, str, int | None]] = set()
    for key in sorted(memo.named):
        for (path, field, line, _), name in memo.read[key][1]:
            line = _line_of(read, path, field, name, names) or line
            if (path, name.slug, words(name.text), line) in reported:
                continue
            reported.add((path, name.slug, words(name.text), line))
            article = "an" if name.what.startswith("anonymous") else "a"
            problems.error(path, line, f"'{field}' names '{name.text}', {article} {name.what} (customer '{name.slug}')",
                           f"remove the name or describe them by segment; or {name.consent} "
                           "if they agreed to be named; or, if this is not them, list the phrase under "
                           f"allowed_phrases in {PORTAL_FILE}")
    return problems


def _hits(texts: list[Text], names: NameFinder[Protected]) -> list[Hit]:
    if not names.may_contain(skeletal("\n".join(text[3] for text in texts).encode("utf-8", "replace"))):
        return []  # no name's letters in a row anywhere: most records, read at the speed of bytes
    hits: list[Hit] = []
    for text in texts:
        if not text[3]:
            continue
        seen: set[Protected] = set()
        for view in views(text[3]):
            seen.update(hit.owner for hit in names.find(view))
        hits += [(text, name) for name in sorted(seen, key=lambda p: p.text)]
    return hits


def _line_of(read: Callable[[str], str | None] | None, path: str, field: str, name: Protected,
             names: NameFinder[Protected]) -> int | None:
    """The line of the field where the name is: from the field's key (or the body's first line)
    to the next key; the key's own line when the name spans lines."""
    source = read(path) if read is not None else None
    if not source:
        return None
    lines = source.splitlines()
    start, end = _field_lines(lines, field)
    for number in range(start, end):
        if any(hit.owner == name for view in views(lines[number]) for hit in names.find(view)):
            return number + 1
    return start + 1 if start < len(lines) else None


def _field_lines(lines: list[str], field: str) -> tuple[int, int]:
    """(first, past last) index of a field's lines: a top-level key's, or the body's after the front matter."""
    fences = [i for i, line in enumerate(lines) if line.rstrip() == "---"][:2]
    if field == "body":
        return (fences[1] + 1 if len(fences) == 2 else 0), len(lines)
    stop = fences[1] if len(fences) == 2 and fences[0] == 0 else len(lines)
    key = re.compile(rf"^{re.escape(field)}\s*:")
    start = next((i for i, line in enumerate(lines[:stop]) if key.match(line)), None)
    if start is None:
        return 0, stop
    end = next((i for i in range(start + 1, stop) if re.match(r"^[^\s#-]", lines[i])), stop)
    return start, end


def sources(records: Records, names: NameFinder[Protected], name: Protected) -> list[str]:
    """The files whose public text holds a protected name, read as the lint reads them: the
    place to look when the output guard finds it in a page."""
    found: list[str] = []
    for _, _, make_texts in _public_texts(records):
        for path, _, _, text in make_texts():
            if path not in found and text and any(hit.owner == name for view in views(text)
                                                  for hit in names.find(view)):
                found.append(path)
    return found
