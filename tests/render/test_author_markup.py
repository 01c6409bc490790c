"""Authors' Markdown fits the page, on a whole site built from what authors write (issue 13, part 5).

The portal (tests/authors_portal.py) puts `#####` headings, skipped levels, `javascript:` links,
stray `<li>`, `<td>`, `<dd>` and `<option>`, and tags that try to close the page's own elements
into every text of every kind. The pages are read the way a browser reads them (html5lib):
headings never skip a level, every link has an address, every card holds its own content and
nothing else, and sections have names of their own. The Nu HTML Checker and axe-core judge the
same portal in tests/suites/browser/test_author_text.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from authors_portal import BODIES, CHANGES, write_authors_portal

import portalgen

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_authors_portal(tmp_path_factory.mktemp("authors") / "portal")
    return portalgen.build(project.root).output


@pytest.fixture(scope="module")
def pages(site: Path, helpers) -> tuple[dict[str, ET.Element], list[str]]:
    errors: list[str] = []
    return helpers.parse_site(site, errors), errors


def outline(root: ET.Element) -> list[tuple[int, str]]:
    """(level, text) of every heading a reader meets, in order (a <template>'s content is inert)."""
    inert = {el for template in root.iter("template") for el in template.iter()}
    return [(int(el.tag[1]), " ".join("".join(el.itertext()).split()))
            for el in root.iter() if el.tag in HEADINGS and el not in inert]


def test_the_browser_reads_every_page_without_repairing_it(pages) -> None:
    trees, errors = pages
    assert len(trees) > 40
    assert errors == []


def test_heading_levels_never_skip_on_any_page(pages) -> None:
    skips = []
    for rel, root in pages[0].items():
        previous = 0
        for level, text in outline(root):
            if level > previous + 1:
                skips.append(f"{rel}: h{level} {text!r} after h{previous}")
            previous = level
    assert skips == []


def test_authors_headings_sit_under_the_heading_that_holds_them(pages) -> None:
    trees = pages[0]
    decision = outline(trees["decisions/no-skipping-headings/index.html"])
    assert (2, "Why") in decision
    why = decision.index((2, "Why"))
    assert decision[why + 1:why + 5] == [(3, "top heading"), (4, "skip"), (4, "back up"), (5, "deepest")]
    card = outline(trees["why-not/index.html"])
    reasons = card.index((3, "No to deep-heading")) + 1
    assert card[reasons:reasons + 2] == [(4, "Our reasons"), (5, "deep heading")]
    customer = outline(trees["customers/acme/index.html"])
    assert customer[1:3] == [(2, "About Acme"), (3, "What they do")]


def test_a_link_without_an_address_is_only_its_words(pages) -> None:
    trees = pages[0]
    bare = [f"{rel}: {ET.tostring(a, encoding='unicode')[:80]}" for rel, root in trees.items()
            for a in root.iter("a") if not a.get("href")]
    assert bare == []
    main = trees["feedback/javascript-link/index.html"].find(".//main")
    assert main is not None
    words = " ".join("".join(main.itertext()).split())
    assert "See x and docs." in words
    assert next(a.get("href") for a in main.iter("a") if a.text == "docs") == "https://example.com/docs%20a%20b"


def test_why_not_cards_hold_their_own_content(pages) -> None:
    root = pages[0]["why-not/index.html"]
    cards = root.findall(".//ul[@class='why-not']/li")
    assert len(cards) == len(BODIES)
    titles = []
    for card in cards:
        assert card.get("class") == "card why-card"
        shape = [child.tag + "." + (child.get("class") or "") for child in card]
        assert shape[:4] == ["div.card-head", "p.meta", "h4.", "div.prose"], shape
        assert set(shape[4:]) <= {"div.workaround", "p.note"}, shape
        titles.append(" ".join("".join(card[0].itertext()).split()))
    assert sorted(t.split(" ", 3)[2] for t in titles) == sorted(BODIES)


def test_feedback_list_cards_hold_their_own_content(pages) -> None:
    root = pages[0]["feedback/index.html"]
    inert = {el for template in root.iter("template") for el in template.iter()}
    cards = [li for li in root.iter("li") if li.get("class") == "card" and li not in inert]
    assert len(cards) == len(BODIES)
    for card in cards:
        assert [child.tag for child in card][:2] == ["div", "p"]


def test_every_section_of_the_changelog_has_a_name_of_its_own(pages) -> None:
    root = pages[0]["changes/index.html"]
    names = []
    for section in root.iter("section"):
        label = root.find(f".//*[@id='{section.get('aria-labelledby')}']")
        assert label is not None
        names.append(" ".join("".join(label.itertext()).split()))
    assert names == ["Version 2.0", "Other changes", "Version 1.9"]  # in the order of each one's newest change
    cards = root.findall(".//section//li[@class='card']")
    assert len(cards) == len(CHANGES)
