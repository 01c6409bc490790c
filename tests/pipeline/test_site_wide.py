"""The site-wide files are made, read by the output guard and written in the rendering pass
(pipeline/site_wide.py), by whichever process takes that job: the same bytes as a build in one
process, and a file that would publish a protected name is still never published nor written."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from site_trees import tree

import portalgen
from portalgen.content.problems import ContentError
from portalgen.pipeline import parallel, site_wide
from portalgen.render import portal_json

SOURCE_DATE_EPOCH = "1796083200"


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering spread over a worker and this process even for the example's few pages."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


def test_site_wide_files_made_in_the_rendering_pass_are_those_of_one_process(
        example_project: Path, tmp_path: Path, forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    made_in: list[int] = []
    call = site_wide.Job.__call__

    def spy(self: site_wide.Job) -> site_wide.Made:
        made = call(self)
        made_in.append(os.getpid())  # in a worker, this list is the worker's copy
        return made

    monkeypatch.setattr(site_wide.Job, "__call__", spy)
    alone = portalgen.build(example_project, tmp_path / "alone", jobs=1, use_cache=False)
    assert made_in == [os.getpid()]
    shared = portalgen.build(example_project, tmp_path / "shared", jobs=2, use_cache=False)
    assert made_in == [os.getpid()] * 2, "this process took the job (the last item) while a worker rendered"
    assert shared.rendered > 1 and shared.files == alone.files
    made = tree(tmp_path / "shared")
    assert {"api/portal.json", "search/index.js", "feed.xml", "sitemap.xml", "robots.txt"} <= set(made)
    assert made == tree(tmp_path / "alone")


def test_a_site_wide_file_that_would_leak_fails_the_build_and_is_not_written(
        tmp_path: Path, forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    (root / "content" / "customers").mkdir(parents=True)
    (root / "content" / "portal.yaml").write_text(yaml.safe_dump({"title": "P"}), "utf-8")
    customer: dict[str, Any] = {"name": "Globex Retail", "segment": "Retail", "credit": "anonymous"}
    (root / "content" / "customers" / "globex-retail.yaml").write_text(yaml.safe_dump(customer), "utf-8")
    site = portalgen.build(root, jobs=2).output
    before = tree(site)
    render = portal_json.render
    monkeypatch.setattr(portal_json, "render", lambda model: render(model).replace(b'"P"', b'"Globex Retail"', 1))
    written: list[str] = []
    put = site_wide.writing.NewSite.put
    monkeypatch.setattr(site_wide.writing.NewSite, "put", lambda self, rel, data: (written.append(rel),
                                                                                   put(self, rel, data))[1])
    with pytest.raises(ContentError) as failed:
        portalgen.build(root, jobs=2, use_cache=False)
    assert "site/api/portal.json" in str(failed.value.problems)
    assert "api/portal.json" not in written and written, "other files were written, that one never"
    assert tree(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []
