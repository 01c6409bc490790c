"""Quarterly "you said, we did" pages (quarters/) and the stats/ page with its SVG charts and tables."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from closing_loop_project import ANONYMOUS_NAMES, EXAMPLE_CONTENT, copy_example, protected_names, write_project

import portalgen
from portalgen.model import linking, markdown, quarters, urls
from portalgen.model.quarters import Quarter
from portalgen.pipeline import building
from portalgen.render.wording import quarter_months

LAST_RECORD = "1778112000"  # 2026-05-07 UTC, the day of the test project's last record


def parse(path: Path) -> ET.Element:
    """Parsed like a browser; SVG elements lose their namespace so tests can say "svg", "rect"."""
    root = html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    return root


def resolve(page: str, href: str) -> str:
    """Site-relative path a relative link on a page points at."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), urlsplit(href).path))


def text_of(el: ET.Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def section(root: ET.Element, heading_id: str) -> ET.Element:
    for sec in root.iter("section"):
        if sec.get("aria-labelledby") == heading_id:
            return sec
    raise AssertionError(f"no section labelled by {heading_id}")


def card_titles(el: ET.Element) -> list[str]:
    return [text_of(t) for t in el.iter() if "card-title" in (t.get("class") or "").split()]


def table_rows(table: ET.Element) -> list[list[str]]:
    return [[text_of(c) for c in tr if c.tag in ("th", "td")] for tr in table.find("tbody").iter("tr")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_project(tmp_path_factory.mktemp("quarters") / "portal")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", LAST_RECORD)  # built on the day of the last record
        return portalgen.build(project).output


# --- bucketing ------------------------------------------------------------------------------------


def test_quarter_arithmetic() -> None:
    q = Quarter.of(date(2026, 2, 28))
    assert (q.year, q.number, q.key, q.label) == (2026, 1, "2026-q1", "Q1 2026")
    assert (q.start, q.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_months(q) == "January to March 2026" and urls.quarter(q.key) == "quarters/2026-q1/index.html"
    assert Quarter.of(date(2025, 12, 31)) == Quarter(2025, 4) and Quarter(2025, 4).end == date(2025, 12, 31)
    assert Quarter(2025, 4).next() == Quarter(2026, 1) and Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert date(2026, 3, 31) in q and date(2026, 4, 1) not in q and None not in q
    assert quarters.quarter_range(date(2025, 11, 15), date(2026, 8, 1)) == [
        Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)]


def test_segments_are_inferred_only_when_certain() -> None:
    solved = quarters._solve([(["a", "b"], Counter({"Health": 1, "Retail": 1})), (["a"], Counter({"Health": 1}))])
    assert solved == {"a": "Health", "b": "Retail"}
    assert quarters._solve([(["a", "b"], Counter({"Health": 1, "Retail": 1}))]) == {}


def test_quarter_credit_matches_credit_rules_on_example(tmp_path: Path) -> None:
    """Each customer counted once per quarter, anonymous ones by segment: as linking.credit_for would."""
    records, _ = building.check(copy_example(tmp_path / "example"))
    html = markdown.render_records(records)
    model = linking.link(records, lambda kind, slug, name: html.get((kind, slug, name), ""))
    small = linking.small_segments(records.customers, records.portal.anonymity_threshold)
    assert small and small != {c.segment for c in records.customers.values()}  # both kinds of credit on show
    for summary in quarters.summaries(model):
        expected = linking.credit_for([s for i in summary.heard for s in i.record.customers], records.customers,
                                      small)
        assert [c.slug for c in summary.heard_from.named] == [c.slug for c in expected.named]
        assert summary.heard_from.anonymous == expected.anonymous, summary.quarter.label
        assert summary.heard_from.other_segments == expected.other_segments, summary.quarter.label


# --- quarter pages ---------------------------------------------------------------------------------


def test_one_page_per_quarter_and_an_index(site: Path) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "quarters").rglob("*.html"))
    assert pages == ["quarters/2025-q4/index.html", "quarters/2026-q1/index.html", "quarters/2026-q2/index.html",
                     "quarters/index.html"]


def test_quarter_page_said_decided_did(site: Path) -> None:
    root = parse(site / "quarters/2026-q1/index.html")
    assert text_of(root.find(".//h1")) == "You said, we did: Q1 2026"
    assert card_titles(section(root, "q-said")) == ["SSO for the legacy directory", "Single sign-on with our old IdP",
                                                    "CSV export", "Dark mode"]
    assert card_titles(section(root, "q-decided")) == ["No legacy SSO", "Dark mode is planned",
                                                       "Reports already exist"]
    assert card_titles(section(root, "q-did")) == ["Dark mode is here", "Faster search", "Tidier menus"]
    numbers = section(root, "q-numbers")
    values = {text_of(div.find("dt")): text_of(div.find("dd")) for div in numbers.iter("div")}
    assert values == {"Heard": "4", "From customers": "4", "Decisions taken": "3", "Requests answered": "4",
                      "Median days to an answer": "22", "Changes shipped": "3", "Requests delivered": "1"}
    # One anonymous customer each in Healthcare and Retail: too few on the board to name either segment.
    assert "We heard from Acme Health, Umbrella Corp and 2 customers in other segments." in text_of(numbers)


