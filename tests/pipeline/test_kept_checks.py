"""Validation and leak lint kept between runs, as the dev server keeps them: a load patched in place
(pipeline/reload.py) is checked by checking the records it replaced, and after every edit the kept
checks say exactly what fresh ones say, records and their order included."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers_content import Project, decision, feedback

from portalgen.content import leaks, loading, validating
from portalgen.content.files import source_reader
from portalgen.content.kinds import KINDS
from portalgen.content.problems import Problem
from portalgen.content.records import Records
from portalgen.model import linking
from portalgen.model.items import FeedbackItem
from portalgen.pipeline import patch, reload

TODAY = date(2026, 12, 1)
FB = "content/feedback/dark-mode.md"
CSV = "content/feedback/csv-export.md"
DEC = "content/decisions/dark-mode-planned.md"
GLOBEX = "content/customers/globex.yaml"


def checked(root: Path, loaded: loading.LoadResult, memo: validating.Memo | None = None,
            names: leaks.Memo | None = None) -> tuple[Records, set[Problem]]:
    records, problems = validating.validate(loaded, memo, TODAY)
    delta = memo.delta if memo is not None else None
    since = (delta.base, delta.keys) if delta is not None and delta.now is records else None
    problems.extend(leaks.lint(records, names, source_reader(root), since))
    return records, set(problems.items)


class Kept:
    """A load, its validation and its lint, patched after each edit."""

    def __init__(self, project: Project):
        self.project = project
        self.loaded = loading.load(project.root)
        self.memo = validating.Memo()
        self.names = leaks.Memo()
        self.now = checked(project.root, self.loaded, self.memo, self.names)

    def edit(self, rel: str, text: str | None) -> tuple[Records, set[Problem]]:
        if text is None:
            self.project.remove(rel)
        else:
            self.project.write(rel, text)
        self.loaded = reload.patch(self.loaded, self.project.root, {str(self.project.path(rel))})
        self.now = checked(self.project.root, self.loaded, self.memo, self.names)
        return self.now


def same_as_fresh(kept: Kept) -> None:
    records, problems = checked(kept.project.root, loading.load(kept.project.root))
    assert kept.now[1] == problems
    assert kept.now[0] == records
    for kind in KINDS.values():  # the order of each table is the order pages and lists meet them
        assert list(kind.table(kept.now[0])) == list(kind.table(records))


def test_kept_checks_say_what_fresh_ones_say_after_every_edit(tmp_path: Path) -> None:
    project = Project.minimal(tmp_path)
    kept = Kept(project)
    same_as_fresh(kept)
    edits: list[tuple[str, str | None, bool]] = [  # (file, text or None to remove it, patched in place)
        (FB, feedback(extra="tags: [UI]\nsource: CAB meeting\n", body="A dark theme, at night.\n"), True),
        (DEC, decision(outcome="in-progress", extra="priority: should\n"), True),
        (DEC, decision(fb="[dark-mode, no-such-item]", extra="priority: should\n"), True),
        (DEC, decision(extra="priority: could\n", title=">\n  Dark mode,\n  at last"), True),
        (CSV, feedback("CSV export", "2026-01-20", "[globex]", body="Globex Retail asked for it.\n"), True),
        (CSV, feedback("CSV export", "2026-01-20", "[globex]", body="They asked for it.\n"), True),
        (DEC, decision(outcome="declined", body=""), True),  # a No without its reason
        (DEC, decision(extra="priority: should\n", when="2027-06-01"), True),  # after the build date
        (CSV, feedback("CSV export", "2026-01-20", "[globex]", extra="draft: true\n"), True),
        (CSV, "---\ntitle: CSV export\nfrom: [globex]\n---\nNo date.\n", True),  # no record: left out
        (CSV, feedback("CSV export", "2026-01-20", "[globex]"), True),
        ("content/feedback/new-one.md", feedback("New one", "2026-02-02", "[acme]"), False),
        ("content/feedback/new-one.md", None, False),
        (GLOBEX, "name: Globex Retail\nsegment: Retail\nother_names: [Dark]\n", True),  # protects another name
        (DEC, decision(extra="priority: should\n"), True),
        ("content/feedback/sub/dark-mode.md", feedback("Twice", "2026-02-02", "[acme]"), False),  # one slug, 2 files
        (FB, feedback(extra="tags: [UI]\nsource: CAB meeting\n"), True),
        ("content/feedback/sub/dark-mode.md", None, False),
        (FB, feedback(extra="tags: [UI]\nsource: CAB meeting\n", body="Back to one.\n"), True),
    ]
    for rel, text, in_place in edits:
        kept.edit(rel, text)
        assert (kept.loaded.since is not None) == in_place, rel
        same_as_fresh(kept)


def test_a_reworded_record_is_the_only_one_checked_and_read_again(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.minimal(tmp_path)
    kept = Kept(project)
    found = kept.memo.project.found
    calls: dict[str, int] = {"check": 0, "lint": 0}

    def counting(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(validating, "check_record", counting("check", validating.check_record))
    monkeypatch.setattr(leaks, "_hits", counting("lint", leaks._hits))
    kept.edit(FB, feedback(extra="tags: [UI]\nsource: CAB meeting\n", body="Now with Ana Ruiz.\n"))
    assert calls == {"check": 1, "lint": 1}
    assert kept.memo.delta is not None and kept.memo.delta.keys == {("feedback", "dark-mode")}
    assert kept.memo.project.found is found, "words only: the project checks were taken, not run again"
    kept.edit(DEC, decision(outcome="in-progress", extra="priority: should\n"))
    assert calls == {"check": 2, "lint": 2}
    assert kept.memo.project.found is found, "an outcome is not read by the project checks"
    same_as_fresh(kept)


def test_headline_numbers_follow_a_new_outcome_as_linking_counts_them(tmp_path: Path) -> None:
    """patch.restat works the numbers out from the items whose status moved: the same as counting again."""
    project = Project.minimal(tmp_path)
    project.write("content/decisions/csv.md", decision(fb="[csv-export]", outcome="planned", body="Soon.\n"))
    model = project.link(as_of=TODAY)
    for outcome in ("declined", "under-review", "deferred", "declined", "planned"):
        record = dataclasses.replace(next(d.record for d in model.decisions if d.record.slug == "csv"),
                                     outcome=outcome)
        moved: dict[int, tuple[FeedbackItem, str]] = {}
        assert patch.apply(model, [("decision", record)], lambda kind, slug, name: "", TODAY, moved=moved)
        assert moved, "the item's status was worked out again"
        model.stats = patch.restat(model.stats, moved)
        assert model.stats == linking.stats(model.feedback), outcome
