"""Unchanged pages are hard links between the live site and the back buffer, never copies; so no
build may write into a file in place: the back buffer's update would change the live site before
the swap, through the shared inode. Each edit below changes a page that the build before it linked."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from generate import generate
from site_trees import tree

import portalgen
from portalgen.output import writing

EDITED = ["feedback-000030", "feedback-000031", "feedback-000030"]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = generate(tmp_path / "portal", 120, seed=11)
    portalgen.build(root)
    return root


def edit(project: Path, slug: str, sentence: str) -> None:
    path = next((project / "content" / "feedback").rglob(f"{slug}.md"))
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


def back_buffer(project: Path) -> Path:
    backs = list((project / ".portalgen-cache" / "back").glob("*"))
    assert len(backs) == 1
    return backs[0]


def build_edits_recording_the_live_site_at_each_swap(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[dict[str, bytes]], list[dict[str, bytes]]]:
    """Build after each edit; returns the live site after each build, and the live site as it was at
    the moment of each swap (after the back buffer was written, before it was swapped in)."""
    at_swap: list[dict[str, bytes]] = []
    exchange = writing._exchange

    def recording(a: Path, b: Path) -> bool:
        at_swap.append(tree(b))
        return exchange(a, b)

    monkeypatch.setattr(writing, "_exchange", recording)
    after = [tree(project / "site")]
    for number, slug in enumerate(EDITED):
        edit(project, slug, f"Edit number {number}.")
        result = portalgen.build(project)
        assert not result.up_to_date
        after.append(tree(project / "site"))
    return after, at_swap


def test_writing_the_back_buffer_leaves_the_live_site_as_it_was(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    after, at_swap = build_edits_recording_the_live_site_at_each_swap(project, monkeypatch)
    # Every swap found the live site exactly as the build before left it: builds 2 and 3 wrote the
    # edited pages (and the listings and feeds that show them) into a back buffer linked to it.
    assert len(at_swap) == len(EDITED)
    for number, seen in enumerate(at_swap):
        assert seen == after[number], f"build {number + 2} changed the live site before its swap"
    # The site that was live is the back buffer now, still as it was.
    assert tree(back_buffer(project)) == after[-2]
    cold = tmp_path / "cold"
    portalgen.build(project, cold, use_cache=False, jobs=1)
    assert tree(project / "site") == tree(cold)


def test_unchanged_pages_are_linked_not_copied(project: Path) -> None:
    edit(project, "feedback-000030", "First edit.")
    portalgen.build(project)  # the first edit after a cold build: a whole new site
    site, back = project / "site", back_buffer(project)
    unchanged = site / "feedback/feedback-000040/index.html"
    assert unchanged.stat().st_ino == (back / "feedback/feedback-000040/index.html").stat().st_ino
    edited = site / "feedback/feedback-000030/index.html"
    assert edited.stat().st_ino != (back / "feedback/feedback-000030/index.html").stat().st_ino
    assert edited.stat().st_nlink == 1
    edit(project, "feedback-000031", "Second edit.")
    portalgen.build(project)  # through the back buffer
    site, back = project / "site", back_buffer(project)
    assert unchanged.stat().st_ino == (back / "feedback/feedback-000040/index.html").stat().st_ino
    assert edited.stat().st_ino == (back / "feedback/feedback-000030/index.html").stat().st_ino


@pytest.mark.parametrize("code", [errno.EXDEV, errno.EPERM, errno.EMLINK])
def test_pages_are_copied_where_links_are_refused(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", refuse)
    after, at_swap = build_edits_recording_the_live_site_at_each_swap(project, monkeypatch)
    assert at_swap == after[:-1]
    site = project / "site"
    assert all(p.stat().st_nlink == 1 for p in site.rglob("*") if p.is_file())
    cold = tmp_path / "cold"
    portalgen.build(project, cold, use_cache=False, jobs=1)
    assert tree(site) == tree(cold)


def test_other_link_failures_are_errors(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure that a copy would meet too (here: no space left) fails the build; the site is kept."""
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    before = tree(project / "site")
    monkeypatch.setattr(os, "link", full)
    edit(project, "feedback-000030", "An edit.")
    with pytest.raises(writing.WriteError):
        portalgen.build(project)
    assert tree(project / "site") == before
