"""Fixtures of the command tests: the in-process `portalgen` and a copy of the example portal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from in_process import Run, runner
from repo_paths import REPO


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `portalgen ARGS` in-process, exactly as the console script does, in folder `cwd`."""
    return runner(monkeypatch, capsys)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A project holding a copy of the example content (never the original)."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    return root
