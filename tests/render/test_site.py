"""Integration tests of the built example portal, read the way a browser and a feed reader read it.

Expectations are computed from content/ with PyYAML by the tests themselves (not by portalgen),
so a bug in portalgen's linking cannot hide behind the same bug in the test.
"""

from __future__ import annotations

import html as html_lib
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import markupsafe
import pytest

import portalgen

# The spec's portal wording per status ("Shipped in …" is followed by the release).
WORDING = {
    "heard": "We heard you — decision pending",
    "under-review": "Considering",
    "planned": "Yes — planned",
    "in-progress": "Yes — being built",
    "shipped": "Shipped in ",
    "declined": "No — here's why",
    "deferred": "Not now",
    "already-available": "Already possible",
}
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def by_class(root: ET.Element, cls: str, tag: str = "*") -> list[ET.Element]:
    return [el for el in root.iter(tag) if cls in (el.get("class") or "").split()]


def resolve(page: str, href: str) -> str:
    """A relative link from page (site path) as a site path ending in index.html for folders."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
    return target + "/index.html" if href.endswith("/") else target


# --- what the content says, computed independently ------------------------------------------------


class Expected:
    """Statuses, groups and credits derived from content/ by the spec's rules."""

    def __init__(self, content) -> None:
        self.content = content
        pub = content.published
        self.feedback = {s: r for s, r in content.feedback.items() if pub(r)}
        self.decisions = {s: r for s, r in content.decisions.items() if pub(r)}
        self.changes = {s: r for s, r in content.changes.items() if pub(r)}

    def root(self, slug: str) -> str:
        seen = set()
        while self.feedback[slug].get("duplicate_of") in self.feedback and slug not in seen:
            seen.add(slug)
            slug = self.feedback[slug]["duplicate_of"]
        return slug

    def group(self, slug: str) -> set[str]:
        root = self.root(slug)
        return {s for s in self.feedback if self.root(s) == root}

    def decisions_for(self, slug: str) -> list[str]:
        members = self.group(slug)
        return [d for d, r in self.decisions.items() if members & set(r["feedback"])]

    def answered_by(self, change: str) -> set[str]:
        """Feedback a change answers: directly, through its decisions, and through duplicates."""
        record = self.changes[change]
        direct = {s for s in record.get("feedback") or [] if s in self.feedback}
        for d in record.get("decisions") or []:
            if d in self.decisions:
                direct |= {s for s in self.decisions[d]["feedback"] if s in self.feedback}
        return {m for s in direct for m in self.group(s)}

    def changes_for(self, slug: str) -> list[str]:
        return sorted((c for c in self.changes if slug in self.answered_by(c)),
                      key=lambda c: (self.changes[c]["date"], c))

    def statuses(self, slug: str) -> set[str]:
        """The allowed status (a set only when two latest decisions share a date)."""
        if self.changes_for(slug):
            return {"shipped"}
        decisions = [self.decisions[d] for d in self.decisions_for(slug)]
        if not decisions:
            return {"heard"}
        latest = max(d["date"] for d in decisions)
        return {d["outcome"] for d in decisions if d["date"] == latest}

    def credit(self, feedback_slugs: set[str]) -> tuple[dict[str, str], Counter[str]]:
        """(named slug -> name, anonymous count per segment as credited) for the customers behind feedback.

        A segment with fewer anonymous members on the board than anonymity_threshold is credited
        as "other segments".
        """
        customers = {c for s in feedback_slugs for c in self.feedback[s]["from"]}
        named = {c: self.content.customers[c]["name"] for c in customers if self.content.customer_named(c)}
        anonymous = Counter(self.credited_segment(c) for c in customers if not self.content.customer_named(c))
        return named, anonymous

    def credited_segment(self, customer: str) -> str:
        segment = self.content.customers[customer].get("segment") or ""
        board = Counter(c.get("segment") for s, c in self.content.customers.items()
                        if not self.content.customer_named(s))
        too_few = board[segment] < self.content.portal.get("anonymity_threshold", 3)
        return "other segments" if segment and too_few else segment


@pytest.fixture(scope="session")
def expected(content) -> Expected:
    return Expected(content)


