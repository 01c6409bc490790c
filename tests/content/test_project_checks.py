"""The whole-project checks (references, aliases, dates) kept between runs, as the dev server keeps
them (content/project_checks.py): after every edit they say exactly what a fresh check says, and
after an edit of words only they are not run again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers_content import Project, decision, feedback

from portalgen.content import loading, validating
from portalgen.content.problems import Problem

TODAY = date(2026, 12, 1)
FB = "content/feedback/dark-mode.md"
DEC = "content/decisions/dark-mode-planned.md"


def fresh(project: Project) -> list[Problem]:
    return validating.validate(loading.load(project.root), today=TODAY)[1].sorted()


def kept(project: Project, memo: validating.Memo) -> list[Problem]:
    return validating.validate(loading.load(project.root), memo, TODAY)[1].sorted()


def test_kept_checks_say_what_a_fresh_check_says_after_every_edit(tmp_path: Path) -> None:
    project = Project.minimal(tmp_path)
    memo = validating.Memo()
    assert kept(project, memo) == fresh(project) == []
    found = memo.project.found

    project.write(FB, feedback(title="Dark mode, please", extra="tags: [UI]\nsource: CAB meeting\n",
                               body="A dark theme for the night shift.\n"))
    assert kept(project, memo) == fresh(project) == []
    assert memo.project.found is found, "words only: the checks were taken, not run again"

    project.write(DEC, decision(fb="[dark-mode, no-such-item]", extra="priority: should\n"))
    now = kept(project, memo)
    assert now == fresh(project) and any("no-such-item" in p.message for p in now), now
    assert memo.project.found is not found

    # Words added above the key with the problem move its line: it is looked for again.
    project.write(DEC, decision(fb="[dark-mode, no-such-item]", extra="priority: should\n",
                                title=">\n  Dark mode,\n  at last"))
    moved = kept(project, memo)
    assert moved == fresh(project)
    lines = {p.line for p in now if "no-such-item" in p.message}
    assert {p.line for p in moved if "no-such-item" in p.message} != lines

    project.write(DEC, decision(extra="priority: should\n", when="2027-06-01"))  # a date after the build date
    future = kept(project, memo)
    assert future == fresh(project) and any("after the build date" in p.message for p in future), future

    project.write(DEC, decision(extra="priority: should\n"))
    assert kept(project, memo) == fresh(project) == []
