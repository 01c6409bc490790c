"""Placeholders never publish: what `new` leaves for the author, and "TODO" written by hand.

The tests start from the files `portalgen new` writes (the real command, in a child process) and
read `check` and `build` as an author would.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers_content import Project, decision

from portalgen.content.problems import Severity

NO = "content/decisions/no-custom-sql-tiles.md"
DEC = "content/decisions/dark-mode-planned.md"
WORKAROUND = (f"{NO}:7: error: 'workaround' is only a placeholder: \"fill in: what customers can do instead\" "
              "— fix: write the real text in its place, or remove 'workaround'; a placeholder is never published")
REASON = (f"{NO}:9: error: a declined decision needs its reasoning in the body; it holds only a placeholder: "
          "\"fill in: why we said no, in words the customer will understand\" — fix: write why we said no in "
          "place of the placeholder — a No is published with a reason or not at all")


@pytest.fixture
def portal(tmp_path: Path, helpers: SimpleNamespace) -> Project:
    """The minimal project, with the feedback item the No answers, made by `new` too."""
    project = Project.minimal(tmp_path)
    made = helpers.run_cli("new", "feedback", "Custom SQL tiles", "--from", "acme", "-C", project.root)
    assert made.returncode == 0, made.stderr
    return project


def new_no(helpers: SimpleNamespace, project: Project, *more: str) -> SimpleNamespace:
    return helpers.run_cli("new", "decision", "No custom SQL tiles", "--feedback", "custom-sql-tiles",
                           "--outcome", "declined", *more, "-C", project.root)


def test_a_no_from_new_is_refused_until_its_reason_is_written(portal: Project, helpers: SimpleNamespace) -> None:
    made = new_no(helpers, portal)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().endswith("no-custom-sql-tiles.md")
    # `new` says at once what check will say, and what to do.
    assert made.stderr.splitlines() == [
        WORKAROUND, REASON,
        'Fill in what is marked "fill in:" (workaround, the reasoning in the body): until then check and build '
        "refuse the record (or make it a draft: draft: true).",
    ]
    text = portal.path(NO).read_text()
    assert 'workaround: "<!-- fill in: what customers can do instead -->"\n' in text
    assert text.endswith("---\n<!-- fill in: why we said no, in words the customer will understand -->\n")

    check = helpers.run_cli("check", "--strict", portal.root)
    assert check.returncode == 1
    assert check.stderr.splitlines()[:2] == [WORKAROUND, REASON]
    assert check.stderr.splitlines()[2].startswith("✗ 2 errors in ")
    build = helpers.run_cli("build", portal.root)
    assert build.returncode == 1
    assert WORKAROUND in build.stderr and REASON in build.stderr
    assert not portal.path("site").exists()  # nothing was published

    # Written: the No publishes, with its reason and workaround, and nothing of the placeholders.
    portal.write(NO, text.replace("<!-- fill in: what customers can do instead -->", "Export to CSV and chart it.")
                 .replace("<!-- fill in: why we said no, in words the customer will understand -->",
                          "Custom SQL would let one tile slow every dashboard down."))
    assert helpers.run_cli("check", "--strict", portal.root).returncode == 0
    assert helpers.run_cli("build", portal.root).returncode == 0
    page = portal.path("site/decisions/no-custom-sql-tiles/index.html").read_text()
    assert "slow every dashboard down" in page and "Export to CSV" in page
    assert "fill in" not in page


def test_a_draft_may_keep_its_placeholders(portal: Project, helpers: SimpleNamespace) -> None:
    made = new_no(helpers, portal, "--draft")
    assert made.returncode == 0, made.stderr
    assert made.stderr.splitlines()[-1] == ('Fill in what is marked "fill in:" (workaround, the reasoning in the '
                                            "body): before you publish it.")
    check = helpers.run_cli("check", portal.root)
    assert check.returncode == 0, check.stderr
    assert WORKAROUND.replace(": error:", ": warning:") in check.stderr.splitlines()
    assert REASON.replace(":9: error:", ":10: warning:") in check.stderr.splitlines()  # draft: true is a line
    assert helpers.run_cli("check", "--strict", portal.root).returncode == 1


def test_a_guessed_revisit_date_is_a_placeholder(portal: Project, helpers: SimpleNamespace) -> None:
    made = helpers.run_cli("new", "decision", "Not now", "--feedback", "custom-sql-tiles", "--outcome", "deferred",
                           "-C", portal.root)
    assert made.returncode == 0, made.stderr
    check = helpers.run_cli("check", portal.root)
    assert check.stderr.splitlines()[:2] == [
        "content/decisions/not-now.md:8: error: 'revisit' still has a placeholder: \"fill in: when we will look at "
        "this again; the date is only a suggestion\" — fix: do what it asks, then delete the \"fill in:\" comment; "
        "a placeholder is never published",
        "content/decisions/not-now.md:10: error: a deferred decision needs its reasoning in the body; it holds only a "
        "placeholder: \"fill in: why not now, and what would change our mind\" — fix: write why not now in place of "
        "the placeholder — a No is published with a reason or not at all",
    ]


@pytest.mark.parametrize("word", ["TODO", "todo.", "TBD", "?", "…", "...", "-", "n/a", "N/A", "xxx", "fill in",
                                  "**TBD**", "<!-- why? --> TBD", "TODO: explain why we said no."])
def test_a_reason_that_is_only_a_placeholder_is_an_error(tmp_path: Path, word: str) -> None:
    project = Project.minimal(tmp_path)
    project.write(DEC, decision(outcome="declined", extra="workaround: Export to CSV.\n", body=f"\n{word}\n"))
    [problem] = project.problems()
    shown = word.split("--> ")[-1]
    assert problem.format() == (
        f"{DEC}:9: error: a declined decision needs its reasoning in the body; it holds only a placeholder: "
        f"\"{shown}\" — fix: write why we said no in place of the placeholder — a No is published with a reason "
        "or not at all")


@pytest.mark.parametrize("word", ["TBD", "'?'", "'…'", "'-'", "n/a", "TODO"])
def test_a_workaround_that_is_only_a_placeholder_is_an_error(tmp_path: Path, word: str) -> None:
    project = Project.minimal(tmp_path)
    project.write(DEC, decision(extra=f"workaround: {word}\n"))
    [problem] = project.problems()
    assert problem.format() == (
        f"{DEC}:6: error: 'workaround' is only a placeholder: \"{word.strip(chr(39))}\" — fix: write the real text "
        "in its place, or remove 'workaround'; a placeholder is never published")


def test_any_field_with_a_fill_in_marker_is_unfinished(tmp_path: Path) -> None:
    project = Project.minimal(tmp_path)
    project.write(DEC, decision(body="We will build it.\n\n<!-- fill in: when, roughly -->\n"))
    [problem] = project.problems()
    assert problem.format() == (
        f"{DEC}:9: error: the body still has a placeholder: \"fill in: when, roughly\" — fix: do what it asks, "
        "then delete the \"fill in:\" comment; a placeholder is never published")
    project.write(DEC, decision(body="Soon.\n", extra="draft: true\n# fill in: a priority\n"))
    assert [(p.line, p.severity, p.message) for p in project.problems() if p.path == DEC] == [
        (7, Severity.WARNING, "the front matter still has a placeholder: \"fill in: a priority\"")]


@pytest.mark.parametrize("body", ["Todo lists are coming to dashboards.", "We said no: C# fill in: forms.",
                                  "<!-- TODO: a comment is never published -->\nWe will build it.", "No.",
                                  "```\n" + "&" * 40 + "\n```"])
def test_real_text_is_not_a_placeholder(tmp_path: Path, body: str) -> None:
    project = Project.minimal(tmp_path)
    project.write(DEC, decision(body=body + "\n"))
    assert project.problems() == []
