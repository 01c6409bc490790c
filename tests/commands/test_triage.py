"""`portalgen report --triage`: open feedback by theme with its demand, decided items by MoSCoW priority."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import html5lib
import pytest
from closing_loop_project import md, run_cli

from portalgen.commands import report as reporting
from portalgen.model import triage as triage_model
from portalgen.render import triage as triage_formats

TODAY = "2026-03-01"
HTML = "{http://www.w3.org/1999/xhtml}"

CUSTOMERS = {
    "acme": "name: Acme Health\nsegment: Healthcare\ncredit: named\nprivate: {weight: 120000}\n",
    "globex": "name: Globex Retail\nsegment: Retail\ncredit: anonymous\n"
              "private: {weight: 50000, email: g@globex.example}\n",
    "initech": "name: Initech Secretive\nsegment: Healthcare\ncredit: anonymous\n",
    "umbrella": "name: Umbrella Corp\ncredit: named\nprivate: {weight: 10.5}\n",
    "hooli": "name: Hooli\nsegment: Retail\ncredit: named\nprivate: {weight: lots}\n",  # text: no weight
}

FEEDBACK = {
    "old-exports": ("2026-01-05", "[exports]", "[globex]", ""),
    "exports-again": ("2026-01-20", "[exports]", "[initech]", "duplicate_of: old-exports"),
    "sso": ("2026-02-01", "[security, Exports]", "[acme, globex]", ""),
    "untagged": ("2026-02-10", "[]", "[umbrella]", ""),
    "private-ask": ("2026-02-20", "[security]", "[hooli, umbrella]", "visibility: private"),
    "draft-ask": ("2026-02-21", "[exports]", "[acme]", "draft: true"),
    "dark-mode": ("2026-01-10", "[ui]", "[acme]", ""),
    "mobile": ("2026-01-12", "[ui]", "[hooli, initech]", ""),
    "shipped-ask": ("2026-01-15", "[exports]", "[acme]", ""),
    "no-priority": ("2026-02-15", "[ui]", "[globex]", ""),
    "available": ("2026-02-01", "[]", "[umbrella]", ""),
    "changed-mind": ("2026-01-03", "[ui]", "[initech]", ""),
}

DECISIONS = {
    "review-sso": "date: 2026-02-05\nfeedback: [sso]\noutcome: under-review\npriority: must",
    "plan-dark": "date: 2026-01-20\nfeedback: [dark-mode]\noutcome: planned\npriority: must",
    "later-mobile": "date: 2026-01-25\nfeedback: [mobile]\noutcome: deferred\npriority: could\nrevisit: 2026-09-01",
    "plan-no-priority": "date: 2026-02-16\nfeedback: [no-priority]\noutcome: planned",
    "already": "date: 2026-02-02\nfeedback: [available]\noutcome: already-available",
    "no-at-first": "date: 2026-01-20\nfeedback: [changed-mind]\noutcome: declined\npriority: wont",
    "yes-after-all": "date: 2026-02-25\nfeedback: [changed-mind]\noutcome: planned\npriority: should",
    "plan-shipped": "date: 2026-01-16\nfeedback: [shipped-ask]\noutcome: planned\npriority: must",
}


def write(root: Path) -> Path:
    files = {"portal.yaml": 'title: "Triage <test> portal"\n'}
    files.update({f"customers/{slug}.yaml": text for slug, text in CUSTOMERS.items()})
    for slug, (day, tags, who, extra) in FEEDBACK.items():
        files[f"feedback/{slug}.md"] = md(f"title: Ask {slug}\ndate: {day}\nfrom: {who}\ntags: {tags}\n{extra}",
                                          "Please.\n")
    for slug, front in DECISIONS.items():
        files[f"decisions/{slug}.md"] = md(f"title: Decision {slug}\n{front}", "Because we weighed it.\n")
    files["changes/shipped.md"] = md("title: Shipped\ndate: 2026-02-01\ndecisions: [plan-shipped]", "Done.\n")
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(tmp_path / "portal")


@pytest.fixture
def triage(project: Path) -> triage_model.Triage:
    result = reporting.build_triage(project, date.fromisoformat(TODAY))
    assert result.content_errors == 0
    return result


def _themes(t: triage_model.Triage) -> dict[str | None, list[str]]:
    return {theme.tag: [i.slug for i in theme.items] for theme in t.themes}


def test_open_feedback_grouped_by_theme_oldest_first(triage: triage_model.Triage) -> None:
    # security: acme, globex, hooli, umbrella (4); exports: globex, initech, acme (3); untagged last.
    # "Exports" and "exports" are one theme, as on the portal's tag pages; an item is in each of its themes.
    assert _themes(triage) == {
        "security": ["sso", "private-ask"],
        "exports": ["old-exports", "sso"],
        None: ["untagged"],
    }
    assert list(_themes(triage)) == ["security", "exports", None]
    statuses = {i.slug: i.status for i in triage.open_items}
    assert statuses == {"old-exports": "heard", "sso": "under-review", "untagged": "heard", "private-ask": "heard"}
    assert [i.slug for i in triage.open_items] == ["old-exports", "sso", "untagged", "private-ask"]


def test_duplicates_fold_into_their_original(triage: triage_model.Triage) -> None:
    old = next(i for i in triage.open_items if i.slug == "old-exports")
    assert old.duplicates == ["exports-again"]
    assert [c.slug for c in old.demand.customers] == ["globex", "initech"]
    assert old.demand.segments == [("Healthcare", 1), ("Retail", 1)]
    assert old.days_open == (date(2026, 3, 1) - date(2026, 1, 5)).days


def test_demand_by_segment_and_private_weight(triage: triage_model.Triage) -> None:
    security, exports, untagged = triage.themes
    assert [c.name for c in security.demand.customers] == ["Acme Health", "Globex Retail", "Hooli", "Umbrella Corp"]
    assert security.demand.segments == [("Retail", 2), ("Healthcare", 1), ("", 1)]  # no segment last
    # Each customer weighs once per theme; Hooli's weight is text, so it has none.
    assert security.demand.weight == 120000 + 50000 + 10.5
    assert exports.demand.weight == 120000 + 50000
    assert untagged.demand.weight == 10.5
    hooli = next(c for c in security.demand.customers if c.slug == "hooli")
    assert hooli.weight is None
    assert security.demand.votes is None  # no record carries votes


def test_votes_where_records_carry_them(project: Path) -> None:
    """`private.votes` (what `portalgen import` keeps of a hosted board's count) adds to the demand."""
    from portalgen.pipeline import building

    for slug, votes in (("old-exports", 7), ("exports-again", 5), ("sso", 2), ("mobile", "many")):
        path = project / "content" / "feedback" / f"{slug}.md"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("\n---\n", f"\nprivate: {{votes: {votes}}}\n---\n", 1), encoding="utf-8")
    records, problems = building.check(project)
    assert not problems.errors
    t = triage_model.make_triage(records, date.fromisoformat(TODAY))
    exports = next(theme for theme in t.themes if theme.tag == "exports")
    assert [i.demand.votes for i in exports.items] == [12, 2]
    assert exports.demand.votes == 14
    assert next(theme for theme in t.themes if theme.tag is None).demand.votes is None


