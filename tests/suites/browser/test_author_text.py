"""The outside judges on a portal built from what authors write, not only from our own example.

The portal of tests/authors_portal.py (headings of every level, removed links, stray list items
and table cells, tags that try to close the page) is judged by the Nu HTML Checker on every page
and by axe-core in Debian's chromium on every page a text lands on (issue 13, part 5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import judges
import pytest
from authors_portal import write_authors_portal

import portalgen

# Every template that shows an author's text, with the richest page of each.
TEXT_PAGES = ("why-not/index.html", "changes/index.html", "feedback/index.html",
              "feedback/skipping-headings/index.html", "decisions/no-reopening/index.html",
              "changes/change-0/index.html", "customers/acme/index.html", "decisions/no-table-text/index.html")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_authors_portal(tmp_path_factory.mktemp("authors") / "portal")
    return portalgen.build(project.root).output


def test_the_nu_checker_finds_no_error_on_any_page(site: Path, tmp_path: Path) -> None:
    canary = tmp_path / "stray-item.html"
    canary.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title></head><body>'
                      '<ul><li class="card"><div class="prose"><li>test</li></div></li></ul></body></html>\n',
                      encoding="utf-8")
    pages = sorted(site.rglob("*.html"))
    errors = judges.nu_messages([canary, *pages])
    assert any(m.get("url", "").endswith("/stray-item.html") for m in errors), "the checker is not checking"
    own = [f"{m.get('url', '').split('/site/')[-1]}:{m.get('lastLine')}: {m.get('message')}" for m in errors
           if not m.get("url", "").endswith("/stray-item.html")]
    assert len(pages) > 40
    assert own == []


@pytest.mark.browser
def test_axe_finds_no_violations_where_authors_text_lands(browser: Any, site: Path) -> None:
    axe = judges.axe_path()
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    found = {}
    try:
        page = context.new_page()
        for rel in TEXT_PAGES:
            page.goto((site / rel).as_uri())
            violations = judges.run_axe(page, axe)
            if violations:
                found[rel] = judges.describe_axe(violations)
    finally:
        context.close()
    assert found == {}, "\n".join(f"{rel}:\n{text}" for rel, text in found.items())
