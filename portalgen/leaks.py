"""Leak lint: names we promised to keep private must not appear in text we publish.

An anonymous customer's name, or the name of a person who has not consented to be named,
is easy to paste into a title or a quote. `check` catches it before it is published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Records
from .problems import Problems


def _protected(records: Records) -> list[tuple[str, str, str]]:
    """(name, customer slug, what) for every name that must not be published."""
    names: list[tuple[str, str, str]] = []
    for slug, customer in records.customers.items():
        if not customer.named:
            names.append((customer.name, slug, "anonymous customer"))
        for person in customer.people:
            if not customer.named or person.credit != "named":
                names.append((person.name, slug, "person who has not consented to be named"))
    return [(n.strip(), s, w) for n, s, w in names if len(n.strip()) >= 2]


def _public_texts(records: Records) -> Iterator[tuple[str, str, str]]:
    """(path, field, text) for every text field that a build can publish (drafts included)."""
    for kind in (records.feedback, records.decisions, records.changes):
        for record in kind.values():
            if record.public:  # the slug becomes a public URL
                yield record.path, "file name", record.slug.replace("-", " ")
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
    for cu in records.customers.values():
        if cu.named:
            yield cu.path, "body", cu.body
            yield cu.path, "name", cu.name
            yield cu.path, "segment", cu.segment


def _pattern(name: str) -> re.Pattern[str]:
    # Word boundaries that work for names starting or ending in punctuation ("Acme, Inc.").
    words = [re.escape(w) for w in name.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def lint(records: Records) -> Problems:
    problems = Problems()
    protected = [(_pattern(name), name, slug, what) for name, slug, what in _protected(records)]
    if not protected:
        return problems
    for path, field, text in _public_texts(records):
        if not text:
            continue
        for pattern, name, slug, what in protected:
            if pattern.search(text):
                owner = records.customers[slug].path
                if path == owner and field == "name":
                    continue
                problems.error(path, None, f"'{field}' names '{name}', an {what} (customer '{slug}')"
                               if what.startswith("anonymous") else
                               f"'{field}' names '{name}', a {what} (customer '{slug}')",
                               f"remove the name or describe them by segment; or set credit: named in {owner} "
                               "if they agreed to be named")
    return problems
