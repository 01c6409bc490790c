"""The checks that read the whole project at once: references, aliases and dates.

Each reads every record, so under `serve` they cost the same for a one-word edit as for the first
build. They read no record's words, nor what a decision decided: an edit that changed only free
text (a title, a body, a quote, a source, a workaround), tags, an outcome or a priority cannot
change what they find. A long-running caller keeps what they found and, after such an edit, takes
it again instead of reading 10,000 records to find it again; any other edit, or a problem in a
file the edit changed (its line may have moved), checks everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portalgen.content import aliases, dates, references
from portalgen.content.frontmatter import RawRecord
from portalgen.content.kinds import KINDS
from portalgen.content.problems import Problem, Problems
from portalgen.content.records import Records

# What none of the three checks reads (content/references.py, aliases.py, dates.py): they read
# slugs, references, aliases, dates, drafts and visibility.
WORDS = frozenset({"title", "body", "quote", "source", "workaround", "line", "outcome", "priority", "tags",
                   "version", "type", "votes"})

Raws = dict[tuple[str, str], RawRecord]


@dataclass
class Memo:
    """What the checks found last time, and what they found it in."""

    references: references.Memo = field(default_factory=references.Memo)
    records: Records | None = None
    claimed: frozenset[tuple[str, str]] = frozenset()
    today: date | None = None
    found: list[Problem] = field(default_factory=list)
    # For a fresh process (the CLI): what an earlier process found, when it can prove the records
    # are the ones it checked but for the words of a few (pipeline/since_last.py); None otherwise.
    earlier: Callable[[Records, frozenset[tuple[str, str]]], list[Problem] | None] | None = None


def check(records: Records, raws: Raws, problems: Problems, claimed: Collection[tuple[str, str]],
          today: date | None, memo: Memo | None = None,
          since: tuple[Records, Collection[tuple[str, str]]] | None = None) -> None:
    """Every reference resolves, no alias collides, no date lies ahead (with `today`).

    `since`: records these were made from by replacing only those of the given (kind, slug) keys,
    so only those need comparing with what the memo holds."""
    claims = frozenset(claimed)
    changed = since[1] if since is not None and memo is not None and since[0] is memo.records else None
    if memo is not None and memo.records is not None and memo.claimed == claims and memo.today == today \
            and _only_words_changed(memo.records, records, memo.found, changed):
        problems.extend(memo.found)
        memo.records = records
        return
    earlier = memo.earlier if memo is not None and memo.records is None else None
    kept = earlier(records, claims) if earlier is not None else None
    if kept is not None and memo is not None:
        problems.extend(kept)
        memo.records, memo.claimed, memo.today, memo.found = records, claims, today, kept
        return
    found = Problems()
    references.check_references(records, raws, found, memo.references if memo is not None else None, claims)
    aliases.check_aliases(records, raws, found, claims)
    if today is not None:
        dates.check_dates(records, raws, today, found)
    problems.extend(found)
    if memo is not None:
        memo.records, memo.claimed, memo.today, memo.found = records, claims, today, found.items


def _only_words_changed(old: Records, new: Records, found: list[Problem],
                        changed: Collection[tuple[str, str]] | None = None) -> bool:
    """The same records, but for new ones that differ from the old only in WORDS, and about which
    nothing was found (the lines a problem names may have moved with the words). `changed`: the
    only (kind, slug) keys whose records can differ, when known."""
    if old.portal != new.portal:
        return False
    named = {problem.path for problem in found}
    if changed is not None:
        pairs = [(KINDS[kind].table(old).get(slug), KINDS[kind].table(new).get(slug)) for kind, slug in changed]
    else:
        pairs = []
        for kind in KINDS.values():
            before, after = kind.table(old), kind.table(new)
            if before.keys() != after.keys():
                return False
            pairs += [(before[slug], record) for slug, record in after.items()]
    for earlier, record in pairs:
        if record is earlier:
            continue
        if earlier is None or record is None or record.path in named or earlier.path in named \
                or not _same_but_words(earlier, record):
            return False
    return True


def _same_but_words(old: Any, new: Any) -> bool:
    return type(old) is type(new) and all(
        getattr(old, f.name) == getattr(new, f.name) for f in dataclasses.fields(new) if f.name not in WORDS)
