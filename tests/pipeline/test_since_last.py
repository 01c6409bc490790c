"""A fresh process (the CLI) takes the fingerprints the build cache holds for every key and page an
edit cannot reach, when the edit only reworded records (pipeline/since_last.py); anything else
fingerprints everything again. Either way the site is what a cold build makes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from generate import generate
from site_trees import same_as_cold

import portalgen
from portalgen.content import references
from portalgen.pipeline import building, since_last
from portalgen.pipeline.session import Session
from portalgen.pipeline.world import World

EPOCH = "1795996800"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = generate(tmp_path / "portal", 30, seed=3)
    portalgen.build(root, jobs=1)
    return root


class Spy:
    """What since_last found, and how many keys and pages were fingerprinted, in one build."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.found: list[since_last.Since | None] = []
        self.keys = self.pages = self.everything = 0
        since, fingerprint, made, page_fp = since_last.since, World._fingerprint, World._made, Session._page_fp

        def spy_since(*args: Any) -> since_last.Since | None:
            self.found.append(since(*args))
            return self.found[-1]

        def spy_fingerprint(world: World, *args: Any) -> str:
            self.keys += 1
            return fingerprint(world, *args)

        def spy_made(world: World, *args: Any) -> list[str]:
            self.everything += 1
            return made(world, *args)

        def spy_page_fp(*args: Any) -> str:
            self.pages += 1
            return page_fp(*args)

        monkeypatch.setattr(since_last, "since", spy_since)
        monkeypatch.setattr(World, "_fingerprint", spy_fingerprint)
        monkeypatch.setattr(World, "_made", spy_made)
        monkeypatch.setattr(Session, "_page_fp", staticmethod(spy_page_fp))


def edit(project: Path, rel: str, change: Callable[[str], str]) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert change(text) != text
    path.write_text(change(text), encoding="utf-8")


def feedback(project: Path, slug: str) -> str:
    return next((project / "content" / "feedback").rglob(f"{slug}.md")).relative_to(project).as_posix()


def unreferenced(project: Path) -> str:
    """A feedback item no record names: it can go without breaking a reference."""
    texts = "".join(path.read_text(encoding="utf-8") for path in (project / "content").rglob("*.md"))
    return next(feedback(project, slug) for slug in (f"feedback-{n:06d}" for n in range(30)) if slug not in texts)


def test_a_reworded_record_is_all_that_is_fingerprinted_again(project: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(2):  # the second edit starts from what the first build, itself a shortcut, saved
        spy = Spy(monkeypatch)
        edit(project, feedback(project, "feedback-000004"),
             lambda text, n=n: text.replace("title: ", f"title: Re{n} ", 1) + f"\nEdited {n}.\n")
        result = portalgen.build(project, jobs=1)
        [found] = spy.found
        assert found is not None and found.records == [("feedback", "feedback-000004")]
        assert spy.everything == 0 and 0 < spy.keys < 100, spy.keys  # the build-wide keys, the item's own
        assert spy.pages == 1, "only the item's own page is planned anew"
        assert 0 < result.rendered < result.pages / 4
        site = (project / "site" / "feedback" / "feedback-000004" / "index.html").read_text(encoding="utf-8")
        assert f"Re{n} " in site and f"Edited {n}." in site
        assert same_as_cold(project, tmp_path)


def _retag(text: str) -> str:
    return re.sub(r"^tags: \[", "tags: [retagged, ", text, count=1, flags=re.M)


def _outcome(text: str) -> str:
    return re.sub(r"^outcome: .*$", "outcome: declined", text, count=1, flags=re.M) + "\nBecause.\n"


OTHER_EDITS: dict[str, Callable[[Path], None]] = {
    "tags": lambda p: edit(p, feedback(p, "feedback-000004"), _retag),
    "outcome": lambda p: edit(p, "content/decisions/decision-000001.md", _outcome),
    "customer": lambda p: edit(p, "content/customers/customer-00001.yaml", lambda t: t.replace("Organisation", "Org")),
    "portal": lambda p: edit(p, "content/portal.yaml", lambda t: t.replace("A synthetic", "Another")),
    "added": lambda p: (p / "content/feedback/added.md").write_text(
        "---\ntitle: Added\ndate: 2024-03-01\nfrom: [customer-00001]\n---\nNew.\n", encoding="utf-8"),
    "removed": lambda p: (p / unreferenced(p)).unlink(),
    "renamed": lambda p: (p / unreferenced(p)).rename(p / "content/feedback/renamed.md"),
}


@pytest.mark.parametrize("name", sorted(OTHER_EDITS))
def test_any_other_edit_fingerprints_everything(name: str, project: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    OTHER_EDITS[name](project)
    portalgen.build(project, jobs=1)
    assert spy.found == [None] and spy.everything == 1
    assert same_as_cold(project, tmp_path)


@pytest.mark.parametrize("setting", ["date", "drafts"])
def test_another_build_date_or_drafts_flag_fingerprints_everything(setting: str, project: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if setting == "date":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    spy = Spy(monkeypatch)
    edit(project, feedback(project, "feedback-000004"), lambda text: text + "\nEdited.\n")  # a rewording
    portalgen.build(project, jobs=1, drafts=setting == "drafts")
    assert spy.found == [None] and spy.everything == 1
    if setting == "date":
        assert same_as_cold(project, tmp_path)


def _name_a_draft(project: Path) -> None:
    """A published item marked as the duplicate of a draft: a warning of the project checks."""
    edit(project, feedback(project, "feedback-000006"), lambda text: text.replace("---\n", "---\ndraft: true\n", 1))
    edit(project, feedback(project, "feedback-000005"),
         lambda text: text.replace("---\n", "---\nduplicate_of: feedback-000006\n", 1))


@pytest.mark.parametrize("reworded", ["feedback-000004", "feedback-000005"])
def test_the_project_checks_findings_are_taken_again_only_when_they_hold(
        reworded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a rewording the checks that read the whole project are not run again: what they found
    for the live site is what they find now, unless a problem is in the reworded file (its line
    may have moved). Either way a build reports what `portalgen check` does."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = generate(tmp_path / "portal", 30, seed=3)
    _name_a_draft(root)
    first = portalgen.build(root, jobs=1)
    assert feedback(root, "feedback-000005") in [w.path for w in first.warnings if "is a draft" in w.message]
    calls: list[int] = []
    real = references.check_references

    def spy(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        real(*args, **kwargs)

    monkeypatch.setattr(references, "check_references", spy)
    found = Spy(monkeypatch)
    # Lines above the warning's move: only a check run again says where it is now.
    edit(root, feedback(root, reworded), lambda text: text.replace("title: ", "title: Re ", 1).replace(
        "---\n", "---\n# a comment\n", 1))
    result = portalgen.build(root, jobs=1)
    [since] = found.found
    assert since is not None and since.records == [("feedback", reworded)]
    assert calls == ([] if reworded == "feedback-000004" else [1])
    _, problems = building.check(root)
    assert result.warnings == problems.sorted() and any("is a draft" in w.message for w in result.warnings)
    assert same_as_cold(project=root, tmp_path=tmp_path)
