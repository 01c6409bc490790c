"""Leak lint: names we promised to keep private must not appear in text we publish.

An anonymous customer's name, or the name of a person who has not consented to be named,
is easy to paste into a title or a quote. `check` catches it before it is published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import urlsplit

from portalgen.content.charrefs import unescape
from portalgen.content.problems import Problems
from portalgen.content.records import Records


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


Text = tuple[str, str, str]  # (path, field, text)


def _public_texts(records: Records) -> Iterator[tuple[object, list[Text]]]:
    """Every text field that a build can publish (drafts included), record by record."""
    for fb in records.feedback.values():
        if fb.public:  # the slug becomes a public URL
            yield fb, [(fb.path, "file name", fb.slug.replace("-", " ")), (fb.path, "title", fb.title),
                       (fb.path, "quote", fb.quote), (fb.path, "source", fb.source),
                       (fb.path, "tags", " · ".join(fb.tags)), (fb.path, "body", fb.body)]
    for d in records.decisions.values():
        if d.public:
            yield d, [(d.path, "file name", d.slug.replace("-", " ")), (d.path, "title", d.title),
                      (d.path, "reasoning (body)", d.body), (d.path, "workaround", d.workaround)]
    for c in records.changes.values():
        if c.public:
            yield c, [(c.path, "file name", c.slug.replace("-", " ")), (c.path, "title", c.title),
                      (c.path, "version", c.version), (c.path, "body", c.body)]
    for cu in records.customers.values():
        texts = [(cu.path, "segment", cu.segment)]  # anonymous customers are credited by segment
        if cu.named:
            texts += [(cu.path, "file name", cu.slug.replace("-", " ")), (cu.path, "body", cu.body),
                      (cu.path, "name", cu.name)]
            for person in cu.public_people:
                texts += [(cu.path, "people name", person.name), (cu.path, "people role", person.role)]
        yield cu, texts
    portal = records.portal
    yield portal, [("content/portal.yaml", "title", portal.title),
                   ("content/portal.yaml", "description", portal.description),
                   ("content/portal.yaml", "product", portal.product)]


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
    text = unicodedata.normalize("NFKC", unescape(text))
    return _WORD.findall(_INVISIBLE.sub("", text).casefold())


Index = dict[str, list[tuple[tuple[str, ...], str, str, str]]]
# What each record's texts name, for the protected names they were checked against: a long-running
# caller (the dev server) keeps these between builds, so an edit re-reads only the records it changed.
Memo = dict[int, tuple[object, tuple[Text, ...], list[tuple[Text, str, str, str]]]]


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
    memo = {} if memo is None else memo
    if memo.get(0, (None,))[0] != protected:  # other names to protect: every text is read again
        memo.clear()
        memo[0] = (protected, (), [])
    for record, texts in _public_texts(records):
        found = memo.get(id(record))
        if found is None or found[0] is not record:  # records never change: the same one reads the same
            found = memo[id(record)] = (record, tuple(texts), _hits(texts, index))
        for (path, field, _), name, slug, what in found[2]:
            owner = records.customers[slug].path
            if path == owner and field == "name":
                continue
            article = "an" if what.startswith("anonymous") else "a"
            problems.error(path, None, f"'{field}' names '{name}', {article} {what} (customer '{slug}')",
                           f"remove the name or describe them by segment; or set credit: named in {owner} "
                           "if they agreed to be named")
    return problems


def _hits(texts: list[Text], index: Index) -> list[tuple[Text, str, str, str]]:
    return [(text, name, slug, what) for text in texts if text[2]
            for name, (slug, what) in _names_in(text[2], index).items()]