def test_quarter_page_only_published_records(site: Path) -> None:
    root = parse(site / "quarters/2026-q2/index.html")
    assert card_titles(section(root, "q-said")) == ["Higher API limits", "A mobile app"]  # no private, no draft
    assert card_titles(section(root, "q-decided")) == ["Not now: mobile app"]
    assert card_titles(section(root, "q-did")) == []
    assert "Nothing shipped this quarter." in text_of(section(root, "q-did"))
    page = (site / "quarters/2026-q2/index.html").read_text(encoding="utf-8")
    for hidden in ("Cheaper viewer seats", "A new idea", "CSV export planned", "Secret change"):
        assert hidden not in page


def test_quarter_navigation(site: Path) -> None:
    def nav(path: str) -> list[tuple[str, str]]:
        root = parse(site / path)
        found = [n for n in root.iter("nav") if n.get("aria-label") == "Other quarters"]
        return [(text_of(a), resolve(path, a.get("href"))) for a in found[0].iter("a")]

    assert nav("quarters/2026-q1/index.html") == [
        ("← Q4 2025", "quarters/2025-q4/index.html"), ("All quarters", "quarters/index.html"),
        ("The numbers over time", "stats/index.html"), ("Q2 2026 →", "quarters/2026-q2/index.html")]
    assert nav("quarters/2025-q4/index.html")[0][0] == "All quarters"  # no previous quarter
    assert nav("quarters/2026-q2/index.html")[-1][0] == "The numbers over time"  # no next quarter


def test_quarter_index_newest_first_with_numbers(site: Path) -> None:
    root = parse(site / "quarters/index.html")
    rows = table_rows(root.find(".//table"))
    # Quarter, heard, decisions, answered, changes shipped, still waiting
    assert rows == [["Q2 2026 (so far)", "2", "1", "1", "0", "1"],  # as of the last record, 2026-05-07
                    ["Q1 2026", "4", "3", "4", "3", "1"],
                    ["Q4 2025", "2", "0", "1", "1", "0"]]
    assert [resolve("quarters/index.html", a.get("href")) for a in root.find(".//table").iter("a")] == [
        "quarters/2026-q2/index.html", "quarters/2026-q1/index.html", "quarters/2025-q4/index.html"]
    assert any(resolve("quarters/index.html", a.get("href")) == "stats/index.html" for a in root.iter("a"))


# --- stats page -----------------------------------------------------------------------------------


def test_stats_tables(site: Path) -> None:
    root = parse(site / "stats/index.html")
    assert table_rows(root.find(".//table[@id='table-volume']")) == [
        ["Q4 2025", "2", "1", "1"], ["Q1 2026", "4", "4", "1"], ["Q2 2026", "2", "1", "0"]]
    assert table_rows(root.find(".//table[@id='table-days']")) == [
        ["Q4 2025", "1", "16"], ["Q1 2026", "4", "22"], ["Q2 2026", "1", "15"]]
    assert table_rows(root.find(".//table[@id='table-mix']")) == [
        ["Heard", "2", "25%"], ["Considering", "0", "0%"], ["Planned", "0", "0%"], ["Being built", "0", "0%"],
        ["Shipped", "2", "25%"], ["Already possible", "1", "13%"], ["Not now", "1", "13%"], ["No", "2", "25%"]]
    heard = sum(int(r[1]) for r in table_rows(root.find(".//table[@id='table-volume']")))
    overall = {text_of(div.find("dt")): text_of(div.find("dd")) for div in section(root, "overall").iter("div")}
    assert heard == int(overall["Heard"]) == 8


def test_charts_are_accessible_svg(site: Path) -> None:
    root = parse(site / "stats/index.html")
    svgs = list(root.find(".//main").iter("svg"))  # the header's menu icon is an svg too
    assert [s.get("id") for s in svgs] == ["chart-volume", "chart-days", "chart-mix"]
    for svg in svgs:
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        children = {child.get("id"): child for child in svg}
        assert children[title_id].tag == "title" and text_of(children[title_id])
        assert children[desc_id].tag == "desc" and len(text_of(children[desc_id])) > 40
        assert svg.get("viewBox")
        for el in svg.iter():
            assert el.get("style") is None  # the CSP forbids inline styles
        tables = [sec.find(".//table") for sec in root.iter("section") if svg in list(sec.iter("svg"))]
        assert tables and tables[0].find("caption") is not None  # the data-table alternative, beside the chart
    volume = svgs[0]
    bars = [el for el in volume.iter("rect") if el.find("title") is not None]
    assert [text_of(b.find("title")) for b in bars][:3] == ["Q4 2025, heard: 2", "Q4 2025, answered: 1",
                                                             "Q4 2025, shipped: 1"]
    assert len(bars) == 9
    points = [text_of(c.find("title")) for c in svgs[1].iter("circle")]
    assert points == ["Q4 2025: 16", "Q1 2026: 22", "Q2 2026: 15"]


