"""Privacy: nothing we promised to keep private reaches the built site.

The canary portal below hides a unique marker ("cnry…") in every private place the content
model has: an anonymous customer's name, slug, url, people and body; a named customer's
people who did not consent; `private:` fields on every kind of record; unknown keys; YAML and
HTML comments; private records; drafts; sub-folder names. No public text mentions a marker
(that would be the leak lint's job, tested at the end of this file), so if a marker shows up
anywhere in site/ (any file, any byte, any file or folder name), the build leaked it.

Two differential tests then prove the stronger promise that nothing published *depends* on
private content: scrambling every private value gives a byte-identical site, and deleting
every private and draft record gives a byte-identical site (so counts, statistics, ordering,
credits and links never include them).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import portalgen
from portalgen.content.problems import Severity
from portalgen.content.slugs import slugify
from portalgen.pipeline.building import check

MARK = "cnry"  # every private value in the canary portal contains this; public text never does
PRIVATE_EMOJI_TAG = "🦊🔒🗝"  # a private tag without ASCII: its page slug would be a hash
DRAFT_EMOJI_TAG = "🐙🧪"

# --- the canary portal, as data -------------------------------------------------------------------
# rel path -> (front matter, body). Bodies of .yaml customers are "".

PORTAL = {
    "title": "Canary portal — You said, we did",
    "base_url": "https://portal.example.org/cab/",
    "description": "A portal whose private corners are full of canaries.",
    "product": "Canary Product",
    "contact": "cab@example.org",
    "credit_default": "anonymous",
}


def canary_records() -> dict[str, tuple[dict[str, Any], str]]:
    r: dict[str, tuple[dict[str, Any], str]] = {}
    # Customers --------------------------------------------------------------------------------
    r["customers/named-co.yaml"] = ({
        "name": "Named Co", "segment": "Retail", "credit": "named", "url": "https://named.example/",
        "people": [
            {"name": "Public Person", "role": "CTO", "credit": "named"},
            {"name": "Cnrypersonanon Smith", "role": "cnrypersonanonrole", "credit": "anonymous"},
            {"name": "Cnrypersonnocredit Jones", "role": "cnrypersonnocreditrole"},
        ],
        "private": {"account_manager": "cnrynamedprivmanager", "arr": ["cnrynamedprivarr", 250000]},
    }, "")
    r["customers/only-private-co.yaml"] = ({
        "name": "Only Private Co", "segment": "Energy", "credit": "named",
        "private": "cnryonlyprivateprivnote",
    }, "")
    r["customers/cnry-anon-slug.yaml"] = ({
        "name": "Cnryanonname Holdings", "segment": "Healthcare", "credit": "anonymous",
        "url": "https://cnryanonurl.example/", "joined": "2025-01-02",
        "people": [
            {"name": "Cnryanonperson Named", "role": "cnryanonpersonrole", "credit": "named"},
            {"name": "Cnryanonperson Quiet", "role": "cnryanonquietrole", "credit": "anonymous"},
        ],
        "private": {"notes": "cnryanonprivnotes"},
    }, "")
    # Anonymous through credit_default, written as Markdown with a body.
    r["customers/cnry-default-anon.md"] = ({
        "name": "Cnrydefaultanon Ltd", "segment": "Healthcare", "url": "https://cnrydefaultanonurl.example/",
        "private": ["cnrydefaultanonprivlist"],
    }, "Cnrydefaultanonbody: about this customer.\n")
    # Public feedback --------------------------------------------------------------------------
    r["feedback/pub-a.md"] = ({
        "title": "Export to spreadsheets", "date": "2026-01-10", "from": ["named-co", "cnry-anon-slug"],
        "tags": ["exports"], "quote": "We export every Monday.", "source": "CAB meeting",
        "private": {"ticket": "cnrypubaprivticket", "who": ["cnrypubaprivwho"]},
    }, "We need exports.\n\n<!-- cnrycommentinbody -->\n\n[unused]: https://cnryrefdef.example/\n")
    r["feedback/pub-b.md"] = ({
        "title": "Faster dashboards", "date": "2026-01-15", "from": ["cnry-default-anon"], "tags": ["speed"],
        "notes": "cnryunknownkeyvalue",  # an unknown key: reported as a warning, never published
    }, "Dashboards are slow.\n")
    r["feedback/pub-c.md"] = ({
        "title": "Audit log", "date": "2026-01-20", "from": ["named-co"], "tags": ["security"],
    }, "Who changed what?\n")
    r["feedback/pub-dup.md"] = ({  # a public duplicate of a private item
        "title": "Spreadsheet export again", "date": "2026-02-01", "from": ["named-co"],
        "duplicate_of": "cnry-private-fb",
    }, "Same as before.\n")
    # Private feedback, in a sub-folder whose name is itself a canary.
    r["feedback/cnry-subfolder/cnry-private-fb.md"] = ({
        "title": "Cnryprivfbtitle", "date": "2026-03-01", "from": ["only-private-co", "cnry-anon-slug"],
        "visibility": "private", "tags": ["cnryprivtag", PRIVATE_EMOJI_TAG], "quote": "cnryprivquote",
        "source": "cnryprivsource", "private": "cnryprivfbprivfield",
    }, "Cnryprivfbbody\n")
    r["feedback/cnry-private-dup.md"] = ({  # a private duplicate of a public item
        "title": "Cnryprivduptitle", "date": "2026-03-02", "from": ["only-private-co"],
        "visibility": "private", "duplicate_of": "pub-a",
    }, "Cnryprivdupbody\n")
    r["feedback/cnrydraft-fb.md"] = ({
        "title": "Cnrydraftfbtitle", "date": "2026-03-03", "from": ["named-co"], "draft": True,
        "tags": ["cnrydrafttag", DRAFT_EMOJI_TAG], "quote": "cnrydraftquote", "private": "cnryprivinsidedraft",
    }, "Cnrydraftfbbody\n")
    # Decisions --------------------------------------------------------------------------------
    r["decisions/plan-exports.md"] = ({
        "title": "Plan exports", "date": "2026-02-10", "outcome": "planned",
        "feedback": ["pub-a", "cnry-private-fb"], "private": {"owner": "cnrydecprivowner"},
    }, "We will build exports.\n")
    r["decisions/decline-speed.md"] = ({
        "title": "Not making dashboards faster", "date": "2026-02-11", "outcome": "declined",
        "feedback": ["pub-b"], "workaround": "Use fewer tiles.",
    }, "It is fast enough for most.\n")
    r["decisions/cnry-private-dec.md"] = ({  # would change pub-c's status if it counted
        "title": "Cnryprivdectitle", "date": "2026-02-12", "outcome": "declined", "feedback": ["pub-c"],
        "visibility": "private", "workaround": "cnryprivdecworkaround",
    }, "Cnryprivdecreasoning\n")
    r["decisions/cnrydraft-dec.md"] = ({
        "title": "Cnrydraftdectitle", "date": "2026-02-13", "outcome": "in-progress", "feedback": ["pub-c"],
        "draft": True, "workaround": "cnrydraftdecworkaround",
    }, "Cnrydraftdecreasoning\n")
    # Changes ----------------------------------------------------------------------------------
    r["changes/exports-shipped.md"] = ({  # answers a private item directly and through a decision
        "title": "Exports shipped", "date": "2026-03-10", "version": "2.0", "decisions": ["plan-exports"],
        "feedback": ["cnry-private-fb"], "private": "cnrychangeprivfield",
    }, "Exports are here.\n")
    r["changes/cnry-private-change.md"] = ({  # would mark pub-c shipped if it counted
        "title": "Cnryprivchangetitle", "date": "2026-03-11", "version": "cnryprivversion",
        "feedback": ["pub-c"], "visibility": "private",
    }, "Cnryprivchangebody\n")
    r["changes/cnrydraft-change.md"] = ({
        "title": "Cnrydraftchangetitle", "date": "2026-03-12", "version": "cnrydraftversion",
        "feedback": ["pub-b"], "draft": True,
    }, "Cnrydraftchangebody\n")
    return r


ONLY_PRIVATE_DECISION = ("decisions/dec-for-hidden.md", ({
    "title": "Decided on something", "date": "2026-02-20", "outcome": "under-review",
    "feedback": ["cnry-private-fb"],
}, "We are looking at it.\n"))


def write_project(root: Path, records: dict[str, tuple[dict[str, Any], str]],
                  portal: dict[str, Any] | None = None) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    portal_text = yaml.safe_dump(portal or PORTAL, allow_unicode=True, sort_keys=False)
    # A YAML comment and an unknown key in portal.yaml: neither is ever published.
    (root / "content" / "portal.yaml").write_text(
        "# cnryportalyamlcomment\n" + portal_text + "private: cnryportalprivate\n", encoding="utf-8")
    for rel, (front, body) in records.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        if rel.endswith(".yaml"):
            path.write_text(f"# {MARK}yamlcomment\n" + dumped, encoding="utf-8")
        else:
            path.write_text(f"---\n# {MARK}frontmattercomment\n{dumped}---\n{body}", encoding="utf-8")
    return root


def is_hidden(rel: str, front: dict[str, Any]) -> bool:
    return front.get("visibility") == "private" or bool(front.get("draft"))


MARKER = ".portalgen-site"


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under root but portalgen's marker: path -> bytes (None for folders)."""
    return {p.relative_to(root).as_posix(): (None if p.is_dir() else p.read_bytes())
            for p in sorted(root.rglob("*")) if p.name != MARKER}


