"""The build cache forgets an output folder whose site is gone or was replaced since it was built
there: that entry could never be used again, and what its pages read was read by every build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from generate import generate
from site_trees import tree

import portalgen
from portalgen.pipeline.cache import BuildCache


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    return generate(tmp_path / "portal", 30, seed=7)


def edit(project: Path, number: int) -> None:
    target = next((project / "content" / "feedback").rglob("*.md"))
    target.write_text(target.read_text(encoding="utf-8") + f"\nEdit {number}.\n", encoding="utf-8")


def known(project: Path) -> dict[str, bool]:
    """Each output folder the cache has an entry for, and whether it keeps what that site's pages read."""
    cache = BuildCache.open(project)
    return {out: bool(cache.deps(out)) for out in cache.outputs}


def test_a_removed_output_is_forgotten_and_one_still_there_is_kept(project: Path, tmp_path: Path) -> None:
    site, gone, kept = project / "site", tmp_path / "preview", tmp_path / "elsewhere"
    for out in (site, gone, kept):
        portalgen.build(project, out)
    assert known(project) == {str(site): True, str(gone): True, str(kept): True}
    shutil.rmtree(gone)
    edit(project, 1)
    portalgen.build(project)
    assert known(project) == {str(site): True, str(kept): True}
    # The one kept is still used: after the same edit it is built again, not written whole.
    result = portalgen.build(project, kept)
    assert 0 < result.rendered < 10
    assert tree(kept) == tree(site)


def test_a_moved_project_forgets_its_old_site(project: Path, tmp_path: Path) -> None:
    portalgen.build(project)
    moved = tmp_path / "moved"
    project.rename(moved)
    edit(moved, 1)
    portalgen.build(moved)
    assert known(moved) == {str(moved / "site"): True}


def test_an_output_replaced_by_another_build_is_forgotten(project: Path, tmp_path: Path) -> None:
    """Another project's build into the same folder replaces its site (and its marker)."""
    shared, other = tmp_path / "shared", generate(tmp_path / "other", 5, seed=2)
    portalgen.build(project, shared)
    portalgen.build(other, shared)
    edit(project, 1)
    portalgen.build(project)
    assert known(project) == {str(project / "site"): True}
