"""Findability in the built HTML: the search box, the search index, filters, canonical URLs, Open Graph.

Everything here reads the example portal's output as files; what a browser does with it is in
test_quality.py. Expectations come from content/ read with PyYAML, not from portalgen's model.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
import yaml
from repo_paths import REPO

import portalgen

CONTENT = REPO / "content"
PREFIX = "window.PORTALGEN_SEARCH="
STATUSES = {"heard", "under-review", "planned", "in-progress", "shipped", "declined", "deferred",
            "already-available"}
FOLDERS = {"f": "feedback", "d": "decisions", "c": "changes"}


@dataclass(frozen=True)
class Built:
    site: Path
    base_url: str | None
    pages: dict[str, ET.Element]


def _parse(path: Path) -> ET.Element:
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def _build(root: Path, base_url: str | None = "keep") -> Built:
    shutil.copytree(CONTENT, root / "content")
    portal = root / "content" / "portal.yaml"
    data = yaml.safe_load(portal.read_text(encoding="utf-8"))
    if base_url != "keep":
        data.pop("base_url", None)
        if base_url:
            data["base_url"] = base_url
        portal.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    site = portalgen.build(root).output
    pages = {p.relative_to(site).as_posix(): _parse(p) for p in sorted(site.rglob("*.html"))}
    return Built(site, data.get("base_url"), pages)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("findability") / "portal")


@pytest.fixture(scope="module")
def built_no_base(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("findability-nobase") / "portal", base_url=None)


def _records(folder: str) -> dict[str, dict]:
    out = {}
    for path in sorted((CONTENT / folder).rglob("*")):
        if path.suffix not in (".md", ".yaml", ".yml") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            front = text.split("---", 2)[1] if text.startswith("---") else ""
            data = yaml.safe_load(front) or {}
        else:
            data = yaml.safe_load(text) or {}
        out[path.stem] = data
    return out


def _published(record: dict) -> bool:
    return not record.get("draft") and record.get("visibility", "public") != "private"


@pytest.fixture(scope="module")
def content() -> dict[str, dict[str, dict]]:
    return {kind: _records(kind) for kind in ("customers", "feedback", "decisions", "changes")}


def _anonymous(content: dict[str, dict[str, dict]]) -> dict[str, dict]:
    default = yaml.safe_load((CONTENT / "portal.yaml").read_text(encoding="utf-8")).get("credit_default", "anonymous")
    return {slug: c for slug, c in content["customers"].items() if (c.get("credit") or default) != "named"}


def _credited_segment(content: dict[str, dict[str, dict]], slug: str) -> str | None:
    """The segment a customer is credited by: an anonymous customer's only when enough share it."""
    segment = content["customers"][slug].get("segment")
    anonymous = _anonymous(content)
    if slug not in anonymous:
        return segment
    threshold = yaml.safe_load((CONTENT / "portal.yaml").read_text(encoding="utf-8")).get("anonymity_threshold", 3)
    return segment if sum(c.get("segment") == segment for c in anonymous.values()) >= threshold else None


def _resolve(page: str, href: str) -> str:
    """Site-relative file a relative link on page points at (folder links → index.html)."""
    assert not urlsplit(href).scheme and not href.startswith("/"), f"{page}: {href!r} is not relative"
    path = urlsplit(href).path
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/") or path == "":
        joined = posixpath.join(joined, "index.html")
    return joined.removeprefix("./")


def _local(page: str, href: str | None) -> str | None:
    """Like _resolve, but None for links that leave the site (other hosts, mailto:, fragments)."""
    if not href or urlsplit(href).scheme or href.startswith(("#", "//")):
        return None
    return _resolve(page, href)


