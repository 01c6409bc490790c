"""A warm-cache build, an incremental rebuild and a cold build produce byte-identical sites,
after edits of every kind: add, change, delete and rename a record; change a template."""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest
from generate import generate
from site_trees import tree
from status_edit import pick_status_edit

import portalgen


def assert_same_as_cold(project: Path, tmp_path: Path) -> None:
    cold = tmp_path / "cold-out"
    if cold.exists():
        shutil.rmtree(cold)
    portalgen.build(project, cold, use_cache=False, jobs=1)
    warm, fresh = tree(project / "site"), tree(cold)
    assert warm.keys() == fresh.keys(), sorted(set(warm) ^ set(fresh))[:10]
    differ = [name for name in warm if warm[name] != fresh[name]]
    assert not differ, f"incremental build differs from a cold build in {differ[:10]}"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = generate(tmp_path / "portal", 240, seed=7)
    first = portalgen.build(root)
    assert first.rendered == first.pages  # nothing to reuse yet
    return root


def feedback_file(project: Path, slug: str) -> Path:
    return next((project / "content" / "feedback").rglob(f"{slug}.md"))


def test_no_change_rebuild_writes_nothing(project: Path, tmp_path: Path) -> None:
    before = {p: p.stat().st_ino for p in (project / "site").rglob("*.html")}
    result = portalgen.build(project)
    assert result.up_to_date
    assert {p: p.stat().st_ino for p in (project / "site").rglob("*.html")} == before
    assert_same_as_cold(project, tmp_path)


def test_change_a_record_rerenders_only_what_shows_it(project: Path, tmp_path: Path) -> None:
    path = feedback_file(project, "feedback-000010")
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    result = portalgen.build(project)
    assert not result.up_to_date
    assert 0 < result.rendered < result.pages / 4, (result.rendered, result.pages)
    assert "Renamed" in (project / "site/feedback/feedback-000010/index.html").read_text(encoding="utf-8")
    assert_same_as_cold(project, tmp_path)


def test_change_a_customer_name(project: Path, tmp_path: Path) -> None:
    path = project / "content/customers/customer-00001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Organisation", "Renamed Org"), encoding="utf-8")
    portalgen.build(project)
    assert_same_as_cold(project, tmp_path)


def test_add_a_record(project: Path, tmp_path: Path) -> None:
    (project / "content/feedback/2026/brand-new-item.md").write_text(
        "---\ntitle: A brand new item\ndate: 2026-06-01\nfrom: [customer-00002]\ntags: [exports, Brand New]\n---\n"
        "Body.\n", encoding="utf-8")
    portalgen.build(project)
    assert (project / "site/feedback/brand-new-item/index.html").is_file()
    assert_same_as_cold(project, tmp_path)


def test_add_a_decision_changes_status_everywhere(project: Path, tmp_path: Path) -> None:
    (project / "content/decisions/new-decision.md").write_text(
        "---\ntitle: We say no\ndate: 2026-09-01\nfeedback: [feedback-000200]\noutcome: declined\n"
        "workaround: Export instead.\n---\nBecause reasons.\n", encoding="utf-8")
    portalgen.build(project)
    assert_same_as_cold(project, tmp_path)


def test_delete_a_record(project: Path, tmp_path: Path) -> None:
    feedback_file(project, "feedback-000005").unlink()
    for decision in (project / "content/decisions").glob("*.md"):  # keep references valid
        text = decision.read_text(encoding="utf-8")
        if "feedback-000005" in text:
            decision.write_text(text.replace("feedback-000005, ", "").replace(", feedback-000005", ""),
                                encoding="utf-8")
    for change in (project / "content/changes").glob("*.md"):
        text = change.read_text(encoding="utf-8")
        if "[feedback-000005]" in text:
            change.write_text(text.replace("[feedback-000005]", "[feedback-000006]"), encoding="utf-8")
    result = portalgen.build(project)
    assert not (project / "site/feedback/feedback-000005").exists(), result
    assert_same_as_cold(project, tmp_path)


def test_rename_a_record_file(project: Path, tmp_path: Path) -> None:
    path = feedback_file(project, "feedback-000100")
    path.rename(path.parent.parent / "feedback-000100.md")  # moved to another folder: same slug
    portalgen.build(project)
    assert_same_as_cold(project, tmp_path)


def test_change_a_template(project: Path, tmp_path: Path) -> None:
    override = project / "templates"
    override.mkdir()
    builtin = Path(portalgen.__file__).resolve().parent.parent / "templates" / "macros.html"
    if not builtin.exists():
        builtin = Path(portalgen.__file__).resolve().parent / "_theme" / "macros.html"
    (override / "macros.html").write_text(
        builtin.read_text(encoding="utf-8").replace('<li class="card"', '<li class="card card-custom"'),
        encoding="utf-8")
    result = portalgen.build(project)
    assert result.rendered == result.pages
    assert "card-custom" in (project / "site/feedback/index.html").read_text(encoding="utf-8")
    assert_same_as_cold(project, tmp_path)


