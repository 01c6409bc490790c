"""k-anonymous credits: an anonymous customer's segment is named only when the board has at least
portal.yaml's anonymity_threshold (default 3) anonymous customers in it; the others are credited
as "customers in other segments", in every output: pages, feed, JSON, search index, quarters,
stats, the changelog export and digests.

The board: Beta Bank (named, Finance); anonymous: one Healthcare customer, three Retail
customers and one without a segment. Nothing else in the content says "Healthcare", so with the
default threshold the word must appear in no file of site/ at all.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import html5lib
import pytest
from helpers_content import PORTAL, Project, change, decision, feedback

import portalgen
from portalgen.commands.digest import build_digest
from portalgen.commands.export import export_changelog
from portalgen.render import digest as digests

BOARD = {
    "beta": "name: Beta Bank\nsegment: Finance\ncredit: named\n",
    "carefull": "name: Carefull Clinics\nsegment: Healthcare\n",
    "shop-a": "name: Shop A\nsegment: Retail\n",
    "shop-b": "name: Shop B\nsegment: Retail\n",
    "shop-c": "name: Shop C\nsegment: Retail\n",
    "nosegment": "name: Quiet Ltd\n",
}


def write_portal(root: Path, threshold: int | None) -> Path:
    project = Project.empty(root, PORTAL + (f"anonymity_threshold: {threshold}\n" if threshold else ""))
    for slug, text in BOARD.items():
        project.write(f"content/customers/{slug}.yaml", text)
    project.write("content/feedback/care.md", feedback("Audit trail", "2026-01-05", "[carefull, beta]"))
    project.write("content/feedback/shop.md", feedback("Faster tills", "2026-01-06", "[shop-a, shop-b]"))
    project.write("content/feedback/mixed.md", feedback("Exports", "2026-01-07", "[carefull, shop-c, nosegment]",
                                                        "tags: [exports]\n"))
    # Quarters work out each anonymous customer's segment from the credits alone: this item pins
    # down that Quiet Ltd has none, so the quarter can tell it from Shop C.
    project.write("content/feedback/solo.md", feedback("Dark mode", "2026-01-09", "[nosegment]"))
    project.write("content/feedback/shop-again.md", feedback("Tills again", "2026-01-08", "[carefull]",
                                                             "duplicate_of: shop\n"))
    project.write("content/decisions/audit.md", decision("[care]", "planned", "2026-02-01", title="Audit log"))
    project.write("content/changes/exports.md", change("2026-04-02", "version: '2.0'\nfeedback: [mixed, shop]\n",
                                                       title="Exports shipped"))
    return root


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return portalgen.build(write_portal(tmp_path_factory.mktemp("k3"), None), jobs=1).output


@pytest.fixture(scope="module")
def threshold_one_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return portalgen.build(write_portal(tmp_path_factory.mktemp("k1"), 1), jobs=1).output


def text_of(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def main_text(site: Path, page: str) -> str:
    root = html5lib.parse((site / page).read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    main = root.find(".//main")
    assert main is not None, page
    return text_of(main)


def credits(site: Path, kind: str, slug: str) -> dict[str, object]:
    document = json.loads((site / "api" / "portal.json").read_text(encoding="utf-8"))
    return next(r["credits"] for r in document[kind] if r["slug"] == slug)


def test_a_small_segment_is_named_in_no_file_of_the_site(default_site: Path) -> None:
    files = [p for p in default_site.rglob("*") if p.is_file()]
    assert len(files) > 20
    found = [p.relative_to(default_site).as_posix() for p in files
             if b"healthcare" in p.read_bytes().lower() or "healthcare" in p.as_posix().lower()]
    assert found == []


def test_small_segments_are_credited_as_other_segments_and_big_ones_by_name(default_site: Path) -> None:
    assert ("Asked by Beta Bank and 1 customer in other segments Heard"
            in main_text(default_site, "feedback/care/index.html"))
    assert "Asked by 2 customers in Retail Heard" in main_text(default_site, "feedback/shop/index.html")
    assert ("Asked by 1 customer in Retail, 1 customer in other segments and 1 customer Heard"
            in main_text(default_site, "feedback/mixed/index.html"))
    shop = main_text(default_site, "feedback/shop/index.html")
    assert "Tills again — 1 customer in other segments" in shop  # also asked, through a duplicate
    assert ("This shipped because 3 customers in Retail, 1 customer in other segments and 1 customer asked for it."
            in main_text(default_site, "changes/exports/index.html"))
    assert credits(default_site, "changes", "exports")["anonymous"] == [
        {"segment": "Retail", "count": 3}, {"segment": None, "other_segments": True, "count": 1},
        {"segment": None, "count": 1}]
    assert credits(default_site, "feedback", "care")["anonymous"] == [
        {"segment": None, "other_segments": True, "count": 1}]


def test_feed_quarters_and_search_index_credit_the_same_way(default_site: Path) -> None:
    feed = (default_site / "feed.xml").read_text(encoding="utf-8")
    assert "Thanks to 3 customers in Retail, 1 customer in other segments and 1 customer." in feed
    quarter = main_text(default_site, "quarters/2026-q1/index.html")
    assert ("We heard from Beta Bank and 3 customers in Retail, 1 customer in other segments and 1 customer."
            in quarter)
    index = (default_site / "search" / "index.js").read_text(encoding="utf-8")
    assert "1 customer in Retail, 1 customer in other segments and 1 customer" in index
    options = re.findall(r'<option value="([^"]*)"', (default_site / "feedback/index.html").read_text("utf-8"))
    assert "retail" in options and "other-segments" not in options


def test_exports_credit_the_same_way(default_site: Path) -> None:
    project = default_site.parent
    changelog = export_changelog(project)
    assert "Thanks to 3 customers in Retail, 1 customer in other segments and 1 customer." in changelog
    today = date(2026, 5, 1)
    for customer in ("beta", "shop-a"):
        d = build_digest(project, customer, today=today)[0]
        for fmt in digests.FORMATS:
            assert b"healthcare" not in digests.render(d, fmt, digests.environment(project)).lower()
    assert "healthcare" not in changelog.lower()


def test_threshold_one_names_every_segment(threshold_one_site: Path) -> None:
    assert ("Asked by Beta Bank and 1 customer in Healthcare Heard"
            in main_text(threshold_one_site, "feedback/care/index.html"))
    assert ("This shipped because 1 customer in Healthcare, 3 customers in Retail and 1 customer asked for it."
            in main_text(threshold_one_site, "changes/exports/index.html"))
    assert credits(threshold_one_site, "feedback", "care")["anonymous"] == [{"segment": "Healthcare", "count": 1}]
    options = re.findall(r'<option value="([^"]*)"', (threshold_one_site / "feedback/index.html").read_text("utf-8"))
    assert "healthcare" in options
