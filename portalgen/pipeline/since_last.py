"""What a fresh process (the CLI) can tell, from the build cache alone, of how its model differs
from the one the live site's pages were fingerprinted on.

The record of what each page read (pipeline/dependencies.py) is saved with what its model was
made from (its basis): each content file's text_key, the build date and the drafts flag. The
model is linked from the typed records, the build date and the drafts flag alone
(model/linking.py; the HTML of a text is a function of the text), and a typed record from its
file's text and the portal settings. When the same files are there, the portal settings are the
same, and the files whose text changed only reworded their records (pipeline/patch.py's WORDING:
the typed records before and after, both in the cache's checked records, differ in nothing
else), the new model is the one `serve` makes by patching those records into the old one: every
key of any other object reads as it did, and every page but those records' own is asked to show
what it was (the same argument, and the same property tests, as patch.py's). Only those keys
and pages are fingerprinted again, not the quarter of a million keys and 15,860 pages of a
10,000-item portal. Anything else (a file added or removed, a new day, another outcome, more
than a few files changed) and every key and page is fingerprinted, as before.

The same argument holds for the checks that read the whole project (content/project_checks.py):
they read no WORDING field, so what they found for the basis (saved with it) is what they find
now, but for problems in the reworded files themselves (their lines may have moved): then they
run again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from portalgen.content import project_checks, validating
from portalgen.content.kinds import KINDS
from portalgen.content.loading import LoadResult
from portalgen.content.problems import Problem, Severity
from portalgen.content.records import Records
from portalgen.model.items import Model
from portalgen.pipeline.dependencies import Dependencies
from portalgen.pipeline.patch import WORDING
from portalgen.render.tracking import Key

# [the build date as YYYY-MM-DD, the drafts flag, {path: text_key}, project checks' verdict]:
# plain data for marshal. The verdict: [[[kind, slug] claimed...], [[path, line, message, hint,
# severity, code], ...]] (content/project_checks.py: the files that could not be read, what was found).
Basis = list[Any]
MAX_CHANGED = 64  # more files changed than this: looking at each one is not worth it


def basis(files: dict[str, str], as_of: date, drafts: bool, checks: project_checks.Memo) -> Basis:
    """What a model was made from (LoadResult.files: every file read, portal.yaml included), and
    what the project checks found in it."""
    verdict = [sorted([kind, slug] for kind, slug in checks.claimed),
               [[p.path, p.line, p.message, p.hint, p.severity.value, p.code] for p in checks.found]]
    return [as_of.isoformat(), drafts, files, verdict]


@dataclass(frozen=True)
class Since:
    """An edit found to have only reworded `records` (kind, slug) since `deps` was made."""

    deps: Dependencies
    records: list[tuple[str, str]]
    paths: frozenset[str] = frozenset()  # their files

    def checks(self, claimed: frozenset[tuple[str, str]]) -> list[Problem] | None:
        """What the project checks found for the basis, when it holds now: the same files could
        not be read, and no problem is in a reworded file; else None."""
        saved = self.deps.basis[3]
        try:
            before = frozenset((kind, slug) for kind, slug in saved[0])
            found = [Problem(path, line, message, hint, Severity(severity), code)
                     for path, line, message, hint, severity, code in saved[1]]
        except (TypeError, ValueError, IndexError):
            return None
        if before != claimed or any(problem.path in self.paths for problem in found):
            return None
        return found

    def touched(self) -> set[Key]:
        """The prefixes of the keys that may read otherwise now (world.World)."""
        return {(kind, slug) for kind, slug in self.records}

    def known_pages(self, model: Model) -> dict[str, str]:
        """What every page but the records' own was asked to show, as the record of the live site says."""
        wanted, own = set(self.records), set[str]()
        for kind, items in (("feedback", model.feedback), ("decision", model.decisions), ("change", model.changes)):
            own.update(item.url for item in items if (kind, item.record.slug) in wanted)  # none for a draft
        return {path: page[0] for path, page in self.deps.pages.items() if path not in own}


def since(deps: Dependencies, loaded: LoadResult, memo: validating.Memo, records: Records, as_of: date,
          drafts: bool) -> Since | None:
    """The records whose files changed since `deps` was made, when their edit only reworded them
    and nothing else changed; None otherwise. `memo`: this build's check, with what the cache held
    (Memo.stored) and what it checked now (Memo.checked_now)."""
    saved = deps.basis
    if not (isinstance(saved, list) and len(saved) == 4 and saved[0] == as_of.isoformat() and saved[1] is drafts
            and isinstance(saved[2], dict)):
        return None
    before: Mapping[str, str] = saved[2]
    now = loaded.files
    if len(before) != len(now):
        return None
    changed = [path for path, key in now.items() if before.get(path) != key]  # a new path is one of them
    digest, stored = memo.stored
    if len(changed) > MAX_CHANGED or digest != memo.portal_digest():
        return None
    found = []
    for path in changed:
        place = loaded.position(path)
        if place is None or path not in before:
            return None  # portal.yaml, a file that gave no record, or a new file (another one went)
        raw = loaded.records[place]
        kind = KINDS[raw.kind]
        allowed = WORDING.get(kind.name)
        record = kind.table(records).get(raw.slug)
        old = stored.get(f"{path}\0{before[path]}")
        new = memo.checked_now.get(f"{path}\0{now[path]}")  # what this build checked, without problems
        if allowed is None or record is None or record.path != path or old is None or new is None:
            return None
        names = [f.name for f in dataclasses.fields(record)]
        if not len(names) == len(old) == len(new) or any(a != b for name, a, b in zip(names, old, new, strict=True)
                                                         if name not in allowed):
            return None
        found.append((kind.name, raw.slug))
    return Since(deps, found, frozenset(changed))


class Asked:
    """since(), asked once per build: by the project checks (Memo.earlier) when they run, which
    take what they found for the basis when it holds (Since.checks), or after them."""

    def __init__(self, deps: Dependencies, loaded: LoadResult, memo: validating.Memo, as_of: date, drafts: bool):
        self.deps, self.loaded, self.memo, self.as_of, self.drafts = deps, loaded, memo, as_of, drafts
        self.found: tuple[Since | None] | None = None

    def since(self, records: Records) -> Since | None:
        if self.found is None:
            self.found = (since(self.deps, self.loaded, self.memo, records, self.as_of, self.drafts),)
        return self.found[0]

    def checks(self, records: Records, claimed: frozenset[tuple[str, str]]) -> list[Problem] | None:
        found = self.since(records)
        return found.checks(claimed) if found is not None else None


def ask(deps: Dependencies | None, loaded: LoadResult, memo: validating.Memo, as_of: date,
        drafts: bool) -> Asked | None:
    """What a fresh process's check (`memo`) is to ask since(): the records an edit only reworded
    since the live site (`deps`) was made, if that is all (None: a kept session)."""
    asked = Asked(deps, loaded, memo, as_of, drafts) if deps is not None else None
    memo.project.earlier = asked.checks if asked is not None else None
    return asked
