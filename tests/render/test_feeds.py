"""Feeds to follow (site, per theme, per named customer) and the sitemap, judged by outside tools.

- every feed parses with feedparser without a single error (bozo == 0) and carries RFC 4287's
  required elements;
- a theme's feed holds the decisions and changes on its feedback, a customer's feed those on what
  they raised, both worked out from the built HTML pages rather than from portalgen's model;
- sitemap.xml validates against the sitemaps.org XSD that the npm package `sitemap` ships
  (with xmllint when installed, otherwise lxml).
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
import yaml
from repo_paths import REPO

import portalgen

CONTENT = REPO / "content"
A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def node_modules() -> Path:
    env = os.environ.get("PORTALGEN_NODE_MODULES")
    return Path(env) if env else REPO / "tests" / "node_modules"


def _build(root: Path, drop_base_url: bool = False) -> tuple[Path, str | None]:
    shutil.copytree(CONTENT, root / "content")
    portal = root / "content" / "portal.yaml"
    data = yaml.safe_load(portal.read_text(encoding="utf-8"))
    if drop_base_url:
        data.pop("base_url", None)
        portal.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return portalgen.build(root).output, data.get("base_url")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    site, base = _build(tmp_path_factory.mktemp("feeds") / "portal")
    assert base
    return site, base


@pytest.fixture(scope="module")
def built_no_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("feeds-nobase") / "portal", drop_base_url=True)[0]


def feeds_of(site: Path) -> list[str]:
    return ["feed.xml", *sorted(p.relative_to(site).as_posix() for p in site.glob("tags/*/feed.xml")),
            *sorted(p.relative_to(site).as_posix() for p in site.glob("customers/*/feed.xml"))]


def _page(site: Path, rel: str) -> ET.Element:
    return html5lib.parse((site / rel).read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def _resolve(page: str, href: str) -> str | None:
    if not href or urlsplit(href).scheme or href.startswith(("#", "/")):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), urlsplit(href).path))
    return joined + "/index.html" if href.endswith("/") else joined


def _record_links(site: Path, page: str, root: ET.Element | None = None) -> set[str]:
    """Decision and change pages a page links to."""
    root = root if root is not None else _page(site, page)
    found = set()
    for a in root.iter("a"):
        target = _resolve(page, a.get("href", ""))
        if target and re.fullmatch(r"(decisions|changes)/[^/]+/index\.html", target):
            found.add(target)
    return found


def _entry_pages(feed: ET.Element, base: str) -> set[str]:
    pages = set()
    for entry in feed.iter(A + "entry"):
        href = next(link.get("href") for link in entry.iter(A + "link") if link.get("rel", "alternate") == "alternate")
        assert href.startswith(base), href
        pages.add(href[len(base):] + "index.html")
    return pages


# --- parsing and RFC 4287 -------------------------------------------------------------------------


def test_there_is_a_feed_per_tag_and_per_named_customer(built) -> None:
    site, _ = built
    tags = {p.parent.name for p in site.glob("tags/*/index.html")}
    customers = {p.parent.name for p in site.glob("customers/*/index.html")}
    assert tags and customers
    assert {p.parent.name for p in site.glob("tags/*/feed.xml")} == tags
    assert {p.parent.name for p in site.glob("customers/*/feed.xml")} == customers


def test_every_feed_parses_without_errors(built) -> None:
    site, _ = built
    for rel in feeds_of(site):
        parsed = feedparser.parse((site / rel).read_bytes())
        assert parsed.bozo == 0, f"{rel}: {parsed.get('bozo_exception')!r}"
        assert parsed.version == "atom10", rel
        assert parsed.feed.get("title"), rel


def _check_rfc4287(rel: str, data: bytes, absolute_ids: bool = True) -> ET.Element:
    feed = ET.fromstring(data)
    assert feed.tag == A + "feed", rel
    for name in ("id", "title", "updated"):
        found = feed.findall(A + name)
        assert len(found) == 1 and (found[0].text or "").strip(), f"{rel}: feed needs exactly one <{name}>"
    assert RFC3339.fullmatch(feed.find(A + "updated").text), rel
    entries = feed.findall(A + "entry")
    feed_author = feed.find(A + "author")
    if feed_author is None:
        assert entries and all(e.find(A + "author") is not None for e in entries), f"{rel}: no author"
    else:
        assert (feed_author.findtext(A + "name") or "").strip(), f"{rel}: author without a name"
    selfs = [link for link in feed.findall(A + "link") if link.get("rel") == "self"]
    assert len(selfs) == 1, f"{rel}: needs one rel=self link"
    ids = [feed.findtext(A + "id")]
    for entry in entries:
        for name in ("id", "title", "updated"):
            found = entry.findall(A + name)
            assert len(found) == 1 and (found[0].text or "").strip(), f"{rel}: entry needs exactly one <{name}>"
        assert RFC3339.fullmatch(entry.findtext(A + "updated")), rel
        alternates = [link for link in entry.findall(A + "link") if link.get("rel", "alternate") == "alternate"]
        assert alternates or entry.find(A + "content") is not None, f"{rel}: entry needs a link or content"
        assert len(alternates) <= 1, rel
        ids.append(entry.findtext(A + "id"))
    assert len(set(ids)) == len(ids), f"{rel}: ids must be unique"
    for ident in ids:
        assert urlsplit(ident).scheme in ("http", "https", "urn", "tag"), f"{rel}: id {ident!r} is not an IRI"
    # entries newest first, and the feed's updated is the newest entry's
    stamps = [e.findtext(A + "updated") for e in entries]
    assert stamps == sorted(stamps, reverse=True), rel
    if stamps:
        assert feed.findtext(A + "updated") == stamps[0], rel
    return feed


def test_every_feed_has_the_rfc4287_required_elements(built) -> None:
    site, base = built
    for rel in feeds_of(site):
        feed = _check_rfc4287(rel, (site / rel).read_bytes())
        self_link = next(link for link in feed.findall(A + "link") if link.get("rel") == "self")
        assert self_link.get("href") == base + rel, rel
        alternate = next(link for link in feed.findall(A + "link") if link.get("rel") == "alternate")
        assert alternate.get("href").startswith(base), rel
        for entry in feed.iter(A + "entry"):
            href = next(link.get("href") for link in entry.iter(A + "link"))
            assert href.startswith(base) and (site / href[len(base):] / "index.html").is_file(), href


def test_breaking_a_feed_is_caught() -> None:
    """The checks above fail on a feed that misses required elements (proof the bar can fail)."""
    broken = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
              b'<title>x</title><entry><title>e</title></entry></feed>')
    with pytest.raises(AssertionError):
        _check_rfc4287("broken.xml", broken)
    assert feedparser.parse(b"<feed xmlns='http://www.w3.org/2005/Atom'><title>x</titl></feed>").bozo == 1


# --- what each feed holds -------------------------------------------------------------------------


def test_tag_feeds_hold_the_decisions_and_changes_on_their_feedback(built) -> None:
    site, base = built
    checked = 0
    for feed_path in sorted(site.glob("tags/*/feed.xml")):
        tag_dir = feed_path.parent.relative_to(site).as_posix()
        feedback: set[str] = set()
        for page in sorted(site.glob(f"{tag_dir}/**/index.html")):
            rel = page.relative_to(site).as_posix()
            for a in _page(site, rel).iter("a"):
                target = _resolve(rel, a.get("href", ""))
                if target and re.fullmatch(r"feedback/[^/]+/index\.html", target) and "/status/" not in target:
                    feedback.add(target)
        expected: set[str] = set()
        for item in feedback:
            root = _page(site, item)
            trail = next(s for s in root.iter("section") if s.get("aria-labelledby") == "trail")
            expected |= _record_links(site, item, trail)
        got = _entry_pages(ET.parse(feed_path).getroot(), base)
        if len(expected) <= 50:
            assert got == expected, tag_dir
        else:
            assert got <= expected and len(got) == 50, tag_dir
        checked += bool(expected)
    assert checked, "no theme feed had entries"


def test_customer_feeds_follow_what_they_asked_for(built) -> None:
    site, base = built
    checked = 0
    for feed_path in sorted(site.glob("customers/*/feed.xml")):
        page = feed_path.parent.relative_to(site).as_posix() + "/index.html"
        root = _page(site, page)
        expected: set[str] = set()
        for section in root.iter("section"):
            if section.get("aria-labelledby") in ("decided", "shipped"):
                expected |= _record_links(site, page, section)
        got = _entry_pages(ET.parse(feed_path).getroot(), base)
        assert got == expected or (len(got) == 50 and got <= expected), page
        checked += bool(expected)
    assert checked


def test_feeds_never_name_anonymous_customers(built) -> None:
    site, _ = built
    default = yaml.safe_load((CONTENT / "portal.yaml").read_text(encoding="utf-8")).get("credit_default", "anonymous")
    secrets = []
    for path in sorted((CONTENT / "customers").glob("*")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text.split("---")[1] if path.suffix == ".md" else text) or {}
        if (data.get("credit") or default) != "named":
            secrets += [data["name"], *(p["name"] for p in data.get("people") or [])]
    assert secrets
    for rel in feeds_of(site):
        text = (site / rel).read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, f"{rel} names anonymous {secret!r}"


# --- without a base_url ---------------------------------------------------------------------------


def test_without_base_url_feeds_link_relative_to_themselves(built_no_base: Path) -> None:
    site = built_no_base
    assert not (site / "sitemap.xml").exists()
    for rel in feeds_of(site):
        data = (site / rel).read_bytes()
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0, f"{rel}: {parsed.get('bozo_exception')!r}"
        feed = _check_rfc4287(rel, data)
        for ident in [feed.findtext(A + "id"), *(e.findtext(A + "id") for e in feed.iter(A + "entry"))]:
            assert ident.startswith("urn:uuid:"), f"{rel}: {ident}"
        for link in feed.iter(A + "link"):
            href = link.get("href")
            assert not urlsplit(href).scheme and not href.startswith("/"), f"{rel}: {href!r}"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
            path = site / target
            assert (path / "index.html").is_file() if link.get("rel") != "self" else path.is_file(), (rel, href)


# --- sitemap --------------------------------------------------------------------------------------


def _sitemap_xsd() -> Path:
    xsd = node_modules() / "sitemap" / "schema" / "sitemap.xsd"
    if not xsd.is_file():
        pytest.skip(f"npm package sitemap is not installed ({xsd} missing): run scripts/test")
    return xsd


def _validate(xml: Path, xsd: Path) -> list[str]:
    """Schema errors as messages: xmllint when installed, else lxml; skip when neither is there."""
    xmllint = shutil.which("xmllint")
    if xmllint:
        out = subprocess.run([xmllint, "--noout", "--schema", str(xsd), str(xml)],
                             capture_output=True, text=True, timeout=60, check=False)
        return [] if out.returncode == 0 else [line for line in out.stderr.splitlines() if "validates" not in line]
    try:
        from lxml import etree
    except ImportError:
        pytest.skip("neither xmllint (apt-get install libxml2-utils) nor lxml (pip install lxml) is installed")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    ok = schema.validate(etree.parse(str(xml)))
    return [] if ok else [str(e) for e in schema.error_log]


def test_sitemap_validates_against_the_sitemaps_org_xsd(built) -> None:
    site, base = built
    xsd = _sitemap_xsd()
    assert _validate(site / "sitemap.xml", xsd) == []
    locs = [el.text for el in ET.parse(site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert sorted(locs) == sorted(base + p.removesuffix("index.html") for p in pages)


def test_an_invalid_sitemap_is_caught(tmp_path: Path) -> None:
    """The validator really validates: a sitemap with an unknown element fails (proof the bar can fail)."""
    xsd = _sitemap_xsd()
    bad = tmp_path / "sitemap.xml"
    bad.write_text('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   "<url><where>https://x.example/</where></url></urlset>", encoding="utf-8")
    assert _validate(bad, xsd)
