"""Builds of one project take turns: two `portalgen build`s at once, or a build beside `serve`,
both succeed and leave one complete site, never a mixture of the two."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_trees import tree

import portalgen
from portalgen.pipeline.lock import build_lock
from portalgen.pipeline.session import Session

DEADLINE = 120.0  # seconds; only reached when something is wrong
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795996800"}


def cold(project: Path, tmp_path: Path, drafts: bool = False) -> dict[str, bytes]:
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    return tree(portalgen.build(project, out, drafts=drafts, use_cache=False, jobs=1).output)


def start_build(project: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "portalgen", "build", str(project)], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def project(tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ENV["SOURCE_DATE_EPOCH"])
    return helpers.copy_example(tmp_path / "portal")


def test_a_build_waits_for_another_build_of_the_project(project: Path, tmp_path: Path) -> None:
    with build_lock(project):  # another build is running
        proc = start_build(project)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line == "waiting for another build of this project to finish…\n", line
        assert proc.poll() is None and not (project / "site").exists()
    _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 0, err
    assert tree(project / "site") == cold(project, tmp_path)


def test_two_builds_at_once_both_succeed_and_leave_a_complete_site(project: Path, tmp_path: Path) -> None:
    """After two builds there is a back buffer (the older site, which an incremental build updates
    and swaps in): two builds at once would both write into it."""
    lone = next((project / "content" / "feedback").rglob("goal-lines-on-charts.md"))
    for n in range(3):
        lone.write_text(lone.read_text("utf-8") + f"\nSentence {n}.\n", "utf-8")
        if n < 2:
            portalgen.build(project)
    builds = [start_build(project) for _ in range(2)]
    for proc in builds:
        _, err = proc.communicate(timeout=DEADLINE)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert tree(project / "site") == cold(project, tmp_path)
    assert [p.name for p in project.iterdir() if p.name.startswith(".site.")] == []


def test_a_kept_session_does_not_reuse_pages_another_build_wrote(project: Path, tmp_path: Path) -> None:
    """`serve` keeps what it knows of the site it wrote. A `portalgen build --drafts` of the same
    project replaces that site meanwhile: its next rebuild must not copy drafts out of it."""
    served = Session(project, project / "site", persist=False)
    served.run()
    portalgen.build(project, drafts=True, jobs=1)
    assert tree(project / "site") == cold(project, tmp_path, drafts=True)
    lone = next((project / "content" / "feedback").rglob("goal-lines-on-charts.md"))
    lone.write_text(lone.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    served.run({str(lone)})
    expected, got = cold(project, tmp_path), tree(project / "site")
    assert sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k)) == []
