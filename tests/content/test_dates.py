"""Dates that make sense, and numbers as written: typos that YAML accepts and the site would publish.

- nothing is dated after the build date (a day of grace for time zones), drafts included;
- a decision's revisit date is not before the decision;
- an unquoted number that YAML reads as another text (`version: 4.10` is 4.1) is an error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers_content import Project, change, decision, feedback, one

import portalgen
from portalgen.content import loading, validating
from portalgen.content.problems import ContentError, Problem, Severity
from portalgen.content.records import Records
from portalgen.pipeline.cache import BuildCache

TODAY = date(2026, 12, 1)
FB = "content/feedback/dark-mode.md"
DEC = "content/decisions/dark-mode-planned.md"
CHG = "content/changes/dark-mode-shipped.md"
FUTURE_HINT = "write the date it happened (a year typed wrong?); only a decision's revisit date may lie ahead"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.minimal(tmp_path)


def checked(project: Project, today: date = TODAY) -> tuple[Records, list[Problem]]:
    records, problems = validating.validate(loading.load(project.root), today=today)
    return records, problems.sorted()


def errors(project: Project, today: date = TODAY) -> list[Problem]:
    return [p for p in checked(project, today)[1] if p.severity is Severity.ERROR]


# --- nothing after the build date ---------------------------------------------------------------


def test_a_feedback_date_after_the_build_date_is_an_error(project: Project) -> None:
    project.write(FB, feedback(when="2027-06-01", extra="tags: [UI]\n"))
    [problem] = errors(project)
    assert problem.format() == (
        f"{FB}:3: error: 'date': 2027-06-01 is after the build date (2026-12-01) — fix: {FUTURE_HINT}")


@pytest.mark.parametrize(("path", "text", "key", "line"), [
    (DEC, decision(when="2027-02-01"), "date", 3),
    (CHG, change(when="2027-03-01", extra="decisions: [dark-mode-planned]\n"), "date", 3),
    ("content/customers/globex.yaml", "name: Globex Retail\njoined: 2027-01-01\n", "joined", 2),
])
def test_every_dated_key_but_revisit_is_checked(project: Project, path: str, text: str, key: str, line: int) -> None:
    project.write(path, text)
    [problem] = errors(project)
    assert (problem.path, problem.line) == (path, line)
    assert problem.message.startswith(f"'{key}': 2027-")
    assert problem.message.endswith("is after the build date (2026-12-01)")


@pytest.mark.parametrize("extra", ["draft: true\n", "visibility: private\n"])
def test_drafts_and_private_records_too(project: Project, extra: str) -> None:
    """A draft is published by deleting one line; private records feed the report."""
    project.write("content/feedback/later.md", feedback("Later", "2027-06-01", "[acme]", extra=extra))
    assert one(errors(project), "'date': 2027-06-01 is after the build date", "content/feedback/later.md")


def test_a_day_of_grace_for_time_zones(project: Project) -> None:
    """In Sydney it is already 2 December while the build machine (UTC) says 1 December."""
    project.write(FB, feedback(when="2026-12-02", extra="tags: [UI]\n"))
    assert errors(project) == []
    project.write(FB, feedback(when="2026-12-03", extra="tags: [UI]\n"))
    assert one(errors(project), "'date': 2026-12-03 is after the build date (2026-12-01)", FB)


def test_revisit_may_lie_ahead(project: Project) -> None:
    project.write(DEC, decision(outcome="deferred", extra="revisit: 9999-12-31\n", body="Not now.\n"))
    assert errors(project) == []


@pytest.mark.parametrize("path", [FB, DEC, CHG, "content/customers/acme.yaml"])
def test_the_year_9999_is_a_clean_error_everywhere(project: Project, path: str, tmp_path: Path) -> None:
    key = "joined" if "customers" in path else "date"
    original = project.path(path).read_text("utf-8")
    project.write(path, original.replace(f"{key}: 20", f"{key}: 9999-12-31 #", 1))
    with pytest.raises(ContentError) as raised:
        portalgen.build(project.root, tmp_path / "site")
    [problem] = [p for p in raised.value.problems if p.severity is Severity.ERROR]
    assert problem.message == f"'{key}': 9999-12-31 is after the build date (2026-11-30)"  # the tests' pinned day
    assert not (tmp_path / "site").exists()


def test_the_cli_says_so_and_fails(project: Project, helpers) -> None:
    project.write(FB, feedback(when="2027-06-01", extra="tags: [UI]\n"))
    for verb in ("check", "build"):
        result = helpers.run_cli(verb, project.root)
        assert result.returncode == 1
        assert f"{FB}:3: error: 'date': 2027-06-01 is after the build date (2026-11-30)" in result.stderr
        assert "Traceback" not in result.stderr


# --- revisit after its decision --------------------------------------------------------------------


def test_revisit_before_its_decision_is_an_error(project: Project) -> None:
    project.write(DEC, decision(when="2026-10-12", outcome="deferred", extra="revisit: 2025-01-01\n",
                                body="Not now.\n"))
    [problem] = errors(project)
    assert problem.format() == (f"{DEC}:6: error: 'revisit': 2025-01-01 is before the decision itself (2026-10-12)"
                                " — fix: write when we will look again, after 2026-10-12")


def test_revisit_on_the_day_of_the_decision_is_allowed(project: Project) -> None:
    project.write(DEC, decision(when="2026-10-12", outcome="deferred", extra="revisit: 2026-10-12\n",
                                body="Not now.\n"))
    assert errors(project) == []


# --- numbers as written ---------------------------------------------------------------------------


def test_an_unquoted_version_that_yaml_changes_is_an_error(project: Project) -> None:
    project.write(CHG, change(extra="version: 4.10\ndecisions: [dark-mode-planned]\n"))
    [problem] = errors(project)
    assert problem.format() == (f"{CHG}:4: error: 'version': YAML read 4.10 as the number 4.1"
                                ' — fix: quote it: version: "4.10"')


@pytest.mark.parametrize(("written", "read"), [("1.50", "1.5"), ("010", "8"), ("0x1F", "31"), ("1_000", "1000"),
                                               ("+5", "5"), (".inf", "inf"), ("1:30", "90")])
def test_other_numbers_yaml_changes(project: Project, written: str, read: str) -> None:
    project.write(CHG, change(extra=f"version: {written}\ndecisions: [dark-mode-planned]\n"))
    problem = one(errors(project), "'version':", CHG)
    assert problem.message == f"'version': YAML read {written} as the number {read}"
    assert problem.hint == f'quote it: version: "{written}"'


@pytest.mark.parametrize("written", ["4.2", "5", "4.0", "'4.10'", '"4.10"', "4.10.1"])
def test_numbers_that_read_as_written_and_quoted_ones_are_fine(project: Project, written: str) -> None:
    project.write(CHG, change(extra=f"version: {written}\ndecisions: [dark-mode-planned]\n"))
    records, problems = checked(project)
    assert problems == []
    assert records.changes["dark-mode-shipped"].version == written.strip("'\"")


def test_any_text_key_not_only_version(project: Project) -> None:
    project.write(FB, feedback(title="2.10", extra="tags: [UI]\n"))
    assert one(errors(project), "'title': YAML read 2.10 as the number 2.1", FB).hint == 'quote it: title: "2.10"'


def test_a_leading_zero_in_a_number_of_days(project: Project) -> None:
    """YAML 1.1 reads 030 as octal: 24 days."""
    project.write("content/portal.yaml", project.path("content/portal.yaml").read_text() + "stale_after_days: 030\n")
    problem = one(errors(project), "'stale_after_days':", "content/portal.yaml")
    assert (problem.message, problem.hint) == ("'stale_after_days': YAML read 030 as the number 24",
                                               "write stale_after_days: 30")


def test_the_written_numbers_survive_the_build_cache(project: Project, tmp_path: Path) -> None:
    raw = next(r for r in loading.load(project.root).records if r.slug == "dark-mode-shipped")
    raw.numbers["version"] = "4.10"
    cache = BuildCache.open(tmp_path / "p")
    cache.put_record("h", raw)
    assert cache.get_record(raw.path, "h").numbers == {"version": "4.10"}
