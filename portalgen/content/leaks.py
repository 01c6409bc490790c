"""Leak lint: names we promised to keep private must not appear in text we publish.

An anonymous customer's name, or the name of a person who has not consented to be named,
is easy to paste into a title or a quote. `check` catches it before it is published.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from portalgen.content.problems import Problems
from portalgen.content.records import Change, Decision, Feedback, Records


def _protected(records: Records) -> list[tuple[str, str, str]]:
    """(name, customer slug, what) for every name that must not be published."""
    names: list[tuple[str, str, str]] = []
    for slug, customer in records.customers.items():
        if not customer.named:
            names.append((customer.name, slug, "anonymous customer"))
            names.append((slug.replace("-", " "), slug, "anonymous customer"))
            host = (urlsplit(customer.url).hostname or "").removeprefix("www.")
            if host:  # their web site's address names them as surely as their name
                names.append((host, slug, "anonymous customer"))
        for person in customer.people:
            if not customer.named or person.credit != "named":
                names.append((person.name, slug, "person who has not consented to be named"))
    return [(n.strip(), s, w) for n, s, w in names if len(n.strip()) >= 2]


def _public_texts(records: Records) -> Iterator[tuple[str, str, str]]:
    """(path, field, text) for every text field that a build can publish (drafts included)."""
    yield from _file_names(records)
    yield from _record_texts(records)
    yield from _customer_texts(records)
    yield "content/portal.yaml", "title", records.portal.title
    yield "content/portal.yaml", "description", records.portal.description
    yield "content/portal.yaml", "product", records.portal.product


def _file_names(records: Records) -> Iterator[tuple[str, str, str]]:
    kinds: tuple[Mapping[str, Feedback | Decision | Change], ...] = (
        records.feedback, records.decisions, records.changes)
    for kind in kinds:
        for record in kind.values():
            if record.public:  # the slug becomes a public URL
                yield record.path, "file name", record.slug.replace("-", " ")


def _record_texts(records: Records) -> Iterator[tuple[str, str, str]]:
    for fb in records.feedback.values():
        if fb.public:
            yield fb.path, "title", fb.title
            yield fb.path, "quote", fb.quote
            yield fb.path, "source", fb.source
            yield fb.path, "tags", " · ".join(fb.tags)
            yield fb.path, "body", fb.body
    for d in records.decisions.values():
        if d.public:
            yield d.path, "title", d.title
            yield d.path, "reasoning (body)", d.body
            yield d.path, "workaround", d.workaround
    for c in records.changes.values():
        if c.public:
            yield c.path, "title", c.title
            yield c.path, "version", c.version
            yield c.path, "body", c.body


def _customer_texts(records: Records) -> Iterator[tuple[str, str, str]]:
    for cu in records.customers.values():
        yield cu.path, "segment", cu.segment  # anonymous customers are credited by segment
        if cu.named:
            yield cu.path, "file name", cu.slug.replace("-", " ")
            yield cu.path, "body", cu.body
            yield cu.path, "name", cu.name
            for person in cu.public_people:
                yield cu.path, "people name", person.name
                yield cu.path, "people role", person.role


_WORD = re.compile(r"\w+")


_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")


def _names_in(text: str, index: Index) -> dict[str, tuple[str, str]]:
    words = _words(text)
    found: dict[str, tuple[str, str]] = {}
    for i, word in enumerate(words):
        for name_words, name, slug, what in index.get(word, ()):
            if tuple(words[i : i + len(name_words)]) == name_words:
                found.setdefault(name, (slug, what))
    return found


def _words(text: str) -> list[str]:
    """Words as a reader sees them: entities decoded, compatibility forms folded, case folded,
    and invisible characters (soft hyphens, zero-width spaces, direction marks) removed, so
    "Glob&#101;x" and "Glo\u00adbex" are both "globex"."""
    text = unicodedata.normalize("NFKC", html.unescape(text))
    return _WORD.findall(_INVISIBLE.sub("", text).casefold())


Index = dict[str, list[tuple[tuple[str, ...], str, str, str]]]
# Names found in each text, for the protected names they were found against: a long-running caller
# (the dev server) keeps these between builds; they are forgotten when the protected names change.
Memo = dict[tuple[tuple[str, str, str], ...], dict[str, dict[str, tuple[str, str]]]]


def lint(records: Records, memo: Memo | None = None) -> Problems:
    """One pass over the words of each text, however many names are protected."""
    problems = Problems()
    protected = tuple(_protected(records))
    index: Index = {}
    for name, slug, what in protected:
        key = tuple(_words(name))
        if key:
            index.setdefault(key[0], []).append((key, name, slug, what))
    if not index:
        return problems
    seen: dict[str, dict[str, tuple[str, str]]] = {}
    if memo is not None:
        seen = memo.get(protected) or {}
        memo.clear()
        memo[protected] = seen
    for path, field, text in _public_texts(records):
        if not text:
            continue
        found = seen.get(text)
        if found is None:
            found = seen[text] = _names_in(text, index)
        for name, (slug, what) in found.items():
            owner = records.customers[slug].path
            if path == owner and field == "name":
                continue
            article = "an" if what.startswith("anonymous") else "a"
            problems.error(path, None, f"'{field}' names '{name}', {article} {what} (customer '{slug}')",
                           f"remove the name or describe them by segment; or set credit: named in {owner} "
                           "if they agreed to be named")
    return problems
