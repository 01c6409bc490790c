"""The dev overlay after an edit breaks a file: its own error first, and no false error from the
records that refer to it, on the first build and on the rebuilds that re-read only what changed."""

from __future__ import annotations

import re
from pathlib import Path

from helpers_content import Project, change, feedback

from portalgen.dev.overlay import overlay_html
from portalgen.dev.rebuild import SessionRebuild

FB = "content/feedback/dark-mode.md"  # the decision and the change of the minimal project refer to it
CHG = "content/changes/dark-mode-shipped.md"


def test_the_broken_file_leads_the_overlay(tmp_path: Path) -> None:
    project = Project.minimal(tmp_path)
    rebuild = SessionRebuild(project.root, project.root / "site")
    assert rebuild(set()).ok
    project.write(CHG, change(when="soon"))
    project.write(FB, feedback(title="Dark mode: please"))
    for changed in ({str(project.path(FB)), str(project.path(CHG))}, set()):  # re-read in part, then whole
        outcome = rebuild(changed)
        assert not outcome.ok
        assert [(p.path, p.line) for p in outcome.problems] == [(FB, 2), (CHG, 3)]
        items = re.findall(r"<li>(.*?)</li>", overlay_html(outcome.problems))
        assert items[0].startswith(f"<code>{FB}:2</code>: YAML syntax error: mapping values are not allowed")
        assert items[1].startswith(f"<code>{CHG}:3</code>: &#x27;date&#x27;: &#x27;soon&#x27; is not a date")
    project.write(FB, feedback())
    project.write(CHG, change())
    assert rebuild({str(project.path(FB)), str(project.path(CHG))}).ok
