"""The seven ways the old speed layer went wrong (issue 11), each as a test that failed before the engine
recorded what pages read instead of declaring it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from generate import generate
from repo_paths import REPO
from site_trees import tree

import portalgen
from portalgen.content.problems import ContentError

BUILTIN = REPO / "templates"


def cold(project: Path, out: Path) -> dict[str, bytes]:
    if out.exists():
        shutil.rmtree(out)
    return tree(portalgen.build(project, out, use_cache=False, jobs=1).output)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    return generate(tmp_path / "portal", 40, seed=5)


def test_1_an_override_that_reads_model_follows_every_change(project: Path, tmp_path: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "feedback.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="n">{{ model.changes|length }}</p>{% endblock %}\n',
        encoding="utf-8")
    portalgen.build(project)
    one = next((project / "content" / "feedback").rglob("*.md")).stem
    (project / "content" / "changes" / "one-more.md").write_text(
        f"---\ntitle: One more\ndate: 2026-10-01\nfeedback: [{one}]\n---\nDone.\n", encoding="utf-8")
    portalgen.build(project)
    assert tree(project / "site") == cold(project, tmp_path / "cold")


def test_2_a_file_the_loader_rejects_is_never_up_to_date(project: Path) -> None:
    portalgen.build(project)
    (project / "content" / "feedback" / "Bad Slug.md").write_text(
        "---\ntitle: x\ndate: 2026-01-01\nfrom: [customer-00000]\n---\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        portalgen.build(project)
    assert any("Bad Slug.md" in p.path for p in info.value.problems)


@pytest.mark.parametrize("name", ["static/extra.css", "digest_email.html"])
def test_3_theme_files_no_page_loads_render_no_page(project: Path, name: str) -> None:
    target = project / "templates" / name
    target.parent.mkdir(parents=True)
    if name == "digest_email.html":
        target.write_text((BUILTIN / name).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        target.write_text("body { margin: 0; }\n", encoding="utf-8")
    portalgen.build(project)
    target.write_text(target.read_text(encoding="utf-8") + "/* edited */\n", encoding="utf-8")
    result = portalgen.build(project)
    assert result.rendered == 0, f"{result.rendered} pages re-rendered for a file no page reads"


def test_4_a_card_that_prints_the_page_path_is_rendered_per_page(project: Path) -> None:
    (project / "templates").mkdir()
    macros = (BUILTIN / "macros.html").read_text(encoding="utf-8")
    (project / "templates" / "macros.html").write_text(
        macros.replace('<li class="card" data-status', '<li class="card" data-page="{{ page_path }}" data-status', 1),
        encoding="utf-8")
    site = portalgen.build(project, use_cache=False).output
    for page in ("feedback/index.html", "tags/exports/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert text.count('data-page="') > 1
        assert text.count(f'data-page="{page}"') == text.count('data-page="'), f"{page} shows another page's card"


@pytest.mark.parametrize("jobs", [1, 2])
def test_5_a_template_typo_is_a_content_error_naming_file_and_line(tmp_path: Path, jobs: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = generate(tmp_path / "portal", 420 if jobs > 1 else 30, seed=5)  # -j forks past 400 pages
    (project / "templates").mkdir()
    (project / "templates" / "feedback.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ item.recrod.title }}</p>\n{% endblock %}\n',
        encoding="utf-8")
    with pytest.raises(ContentError) as info:
        portalgen.build(project, jobs=jobs)
    problem = info.value.problems[0]
    assert problem.path == "templates/feedback.html" and problem.line == 3, problem.format()
    assert "recrod" in problem.message and "portalgen" not in problem.hint


def test_6_the_sanitiser_is_inside_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = generate(tmp_path / "portal", 6, seed=5)
    body = "```\n" + "&" * 900_000 + "\n```\n"
    (project / "content" / "feedback" / "ampersands.md").write_text(
        f"---\ntitle: Ampersands\ndate: 2026-01-01\nfrom: [customer-00000]\n---\n{body}", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        portalgen.build(project, use_cache=False)
    found = [p for p in info.value.problems if p.path == "content/feedback/ampersands.md"]
    assert found and "'body'" in found[0].message, [p.format() for p in info.value.problems]


def test_7_tags_per_item_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = generate(tmp_path / "portal", 6, seed=5)
    tags = ", ".join(f"t{n}" for n in range(3000))
    (project / "content" / "feedback" / "tagged.md").write_text(
        f"---\ntitle: Tagged\ndate: 2026-01-01\nfrom: [customer-00000]\ntags: [{tags}]\n---\nx\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        portalgen.build(project, use_cache=False)
    found = [p for p in info.value.problems if p.path == "content/feedback/tagged.md"]
    assert found and "'tags'" in found[0].message and found[0].line, [p.format() for p in info.value.problems]
