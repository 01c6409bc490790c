"""`portalgen rename`: the file, every reference, the aliases entry and the redirect page at the old address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from in_process import Run

from portalgen.commands import yamledit
from portalgen.pipeline.building import build
from portalgen.pipeline.building import check as check_project

OLD, NEW = "scim-user-provisioning", "automatic-user-provisioning"
BASE = "https://feedback.lumen-analytics.example/"


def front(path: Path) -> dict:
    text = path.read_text("utf-8")
    return yaml.safe_load(text if path.suffix == ".yaml" else text.split("---\n", 2)[1])


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "content").rglob("*"))
            if p.is_file()}


def _change_answering_old(project: Path) -> Path:
    """A change that answers the item directly, written in block style with comments to keep."""
    change = project / "content/changes/formatted-excel-exports.md"
    text = change.read_text("utf-8")
    text = text.replace("feedback: [excel-export-with-formatting]",
                        f"# who asked for it\nfeedback:\n  - excel-export-with-formatting   # the CAB\n"
                        f"  - {OLD}   # {OLD} too, said in March")
    change.write_text(text, "utf-8")
    return change


def test_rename_updates_every_reference_and_keeps_the_old_address(run: Run, example_project: Path, html) -> None:
    project = example_project
    change = _change_answering_old(project)
    assert not check_project(project)[1].errors
    feedback = project / "content/feedback/2026/q1"

    result = run("rename", "feedback", OLD, NEW, project)
    assert result.code == 0, result.err
    assert f"{OLD}.md → " in result.err and f"feedback/{OLD}/ redirects to feedback/{NEW}/" in result.err
    assert Path(result.out.strip()).resolve() == (feedback / f"{NEW}.md").resolve()

    assert not (feedback / f"{OLD}.md").exists()
    renamed = front(feedback / f"{NEW}.md")
    assert renamed["aliases"] == [OLD]
    assert renamed["title"] == "Create and remove users automatically from our directory"
    for decision in ("build-scim-provisioning", "plan-scim-provisioning"):
        assert front(project / f"content/decisions/{decision}.md")["feedback"] == [NEW]
    assert front(feedback / "deactivated-users-keep-access.md")["duplicate_of"] == NEW
    assert front(change)["feedback"] == ["excel-export-with-formatting", NEW]
    # Only the values changed: the comments and the layout of the list are the author's.
    text = change.read_text("utf-8")
    kept = f"# who asked for it\nfeedback:\n  - excel-export-with-formatting   # the CAB\n  - {NEW}   # {OLD} too"
    assert kept in text
    assert OLD not in "".join(p.read_text("utf-8") for p in (project / "content").rglob("*.md")
                              if p.name != f"{NEW}.md").replace(f"# {OLD} too", "")

    _, problems = check_project(project)
    assert not problems.errors, [p.format() for p in problems.errors]

    site = build(project).output
    old_page = site / f"feedback/{OLD}/index.html"
    new_page = site / f"feedback/{NEW}/index.html"
    assert new_page.is_file() and old_page.is_file()
    root = html(old_page)
    refresh = root.find(".//meta[@http-equiv='refresh']")
    assert refresh is not None
    delay, _, target = refresh.get("content").partition("; url=")
    assert delay == "0" and not target.startswith(("/", "http"))  # relative: works under a sub-path
    assert (old_page.parent / target).resolve() == new_page.resolve()
    links = [a.get("href") for a in root.iter("a")]
    assert target in links  # a visible link for whoever does not follow the refresh
    assert root.find(".//link[@rel='canonical']").get("href") == BASE + f"feedback/{NEW}/"
    assert root.find(".//meta[@name='robots']").get("content") == "noindex"

    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert BASE + f"feedback/{NEW}/" in sitemap and f"feedback/{OLD}/" not in sitemap
    assert f"/{OLD}/" not in (site / "search/index.js").read_text("utf-8")
    portal = json.loads((site / "api/portal.json").read_text("utf-8"))
    assert f"feedback/{OLD}/" not in json.dumps(portal)


def test_renaming_back_and_forth_keeps_every_old_address(run: Run, example_project: Path) -> None:
    assert run("rename", "feedback", OLD, NEW, example_project).code == 0
    assert run("rename", "feedback", NEW, "scim", example_project).code == 0
    assert run("rename", "feedback", "scim", OLD, example_project).code == 0
    record = front(example_project / f"content/feedback/2026/q1/{OLD}.md")
    assert record["aliases"] == [NEW, "scim"]  # its own slug is never its alias
    site = build(example_project).output
    for old in (NEW, "scim"):
        assert (site / f"feedback/{old}/index.html").is_file()


@pytest.mark.parametrize(("args", "code", "message"), [
    (["feedback", OLD, "plan-scim-provisioning"], 0, None),  # a decision's slug is free for feedback
    (["feedback", OLD, "mobile-dashboard-view"], 1, "feedback slug 'mobile-dashboard-view' is already used"),
    (["feedback", OLD, "Bad Name"], 2, "'Bad Name' is not a valid slug"),
    (["feedback", "scim-user-provisionin", NEW], 2, f"did you mean '{OLD}'?"),
    (["feedbak", OLD, NEW], 2, "unknown kind 'feedbak'"),
    (["feedback", OLD, OLD], 2, "is already its slug"),
])
def test_rename_refuses_and_changes_nothing(run: Run, example_project: Path, args: list[str], code: int,
                                             message: str | None) -> None:
    before = tree(example_project)
    result = run("rename", *args, example_project)
    assert result.code == code, result.err
    if message:
        assert message in result.err
        assert tree(example_project) == before


def test_an_alias_of_another_record_is_not_free(run: Run, example_project: Path) -> None:
    assert run("rename", "feedback", OLD, NEW, example_project).code == 0
    before = tree(example_project)
    result = run("rename", "feedback", "mobile-dashboard-view", OLD, example_project)
    assert result.code == 1
    assert f"'{OLD}' is an old slug (alias) of this feedback" in result.err
    assert tree(example_project) == before


def test_a_rename_that_check_would_refuse_is_undone(run: Run, example_project: Path) -> None:
    """A file name is public: naming a feedback item after an anonymous customer is a leak, so the
    rename is put back, every file as it was."""
    before = tree(example_project)
    result = run("rename", "feedback", OLD, "halvorsen-pharmacy-asks", example_project)
    assert result.code == 1
    assert "anonymous customer" in result.err and "nothing was written" in result.err
    assert tree(example_project) == before


def test_anonymous_customer_gets_no_redirect_and_its_old_slug_stays_protected(run: Run,
                                                                              example_project: Path) -> None:
    result = run("rename", "customer", "halvorsen-pharmacy", "customer-h", example_project)
    assert result.code == 0, result.err
    assert "no redirect: anonymous customers have no page" in result.err
    assert front(example_project / "content/customers/customer-h.yaml")["aliases"] == ["halvorsen-pharmacy"]
    referring = example_project / "content/feedback/2025/q3/saml-group-role-mapping.md"
    assert "customer-h" in front(referring)["from"]
    site = build(example_project).output
    assert not (site / "customers/halvorsen-pharmacy").exists()
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"halvorsen-pharmacy" not in everything

    # The old slug is still a protected name: writing it into a published text is refused.
    body = referring.read_text("utf-8") + "\nAs halvorsen-pharmacy put it, this matters.\n"
    referring.write_text(body, "utf-8")
    errors = [p.format() for p in check_project(example_project)[1].errors]
    assert any("halvorsen-pharmacy" in e and "anonymous customer" in e for e in errors), errors


def test_named_customer_gets_a_redirect(run: Run, example_project: Path) -> None:
    result = run("rename", "customer", "city-of-eastbrook", "eastbrook", example_project)
    assert result.code == 0, result.err
    site = build(example_project).output
    page = (site / "customers/city-of-eastbrook/index.html").read_text("utf-8")
    assert 'content="0; url=../../customers/eastbrook/index.html"' in page
    assert (site / "customers/eastbrook/index.html").is_file()


def test_draft_gets_its_redirect_once_published(run: Run, example_project: Path) -> None:
    result = run("rename", "feedback", "path-analysis-sankey", "sankey-paths", example_project)
    assert result.code == 0, result.err
    assert "redirects once the record is published" in result.err
    site = build(example_project).output
    assert not (site / "feedback/path-analysis-sankey").exists()
    drafts = build(example_project, drafts=True).output
    assert (drafts / "feedback/path-analysis-sankey/index.html").is_file()


def test_alias_collisions_are_check_errors_naming_both_files(example_project: Path) -> None:
    content = example_project / "content"
    first = next(content.rglob("mobile-dashboard-view.md"))
    second = next(content.rglob("native-phone-app.md"))
    for path, alias in ((first, "phone"), (second, "phone"), (next(content.rglob("audit-log-export.md")),
                                                                "native-phone-app")):
        text = path.read_text("utf-8")
        path.write_text(text.replace("---\n", f"---\naliases: [{alias}]\n", 1), "utf-8")
    errors = [p for p in check_project(example_project)[1].errors if "'aliases'" in p.message]
    messages = sorted(f"{p.path}: {p.message}" for p in errors)
    rel = lambda p: p.relative_to(example_project).as_posix()  # noqa: E731
    assert any(rel(second) in m and rel(first) in m and "also an alias" in m for m in messages), messages
    assert any("is the slug of" in m and rel(second) in m for m in messages), messages


def test_crlf_files_and_quoted_slugs_are_edited_in_their_own_style(run: Run, example_project: Path) -> None:
    decision = example_project / "content/decisions/plan-scim-provisioning.md"
    text = decision.read_text("utf-8").replace(f"feedback: [{OLD}]", f"feedback: ['{OLD}']  # quoted")
    decision.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert run("rename", "feedback", OLD, "2025", example_project).code == 0
    data = decision.read_bytes()
    assert b"feedback: ['2025']  # quoted\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    duplicate = example_project / "content/feedback/2026/q1/deactivated-users-keep-access.md"
    assert 'duplicate_of: "2025"' in duplicate.read_text("utf-8")  # 2025 unquoted would be a number
    assert front(duplicate)["duplicate_of"] == "2025"


# --- the line-level editor ------------------------------------------------------------------------

YAML = """title: "A"   # old is not here
from:
  - old        # first
  - "old-2"