def files_and_names(site: Path) -> tuple[dict[str, bytes], list[str]]:
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    names = [p.relative_to(site).as_posix() for p in sorted(site.rglob("*"))]
    return files, names


def leaks_in(site: Path, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every occurrence of a canary marker in site/, as 'file: …context…' strings."""
    found = []
    files, names = files_and_names(site)
    pattern = re.compile(rb"cnry[a-z0-9-]*", re.IGNORECASE)
    for rel, data in files.items():
        for match in pattern.finditer(data):
            token = match[0].decode().lower()
            if not token.startswith(allowed) or not allowed:
                found.append(f"{rel}: {data[max(0, match.start() - 60):match.end() + 20]!r}")
    hash_slugs = {slugify(PRIVATE_EMOJI_TAG)} | (set() if "cnrydraft" in allowed else {slugify(DRAFT_EMOJI_TAG)})
    for rel in names:
        lowered = rel.lower()
        if (MARK in lowered and not any(a in lowered for a in allowed)) or any(h in lowered for h in hash_slugs):
            found.append(f"file name: {rel}")
    for rel, data in files.items():
        for slug in hash_slugs:
            if slug.encode() in data:
                found.append(f"{rel}: hash slug of a private tag {slug}")
    return found


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("canary") / "portal",
                         dict([*canary_records().items(), ONLY_PRIVATE_DECISION]))
    result = portalgen.build(root)
    assert not [w for w in result.warnings if w.severity is Severity.ERROR]
    return result.output


# --- 1. canaries ----------------------------------------------------------------------------------


def test_canary_portal_is_lint_clean_and_builds(tmp_path: Path) -> None:
    """The canary portal itself is valid: the markers sit only in private places."""
    root = write_project(tmp_path, dict([*canary_records().items(), ONLY_PRIVATE_DECISION]))
    _, problems = check(root)
    assert not problems.errors, [p.format() for p in problems.errors]


def test_no_canary_in_any_file_or_name(canary: Path) -> None:
    files, _ = files_and_names(canary)
    # The site is complete: every output format is there to be searched.
    for expected in ("index.html", "feed.xml", "sitemap.xml", "api/portal.json", "robots.txt", "404.html"):
        assert expected in files, f"{expected} missing from the canary site"
    assert any(rel.startswith("customers/named-co/") for rel in files)
    assert leaks_in(canary) == []


def test_private_records_stay_private_even_when_previewing_drafts(tmp_path: Path) -> None:
    """`--drafts` shows drafts; it never shows private records or anonymous customers."""
    root = write_project(tmp_path, dict([*canary_records().items(), ONLY_PRIVATE_DECISION]))
    site = portalgen.build(root, drafts=True).output
    files, _ = files_and_names(site)
    assert b"Cnrydraftfbtitle" in files["feedback/cnrydraft-fb/index.html"], "drafts are shown when previewing"
    assert leaks_in(site, allowed=("cnrydraft",)) == []


def test_anonymous_customers_have_no_page_and_named_ones_do(canary: Path) -> None:
    assert (canary / "customers" / "named-co" / "index.html").is_file()
    assert (canary / "customers" / "only-private-co" / "index.html").is_file()
    assert not (canary / "customers" / "cnry-anon-slug").exists()
    assert not (canary / "customers" / "cnry-default-anon").exists()
    page = (canary / "customers" / "named-co" / "index.html").read_text(encoding="utf-8")
    assert "Public Person" in page, "a consenting person of a named customer is published"
    # Anonymous customers are still credited; Healthcare has two anonymous members, fewer than the
    # default anonymity_threshold of 3, so its name stays off their credits.
    feedback_a = (canary / "feedback" / "pub-a" / "index.html").read_text(encoding="utf-8")
    assert "1 customer in other segments" in feedback_a and "Healthcare" not in feedback_a


# --- 2. public records never reveal private ones -------------------------------------------------


def _doc(site: Path) -> dict[str, Any]:
    return json.loads((site / "api" / "portal.json").read_text(encoding="utf-8"))


def test_change_answering_private_feedback_links_and_credits_nothing_private(canary: Path) -> None:
    doc = _doc(canary)
    change = next(c for c in doc["changes"] if c["slug"] == "exports-shipped")
    assert change["feedback"] == ["pub-a"], "only the public item it answers through plan-exports"
    named = [c["slug"] for c in change["credits"]["named"]]
    assert named == ["named-co"], "Only Private Co raised only private feedback: never credited"
    assert change["credits"]["anonymous"] == [{"segment": None, "other_segments": True, "count": 1}]
    page = (canary / "changes" / "exports-shipped" / "index.html").read_text(encoding="utf-8")
    assert "only-private-co" not in page and "Only Private Co" not in page
    assert "cnry" not in page.lower()
    only_private = (canary / "customers" / "only-private-co" / "index.html").read_text(encoding="utf-8")
    assert "exports-shipped" not in only_private, "a change is never credited through a private item"
    customer = next(c for c in doc["customers"] if c["slug"] == "only-private-co")
    assert customer["people"] == []


def test_decision_answering_only_private_feedback_reveals_nothing(canary: Path) -> None:
    page = (canary / "decisions" / "dec-for-hidden" / "index.html").read_text(encoding="utf-8")
    assert "cnry" not in page.lower()
    assert "private" not in page.lower() and "not public" not in page.lower(), (
        "the page must not even say that something private exists")
    decision = next(d for d in _doc(canary)["decisions"] if d["slug"] == "dec-for-hidden")
    assert decision["feedback"] == []


def test_private_and_draft_answers_do_not_change_public_status(canary: Path) -> None:
    doc = _doc(canary)
    status = {f["slug"]: f["status"] for f in doc["feedback"]}
    # pub-c has only a private decline, a draft decision and a private change: still just heard.
    assert status["pub-c"] == "heard"
    # pub-b has a public decline and a draft change: still declined, not shipped.
    assert status["pub-b"] == "declined"
    # pub-dup is a duplicate of a private item: it does not share (or reveal) that item's status.
    dup = next(f for f in doc["feedback"] if f["slug"] == "pub-dup")
    assert dup["duplicate_of"] is None and dup["status"] == "heard"


def test_statistics_count_only_published_records(canary: Path) -> None:
    doc = _doc(canary)
    assert sorted(f["slug"] for f in doc["feedback"]) == ["pub-a", "pub-b", "pub-c", "pub-dup"]
    assert sorted(d["slug"] for d in doc["decisions"]) == ["dec-for-hidden", "decline-speed", "plan-exports"]
    assert [c["slug"] for c in doc["changes"]] == ["exports-shipped"]
    assert doc["stats"]["heard"] == 4
    assert doc["stats"]["shipped"] == 1  # pub-a
    assert doc["stats"]["declined"] == 1  # pub-b; pub-c's decline is private
    assert doc["stats"]["answered"] == 2
    tags = {t["slug"]: t["feedback"] for t in doc["tags"]}
    assert set(tags) == {"exports", "speed", "security"}
    index = (canary / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<dt>Heard</dt><dd>4</dd>", index)


def _scrambled(records: dict[str, tuple[dict[str, Any], str]]) -> dict[str, tuple[dict[str, Any], str]]:
    """Every private value replaced by a different one; slugs of private things renamed."""
    text = json.dumps(records)
    swapped = re.sub(r"cnry", "zzzq", re.sub(r"Cnry", "Wxyv", text))
    swapped = swapped.replace(json.dumps(PRIVATE_EMOJI_TAG)[1:-1], json.dumps("🐝🌵")[1:-1])
    swapped = swapped.replace(json.dumps(DRAFT_EMOJI_TAG)[1:-1], json.dumps("🦀")[1:-1])
    out = json.loads(swapped)
    out = {rel: (front, body) for rel, (front, body) in out.items()}
    # Private values also change length and order, not just letters.
    for _rel, (front, _body) in out.items():
        if isinstance(front.get("private"), (str, list, dict)):
            front["private"] = {"other": ["x" * 500, {"nested": True}]}
    anon = out["customers/zzzq-anon-slug.yaml"][0]
    anon["people"].append({"name": "Extra Anonymous Person", "credit": "named"})
    anon["url"] = "https://a-much-longer-and-different-address.example/path"
    return out


def test_changing_private_content_never_changes_the_site(tmp_path: Path) -> None:
    records = dict(canary_records())
    a = portalgen.build(write_project(tmp_path / "a", records)).output
    b = portalgen.build(write_project(tmp_path / "b", _scrambled(records))).output
    snap_a, snap_b = snapshot(a), snapshot(b)
    assert sorted(snap_a) == sorted(snap_b), "private content changed which files exist"
    changed = [rel for rel in snap_a if snap_a[rel] != snap_b[rel]]
    assert changed == [], f"private content changed these published files: {changed}"


def _pruned(records: dict[str, tuple[dict[str, Any], str]]) -> dict[str, tuple[dict[str, Any], str]]:
    """The same portal with every private and draft record deleted and references to them removed."""
    gone = {Path(rel).stem for rel, (front, _) in records.items() if is_hidden(rel, front)}
    out: dict[str, tuple[dict[str, Any], str]] = {}
    for rel, (front, body) in records.items():
        if Path(rel).stem in gone:
            continue
        front = copy.deepcopy(front)
        for key in ("feedback", "decisions"):
            if key in front:
                front[key] = [s for s in front[key] if s not in gone]
        if front.get("duplicate_of") in gone:
            del front["duplicate_of"]
        out[rel] = (front, body)
    return out


def test_deleting_private_and_draft_records_never_changes_the_site(tmp_path: Path) -> None:
    """So no count, statistic, credit, link, tag or date on the site includes them."""
    records = dict(canary_records())
    pruned = _pruned(records)
    assert len(pruned) < len(records) - 5
    a = portalgen.build(write_project(tmp_path / "a", records)).output
    b = portalgen.build(write_project(tmp_path / "b", pruned)).output
    snap_a, snap_b = snapshot(a), snapshot(b)
    assert sorted(snap_a) == sorted(snap_b)
    changed = [rel for rel in snap_a if snap_a[rel] != snap_b[rel]]
    assert changed == [], f"private or draft records changed these published files: {changed}"


def test_marker_file_does_not_depend_on_private_content(tmp_path: Path) -> None:
    records = dict(canary_records())
    a = portalgen.build(write_project(tmp_path / "a", records)).output
    b = portalgen.build(write_project(tmp_path / "b", _pruned(records))).output
    assert (a / MARKER).read_bytes() == (b / MARKER).read_bytes()


# --- 3. leak lint ---------------------------------------------------------------------------------

LINT_PORTAL = {"title": "Lint portal", "base_url": "https://portal.example.org/"}


def lint_records() -> dict[str, tuple[dict[str, Any], str]]:
    return {
        "customers/globex.yaml": ({"name": "Globex", "segment": "Retail", "credit": "anonymous",
                                   "url": "https://www.globex-corp.example/"}, ""),
        "customers/acme.yaml": ({"name": "Acme Health", "segment": "Healthcare", "credit": "named", "people": [
            {"name": "Ana Ruiz", "role": "CTO", "credit": "named"},
            {"name": "Tom Beckett", "role": "BI lead", "credit": "anonymous"},
            {"name": "Li Wu", "role": "Analyst"},
        ]}, ""),
        "customers/initech.yaml": ({"name": "Initech", "segment": "Finance", "people": [
            {"name": "Peter Gibbons", "credit": "named"}]}, ""),
        "feedback/fb.md": ({"title": "Dark mode", "date": "2026-01-10", "from": ["acme", "globex"],
                            "tags": ["ui"], "quote": "Please.", "source": "CAB"}, "Dark theme please.\n"),
        "decisions/dec.md": ({"title": "No dark mode", "date": "2026-02-01", "feedback": ["fb"],
                              "outcome": "declined", "workaround": "Use the OS setting."}, "Not now.\n"),
        "changes/ch.md": ({"title": "Dark mode shipped", "date": "2026-03-01", "version": "2.0",
                           "feedback": ["fb"]}, "It is here.\n"),
    }


def lint_errors(tmp_path: Path, records: dict[str, tuple[dict[str, Any], str]],
                portal: dict[str, Any] | None = None) -> list[str]:
    root = write_project(tmp_path, records, portal or LINT_PORTAL)
    _, problems = check(root)
    return [p.format() for p in problems.errors]


def test_lint_baseline_is_clean(tmp_path: Path) -> None:
    assert lint_errors(tmp_path, lint_records()) == []


# (record, field, text): each puts a protected name into one public text field.
LEAKS = [
    ("feedback/fb.md", "title", "Dark mode for globex"),
    ("feedback/fb.md", "quote", "GLOBEX wants it"),
    ("feedback/fb.md", "source", "Call with Globex"),
    ("feedback/fb.md", "tags", ["ui", "globex"]),
    ("feedback/fb.md", "body", "As Globex told us, ..."),
    ("decisions/dec.md", "title", "No dark mode for Globex"),
    ("decisions/dec.md", "workaround", "Ask Globex's admin"),
    ("decisions/dec.md", "body", "Globex asked, but no."),
    ("changes/ch.md", "title", "Shipped for Globex"),
    ("changes/ch.md", "version", "globex-edition"),
    ("changes/ch.md", "body", "Thanks, (Globex)!"),
    ("feedback/fb.md", "body", "Tom   Beckett asked again"),  # an unconsented person, odd spacing
    ("feedback/fb.md", "quote", "li wu said so"),  # a person with no credit key at all
    ("feedback/fb.md", "title", "Peter Gibbons wants TPS reports"),  # named person, anonymous company
    ("decisions/dec.md", "body", "We spoke to initech."),  # anonymous by credit_default
    ("feedback/fb.md", "body", "Globe\u00adx and others"),  # a soft hyphen hides nothing
    ("feedback/fb.md", "body", "Glob&#101;x, in an entity"),  # neither does an HTML entity
    ("feedback/fb.md", "body", "See www.globex-corp.example for details"),  # the anonymous customer's site
]


@pytest.mark.parametrize(("rel", "field", "text"), LEAKS, ids=[f"{r.split('/')[0]}-{f}-{i}"
                                                                for i, (r, f, _) in enumerate(LEAKS)])
def test_lint_catches_a_protected_name_in_public_text(tmp_path: Path, rel: str, field: str, text: Any) -> None:
    records = lint_records()
    front, body = records[rel]
    if field == "body":
        body = text + "\n"
    else:
        front = {**front, field: text}
    records[rel] = (front, body)
    errors = lint_errors(tmp_path, records)
    assert errors, f"no error for {field} = {text!r}"
    assert all(e.startswith(f"content/{rel}") for e in errors), errors
    slug = "acme" if any(n in str(text).lower() for n in ("tom", "li wu")) else (
        "initech" if "initech" in str(text).lower() or "gibbons" in str(text).lower() else "globex")
    assert any(f"'{slug}'" in e for e in errors), f"the message names the customer slug: {errors}"


def test_lint_checks_file_names_of_public_records(tmp_path: Path) -> None:
    records = lint_records()
    records["feedback/globex-wants-dark-mode.md"] = records.pop("feedback/fb.md")
    for rel in ("decisions/dec.md", "changes/ch.md"):
        front, body = records[rel]
        records[rel] = ({**front, "feedback": ["globex-wants-dark-mode"]}, body)
    errors = lint_errors(tmp_path, records)
    assert any("content/feedback/globex-wants-dark-mode.md" in e and "'globex'" in e for e in errors), errors


def test_lint_checks_portal_texts_and_anonymous_segments(tmp_path: Path) -> None:
    errors = lint_errors(tmp_path, lint_records(), {**LINT_PORTAL, "description": "Built with Globex."})
    assert any("content/portal.yaml" in e and "'globex'" in e for e in errors), errors
    records = lint_records()
    front, body = records["customers/globex.yaml"]
    records["customers/globex.yaml"] = ({**front, "segment": "Globex subsidiaries"}, body)
    errors = lint_errors(tmp_path / "seg", records)
    assert any("content/customers/globex.yaml" in e and "segment" in e for e in errors), errors


def test_lint_checks_drafts_but_not_private_records(tmp_path: Path) -> None:
    """A draft is published one day; a private record never is."""
    records = lint_records()
    records["feedback/draft.md"] = ({"title": "Globex again", "date": "2026-01-11", "from": ["acme"],
                                     "draft": True}, "")
    records["feedback/secret.md"] = ({"title": "Globex internal", "date": "2026-01-11", "from": ["globex"],
                                      "visibility": "private"}, "Globex said this in confidence.\n")
    errors = lint_errors(tmp_path, records)
    assert any("content/feedback/draft.md" in e for e in errors), errors
    assert not any("secret.md" in e for e in errors), errors


@pytest.mark.parametrize("text", [
    "Globexian architecture",  # the name inside a longer word
    "Reglobex",
    "Tomás Beckettson",  # person's names inside longer words
    "Acme Health",  # a named customer may be named
    "Ana Ruiz presented",  # a consenting person of a named customer
    "Lion Wu",
])
def test_lint_matches_whole_words_only(tmp_path: Path, text: str) -> None:
    records = lint_records()
    front, _ = records["feedback/fb.md"]
    records["feedback/fb.md"] = ({**front, "title": text}, text + "\n")
    assert lint_errors(tmp_path, records) == []