def test_no_inline_styles_or_scripts_on_my_pages(site: Path) -> None:
    for rel in ("stats/index.html", "quarters/index.html", "quarters/2026-q1/index.html"):
        root = parse(site / rel)
        for el in root.iter():
            assert el.get("style") is None, rel
            if el.tag == "script":
                assert el.get("src"), f"inline script in {rel}"


def test_pages_link_to_each_other_and_links_resolve(site: Path) -> None:
    for page in [*(site / "quarters").rglob("*.html"), site / "stats/index.html"]:
        rel = page.relative_to(site).as_posix()
        for a in parse(page).iter("a"):
            href = a.get("href") or ""
            parts = urlsplit(href)
            if parts.scheme or href.startswith("#") or not href:
                continue
            path = site / resolve(rel, href)
            assert (path / "index.html" if path.is_dir() else path).is_file(), f"{rel}: {href}"


def test_build_is_deterministic(tmp_path: Path) -> None:
    one = portalgen.build(write_project(tmp_path / "a"), tmp_path / "out-a").output
    two = portalgen.build(write_project(tmp_path / "b"), tmp_path / "out-b").output
    for rel in ("stats/index.html", "quarters/index.html", "quarters/2026-q1/index.html"):
        assert (one / rel).read_bytes() == (two / rel).read_bytes()


def test_no_anonymous_customer_named_anywhere_in_the_site(site: Path) -> None:
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix().lower()
        for name in ANONYMOUS_NAMES:
            assert name.lower() not in rel
        if path.is_file():
            data = path.read_bytes().decode("utf-8", "replace").lower()
            for name in ANONYMOUS_NAMES:
                assert name.lower() not in data, (rel, name)


def test_quarters_reach_the_build_date(tmp_path: Path) -> None:
    """Built in November (the tests' pinned day), the quarters after the last record are there, empty:
    a quarter in which customers heard nothing is shown, not hidden."""
    site = portalgen.build(write_project(tmp_path / "p")).output
    rows = table_rows(parse(site / "quarters/index.html").find(".//table"))
    assert [row[0] for row in rows] == ["Q4 2026 (so far)", "Q3 2026", "Q2 2026", "Q1 2026", "Q4 2025"]
    assert rows[0][1:] == ["0", "0", "0", "0", "0"]
    assert "This quarter is not over yet: the numbers are as of 30 November 2026." in text_of(
        parse(site / "quarters/2026-q4/index.html").find(".//main"))


def test_empty_portal(tmp_path: Path) -> None:
    (tmp_path / "p" / "content").mkdir(parents=True)
    (tmp_path / "p" / "content" / "portal.yaml").write_text("title: Empty\n", encoding="utf-8")
    site = portalgen.build(tmp_path / "p").output
    assert "Nothing to report yet." in text_of(parse(site / "quarters/index.html").find(".//main"))
    stats = parse(site / "stats/index.html")
    assert list(stats.find(".//main").iter("svg")) == [] and "Nothing heard yet." in text_of(stats.find(".//main"))


# --- the example portal -------------------------------------------------------------------------------


def test_example_quarter_and_stats_pages_name_no_anonymous_customer(tmp_path: Path) -> None:
    site = portalgen.build(copy_example(tmp_path / "example")).output
    names = protected_names(EXAMPLE_CONTENT)
    assert "Bramblecote County Council" in names  # the example does have anonymous customers
    pages = [*(site / "quarters").rglob("*.html"), site / "stats/index.html"]
    assert len(pages) > 3
    for page in pages:
        text = page.read_text(encoding="utf-8").lower()
        for name in names:
            assert name.lower() not in text, (page, name)


def test_big_quarter_shows_the_newest_fifty_and_counts_all(tmp_path: Path) -> None:
    content = tmp_path / "p" / "content"
    (content / "customers").mkdir(parents=True)
    (content / "feedback").mkdir()
    (content / "portal.yaml").write_text("title: Big\n", encoding="utf-8")
    (content / "customers" / "acme.yaml").write_text("name: Acme\ncredit: named\n", encoding="utf-8")
    for n in range(1, 61):
        day = date(2026, 1, 1).toordinal() + n
        (content / "feedback" / f"item-{n:02d}.md").write_text(
            f"---\ntitle: Item {n:02d}\ndate: {date.fromordinal(day).isoformat()}\nfrom: [acme]\n---\nX\n",
            encoding="utf-8")
    site = portalgen.build(tmp_path / "p").output
    root = parse(site / "quarters/2026-q1/index.html")
    said = section(root, "q-said")
    assert card_titles(said) == [f"Item {n:02d}" for n in range(60, 10, -1)]  # the 50 newest, newest first
    assert "60 requests heard this quarter" in text_of(said)
    assert any(resolve("quarters/2026-q1/index.html", a.get("href")) == "feedback/index.html" for a in said.iter("a"))
