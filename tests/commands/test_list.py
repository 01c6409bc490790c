"""`portalgen list`: every record with its status, tags and flags; filters; JSON; content with errors."""

from __future__ import annotations

import json
from pathlib import Path

from in_process import Run

from portalgen.model.report import link_published
from portalgen.pipeline.building import build_date
from portalgen.pipeline.building import check as check_project

KEYS = ["kind", "slug", "title", "date", "status", "tags", "draft", "private", "path"]


def listed(run: Run, *args: str | Path) -> list[dict]:
    result = run("list", *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_json_lists_every_record_with_stable_keys(run: Run, example_project: Path, content) -> None:
    rows = listed(run, example_project)
    assert all(list(row) == KEYS for row in rows)
    by_kind: dict[str, set[str]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], set()).add(row["slug"])
    # Every file of the example, drafts and private records included.
    assert by_kind == {"feedback": set(content.feedback), "decision": set(content.decisions),
                       "change": set(content.changes), "customer": set(content.customers)}
    assert [r["kind"] for r in rows] == sorted((r["kind"] for r in rows),
                                               key=["feedback", "decision", "change", "customer"].index)


def test_feedback_status_is_the_one_the_portal_shows(run: Run, example_project: Path) -> None:
    rows = {r["slug"]: r for r in listed(run, "feedback", example_project)}
    records, _ = check_project(example_project)
    public = link_published(records, build_date(), bodies=False)
    for item in public.feedback:
        assert rows[item.record.slug]["status"] == item.status
    assert {r["status"] for r in rows.values()} >= {"heard", "shipped", "declined", "planned"}
    draft = rows["path-analysis-sankey"]
    assert draft["draft"] and not draft["private"]
    private = rows["per-seat-pricing-for-viewers"]
    assert private["private"] and not private["draft"]
    assert all(r["date"] and len(r["date"]) == 10 for r in rows.values())


def test_filters_by_kind_status_and_tag(run: Run, example_project: Path) -> None:
    declined = listed(run, example_project, "feedback", "--status", "declined")
    assert declined and {r["status"] for r in declined} == {"declined"} and {r["kind"] for r in declined} == {
        "feedback"}
    tagged = listed(run, "--tag", "EXPORTS", example_project)
    assert {r["kind"] for r in tagged} == {"feedback", "decision", "change"}
    assert all("exports" in r["tags"] for r in tagged)
    anonymous = listed(run, "customers", "--status", "anonymous", example_project)
    assert anonymous and all(r["kind"] == "customer" and r["status"] == "anonymous" for r in anonymous)
    # An anonymous customer is listed by name: this command is internal.
    assert any(r["title"] == "Halvorsen Pharmacy Group" or r["slug"] == "halvorsen-pharmacy" for r in anonymous)
    # KIND and PATH in either order, and PATH left out inside the project.
    assert listed(run, "feedback", example_project) == listed(run, example_project, "feedback")
    assert run("list", "decision", "--format", "json", cwd=example_project).out == \
        run("list", "--format", "json", "decision", str(example_project)).out


def test_table_is_aligned_and_flags_are_shown(run: Run, example_project: Path) -> None:
    result = run("list", "feedback", example_project)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["KIND", "SLUG", "DATE", "STATUS", "FLAGS", "TAGS", "TITLE"]
    start = lines[0].index("STATUS")
    assert all(line[start - 2 : start] == "  " for line in lines[1:])
    sankey = next(line for line in lines if "path-analysis-sankey" in line)
    assert " draft " in sankey and " heard " in sankey


def test_unknown_kind_and_status_are_usage_errors(run: Run, example_project: Path) -> None:
    result = run("list", "feedbak", example_project)
    assert result.code == 2 and "did you mean 'feedback'?" in result.err
    result = run("list", example_project, "--status", "done")
    assert result.code == 2 and "'done' is not one of" in result.err


def test_content_with_errors_lists_what_it_can(run: Run, example_project: Path) -> None:
    broken = next((example_project / "content/feedback").rglob("dark-mode*.md"))
    broken.write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    result = run("list", "feedback", example_project, "--format", "json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert rows and broken.stem not in {r["slug"] for r in rows}
    assert "content has" in result.err and "run portalgen check" in result.err


def test_nothing_readable_exits_1(run: Run, tmp_path: Path) -> None:
    (tmp_path / "content/feedback").mkdir(parents=True)
    (tmp_path / "content/portal.yaml").write_text('title: "P"\n', "utf-8")
    (tmp_path / "content/feedback/x.md").write_text("no front matter\n", "utf-8")
    result = run("list", tmp_path)
    assert result.code == 1 and "error(s)" in result.err and result.out == ""
    (tmp_path / "content/feedback/x.md").unlink()
    empty = run("list", tmp_path)
    assert empty.code == 0 and empty.out == ""