# a comment: old
feedback: [old, 'old', older]  # old
duplicate_of: old
aliases:
  - before
source: old
"""


def test_only_the_given_keys_change_outside_comments() -> None:
    keys = ("from", "feedback", "duplicate_of")
    after, count = yamledit.replace_slug(YAML, keys, "old", "new")
    assert count == 4
    assert after == YAML.replace("  - old ", "  - new ").replace("[old, 'old',", "[new, 'new',").replace(
        "duplicate_of: old", "duplicate_of: new")
    assert yamledit.read_back(YAML, after, keys, "old", "new", None)
    with_alias = yamledit.set_aliases(after, ["before", "old"])
    assert "aliases: [before, old]\nsource: old\n" in with_alias
    assert yamledit.read_back(YAML, with_alias, keys, "old", "new", ["before", "old"])


def test_an_edit_that_does_not_read_back_is_refused(example_project: Path, run: Run) -> None:
    decision = example_project / "content/decisions/plan-scim-provisioning.md"
    decision.write_text(decision.read_text("utf-8").replace("feedback:", '"feedback":'), "utf-8")
    before = tree(example_project)
    result = run("rename", "feedback", OLD, NEW, example_project)
    assert result.code == 1
    assert "plan-scim-provisioning.md: error: cannot edit the references" in result.err
    assert tree(example_project) == before


def test_a_file_whose_yaml_cannot_be_read_stops_the_rename(example_project: Path, run: Run) -> None:
    decision = example_project / "content/decisions/plan-scim-provisioning.md"
    decision.write_text(decision.read_text("utf-8").replace("outcome: planned", "outcome: [planned"), "utf-8")
    before = tree(example_project)
    result = run("rename", "feedback", OLD, NEW, example_project)
    assert result.code == 1
    assert f"plan-scim-provisioning.md: error: mentions '{OLD}', and its YAML cannot be read" in result.err
    assert tree(example_project) == before