def test_drafts_flag_is_part_of_the_key(project: Path, tmp_path: Path) -> None:
    path = feedback_file(project, "feedback-000020")
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    portalgen.build(project, drafts=True)
    assert (project / "site/feedback/feedback-000020/index.html").is_file()
    portalgen.build(project)
    assert not (project / "site/feedback/feedback-000020").exists()
    assert_same_as_cold(project, tmp_path)


def test_many_edits_in_a_row_use_the_back_buffer(project: Path, tmp_path: Path) -> None:
    """From the third build on, the previous-but-one site is updated in place and swapped in."""
    site = project / "site"
    edits = [
        lambda: feedback_file(project, "feedback-000030").write_text(
            feedback_file(project, "feedback-000030").read_text(encoding="utf-8") + "\nFirst edit.\n",
            encoding="utf-8"),
        lambda: (project / "content/feedback/2026/added-later.md").write_text(
            "---\ntitle: Added later\ndate: 2026-07-01\nfrom: [customer-00003]\ntags: [alerts]\n---\nNew.\n",
            encoding="utf-8"),
        lambda: feedback_file(project, "feedback-000030").write_text(
            feedback_file(project, "feedback-000030").read_text(encoding="utf-8").replace("First", "Second"),
            encoding="utf-8"),
        lambda: (project / "content/feedback/2026/added-later.md").unlink(),
        lambda: feedback_file(project, "feedback-000031").write_text(
            feedback_file(project, "feedback-000031").read_text(encoding="utf-8") + "\nThird.\n", encoding="utf-8"),
    ]
    back = None
    for number, change in enumerate(edits):
        change()
        result = portalgen.build(project)
        assert not result.up_to_date
        assert_same_as_cold(project, tmp_path)
        backs = list((project / ".portalgen-cache" / "back").glob("*"))
        if number >= 1:
            assert len(backs) == 1, "the previous site is kept as the back buffer"
            back = backs[0]
            assert (back / ".portalgen-site").is_file()
    assert back is not None and back.stat().st_ino != site.stat().st_ino
    assert "Second edit." in (site / "feedback/feedback-000030/index.html").read_text(encoding="utf-8")
    assert not (site / "feedback/added-later").exists()


def test_a_planted_or_tampered_cache_is_ignored(project: Path, tmp_path: Path) -> None:
    """The cache sits in the project, where a pull request could plant one: it must be signed."""
    cache_file = next((project / ".portalgen-cache").glob("cache-*.bin"))
    mac, _, body = cache_file.read_bytes().partition(b"\n")
    # The cached front matter changed (a title), with the signature left as it was.
    data = marshal.loads(body)
    entry = next(iter(data["records"].values()))  # [kind, slug, path, body, packed] (pipeline/stored_record.py)
    packed = marshal.loads(entry[4])  # [data, key lines, body line, marks, numbers]
    packed[0]["title"] = "FORGED " + str(packed[0]["title"])
    entry[4] = marshal.dumps(packed)
    forged = marshal.dumps(data)
    assert forged != body
    cache_file.write_bytes(mac + b"\n" + forged)
    feedback_file(project, "feedback-000001").write_text(
        feedback_file(project, "feedback-000001").read_text(encoding="utf-8") + "\nEdit.\n", encoding="utf-8")
    portalgen.build(project)
    assert not any(b"FORGED" in data for data in tree(project / "site").values())
    assert_same_as_cold(project, tmp_path)



def test_an_outcome_edit_updates_the_quarter_numbers(project: Path, tmp_path: Path) -> None:
    # A quarter page counts its items by status and its decisions by outcome (summary.statuses,
    # summary.outcomes; the list's s.waiting): numbers no record holds, worked out from the items.
    # The built-in page also shows some items' cards, which read their statuses; this override shows
    # only the numbers, so nothing else makes the page render again. They once went stale.
    (project / "templates").mkdir()
    (project / "templates" / "quarter.html").write_text(
        '{% extends "base.html" %}{% block main %}'
        '{% for status, n in summary.statuses %}<p class="s">{{ status.key }} {{ n }}</p>{% endfor %}'
        '{% for status, n in summary.outcomes %}<p class="o">{{ status.key }} {{ n }}</p>{% endfor %}'
        '<p class="w">{{ summary.waiting|length }}</p>{% endblock %}\n', encoding="utf-8")
    portalgen.build(project)
    edit = pick_status_edit(project)
    assert edit is not None
    original = edit.path.read_text(encoding="utf-8")
    for i in range(2):
        edit.path.write_text(edit.text(original, i), encoding="utf-8")
        portalgen.build(project)
        assert_same_as_cold(project, tmp_path)