@pytest.fixture(scope="session")
def portal_json(example_site: Path) -> dict[str, Any]:
    return json.loads((example_site / "api/portal.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def base_url(content) -> str:
    url = content.portal.get("base_url")
    assert url, "the example portal sets base_url; these tests rely on it"
    return url


def page(example_pages, path: str) -> ET.Element:
    assert path in example_pages, f"{path} was not built"
    return example_pages[path]


# --- pages and URLs -------------------------------------------------------------------------------


def test_every_page_exists_with_a_pretty_url(example_site: Path, expected: Expected, content) -> None:
    wanted = ["index.html", "feedback/index.html", "decisions/index.html", "why-not/index.html",
              "changes/index.html", "roadmap/index.html", "customers/index.html", "tags/index.html",
              "feed.xml", "sitemap.xml", "robots.txt", "404.html", "api/portal.json"]
    wanted += [f"feedback/{s}/index.html" for s in expected.feedback]
    wanted += [f"decisions/{s}/index.html" for s in expected.decisions]
    wanted += [f"changes/{s}/index.html" for s in expected.changes]
    named = [s for s in content.customers if content.customer_named(s)]
    anonymous = [s for s in content.customers if not content.customer_named(s)]
    assert named and anonymous, "the example should have both named and anonymous customers"
    wanted += [f"customers/{s}/index.html" for s in named]
    tags = {slugify(t) for r in expected.feedback.values() for t in r.get("tags") or []}
    assert tags
    wanted += [f"tags/{t}/index.html" for t in tags]
    missing = [w for w in wanted if not (example_site / w).is_file()]
    assert not missing, f"pages not built: {missing}"

    for slug in anonymous:
        assert not (example_site / "customers" / slug).exists(), f"anonymous customer {slug} has a page"
    not_pretty = [p.relative_to(example_site).as_posix() for p in example_site.rglob("*.html")
                  if p.name != "index.html" and p.relative_to(example_site).as_posix() != "404.html"]
    assert not not_pretty, f"pages without a pretty URL (folder/index.html): {not_pretty}"


def test_unpublished_items_have_no_pages(example_site: Path, content) -> None:
    hidden = {(kind, s) for kind, records in (("feedback", content.feedback), ("decisions", content.decisions),
                                              ("changes", content.changes))
              for s, r in records.items() if not content.published(r)}
    assert ("feedback", "path-analysis-sankey") in hidden
    assert ("feedback", "per-seat-pricing-for-viewers") in hidden
    for kind, slug in hidden:
        assert not (example_site / kind / slug).exists(), f"{kind}/{slug} is not published but has a page"


# --- links and assets -----------------------------------------------------------------------------


def test_every_internal_link_and_asset_resolves(example_site: Path, example_pages, helpers, base_url) -> None:
    broken = helpers.broken_links(example_site, base_url, example_pages)
    assert not broken, "\n".join(broken[:30])
    checked = sum(1 for rel, root in example_pages.items() for _ in helpers.page_links(rel, root))
    assert checked > 1000  # the check really looked at the site's links


def test_links_are_relative_except_on_the_404_page(example_pages, helpers, base_url) -> None:
    offenders = [f"{link.page}: {link.tag}[{link.attribute}]={link.value!r}"
                 for rel, root in example_pages.items() if rel != "404.html"
                 for link in helpers.page_links(rel, root) if link.value.startswith("/")]
    assert not offenders, "\n".join(offenders[:30])
    # The 404 page is served at any depth, so its links start at the site's own path.
    base_path = urlsplit(base_url).path or "/"
    links = list(helpers.page_links("404.html", example_pages["404.html"]))
    local = [link for link in links if not helpers.is_external(link.value) and not link.value.startswith(
        ("#", "mailto:"))]
    assert local and all(link.value.startswith(base_path) for link in local), [x.value for x in local]


def external_requests(site: Path, pages: dict[str, ET.Element], helpers) -> list[str]:
    """Everything that would make a browser fetch from another host (or fail to find a CSS asset)."""
    problems = []
    for rel, root in pages.items():
        for el in root.iter():
            if isinstance(el.tag, str):
                problems.extend(_element_requests(rel, el, helpers))
    for css in site.rglob("*.css"):
        problems.extend(_stylesheet_requests(site, css, helpers))
    return problems


def _element_requests(rel: str, el: ET.Element, helpers) -> list[str]:
    problems = []
    for attribute in helpers.FETCH_ATTRIBUTES:
        value = (el.get(attribute) or "").strip()
        if value and (helpers.is_external(value) or value.startswith("data:text/html")):
            problems.append(f"{rel}: <{el.tag} {attribute}={value!r}>")
    if el.tag == "link":
        rels = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if set(rels) - {"alternate", "canonical", "author", "license"} and helpers.is_external(href):
            problems.append(f"{rel}: <link rel={el.get('rel')!r} href={href!r}>")
    if el.tag == "style" and re.search(r"url\(\s*['\"]?(https?:)?//|@import", el.text or "", re.I):
        problems.append(f"{rel}: <style> loads from elsewhere")
    return problems


def _stylesheet_requests(site: Path, css: Path, helpers) -> list[str]:
    problems = []
    text = css.read_text(encoding="utf-8")
    for match in re.finditer(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]?([^'\";\s]+)", text, re.I):
        target = (match[1] or match[2]).strip()
        if helpers.is_external(target):
            problems.append(f"{css.relative_to(site)}: loads {target}")
        elif not target.startswith(("data:", "#")):
            resolved = (css.parent / urlsplit(target).path).resolve()
            if not resolved.is_file() or site.resolve() not in resolved.parents:
                problems.append(f"{css.relative_to(site)}: {target} is not in site/")
    return problems


def test_no_external_requests(example_site: Path, example_pages, helpers) -> None:
    problems = external_requests(example_site, example_pages, helpers)
    assert not problems, "\n".join(problems[:30])


# --- statuses -------------------------------------------------------------------------------------


def status_panel(root: ET.Element) -> ET.Element:
    main = root.find(".//main")
    panels = by_class(main, "status-panel")
    assert len(panels) == 1, "a feedback page has one status panel"
    return panels[0]


def shown_status(root: ET.Element) -> str:
    badges = [cls[len("badge-"):] for el in by_class(status_panel(root), "badge", "span")
              for cls in (el.get("class") or "").split() if cls.startswith("badge-") and cls != "badge-draft"]
    assert len(badges) == 1, f"expected one status badge, found {badges}"
    return badges[0]


def test_every_feedback_status_follows_the_spec(expected: Expected, example_pages, portal_json, helpers) -> None:
    in_json = {f["slug"]: f["status"] for f in portal_json["feedback"]}
    wrong = []
    for slug in expected.feedback:
        root = page(example_pages, f"feedback/{slug}/index.html")
        allowed = expected.statuses(slug)
        status = shown_status(root)
        panel_text = helpers.text_of(status_panel(root))
        if status not in allowed:
            wrong.append(f"{slug}: page shows {status}, spec says {sorted(allowed)}")
        elif WORDING[status] not in panel_text:
            wrong.append(f"{slug}: status panel {panel_text!r} lacks the wording {WORDING[status]!r}")
        if in_json.get(slug) not in allowed:
            wrong.append(f"{slug}: portal.json says {in_json.get(slug)}, spec says {sorted(allowed)}")
    assert not wrong, "\n".join(wrong)
    seen = Counter(next(iter(expected.statuses(s))) for s in expected.feedback)
    # The example exercises every status; if content changes so it no longer does, say so.
    assert set(seen) == set(WORDING), f"statuses in the example: {dict(seen)}"


def test_shipped_item_names_its_release(expected: Expected, example_pages, helpers) -> None:
    slug = "csv-export-drops-leading-zeros"
    assert expected.statuses(slug) == {"shipped"}
    first = expected.changes_for(slug)[0]
    label = expected.changes[first].get("version") or expected.changes[first]["title"]
    root = page(example_pages, f"feedback/{slug}/index.html")
    assert shown_status(root) == "shipped"
    assert f"Shipped in {label}" in helpers.text_of(status_panel(root))
    targets = {resolve(f"feedback/{slug}/index.html", a.get("href")) for a in root.iter("a")}
    assert f"changes/{first}/index.html" in targets


def test_declined_item_shows_reasons_and_workaround(expected: Expected, content, example_pages, helpers) -> None:
    slug = "api-rate-limits-too-low"
    assert expected.statuses(slug) == {"declined"}
    decision = content.decisions[expected.decisions_for(slug)[-1]]
    assert decision["outcome"] == "declined" and decision.get("workaround")
    root = page(example_pages, f"feedback/{slug}/index.html")
    assert shown_status(root) == "declined"
    text = helpers.text_of(root.find(".//main"))
    assert "No — here's why" in text

    def first_line(markdown: str) -> str:
        line = next(x for x in markdown.splitlines() if x.strip())
        return " ".join(re.sub(r"[*`_]", "", line).split())

    assert first_line(decision["_body"]) in text, "the reasoning is shown"
    workaround = by_class(root, "workaround")
    assert workaround, "the workaround is shown prominently in its own block"
    assert first_line(decision["workaround"]) in helpers.text_of(workaround[0])


def test_deferred_item_shows_revisit_date(expected: Expected, content, example_pages, helpers) -> None:
    slug = "custom-fiscal-calendar"
    assert expected.statuses(slug) == {"deferred"}
    decision = content.decisions[expected.decisions_for(slug)[-1]]
    revisit = decision["revisit"]
    assert isinstance(revisit, date)
    root = page(example_pages, f"feedback/{slug}/index.html")
    assert shown_status(root) == "deferred"
    assert "Not now" in helpers.text_of(status_panel(root))
    times = [t.get("datetime") for t in root.find(".//main").iter("time")]
    assert revisit.isoformat() in times
    assert f"{revisit.day} {revisit:%B %Y}" in helpers.text_of(root.find(".//main"))
    assert by_class(root, "workaround"), "a deferred item shows its workaround too"


@pytest.mark.parametrize("duplicate", ["csv-postcodes-lose-zeros", "native-phone-app",
                                       "deactivated-users-keep-access"])
def test_duplicate_takes_target_status_and_links_back(duplicate: str, expected: Expected, content,
                                                      example_pages, helpers) -> None:
    target = content.feedback[duplicate]["duplicate_of"]
    assert target in expected.feedback
    dup_root = page(example_pages, f"feedback/{duplicate}/index.html")
    target_root = page(example_pages, f"feedback/{target}/index.html")
    assert shown_status(dup_root) == shown_status(target_root)
    assert shown_status(dup_root) in expected.statuses(target)
    assert expected.statuses(duplicate) == expected.statuses(target)
    dup_path, target_path = f"feedback/{duplicate}/index.html", f"feedback/{target}/index.html"
    assert any(resolve(dup_path, a.get("href") or "") == target_path for a in dup_root.iter("a")), (
        "the duplicate links to the item it duplicates")

    # The target lists it under "Also asked by", with the duplicate's customers credited.
    main = target_root.find(".//main")
    heading = next((h for h in main.iter() if h.tag in ("h2", "h3", "h4") and
                    helpers.text_of(h) == "Also asked by"), None)
    assert heading is not None, f"{target} has no 'Also asked by'"
    back = [a for a in main.iter("a") if resolve(target_path, a.get("href") or "") == dup_path]
    assert back, f"{target} does not link to its duplicate {duplicate}"
    named, anonymous = expected.credit({duplicate})
    listing = next(li for li in main.iter("li") if back[0] in list(li.iter("a")))
    listing_text = helpers.text_of(listing)
    for name in named.values():
        assert name in listing_text
    for segment, count in anonymous.items():
        assert f"{count} customer{'s' if count != 1 else ''}{' in ' + segment if segment else ''}" in listing_text


def test_latest_decision_wins(expected: Expected, example_pages) -> None:
    # custom-sql-tiles was first under review, then declined: the later decision wins.
    slug = "custom-sql-tiles"
    outcomes = sorted((expected.decisions[d]["date"], expected.decisions[d]["outcome"])
                      for d in expected.decisions_for(slug))
    assert len(outcomes) > 1 and outcomes[-1][1] == "declined"
    assert shown_status(page(example_pages, f"feedback/{slug}/index.html")) == "declined"


# --- credits --------------------------------------------------------------------------------------


def thanks_sentence(root: ET.Element, helpers) -> ET.Element | None:
    return next((p for p in root.find(".//main").iter("p")
                 if helpers.text_of(p).startswith("This shipped because")), None)


def check_change_credits(expected: Expected, pages: dict[str, ET.Element], data: dict[str, Any],
                         helpers) -> tuple[int, int]:
    """Assert every change page credits the spec's customers; returns (with named, with anonymous)."""
    json_changes = {c["slug"]: c for c in data["changes"]}
    anonymous_seen = named_seen = 0
    for change in expected.changes:
        path = f"changes/{change}/index.html"
        root = page(pages, path)
        named, anonymous = expected.credit(expected.answered_by(change))
        sentence = thanks_sentence(root, helpers)
        if not named and not anonymous:
            assert sentence is None
            continue
        assert sentence is not None, f"{change}: no credit sentence"
        text = helpers.text_of(sentence)
        links = [(helpers.text_of(a), resolve(path, a.get("href"))) for a in sentence.iter("a")]
        assert sorted(links) == sorted((name, f"customers/{slug}/index.html") for slug, name in named.items()), (
            f"{change}: named customers are linked by name, each once")
        for name in named.values():
            assert text.count(name) == 1, f"{change}: {name} credited {text.count(name)} times"
        for segment, count in anonymous.items():
            words = f"{count} customer{'s' if count != 1 else ''}" + (f" in {segment}" if segment else "")
            assert re.search(rf"(?<!\d){re.escape(words)}\b", text), f"{change}: {words!r} not in {text!r}"
        counted = sum(int(n) for n in re.findall(r"(\d+) customers?\b", text))
        assert counted == sum(anonymous.values()), f"{change}: anonymous customers miscounted in {text!r}"
        anonymous_seen += bool(anonymous)
        named_seen += bool(named)

        credits = json_changes[change]["credits"]
        assert sorted(c["slug"] for c in credits["named"]) == sorted(named)
        assert {("other segments" if a.get("other_segments") else a["segment"] or "", a["count"])
                for a in credits["anonymous"]} == set(anonymous.items())
    return named_seen, anonymous_seen


def test_change_pages_credit_customers(expected: Expected, example_pages, portal_json, helpers) -> None:
    named_seen, anonymous_seen = check_change_credits(expected, example_pages, portal_json, helpers)
    assert named_seen and anonymous_seen
    # Preconditions that make this meaningful for the example content:
    # csv-exports-keep-leading-zeros answers an item whose duplicate comes from another customer,
    assert "csv-postcodes-lose-zeros" in expected.answered_by("csv-exports-keep-leading-zeros")
    # and keyboard-accessible-dashboard-editor reaches the same feedback through two decisions.
    assert len(expected.changes["keyboard-accessible-dashboard-editor"]["decisions"]) == 2


def write_credit_project(root: Path) -> Path:
    """One change reaching the same customers by every route: directly, via a decision, via a duplicate."""
    content = root / "content"
    files = {
        # anonymity_threshold 1: segments are credited by name, so the counts show who each route reached.
        "portal.yaml": 'title: "Credit test"\nbase_url: "https://credit.example/"\nanonymity_threshold: 1\n',
        "customers/named-a.yaml": 'name: "Named Alpha"\nsegment: Retail\ncredit: named\n',
        "customers/anon-b.yaml": 'name: "Secret Bravo"\nsegment: Healthcare\ncredit: anonymous\n',
        "customers/anon-c.yaml": 'name: "Secret Charlie"\nsegment: Healthcare\ncredit: anonymous\n',
        "customers/anon-d.yaml": 'name: "Secret Delta"\nsegment: Fintech\n',  # credit_default: anonymous
        "customers/anon-e.yaml": 'name: "Secret Echo"\nsegment: Public sector\ncredit: anonymous\n',
        "feedback/f1.md": "---\ntitle: One\ndate: 2026-01-01\nfrom: [named-a, anon-b]\n---\nOne.\n",
        "feedback/f2.md": "---\ntitle: Two\ndate: 2026-01-02\nfrom: [anon-b, named-a, anon-c]\n---\nTwo.\n",
        "feedback/f3.md": "---\ntitle: Three\ndate: 2026-01-03\nfrom: [anon-d, anon-b]\nduplicate_of: f1\n---\n",
        "feedback/f4.md": "---\ntitle: Four\ndate: 2026-01-04\nfrom: [anon-e]\ndraft: true\n---\n",
        "feedback/f5.md": "---\ntitle: Five\ndate: 2026-01-05\nfrom: [anon-e]\nvisibility: private\n---\n",
        "decisions/d1.md": "---\ntitle: Go ahead\ndate: 2026-02-01\nfeedback: [f1, f4, f5]\n"
                           "outcome: planned\n---\nOk.\n",
        "changes/c1.md": "---\ntitle: Done\ndate: 2026-03-01\ndecisions: [d1]\nfeedback: [f2, f1, f4, f5]\n---\n",
    }
    for rel, text in files.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    return root


def test_each_customer_is_credited_once(tmp_path: Path, helpers) -> None:
    project = write_credit_project(tmp_path / "portal")
    site = portalgen.build(project).output
    pages = helpers.parse_site(site)
    data = json.loads((site / "api/portal.json").read_text(encoding="utf-8"))
    expected = Expected(helpers.read_content(project / "content"))
    named, anonymous = expected.credit(expected.answered_by("c1"))
    assert named == {"named-a": "Named Alpha"}
    assert anonymous == Counter({"Healthcare": 2, "Fintech": 1})  # not Public sector: draft and private only
    assert check_change_credits(expected, pages, data, helpers) == (1, 1)
    text = helpers.text_of(thanks_sentence(pages["changes/c1/index.html"], helpers))
    assert "Public sector" not in text
    assert (site / "customers/named-a/index.html").is_file()
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file()).lower()
    assert b"secret" not in everything and b"anon-" not in everything
    # The duplicate shares its target's status: shipped, like everything c1 answers.
    for slug in ("f1", "f2", "f3"):
        assert shown_status(pages[f"feedback/{slug}/index.html"]) == "shipped", slug


# --- privacy --------------------------------------------------------------------------------------


def flatten(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in flatten(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in flatten(v)]
    if value is None or isinstance(value, bool):
        return []
    return [value.isoformat() if isinstance(value, date) else str(value)]


def secrets_of(content) -> dict[str, str]:
    """Every value that must never be published: needle -> why."""
    secrets: dict[str, str] = {}

    def add(value: Any, why: str) -> None:
        for text in flatten(value):
            text = text.strip()
            if len(text) >= 4:  # shorter values (numbers, flags) would match by accident
                secrets.setdefault(text, why)
            # Sentences of long private notes must not leak piecemeal either.
            for piece in re.split(r"(?<=[.!?;])\s+", text):
                if len(piece) >= 25 and piece != text:
                    secrets.setdefault(piece, why + " (part)")

    for slug, customer in content.customers.items():
        _customer_secrets(slug, customer, content.customer_named(slug), add)
    for kind, records in (("feedback", content.feedback), ("decision", content.decisions),
                          ("change", content.changes)):
        for slug, record in records.items():
            if "private" in record:
                add(record["private"], f"private: of {kind} {slug}")
            if not content.published(record):
                _unpublished_secrets(kind, slug, record, add, secrets)
    return secrets


def _customer_secrets(slug: str, customer: dict[str, Any], named: bool, add: Callable[[Any, str], None]) -> None:
    if not named:
        add(slug, f"anonymous customer slug {slug}")
        add(customer["name"], f"anonymous customer {slug}: name")
        if customer.get("url"):
            add(customer["url"], f"anonymous customer {slug}: url")
            add(urlsplit(customer["url"]).hostname, f"anonymous customer {slug}: url host")
    for person in customer.get("people") or []:
        if not named or person.get("credit") != "named":
            add(person["name"], f"unpublished person of {slug}")
    if "private" in customer:
        add(customer["private"], f"private: of customer {slug}")
    if not named and customer["_body"].strip():
        add(customer["_body"].strip().splitlines()[0], f"anonymous customer {slug}: body")


def _unpublished_secrets(kind: str, slug: str, record: dict[str, Any], add: Callable[[Any, str], None],
                         secrets: dict[str, str]) -> None:
    add(slug, f"unpublished {kind} slug")
    add(record["title"], f"unpublished {kind} {slug}: title")
    if record.get("quote"):
        add(record["quote"], f"unpublished {kind} {slug}: quote")
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(record["_body"].split())):
        if len(sentence) >= 25 and not re.search(r"[*_`\[\]<>|#]", sentence):
            secrets.setdefault(sentence, f"unpublished {kind} {slug}: body")


def encodings(text: str) -> set[str]:
    """The forms a string takes in HTML, XML (HTML inside Atom), JSON and attribute values."""
    text = " ".join(text.split())
    forms = {text, str(markupsafe.escape(text)), html_lib.escape(text), html_lib.escape(text, quote=False)}
    forms |= {html_lib.escape(f, quote=False) for f in list(forms)}  # HTML inside XML
    for form in list(forms):
        dumped = json.dumps(form, ensure_ascii=False)[1:-1]
        forms |= {dumped, json.dumps(form)[1:-1],
                  dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")}
    return {f.casefold() for f in forms}


def test_the_secrets_list_follows_the_content(content) -> None:
    secrets = secrets_of(content)
    for needle in ["halvorsen-pharmacy", "quillmark-payments", "bramblecote-council", "marrowby-home",
                   "ravensholt-insurance", "Halvorsen Pharmacy Group", "Ingrid Solberg", "Jonas Weller",
                   "Tom Beckett", "path-analysis-sankey", "per-seat-pricing-for-viewers",
                   "https://quillmark.example/", "Rachel Imbert"]:
        assert needle in secrets, needle
    assert "City of Eastbrook" not in secrets and "Priya Raman" not in secrets


def test_no_anonymous_private_or_draft_data_anywhere(example_site: Path, content) -> None:
    secrets = secrets_of(content)
    files = {}
    for path in sorted(example_site.rglob("*")):
        rel = path.relative_to(example_site).as_posix().casefold()
        for needle, why in secrets.items():
            if needle.casefold() in rel:
                pytest.fail(f"file name {rel} reveals {why}: {needle!r}")
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            files[rel] = " ".join(text.split()).casefold()
    assert "index.html" in files and "api/portal.json" in files and "feed.xml" in files
    leaks = []
    for needle, why in secrets.items():
        for form in encodings(needle):
            for rel, text in files.items():
                if form in text:
                    leaks.append(f"{rel} reveals {why}: {needle!r}")
    assert not leaks, "\n".join(sorted(set(leaks))[:40])


def test_unpublished_feedback_is_not_counted(example_site: Path, expected: Expected, portal_json, content) -> None:
    assert portal_json["stats"]["heard"] == len(expected.feedback)
    assert len(portal_json["feedback"]) == len(expected.feedback)
    public_tags = {slugify(t) for r in expected.feedback.values() for t in r.get("tags") or []}
    hidden_tags = {slugify(t) for r in content.feedback.values() if not content.published(r)
                   for t in r.get("tags") or []} - public_tags
    assert hidden_tags, "the example has a tag used only by unpublished feedback ('pricing')"
    for tag in hidden_tags:
        assert not (example_site / "tags" / tag).exists(), f"tag {tag} only unpublished feedback uses has a page"
    # Anonymous customers still count: a change credited only by segment says so.
    anonymous_segments = {content.customers[s].get("segment") for s in content.customers
                          if not content.customer_named(s)}
    assert any(a["segment"] in anonymous_segments for c in portal_json["changes"]
               for a in c["credits"]["anonymous"])


# --- machine-readable outputs ---------------------------------------------------------------------


def site_path_of(url: str, base_url: str, site: Path) -> Path:
    assert url.startswith(base_url), f"{url} is not under {base_url}"
    rest = url[len(base_url):]
    target = site / rest
    return target / "index.html" if rest == "" or rest.endswith("/") or target.is_dir() else target


def test_atom_feed(example_site: Path, base_url: str, expected: Expected) -> None:
    feed = feedparser.parse((example_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.entries
    assert len(feed.entries) == min(50, len(expected.decisions) + len(expected.changes))
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)), "entry ids are unique"
    for entry in feed.entries:
        assert entry.link.startswith(base_url), entry.link
        assert site_path_of(entry.link, base_url, example_site).is_file(), entry.link
        assert entry.get("updated") and entry.get("title")
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [base_url + "feed.xml"]
    dates = [e.updated_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_sitemap_and_robots(example_site: Path, base_url: str) -> None:
    root = ET.fromstring((example_site / "sitemap.xml").read_bytes())
    locs = [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")]
    assert locs
    for loc in locs:
        assert urlsplit(loc).scheme in ("http", "https") and loc.startswith(base_url), loc
        assert site_path_of(loc, base_url, example_site).is_file(), loc
    pages = {p.relative_to(example_site).as_posix() for p in example_site.rglob("*.html")} - {"404.html"}
    assert {base_url + p.removesuffix("index.html") for p in pages} == set(locs)
    robots = (example_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {base_url}sitemap.xml" in robots.splitlines()


def test_portal_json(example_site: Path, portal_json, base_url: str, expected: Expected) -> None:
    raw = (example_site / "api/portal.json").read_bytes()
    assert b"<" not in raw and b"</script" not in raw.lower()
    for key in ("feedback", "decisions", "changes"):
        assert isinstance(portal_json[key], list) and portal_json[key], key
    assert {f["slug"] for f in portal_json["feedback"]} == set(expected.feedback)
    assert {d["slug"] for d in portal_json["decisions"]} == set(expected.decisions)
    assert {c["slug"] for c in portal_json["changes"]} == set(expected.changes)
    for item in portal_json["feedback"]:
        assert {"slug", "title", "date", "status", "tags", "credits", "url"} <= set(item), item.keys()
        assert item["title"] == expected.feedback[item["slug"]]["title"]
        assert date.fromisoformat(item["date"]) == expected.feedback[item["slug"]]["date"]
        assert item["status"] in WORDING
        assert all(isinstance(t, str) for t in item["tags"])
        assert site_path_of(item["url"], base_url, example_site).is_file()
        assert set(item["credits"]) == {"named", "anonymous"}
    for decision in portal_json["decisions"]:
        assert {"slug", "title", "date", "outcome", "feedback", "url"} <= set(decision)
        assert decision["outcome"] == expected.decisions[decision["slug"]]["outcome"]
        assert site_path_of(decision["url"], base_url, example_site).is_file()
    for change in portal_json["changes"]:
        assert {"slug", "title", "date", "credits", "url"} <= set(change)
        assert site_path_of(change["url"], base_url, example_site).is_file()
        credits = change["credits"]
        assert set(credits) == {"named", "anonymous"}
        for named in credits["named"]:
            assert {"slug", "name"} <= set(named)
        for anonymous in credits["anonymous"]:
            if anonymous.get("other_segments"):  # customers of segments too small to name: never named
                assert anonymous == {"segment": None, "other_segments": True, "count": anonymous["count"]}
            else:
                assert set(anonymous) == {"segment", "count"}
            assert isinstance(anonymous["count"], int) and anonymous["count"] > 0


# --- content is data, and Markdown is sanitised ---------------------------------------------------

PAYLOAD = """\
# A heading that must not become a second h1

Body says {{ 7*7 }} and {% if true %}yes{% endif %} and {# comment #}.

<script>alert(1)</script>

[x](javascript:alert(1)) and [y](JaVaScRiPt:alert(2)) and [z]( javascript:alert(3))

<img src=x onerror=alert(1)>

<a href="javascript:alert(4)" onclick="alert(5)">click</a>
<div onmouseover="alert(6)" style="background:url(javascript:alert(7))">hover</div>
<svg onload=alert(8)></svg><iframe src="javascript:alert(9)"></iframe>
<form action="javascript:alert(10)"><button formaction="javascript:alert(11)">go</button></form>

![remote](https://tracker.example/pixel.png) <style>@import url(https://evil.example/x.css);</style>
<link rel="stylesheet" href="https://evil.example/y.css"><object data="https://evil.example/z"></object>
"""


def write_hostile_project(root: Path) -> Path:
    content = root / "content"
    for folder in ("customers", "feedback", "decisions", "changes"):
        (content / folder).mkdir(parents=True)
    (content / "portal.yaml").write_text('title: "Test portal {{ 7*7 }}"\nbase_url: "https://portal.example/"\n',
                                         encoding="utf-8")
    (content / "customers/acme.yaml").write_text('name: "Acme {{ 7*7 }}"\nsegment: Retail\ncredit: named\n',
                                                 encoding="utf-8")
    (content / "feedback/hostile.md").write_text(
        '---\ntitle: "Hostile {{ 7*7 }} title"\ndate: 2026-01-05\nfrom: [acme]\n'
        'quote: "Quote {{ 7*7 }} <script>alert(12)</script>"\ntags: ["{{ 7*7 }}", "<b>bold</b>"]\n'
        'source: "{% raw %}{{ config }}"\n---\n' + PAYLOAD, encoding="utf-8")
    (content / "decisions/hostile-no.md").write_text(
        '---\ntitle: "No {{ 7*7 }}"\ndate: 2026-01-06\nfeedback: [hostile]\noutcome: declined\n'
        "workaround: |\n" + "".join("  " + line + "\n" for line in PAYLOAD.splitlines()) + "---\n" + PAYLOAD,
        encoding="utf-8")
    (content / "changes/hostile-change.md").write_text(
        '---\ntitle: "Change {{ 7*7 }}"\ndate: 2026-01-07\nversion: "{{ 7*7 }}"\nfeedback: [hostile]\n---\n'
        + PAYLOAD, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_hostile_project(tmp_path_factory.mktemp("hostile") / "portal")
    return portalgen.build(project).output


# Never on a page, theme or content. Scripts are allowed only as local files (CSP script-src 'self').
NEVER = frozenset({"iframe", "frame", "object", "embed", "base", "applet"})
# Never inside rendered Markdown (the theme itself may have, say, a search form or an inline icon).
NOT_IN_CONTENT = NEVER | {"script", "style", "svg", "math", "form", "input", "button", "textarea", "select",
                          "link", "meta", "img", "video", "audio", "source"}


def unsafe_markup(root: ET.Element, where: str, content: bool = False) -> list[str]:
    """Script-capable markup: forbidden elements, inline or remote scripts, on* handlers, script URLs.

    With content=False (a whole page), every element with class "prose" (rendered Markdown) is
    also checked as content.
    """
    problems = []
    forbidden = NOT_IN_CONTENT if content else NEVER
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in forbidden:
            problems.append(f"{where}: <{el.tag}> element")
        elif el.tag == "script":
            src = (el.get("src") or "").strip()
            if not src or (el.text or "").strip() or urlsplit(src).scheme or src.startswith("//"):
                problems.append(f"{where}: <script src={src!r}> is inline or not a local file")
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{where}: <{el.tag} {name}=...> event handler")
            squashed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
            if "javascript:" in squashed or "vbscript:" in squashed or squashed.startswith("data:text/html"):
                problems.append(f"{where}: <{el.tag} {name}={value!r}>")
    if not content:
        for prose in by_class(root, "prose"):
            problems += unsafe_markup(prose, f"{where} (rendered Markdown)", content=True)
    return problems


def test_content_is_never_a_template(hostile_site: Path, helpers) -> None:
    root = helpers.parse_html(hostile_site / "feedback/hostile/index.html")
    main = helpers.text_of(root.find(".//main"))
    for literal in ("Hostile {{ 7*7 }} title", "Body says {{ 7*7 }}", "{% if true %}yes{% endif %}",
                    "{# comment #}", "Quote {{ 7*7 }}", "Acme {{ 7*7 }}"):
        assert literal in main, f"{literal!r} not shown literally"
    assert "Hostile 49 title" not in main and "Body says 49" not in main
    title = helpers.text_of(root.find(".//title"))
    assert "{{ 7*7 }}" in title and "49" not in title
    for path in ("changes/hostile-change/index.html", "decisions/hostile-no/index.html", "index.html"):
        text = helpers.text_of(helpers.parse_html(hostile_site / path).find(".//main"))
        assert "{{ 7*7 }}" in text, path
    data = json.loads((hostile_site / "api/portal.json").read_text(encoding="utf-8"))
    assert data["feedback"][0]["title"] == "Hostile {{ 7*7 }} title"


def test_markdown_is_sanitised_everywhere(hostile_site: Path, helpers) -> None:
    pages = helpers.parse_site(hostile_site)
    problems = external_requests(hostile_site, pages, helpers)
    for rel, root in pages.items():
        problems += unsafe_markup(root, rel)
    # The Atom feed carries HTML as escaped text: parse it as HTML too.
    feed = ET.fromstring((hostile_site / "feed.xml").read_bytes())
    for content_el in feed.iter("{http://www.w3.org/2005/Atom}content"):
        problems += unsafe_markup(helpers.parse_html(content_el.text or "").find("body"), "feed.xml",
                                  content=True)
    data = json.loads((hostile_site / "api/portal.json").read_text(encoding="utf-8"))
    fragments = [i["body_html"] for i in data["feedback"]] + [c["body_html"] for c in data["changes"]]
    fragments += [d["reasoning_html"] for d in data["decisions"]] + [d["workaround_html"] or ""
                                                                   for d in data["decisions"]]
    for fragment in fragments:
        problems += unsafe_markup(helpers.parse_html(fragment).find("body"), "api/portal.json", content=True)
    assert not problems, "\n".join(problems)
    raw = (hostile_site / "api/portal.json").read_bytes()
    assert b"<" not in raw
    # The harmless parts survive: the link text is still there, just without the bad URL.
    page_text = helpers.text_of(helpers.parse_html(hostile_site / "feedback/hostile/index.html"))
    assert "click" in page_text and "hover" in page_text


def test_example_site_has_no_unsafe_markup(example_pages) -> None:
    problems = [p for rel, root in example_pages.items() for p in unsafe_markup(root, rel)]
    assert not problems, "\n".join(problems[:30])


# --- page structure and accessibility basics ------------------------------------------------------


def csp_directives(root: ET.Element) -> dict[str, list[str]]:
    head = root.find("head")
    metas = [m for m in head.iter("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1, "one CSP meta tag in <head>"
    directives = {}
    for part in metas[0].get("content", "").split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def structure_problems(pages: dict[str, ET.Element], language: str, helpers) -> list[str]:
    problems = []
    for rel, root in pages.items():
        h1s = list(root.iter("h1"))
        if len(h1s) != 1:
            problems.append(f"{rel}: {len(h1s)} h1 elements")
        if root.get("lang") != language:
            problems.append(f"{rel}: <html lang={root.get('lang')!r}>")
        mains = list(root.iter("main"))
        if len(mains) != 1 or mains[0].get("id") != "main":
            problems.append(f"{rel}: needs exactly one <main id=\"main\">")
        body_links = list(root.find("body").iter("a"))
        if not body_links or body_links[0].get("href") != "#main":
            problems.append(f"{rel}: the first link is not a skip link to #main")
        directives = csp_directives(root)
        script_src = directives.get("script-src", directives.get("default-src"))
        if not script_src or "'self'" not in script_src or any("unsafe" in s for s in script_src):
            problems.append(f"{rel}: CSP script-src is {script_src}")
        title = helpers.text_of(root.find("head/title"))
        if not title:
            problems.append(f"{rel}: empty <title>")
        ids = Counter(el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id"))
        problems += [f"{rel}: id {i!r} used {n} times" for i, n in ids.items() if n > 1]
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            refs = (el.get("aria-labelledby") or "").split() + (el.get("aria-describedby") or "").split()
            if el.tag == "a" and (el.get("href") or "").startswith("#") and len(el.get("href")) > 1:
                refs.append(el.get("href")[1:])
            problems += [f"{rel}: <{el.tag}> refers to missing id {ref!r}" for ref in refs if ref not in ids]
    return problems


def test_every_page_has_the_required_structure(example_pages, content, helpers) -> None:
    problems = structure_problems(example_pages, content.portal.get("language") or "en", helpers)
    assert not problems, "\n".join(problems[:30])


def test_pages_are_valid_html(example_parse_errors) -> None:
    assert not example_parse_errors, "\n".join(example_parse_errors[:30])


def test_hostile_content_keeps_the_page_structure(hostile_site: Path, helpers) -> None:
    errors: list[str] = []
    pages = helpers.parse_site(hostile_site, errors)
    problems = structure_problems(pages, "en", helpers)
    assert not problems, "\n".join(problems[:30])
    assert not errors, "\n".join(errors[:30])


def test_404_page_works_at_any_depth(example_site: Path, base_url: str, helpers) -> None:
    root = helpers.parse_html(example_site / "404.html")
    base_path = urlsplit(base_url).path or "/"
    for tag, attribute in helpers.LINK_ATTRIBUTES:
        for el in root.iter(tag):
            value = el.get(attribute)
            if value and not value.startswith(("#", "mailto:", "http:", "https:")):
                assert value.startswith(base_path), f"404.html: {value!r} breaks when served at depth"
