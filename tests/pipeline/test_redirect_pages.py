"""Redirect pages at old addresses (`aliases:`) under the kept engine of `serve`: a rename, a
reworded title and a removed alias each give what a cold build gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_trees import served_same_as_cold

from portalgen.commands.rename import rename_record
from portalgen.pipeline.session import Session

OLD, NEW = "scim-user-provisioning", "automatic-user-provisioning"


def test_rename_reword_and_unalias_under_a_kept_session(tmp_path: Path, helpers,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = helpers.copy_example(tmp_path / "portal")
    served = Session(project, tmp_path / "served", persist=False)
    served.run()

    renamed = rename_record(project, "feedback", OLD, NEW)
    changed = {str(e.path) for e in renamed.edits} | {str(renamed.new)}
    served.run(changed)
    redirect = served.out / f"feedback/{OLD}/index.html"
    assert f"url=../../feedback/{NEW}/index.html" in redirect.read_text("utf-8")
    served_same_as_cold(served, tmp_path)

    # A reworded title takes the path that does not link again: the redirect page shows it too.
    text = renamed.new.read_text("utf-8")
    renamed.new.write_text(text.replace('title: "Create', 'title: "Automatically create', 1), "utf-8")
    served.run({str(renamed.new)})
    assert "Automatically create and remove users" in redirect.read_text("utf-8")
    served_same_as_cold(served, tmp_path)

    renamed.new.write_text(renamed.new.read_text("utf-8").replace(f"aliases: [{OLD}]\n", ""), "utf-8")
    served.run({str(renamed.new)})
    assert not redirect.exists()
    served_same_as_cold(served, tmp_path)
