"""Errors that are true: a file that cannot be read does not make false errors elsewhere, and each
message names the real cause with the right fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_content import Project, change, decision, feedback

from portalgen.content import leaks
from portalgen.content.files import source_reader
from portalgen.content.problems import Problem

FB = "content/feedback/dark-mode.md"  # the decision and the change of the minimal project refer to it
DEC = "content/decisions/dark-mode-planned.md"
CHG = "content/changes/dark-mode-shipped.md"
OUTCOMES = "one of: under-review, planned, in-progress, declined, deferred, already-available"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.minimal(tmp_path)


def lines(problems: list[Problem]) -> list[str]:
    return [p.format() for p in problems]


# --- a file that cannot be read still holds its slug --------------------------------------------


BROKEN = {
    "colon in an unquoted title": (feedback(title="Dark mode: please"),
                                   f"{FB}:2: error: YAML syntax error: mapping values are not allowed in this "
                                   "context — fix: quote values that contain ': ' (e.g. title: \"Exports: CSV\")"),
    "tab": ("---\ntitle: Dark mode\ndate: 2026-01-10\nfrom:\n\t- acme\n---\nPlease.\n",
            f"{FB}:5: error: the file uses a tab to indent line 5; YAML allows only spaces there — fix: indent "
            "with spaces instead of the tab"),
    "unclosed front matter": ("---\ntitle: Dark mode\ndate: 2026-01-10\nfrom: [acme]\nPlease.\n",
                              f"{FB}:1: error: front matter is not closed — fix: add a line with '---' after the "
                              "YAML keys"),
    "duplicate key": (feedback(extra="title: Dark mode again\n"),
                      f"{FB}:5: error: duplicate key 'title' (first set on line 2) — fix: keep one of them; YAML "
                      "would silently use the last"),
    "not UTF-8": (b"---\ntitle: Dark mode \xff\ndate: 2026-01-10\nfrom: [acme]\n---\n",
                  f"{FB}:2: error: not valid UTF-8 (byte 0xff at offset 21) — fix: save the file as UTF-8 in "
                  "your editor"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_file_is_the_only_error(project: Project, case: str) -> None:
    text, message = BROKEN[case]
    project.write(FB, text)
    assert lines(project.problems()) == [message]  # the decision and the change that name it are fine


def test_a_badly_named_file_holds_the_slug_it_should_have(project: Project) -> None:
    project.remove(FB)
    project.write("content/feedback/Dark Mode.md", feedback())
    assert lines(project.problems()) == [
        "content/feedback/Dark Mode.md: error: file name 'Dark Mode.md' is not a valid slug (lowercase a-z, 0-9 and "
        "'-', starting with a letter or digit, at most 80 characters) — fix: rename it to feedback/dark-mode.md"]


def test_a_slug_nobody_holds_is_still_an_error(project: Project) -> None:
    project.write(FB, feedback(title="Dark mode: please"))
    project.write(CHG, change(extra="feedback: [dark-mod]\n"))
    assert lines(project.problems())[1:] == [
        f"{CHG}:4: error: 'feedback': no feedback 'dark-mod' — fix: did you mean 'dark-mode'? create "
        "content/feedback/dark-mod.md or fix the slug"]


def test_the_file_that_cannot_be_read_comes_first(project: Project) -> None:
    project.write(CHG, change(when="soon"))  # sorts before feedback/, and is an error of its own
    project.write(FB, feedback(title="Dark mode: please"))
    found = lines(project.problems())
    assert found[0].startswith(f"{FB}:2: error: YAML syntax error")
    assert found[1] == f"{CHG}:3: error: 'date': 'soon' is not a date — fix: write it as YYYY-MM-DD, e.g. 2026-03-31"


# --- each message with the right hint ---------------------------------------------------------------


def test_a_decision_listed_as_feedback_says_where_it_belongs(project: Project) -> None:
    project.write(CHG, change(extra="feedback: [dark-mode-planned]\n"))
    assert lines(project.problems()) == [
        f"{CHG}:4: error: 'feedback': 'dark-mode-planned' is a decision, not a feedback item — fix: list it under "
        "decisions:"]
    project.write(CHG, change(extra="decisions: [csv-export]\n"))
    assert lines(project.problems()) == [
        f"{CHG}:4: error: 'decisions': 'csv-export' is a feedback item, not a decision — fix: list it under feedback:"]


def test_a_record_of_another_kind_where_none_belongs(project: Project) -> None:
    project.write(FB, feedback(who="[csv-export]"))
    assert lines(project.problems()) == [
        f"{FB}:4: error: 'from': 'csv-export' is a feedback item, not a customer — fix: 'from' names a customer: a "
        "file name in content/customers/"]


DID_YOU_MEAN = "— fix: did you mean '{}'? " + OUTCOMES
A_CHANGE = ("— fix: record a change instead: portalgen new change \"…\" --decisions dark-mode-planned, and keep the "
            f"outcome that was decided; {OUTCOMES}")


@pytest.mark.parametrize(("written", "message"), [
    ("rejected", "'rejected' is not allowed " + DID_YOU_MEAN.format("declined")),
    ("\"won't do\"", "\"won't do\" is not allowed " + DID_YOU_MEAN.format("declined")),
    ("wont-do", "'wont-do' is not allowed " + DID_YOU_MEAN.format("declined")),
    ("Won't-Do", "\"Won't-Do\" is not allowed " + DID_YOU_MEAN.format("declined")),
    ("accepted", "'accepted' is not allowed " + DID_YOU_MEAN.format("planned")),
    ("in progress", "'in progress' is not allowed " + DID_YOU_MEAN.format("in-progress")),
    # YAML reads an unquoted yes or no as a boolean; the message says so, in YAML's words.
    ("no", "YAML read this as the boolean false, which is not allowed " + DID_YOU_MEAN.format("declined")),
    ("yes", "YAML read this as the boolean true, which is not allowed " + DID_YOU_MEAN.format("planned")),
    ("done", "'done' is not allowed " + A_CHANGE),
    ("shipped", "'shipped' is not allowed " + A_CHANGE),
    ("completed", "'completed' is not allowed " + A_CHANGE),
])
def test_outcome_synonyms_get_a_did_you_mean(project: Project, written: str, message: str) -> None:
    project.write(DEC, decision(outcome=written))
    assert lines(project.problems()) == [f"{DEC}:5: error: 'outcome': {message}"]


@pytest.mark.parametrize("written", ["[null]", "[acme, null]", "\n  - acme\n  -"])
def test_an_empty_entry_is_shown_as_yaml_writes_it(project: Project, written: str) -> None:
    project.write(FB, feedback(who=written))
    found = lines(project.problems())
    assert f"{FB}:4: error: 'from': has an empty entry (null) — fix: remove it, or write a slug there" in found
    assert not any("None" in line for line in found)


def test_a_wrong_base_url_is_one_error(project: Project) -> None:
    project.write("content/portal.yaml", "title: Test\nbase_url: feedback.example.com\n")
    assert lines(project.problems()) == [
        "content/portal.yaml:2: error: 'base_url': 'feedback.example.com' is not an absolute http(s) URL — fix: "
        "write it like https://example.com/"]
    project.write("content/portal.yaml", "title: Test\n")  # no base_url at all: the warning stays
    assert [p.message for p in project.problems()] == [
        "no base_url: sitemap.xml is skipped and the feed uses relative links"]


def test_a_wrong_revisit_date_is_one_error(project: Project) -> None:
    project.write(DEC, decision(outcome="deferred", extra="revisit: soon\n", body="Not this year.\n"))
    assert lines(project.problems()) == [
        f"{DEC}:6: error: 'revisit': 'soon' is not a date — fix: write it as YYYY-MM-DD, e.g. 2026-03-31"]
    project.write(DEC, decision(outcome="deferred", body="Not this year.\n"))  # no revisit at all: the warning stays
    assert [p.message for p in project.problems()] == ["a deferred decision has no 'revisit' date"]


# --- the leak lint asks for the consent that is missing --------------------------------------------------


def lint(project: Project) -> list[str]:
    records, problems = project.check()
    assert problems == []
    return lines(leaks.lint(records, read=source_reader(project.root)).sorted())


FIX_TAIL = ("if they agreed to be named; or, if this is not them, list the phrase under allowed_phrases in "
            "content/portal.yaml")


def test_an_unconsented_person_at_a_named_customer(project: Project) -> None:
    project.write("content/customers/acme.yaml", "name: Acme Health\ncredit: named\npeople:\n"
                  "  - {name: Tom Beckett, role: BI Lead}\n")
    project.write(FB, feedback(body="Tom Beckett asked for it.\n"))
    assert lint(project) == [
        f"{FB}:6: error: 'body' names 'Tom Beckett', a person who has not consented to be named (customer 'acme') "
        "— fix: remove the name or describe them by segment; or set credit: named on Tom Beckett (under people:) "
        f"in content/customers/acme.yaml {FIX_TAIL}"]


def test_a_person_at_an_anonymous_customer(project: Project) -> None:
    project.write("content/customers/globex.yaml", "name: Globex Retail\npeople:\n"
                  "  - {name: Tom Beckett, role: BI Lead}\n  - {name: Ana Lima, credit: named}\n")
    project.write(FB, feedback(body="Tom Beckett and Ana Lima asked for it.\n"))
    consent = "set credit: named on the organisation"
    assert lint(project) == [
        f"{FB}:6: error: 'body' names 'Ana Lima', a person who has not consented to be named (customer 'globex') — "
        f"fix: remove the name or describe them by segment; or {consent} in content/customers/globex.yaml "
        f"{FIX_TAIL}",
        f"{FB}:6: error: 'body' names 'Tom Beckett', a person who has not consented to be named (customer 'globex') "
        f"— fix: remove the name or describe them by segment; or {consent} and on Tom Beckett (under people:) in "
        f"content/customers/globex.yaml {FIX_TAIL}"]


def test_an_anonymous_customer_by_name(project: Project) -> None:
    project.write(FB, feedback(body="Globex Retail asked for it.\n"))
    assert lint(project) == [
        f"{FB}:6: error: 'body' names 'Globex Retail', an anonymous customer (customer 'globex') — fix: remove the "
        f"name or describe them by segment; or set credit: named in content/customers/globex.yaml {FIX_TAIL}"]