def test_decided_items_by_priority(triage: triage_model.Triage) -> None:
    decided = {p: [d.slug for d in entries] for p, entries in triage.decided.items()}
    # review-sso is under review: open, not decided. plan-shipped shipped; already-available is done;
    # no-at-first was superseded by yes-after-all.
    assert decided == {"must": ["plan-dark"], "should": ["yes-after-all"], "could": ["later-mobile"],
                       "wont": [], "": ["plan-no-priority"]}
    mobile = triage.decided["could"][0]
    assert mobile.outcome == "deferred" and mobile.feedback == ["mobile"]
    assert [c.slug for c in mobile.demand.customers] == ["hooli", "initech"]


def test_drafts_are_left_out_and_private_records_marked(triage: triage_model.Triage) -> None:
    slugs = {i.slug for i in triage.open_items}
    assert "draft-ask" not in slugs
    assert {i.slug: i.private for i in triage.open_items}["private-ask"] is True


def test_text_format(triage: triage_model.Triage) -> None:
    text = triage_formats.render(triage, "text")
    assert "Internal: do not publish" in text
    order = ["security — 4 customers (Retail 2, Healthcare 1, no segment 1) · weight 170,010.5",
             "Ask sso", "Ask private-ask [private]", "exports — 3 customers", "Ask old-exports",
             "Initech Secretive (anonymous, Healthcare)", "(no tag) — 1 customer", "Must have (1)",
             "Decision plan-dark", "Should have (1)", "Could have (1)", "Won't have this time (0)",
             "No priority set (1)", "Decision plan-no-priority"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "Acme Health (Healthcare, weight 120,000)" in text


def test_md_format(triage: triage_model.Triage) -> None:
    text = triage_formats.render(triage, "md")
    assert text.startswith("# Triage: Triage &lt;test&gt; portal\n")
    assert "### security\n" in text and "### \\(no tag)" not in text and "### (no tag)\n" in text
    assert "### Must have (1)" in text and "`content/decisions/plan-dark.md (answers: dark-mode)`" in text


def test_json_format(triage: triage_model.Triage) -> None:
    data = json.loads(triage_formats.render(triage, "json"))
    assert data["format"] == "portalgen/triage" and data["today"] == TODAY
    assert [t["tag"] for t in data["themes"]] == ["security", "exports", None]
    security = data["themes"][0]
    assert security["demand"]["count"] == 4 and security["demand"]["weight"] == 170010.5
    assert security["demand"]["segments"][-1] == {"segment": None, "customers": 1}
    globex = next(c for c in security["demand"]["customers"] if c["slug"] == "globex")
    assert globex == {"slug": "globex", "name": "Globex Retail", "credit": "anonymous", "segment": "Retail",
                      "weight": 50000.0}
    assert [i["slug"] for i in data["themes"][1]["items"]] == ["old-exports", "sso"]
    assert [(g["priority"], [i["slug"] for i in g["items"]]) for g in data["decided"]] == [
        ("must", ["plan-dark"]), ("should", ["yes-after-all"]), ("could", ["later-mobile"]), ("wont", []),
        (None, ["plan-no-priority"])]


def test_html_is_one_self_contained_page(triage: triage_model.Triage) -> None:
    page = triage_formats.render(triage, "html")
    doc = html5lib.parse(page)
    assert doc.find(f"{HTML}head/{HTML}title").text == "Triage: Triage <test> portal"
    for tag in ("script", "link", "img", "iframe", "object", "a"):
        assert doc.findall(f".//{HTML}{tag}") == [], tag
    assert not any(el.get("src") or el.get("href") for el in doc.iter())  # loads nothing at all
    sections = doc.findall(f".//{HTML}section[@class='theme']")
    assert [s.find(f"{HTML}h3").text for s in sections] == ["security", "exports", "(no tag)"]
    rows = sections[1].findall(f".//{HTML}tbody/{HTML}tr")
    cells = ["".join(td.itertext()) for td in rows[0].findall(f"{HTML}td")]
    assert cells[0] == "2026-01-05" and cells[3].startswith("Ask old-exports")
    assert "Globex Retail (anonymous, Retail, weight 50,000)" in cells[4]
    assert cells[5] == "Healthcare 1, Retail 1" and cells[7] == "50,000"
    headings = [h.text for h in doc.findall(f".//{HTML}section[@id='decided']/{HTML}h3")]
    assert headings == ["Must have (1)", "Should have (1)", "Could have (1)", "Won't have this time (0)",
                        "No priority set (1)"]


def test_hostile_title_stays_text(project: Path) -> None:
    path = project / "content" / "feedback" / "untagged.md"
    path.write_text(md('title: "<script>alert(1)</script>\\u001b[2J"\ndate: 2026-02-10\nfrom: [umbrella]'),
                    encoding="utf-8")
    t = reporting.build_triage(project, date.fromisoformat(TODAY))
    page = triage_formats.render(t, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\x1b" not in triage_formats.render(t, "text")


def test_cli(project: Path) -> None:
    for fmt in ("text", "md", "json", "html"):
        result = run_cli("report", project, "--triage", "--format", fmt, "--today", TODAY)
        assert result.returncode == 0, result.stderr
        assert "Ask old-exports" in result.stdout
    assert json.loads(run_cli("report", project, "--triage", "--format", "json", "--today", TODAY).stdout)[
        "themes"][0]["tag"] == "security"
    assert not (project / "site").exists()


@pytest.mark.parametrize(("args", "says"), [
    (("--format", "html"), "--format html is for --triage"),
    (("--triage", "--fail-on-stale"), "--fail-on-stale checks the report"),
])
def test_cli_refuses_mixed_options(project: Path, args: tuple[str, ...], says: str) -> None:
    result = run_cli("report", project, *args, "--today", TODAY)
    assert result.returncode == 2 and says in result.stderr


def test_nothing_open(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "portal.yaml").write_text("title: T\n", encoding="utf-8")
    t = reporting.build_triage(tmp_path, date(2026, 1, 1))
    assert t.themes == [] and all(v == [] for v in t.decided.values())
    assert "nothing open" in triage_formats.render(t, "text")
    html5lib.parse(triage_formats.render(t, "html"))


def test_weights_never_reach_the_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from portalgen.pipeline.building import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772323200")  # 2026-03-01, the day of the fixture
    build(project)
    published = b"".join(p.read_bytes() for p in (project / "site").rglob("*") if p.is_file())
    assert b"Acme Health" in published  # named: the site is really there
    for shown in (b"120000", b"120,000", b"170010", b"170,010", b"weight 50"):
        assert shown not in published
