"""Errors that are true, as the terminal shows them: `check` puts the file that cannot be read
first, and `new` words a wrong reference or outcome the way `check` does (the messages themselves:
tests/content/test_true_errors.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from helpers_content import Project, change, feedback

OUTCOMES = "one of: under-review, planned, in-progress, declined, deferred, already-available"


def test_check_prints_the_file_that_cannot_be_read_first(tmp_path: Path, helpers: SimpleNamespace) -> None:
    project = Project.minimal(tmp_path)
    project.write("content/changes/dark-mode-shipped.md", change(when="soon"))
    project.write("content/feedback/dark-mode.md", feedback(title="Dark mode: please"))
    result = helpers.run_cli("check", project.root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "content/feedback/dark-mode.md:2: error: YAML syntax error: mapping values are not allowed in this context "
        "— fix: quote values that contain ': ' (e.g. title: \"Exports: CSV\")",
        "content/changes/dark-mode-shipped.md:3: error: 'date': 'soon' is not a date — fix: write it as YYYY-MM-DD, "
        "e.g. 2026-03-31",
    ]
    assert result.stderr.splitlines()[2].startswith("✗ 2 errors in ")  # the decision naming dark-mode is fine


def test_new_says_a_decision_belongs_under_decisions(tmp_path: Path, helpers: SimpleNamespace) -> None:
    project = Project.minimal(tmp_path)
    result = helpers.run_cli("new", "change", "Dark mode", "--feedback", "dark-mode-planned", "-C", project.root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/changes/dark-mode.md:6: error: 'feedback': 'dark-mode-planned' is a decision, not a feedback item "
        "— fix: list it under decisions:",
        "✗ nothing was written",
    ]


def test_new_suggests_the_outcome_meant(tmp_path: Path, helpers: SimpleNamespace) -> None:
    project = Project.minimal(tmp_path)
    result = helpers.run_cli("new", "decision", "No", "--feedback", "dark-mode", "--outcome", "rejected",
                             "-C", project.root)
    assert result.returncode == 2
    assert f"--outcome 'rejected' is not allowed: did you mean 'declined'? {OUTCOMES}" in result.stderr
    result = helpers.run_cli("new", "decision", "Done", "--feedback", "dark-mode", "--outcome", "shipped",
                             "-C", project.root)
    assert result.returncode == 2
    assert ("--outcome 'shipped' is not allowed: record a change instead: portalgen new change \"…\" --feedback "
            f"dark-mode, and keep the outcome that was decided; {OUTCOMES}") in result.stderr
