"""References between records: every slug a record names must exist, and duplicates must not loop.

The keys that name other records, and which kind they name, come from the schema
(`Field.target`), so a new reference needs no code here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from portalgen.content.fields import did_you_mean
from portalgen.content.frontmatter import RawRecord
from portalgen.content.kinds import KINDS, Kind
from portalgen.content.problems import Problem, Problems
from portalgen.content.records import Records
from portalgen.content.schema import Field

Raws = dict[tuple[str, str], RawRecord]


_A = {"customer": "a customer", "feedback": "a feedback item", "decision": "a decision", "change": "a change"}


def unknown_reference(field: Field, slug: str, known: Mapping[str, Collection[str]], referrer: Kind) -> tuple[str, str]:
    """Message and fix for a reference to a record that does not exist (shared with `new`). A slug
    that names a record of another kind says so, and where the referring record lists those."""
    target = KINDS[field.target]
    others = [name for name in KINDS if name != field.target and slug in known.get(name, ())]
    homes = {f.target: f.name for f in referrer.references if f.type == "slugs"}
    if others:
        other = next((name for name in others if name in homes), others[0])
        guess = did_you_mean(slug, sorted(known.get(field.target, ())))
        hint = (f"list it under {homes[other]}:" if other in homes
                else f"'{field.name}' names {_A[field.target]}: a file name in content/{target.folder}/"
                + (f"; {guess}" if guess else ""))
        return f"'{field.name}': '{slug}' is {_A[other]}, not {_A[field.target]}", hint
    guess = did_you_mean(slug, sorted(known.get(field.target, ())))
    return (f"'{field.name}': no {field.target} '{slug}'",
            (guess + " " if guess else "") + f"create content/{target.folder}/{slug}{target.suffixes[0]} "
            "or fix the slug")


@dataclass
class Memo:
    """Each record's reference problems, kept while the records they can name are the same ones."""

    names: frozenset[tuple[str, str, bool]] = frozenset()  # (kind, slug, draft) of every record
    found: dict[int, tuple[Any, list[Problem]]] = field(default_factory=dict)


def check_references(records: Records, raws: Raws, problems: Problems, memo: Memo | None = None,
                     claimed: Collection[tuple[str, str]] = ()) -> None:
    """Every slug named under a reference key exists; a published record pointing at a draft warns.

    `claimed`: (kind, slug) of the files that could not be read. They are reported on their own;
    a reference to one is not another error."""
    known = {name: {slug for (k, slug) in [*raws, *claimed] if k == name} for name in KINDS}
    if memo is not None:
        names = frozenset((kind.name, slug, bool(getattr(r, "draft", False)))
                          for kind in KINDS.values() for slug, r in kind.table(records).items()) | frozenset(
            (kind, slug, False) for kind, slug in [*raws, *claimed])
        if names != memo.names:  # a record added, removed or drafted: every reference is checked again
            memo.names, memo.found = names, {}
    for kind in KINDS.values():
        for record in kind.table(records).values():
            kept = memo.found.get(id(record)) if memo is not None else None
            if kept is None or kept[0] is not record:
                kept = (record, _check_record(records, raws, kind, record, known))
                if memo is not None:
                    memo.found[id(record)] = kept
            problems.extend(kept[1])
    _check_duplicate_cycles(records, raws, problems)


def _check_record(records: Records, raws: Raws, kind: Kind, record: Any, known: dict[str, set[str]]) -> list[Problem]:
    found = Problems()
    raw = raws[(kind.name, record.slug)]
    published = getattr(record, "public", False) and not getattr(record, "draft", False)
    for key in kind.references:
        _check_field(records, raw, (kind, record), key, known, published, found)
    return found.items


def _check_field(records: Records, raw: RawRecord, referrer: tuple[Kind, Any], field: Field,
                 known: dict[str, set[str]], published: bool, problems: Problems) -> None:
    kind, record = referrer
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
        if slug not in known[field.target]:
            problems.error(raw.path, line, *unknown_reference(field, slug, known, kind))
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