def _text(el: ET.Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _index(site: Path) -> dict:
    raw = (site / "search" / "index.js").read_text(encoding="utf-8")
    assert raw.startswith(PREFIX) and raw.rstrip().endswith(";"), "index.js must assign window.PORTALGEN_SEARCH"
    return json.loads(raw[len(PREFIX):].rstrip().removesuffix(";"))


# --- the search box ----------------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_leading_to_the_feedback_list(built: Built) -> None:
    for page, root in built.pages.items():
        forms = [f for f in root.iter("form") if f.get("role") == "search"]
        assert len(forms) == 1, f"{page}: expected one <form role=search>, found {len(forms)}"
        form = forms[0]
        assert form.get("method", "get").lower() == "get", page
        action = form.get("action", "")
        if page == "404.html":  # served at any depth: the one page with site-absolute links
            assert action == "/feedback/", page
        else:
            assert _resolve(page, action) == "feedback/index.html", f"{page}: search leads to {action!r}"
        boxes = [i for i in form.iter("input") if i.get("type") == "search"]
        assert len(boxes) == 1 and boxes[0].get("name") == "q", page
        box_id = boxes[0].get("id")
        labels = [label for label in root.iter("label") if label.get("for") == box_id]
        assert box_id and labels and _text(labels[0]), f"{page}: the search box has no <label for>"
        assert any(b.get("type") == "submit" for b in form.iter("button")), f"{page}: no submit button"


def test_search_script_is_external_relative_and_knows_the_site_root(built: Built) -> None:
    for page, root in built.pages.items():
        scripts = list(root.iter("script"))
        assert scripts, page
        for script in scripts:
            assert script.get("src"), f"{page}: inline <script> (the CSP forbids it)"
        srcs = [s.get("src") for s in scripts]
        html = root if root.tag == "html" else root.find("html")
        data_root = html.get("data-root")
        if page == "404.html":
            assert "/static/search.js" in srcs and data_root == "/", page
            continue
        assert any(_resolve(page, s) == "static/search.js" for s in srcs), f"{page}: search.js missing"
        assert data_root and _resolve(page, data_root) == "index.html", f"{page}: data-root={data_root!r}"
        on_list = page.startswith("feedback/") and (page.count("/") == 1 or "/page/" in page
                                                     or page.startswith("feedback/status/"))
        has_filters = any(_resolve(page, s) == "static/filters.js" for s in srcs)
        assert has_filters == on_list, f"{page}: filters.js {'missing' if on_list else 'not expected'}"


def test_static_scripts_are_shipped(built: Built) -> None:
    for name in ("search.js", "filters.js"):
        text = (built.site / "static" / name).read_text(encoding="utf-8")
        assert "innerHTML" not in text, f"{name} must build DOM with textContent only"
        assert "http://" not in text and "https://" not in text, f"{name} must not reach outside the site"


def test_no_inline_styles_and_no_page_embeds_all_records(built: Built) -> None:
    for page in built.pages:
        raw = (built.site / page).read_text(encoding="utf-8")
        assert "PORTALGEN_SEARCH" not in raw, f"{page} embeds the search index"
        assert not re.search(r"<[^>]+\sstyle=", raw), f"{page}: style attribute (blocked by the CSP)"
        assert "<style" not in raw, f"{page}: <style> element (blocked by the CSP)"


# --- the search index -----------------------------------------------------------------------------


def test_search_index_holds_every_published_record_and_nothing_else(built: Built, content) -> None:
    index = _index(built.site)
    assert index["v"] == 1
    rows = index["i"]
    got = {(row[0], row[1]) for row in rows}
    assert len(got) == len(rows), "duplicate rows in the index"
    expected = {(kind, slug) for kind, folder in FOLDERS.items()
                for slug, record in content[folder].items() if _published(record)}
    assert got == expected
    hidden = {slug for folder in FOLDERS.values() for slug, r in content[folder].items() if not _published(r)}
    assert hidden, "the example portal should have a draft or private record to prove this"
    for kind, slug, title, text, status, day, tags, segs, names, *credit in rows:
        assert isinstance(names, str)
        assert len(credit) == (1 if kind == "f" else 0), "feedback rows carry their card's credit sentence"
        assert (built.site / FOLDERS[kind] / slug / "index.html").is_file()
        assert title and status in STATUSES and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
        assert len(text) <= 300, f"{slug}: text not truncated"
        assert "<" not in text, f"{slug}: HTML in index text"
        assert all(0 <= t < len(index["tags"]) for t in tags) and all(0 <= s < len(index["segs"]) for s in segs)
        if kind != "f":
            assert not segs


def test_search_index_matches_the_content(built: Built, content) -> None:
    rows = {(row[0], row[1]): row for row in _index(built.site)["i"]}
    index = _index(built.site)
    tag_names = {name.casefold() for _, name in index["tags"]}
    anonymous = _anonymous(content)
    for slug, record in content["feedback"].items():
        if not _published(record):
            continue
        row = rows["f", slug]
        assert row[2] == record["title"]
        assert row[5] == str(record["date"])
        assert {index["tags"][t][1].casefold() for t in row[6]} == {t.casefold() for t in record.get("tags") or []}
        named = {content["customers"][c]["name"] for c in record["from"] if c not in anonymous}
        assert set(filter(None, row[8].split(", "))) == named, slug
        segments = {_credited_segment(content, c) for c in record["from"]} - {None, ""}
        assert {index["segs"][s][1] for s in row[7]} == segments, slug
    for slug, record in content["decisions"].items():
        if _published(record):
            assert rows["d", slug][4] == record["outcome"]
    assert tag_names


def test_search_index_never_names_anonymous_customers(built: Built, content) -> None:
    raw = (built.site / "search" / "index.js").read_text(encoding="utf-8")
    anonymous = _anonymous(content)
    assert anonymous, "the example portal should have anonymous customers to prove this"
    for slug, customer in anonymous.items():
        for secret in [customer["name"], *(p["name"] for p in customer.get("people") or [])]:
            assert secret not in raw, f"anonymous customer {slug} leaks into the search index"
        assert f'"{slug}"' not in raw


def test_search_index_is_compact(built: Built) -> None:
    raw = (built.site / "search" / "index.js").read_bytes()
    rows = len(_index(built.site)["i"])
    assert len(raw) / rows < 700, f"{len(raw) / rows:.0f} bytes per record: keep the index compact"
    assert b"\n" not in raw.rstrip(b"\n"), "no pretty-printing"


# --- filters --------------------------------------------------------------------------------------


def test_feedback_lists_offer_filters_by_status_theme_and_segment(built: Built, content) -> None:
    tags_on_site = {p.split("/")[1] for p in built.pages if p.startswith("tags/") and p.count("/") == 2}
    for page, root in built.pages.items():
        form = next((f for f in root.iter("form") if f.get("id") == "feedback-filters"), None)
        is_list = page == "feedback/index.html" or page.startswith(("feedback/page/", "feedback/status/"))
        assert (form is not None) == is_list, page
        if form is None:
            continue
        assert form.get("hidden") is not None, f"{page}: the filter form needs JavaScript, so starts hidden"
        selects = {s.get("name"): s for s in form.iter("select")}
        assert set(selects) == {"status", "tag", "segment"}, page
        for select in selects.values():
            assert any(label.get("for") == select.get("id") for label in root.iter("label")), page
        assert {o.get("value") for o in selects["status"].iter("option")} == STATUSES | {""}
        assert {o.get("value") for o in selects["tag"].iter("option")} == tags_on_site | {""}
        segments = {o.get("value") for o in selects["segment"].iter("option")} - {""}
        assert segments, page
        if page.startswith("feedback/status/"):
            status = page.split("/")[2]
            chosen = [o.get("value") for o in selects["status"].iter("option") if o.get("selected") is not None]
            assert chosen == [status], page
        prototype = {id(li) for t in root.iter("template") for li in t.iter("li")}  # filters.js's copy source
        cards = [li for li in root.iter("li") if li.get("data-status") and id(li) not in prototype]
        assert cards or "Nothing here yet" in _text(root), page
        for card in cards:
            badge = next(s for s in card.iter("span") if "badge-" in (s.get("class") or ""))
            assert f"badge-{card.get('data-status')}" in badge.get("class"), page
            tag_links = [a.get("href") for a in card.iter("a") if "/tags/" in "/" + _resolve(page, a.get("href"))]
            assert set(card.get("data-tags").split()) == {_resolve(page, h).split("/")[1] for h in tag_links}


def test_status_pages_stay_as_static_fallback(built: Built) -> None:
    for status in STATUSES:
        assert f"feedback/status/{status}/index.html" in built.pages


# --- sharing: canonical URLs and Open Graph -------------------------------------------------------


def _meta(root: ET.Element, prop: str) -> str | None:
    for el in root.iter("meta"):
        if el.get("property") == prop or el.get("name") == prop:
            return el.get("content")
    return None


def _canonical(root: ET.Element) -> list[str]:
    return [el.get("href") for el in root.iter("link") if el.get("rel") == "canonical"]


def test_every_page_has_canonical_url_and_open_graph(built: Built) -> None:
    base = built.base_url
    assert base and base.endswith("/")
    for page, root in built.pages.items():
        for prop in ("og:title", "og:description", "og:type", "og:site_name"):
            assert (_meta(root, prop) or "").strip(), f"{page}: {prop} missing or empty"
        assert _meta(root, "description"), f"{page}: meta description"
        assert _meta(root, "og:type") in ("website", "article")
        if page == "404.html":
            assert not _canonical(root) and _meta(root, "og:url") is None, "404 is served at any URL"
            assert _meta(root, "robots") == "noindex"
            continue
        expected = base + page.removesuffix("index.html")
        assert _canonical(root) == [expected], page
        assert _meta(root, "og:url") == expected, page
    assert _meta(built.pages["feedback/" + next(p.split("/")[1] for p in built.pages
                                                 if p.startswith("feedback/") and p.count("/") == 2
                                                 and not p.startswith("feedback/status/")
                                                 and not p.startswith("feedback/page/")) + "/index.html"],
                 "og:type") == "article"
    assert _meta(built.pages["index.html"], "og:type") == "website"


def test_without_base_url_no_absolute_page_urls(built_no_base: Built) -> None:
    for page, root in built_no_base.pages.items():
        assert not _canonical(root), page
        assert _meta(root, "og:url") is None, page
        assert _meta(root, "og:title"), page


def test_page_links_stay_relative(built: Built) -> None:
    for page, root in built.pages.items():
        if page == "404.html":
            continue
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action")):
            for el in root.iter(tag):
                value = el.get(attr) or ""
                if tag == "link" and el.get("rel") == "canonical":
                    continue
                assert not value.startswith("/"), f"{page}: {tag}[{attr}]={value!r} is site-absolute"
                if value.startswith(("http://", "https://")):
                    assert not value.startswith(built.base_url), f"{page}: {value!r} should be relative"


# --- feeds linked from their pages ----------------------------------------------------------------


def _alternates(root: ET.Element) -> list[str]:
    return [el.get("href") for el in root.iter("link")
            if el.get("rel") == "alternate" and el.get("type") == "application/atom+xml"]


def test_tag_and_customer_pages_link_their_feeds(built: Built, content) -> None:
    checked = {"tags": 0, "customers": 0}
    for page, root in built.pages.items():
        parts = page.split("/")
        if parts[0] not in checked or len(parts) != 3:
            continue
        feeds = [_resolve(page, href) for href in _alternates(root)]
        own = f"{parts[0]}/{parts[1]}/feed.xml"
        assert "feed.xml" in feeds, f"{page}: site feed not linked"
        assert own in feeds, f"{page}: its own feed is not linked with <link rel=alternate>"
        assert (built.site / own).is_file(), own
        visible = [a for a in root.find("body").iter("a") if _local(page, a.get("href")) == own]
        assert visible and _text(visible[0]), f"{page}: no visible link to {own}"
        checked[parts[0]] += 1
    assert checked["tags"] and checked["customers"]
    anonymous = _anonymous(content)
    for slug in anonymous:
        assert not (built.site / "customers" / slug).exists(), f"anonymous customer {slug} has a folder"


def test_every_page_links_the_site_feed(built: Built) -> None:
    for page, root in built.pages.items():
        hrefs = _alternates(root)
        if page == "404.html":
            assert "/feed.xml" in hrefs
        else:
            assert "feed.xml" in [_resolve(page, h) for h in hrefs], page
