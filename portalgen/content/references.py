"""References between records: every slug a record names must exist, and duplicates must not loop.

The keys that name other records, and which kind they name, come from the schema
(`Field.target`), so a new reference needs no code here.
"""

from __future__ import annotations

from typing import Any

from portalgen.content.fields import did_you_mean
from portalgen.content.frontmatter import RawRecord
from portalgen.content.kinds import KINDS
from portalgen.content.problems import Problems
from portalgen.content.records import Records
from portalgen.content.schema import Field

Raws = dict[tuple[str, str], RawRecord]


def unknown_reference(key: str, kind: str, slug: str, known: set[str]) -> tuple[str, str]:
    """Message and fix for a reference to a record that does not exist (shared with `new`)."""
    guess = did_you_mean(slug, sorted(known))
    target = KINDS[kind]
    return (f"'{key}': no {kind} '{slug}'",
            (guess + " " if guess else "") + f"create content/{target.folder}/{slug}{target.suffixes[0]} "
            "or fix the slug")


def check_references(records: Records, raws: Raws, problems: Problems) -> None:
    """Every slug named under a reference key exists; a published record pointing at a draft warns."""
    known = {name: {slug for (k, slug) in raws if k == name} for name in KINDS}
    for kind in KINDS.values():
        for record in kind.table(records).values():
            raw = raws[(kind.name, record.slug)]
            published = getattr(record, "public", False) and not getattr(record, "draft", False)
            for field in kind.references:
                _check_field(records, raw, record, field, known[field.target], published, problems)
    _check_duplicate_cycles(records, raws, problems)


def _check_field(records: Records, raw: RawRecord, record: Any, field: Field, known: set[str],
                 published: bool, problems: Problems) -> None:
    value = getattr(record, field.attribute)
    slugs: tuple[str, ...] = (value,) if isinstance(value, str) else value
    line = raw.key_lines.get(field.name)
    if field.name == "duplicate_of" and value == record.slug:
        problems.error(raw.path, line, "'duplicate_of': an item cannot be a duplicate of itself",
                       "remove duplicate_of or point it at the original item")
        return
    targets = KINDS[field.target].table(records)
    for slug in slugs:
        if not slug:
            continue
        if slug not in known:
            problems.error(raw.path, line, *unknown_reference(field.name, field.target, slug, known))
            continue
        target = targets.get(slug)
        if published and target is not None and getattr(target, "draft", False):
            problems.warn(raw.path, line,
                          f"'{field.name}': {field.target} '{slug}' is a draft; the link is hidden until it is "
                          "published",
                          f"publish {target.path} or remove the reference")


def _check_duplicate_cycles(records: Records, raws: Raws, problems: Problems) -> None:
    reported: set[str] = set()
    for start in records.feedback:
        seen: list[str] = []
        slug = start
        while slug in records.feedback and slug not in seen:
            seen.append(slug)
            slug = records.feedback[slug].duplicate_of
        cycle = seen[seen.index(slug):] if slug in seen else []
        if len(cycle) > 1 and not reported.intersection(cycle):
            reported.update(cycle)
            raw = raws[("feedback", cycle[0])]
            problems.error(raw.path, raw.key_lines.get("duplicate_of"),
                           "'duplicate_of' goes round in a circle: " + " → ".join([*cycle, cycle[0]]),
                           "one item must be the original: remove its duplicate_of")
