"""What issue 15's look asks of the markup, read from the built example portal (no browser needed).

No word said twice in a row where a badge meets its sentence; a change thanks each customer once;
the home page's h1 is not the portal's title; the roadmap's cards leave out their column's status and
its shipped column is bounded; a feedback item has its summary; a change's type is labelled.
The browser side (layout, sizes, screenshots) is tests/suites/browser/test_look.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import yaml
from repo_paths import REPO


def _classes(el: ET.Element) -> list[str]:
    return (el.get("class") or "").split()


def _by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in _classes(el)]


def _text(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


REPEATED = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)


def test_no_word_is_said_twice_where_a_badge_meets_its_sentence(example_pages: dict[str, ET.Element]) -> None:
    found = []
    for path, root in example_pages.items():
        for el in [*_by_class(root, "status-panel"), *_by_class(root, "trail-step"), *_by_class(root, "card")]:
            for p in el.iter("p"):
                # the badge's symbol (○ ◔ …) is hidden from readers; read what they read
                words = _text(p).lstrip("○◔◑◕●✓⏸✕ ")
                words = re.sub(r"[○◔◑◕●✓⏸✕] ", "", words)
                match = REPEATED.search(words)
                if match and not match[1].isdigit():
                    found.append(f"{path}: {words!r}")
    assert not found, "\n".join(found[:20])


def test_home_h1_says_what_the_page_is_for(example_pages: dict[str, ET.Element]) -> None:
    portal = yaml.safe_load((REPO / "content" / "portal.yaml").read_text(encoding="utf-8"))
    root = example_pages["index.html"]
    h1s = list(root.iter("h1"))
    assert len(h1s) == 1
    brand = _text(_by_class(root, "brand")[0])
    assert _text(h1s[0]) not in (brand, portal["title"]), _text(h1s[0])


def test_a_change_thanks_each_named_customer_once(example_pages: dict[str, ET.Element]) -> None:
    for path, root in example_pages.items():
        if not re.fullmatch(r"changes/(?!page/)[^/]+/index\.html", path):
            continue
        thanks = next((s for s in root.iter("section") if s.get("aria-labelledby") == "thanks"), None)
        assert thanks is not None, path
        names = [_text(a) for a in thanks.iter("a")]
        assert len(names) == len(set(names)), f"{path}: {names}"


def test_the_roadmap_board(example_pages: dict[str, ET.Element]) -> None:
    root = example_pages["roadmap/index.html"]
    columns = _by_class(root, "roadmap-column")
    assert len(columns) == 4
    for column in columns:
        heading = column.find("h2")
        assert heading is not None and _by_class(heading, "roadmap-count"), "each heading has a count"
        cards = _by_class(column, "card")
        assert all(not _by_class(card, "badge") for card in cards), "a card repeats its column's status"
    shipped = columns[-1]
    assert len(_by_class(shipped, "card")) <= 5
    assert any(a.get("href", "").endswith("changes/index.html") for a in shipped.iter("a"))


def test_a_feedback_item_has_its_summary(example_pages: dict[str, ET.Element]) -> None:
    root = example_pages["feedback/per-dashboard-permissions/index.html"]
    summary = _by_class(root, "record-summary")
    assert len(summary) == 1
    text = _text(summary[0])
    for words in ("Shipped in 4.4", "Asked by Copperline Outfitters and 1 customer in other segments",
                  "Heard 3 December 2025", "First answer 18 December 2025", "after 15 days", "Shipped 14 April 2026",
                  "Themes"):
        assert words in text, f"{words!r} not in {text!r}"
    feeds = [a.get("href") for a in summary[0].iter("a") if a.get("type") == "application/atom+xml"]
    assert feeds == ["../../tags/permissions/feed.xml", "../../tags/dashboards/feed.xml"]
    assert len(_by_class(root, "status-panel")) == 1


def test_a_changes_type_is_labelled(example_pages: dict[str, ET.Element]) -> None:
    page = example_pages["changes/csv-exports-keep-leading-zeros/index.html"]
    assert [_text(el) for el in _by_class(page, "change-type")] == ["Fixed"]
    listing = example_pages["changes/index.html"]
    labels = {_text(el) for el in _by_class(listing, "change-type")}
    assert {"New", "Changed", "Fixed", "Security"} <= labels
    ids = [s.get("aria-labelledby") for s in listing.iter("section")]
    assert "version-4.4" in ids, ids
