"""Public corpora thrown at the build: XSS payloads, the CommonMark spec, the YAML test suite.

The corpora are not part of the repository. The tests look for them in ../shared/corpora
(beside the repository), or wherever PORTALGEN_CORPORA points, and skip with a reason when
they are absent: a user's clone does not have them.

XSS payloads (6,613 of them) go into every text field a record has: feedback title, body,
quote, source and tag; a customer's name and segment; a decision's title, reasoning and
workaround; a change's title, version and body. They are batched into a few large portals
rather than thousands of tiny ones. A batch takes every twelfth payload, so each spans the whole
corpus (which lists similar attacks together); the default run builds the first batch (552
payloads), and `-m slow` the other eleven too, so the whole suite stays within CI's 15 minutes. Each build
either succeeds or rejects the input with a clean problem report, and the output, parsed the
way a browser parses it (html5lib), has no event-handler attribute, no javascript:/vbscript:/data:
URL, no script but the theme's own and no element that could run or embed anything.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest
import yaml
from corpora import corpus
from repo_paths import REPO

import portalgen
from portalgen.content.placeholders import only_placeholder
from portalgen.content.problems import PLACEHOLDER, ContentError, Problem
from portalgen.content.yamlread import read_yaml
from portalgen.model.markdown import Renderer

BATCHES = 12  # 6,613 payloads -> ~550 per build

# Attributes whose value is a URL that a browser may fetch, navigate to or run.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite",
                  "codebase", "lowsrc", "dynsrc", "ping", "manifest", "srcset", "icon", "longdesc", "usemap",
                  "{http://www.w3.org/1999/xlink}href"}
BAD_SCHEMES = re.compile(r"^(javascript|vbscript|data|livescript|mocha|jar|file):", re.IGNORECASE)
# Elements that run code, embed other documents or change where links and forms go.
FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "portal", "noscript",
             "template", "math", "xml", "bgsound", "param", "layer", "ilayer", "keygen", "handler"}
# Elements that fetch something when shown, or send something when used: only to the site itself.
FETCHING = {"img", "image", "video", "audio", "source", "track", "input", "picture", "form", "link", "use"}
THEME_SVG = {"svg", "g", "circle", "path", "rect", "line", "polyline", "polygon", "text", "tspan", "title",
             "desc"}
THEME_SCRIPT = re.compile(r"(\.\./)*(static|search)/[a-z-]+\.js|(/[a-z0-9-]+)*/(static|search)/[a-z-]+\.js")
LINK_RELS = {"stylesheet", "icon", "alternate", "canonical"}
THEME_TEMPLATE = "feedback-card"  # the one <template> of the theme (feedback_list.html); content cannot make one


# --- what a browser would see -----------------------------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _clean_url(value: str) -> str:
    # Browsers ignore leading spaces and control characters, and tabs/newlines anywhere in a URL.
    return re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(33))))


def _foreign_site(value: str) -> bool:
    url = _clean_url(value)
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^[/\\]{2}", url)) and not url.startswith(
        "https://portal.example.org/")


def violations(root: ET.Element, where: str, page: bool = True) -> Iterator[str]:
    """Everything in a parsed page (or sanitised fragment) that could run code or load something foreign.

    A fragment of sanitised Markdown may hold only the sanitiser's allow-list. A page may hold
    the theme's own scripts, forms and SVG icons, and nothing that runs, embeds, or fetches
    from (or sends to) another site.
    """
    for el in root.iter():
        tag = _local(el.tag)
        if not tag or (el is root and not page):
            continue
        yield from _attribute_violations(el, tag, where, page)
        yield from _page_violations(el, tag, where) if page else _fragment_violations(el, tag, where)


def _attribute_violations(el: ET.Element, tag: str, where: str, page: bool) -> Iterator[str]:
    from portalgen.model.markdown import ALLOWED_ATTRIBUTES

    for name, value in el.attrib.items():
        attr = _local(name)
        if attr.startswith("on"):
            yield f"{where}: <{tag} {attr}=…> event handler attribute"
        if attr == "style":
            yield f"{where}: <{tag} style=…> inline style"
        if attr in URL_ATTRIBUTES or name in URL_ATTRIBUTES:
            for part in (value.split(",") if attr == "srcset" else [value]):
                if BAD_SCHEMES.match(_clean_url(part)):
                    yield f"{where}: <{tag} {attr}={value[:60]!r}> dangerous URL"
        if tag == "meta" and attr == "http-equiv" and value.lower().strip() == "refresh":
            yield f"{where}: <meta http-equiv=refresh>"
        if not page and (":" in name or "}" in name or (attr not in ALLOWED_ATTRIBUTES.get(tag, ())
                         and not (tag == "a" and attr == "rel"))):
            yield f"{where}: <{tag} {attr}> is not on the sanitiser's allow-list"


def _fragment_violations(el: ET.Element, tag: str, where: str) -> Iterator[str]:
    from portalgen.model.markdown import ALLOWED_TAGS

    if "}" in str(el.tag) or tag not in ALLOWED_TAGS:
        yield f"{where}: <{tag}> is not on the sanitiser's allow-list"


def _page_violations(el: ET.Element, tag: str, where: str) -> Iterator[str]:
    namespaced = "}" in str(el.tag)
    svg = str(el.tag).startswith("{http://www.w3.org/2000/svg}")
    if namespaced and not (svg and tag in THEME_SVG):
        yield f"{where}: foreign element {el.tag}"
    elif tag == "script":
        src = el.get("src") or ""
        if not THEME_SCRIPT.fullmatch(src) or (el.text or "").strip():
            yield f"{where}: <script src={src!r}> is not one of the theme's scripts"
    elif tag == "template" and el.get("id") == THEME_TEMPLATE:
        pass  # the theme's prototype card for filters.js; what it holds is checked like the rest
    elif tag in FORBIDDEN:
        yield f"{where}: <{tag}> element"
    elif tag in FETCHING:
        for attr in ("src", "action", "formaction", "poster", "srcset", "data", "href"):
            if el.get(attr) and _foreign_site(el.get(attr)):
                yield f"{where}: <{tag} {attr}={el.get(attr)[:60]!r}> loads from or sends to another site"
        if tag == "link" and not set((el.get("rel") or "").lower().split()) <= LINK_RELS:
            yield f"{where}: <link rel={el.get('rel')!r}>"


def parse_page(data: bytes) -> ET.Element:
    return html5lib.parse(data, treebuilder="etree", namespaceHTMLElements=False)


def parse_fragment(text: str) -> ET.Element:
    return html5lib.parseFragment(text, container="div", treebuilder="etree", namespaceHTMLElements=False)


def check_page(path: str) -> list[str]:
    """Worker: parse one page like a browser and list its violations (run in a process pool)."""
    return list(violations(parse_page(Path(path).read_bytes()), path))


def _sampled(site: Path, every: int, offset: int = 0) -> list[str]:
    """Every page, except that only one in `every` of the decision, customer and tag pages is
    parsed: each shows fields that the feedback pages (all parsed) show through the same
    macros, and the sanitised Markdown they embed is checked on its own for every record."""
    pages = []
    for n, path in enumerate(sorted(site.rglob("*.html"))):
        first = path.relative_to(site).parts[0]
        if every == 1 or first not in ("decisions", "customers", "tags") or n % every == offset % every \
                or path.parent.name in ("decisions", "customers", "tags", "page") or "page" in path.parts:
            pages.append(str(path))
    return pages


def check_site(site: Path, every: int = 1, offset: int = 0) -> tuple[int, list[str]]:
    """Every file of a built site checked for anything that could attack a reader."""
    found: list[str] = []
    pages = _sampled(site, every, offset)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(min(2, os.cpu_count() or 1)) as pool:
        for result in pool.imap_unordered(check_page, pages, chunksize=64):
            found.extend(result)
    for path in sorted(site.rglob("*")):
        found.extend(_check_file(site, path, every, offset))
    # Sanitised Markdown, as published in the JSON, parsed on its own as well.
    doc = json.loads((site / "api" / "portal.json").read_text(encoding="utf-8"))
    for kind in ("feedback", "decisions", "changes"):
        for record in doc[kind]:
            for key in ("body_html", "reasoning_html", "workaround_html"):
                if record.get(key):
                    found.extend(violations(parse_fragment(record[key]), f"portal.json {record['slug']}.{key}",
                                            page=False))
    return len(pages), found


def _check_file(site: Path, path: Path, every: int, offset: int) -> list[str]:
    """A script, JSON or XML file of the site (pages are checked by check_page)."""
    found: list[str] = []
    rel = path.relative_to(site).as_posix()
    if path.suffix in (".json", ".js") and not rel.startswith("static/"):
        data = path.read_bytes()
        if b"<" in data or b">" in data:
            found.append(f"{rel}: raw '<' or '>' in a script/JSON file (could close a <script> when embedded)")
        if b"\xe2\x80\xa8" in data or b"\xe2\x80\xa9" in data:
            found.append(f"{rel}: raw U+2028/U+2029 (a syntax error in older JavaScript)")
    if path.suffix == ".json":
        json.loads(path.read_bytes())
    if path.suffix == ".xml":
        found.extend(_check_xml(path, rel, every, offset))
    return found


def _check_xml(path: Path, rel: str, every: int, offset: int) -> list[str]:
    try:
        tree = ET.parse(path)  # expat: fails on anything that is not well-formed XML 1.0
    except ET.ParseError as exc:
        data = path.read_bytes().split(b"\n")[exc.position[0] - 1]
        return [f"{rel}: not well-formed XML ({exc}): {data[max(0, exc.position[1] - 40):][:80]!r}"]
    found: list[str] = []
    # Per-tag and per-customer feeds repeat entries of the main feed: their HTML is sampled.
    sampled = "/" not in rel or every == 1 or zlib.crc32(rel.encode()) % every == offset % every
    for el in tree.iter():
        if sampled and _local(el.tag) in ("content", "summary") and el.get("type") in ("html", "xhtml"):
            found.extend(violations(parse_fragment(el.text or ""), f"{rel} <{_local(el.tag)}>", page=False))
        for name in ("href", "src"):
            if el.get(name) and BAD_SCHEMES.match(_clean_url(el.get(name))):
                found.append(f"{rel}: dangerous URL in <{_local(el.tag)} {name}>")
    return found


# --- the XSS corpus -------------------------------------------------------------------------------


def payloads() -> list[str]:
    lines = corpus("xss_payloads.txt").read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line.strip()]


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 30)


def write_batch(root: Path, batch: list[tuple[int, str]], skip: set[str]) -> None:
    """One portal holding every payload of the batch in every text field."""
    content = root / "content"
    if content.exists():
        import shutil

        shutil.rmtree(content)
    for folder in ("customers", "feedback", "decisions", "changes"):
        (content / folder).mkdir(parents=True)
    # anonymity_threshold 1: every anonymous customer's hostile segment reaches the credits.
    (content / "portal.yaml").write_text(_dump({
        "title": batch[0][1], "description": batch[-1][1], "product": batch[1 % len(batch)][1],
        "base_url": "https://portal.example.org/cab/", "contact": "cab@example.org", "anonymity_threshold": 1}),
        encoding="utf-8")

    def md(front: dict[str, Any], body: str) -> str:
        return f"---\n{_dump(front)}---\n{body}\n"

    for n, payload in batch:
        anonymous = f"anon-{n % 25}"  # protected by the output guard: "a-1" would be found in "<a 1"
        files = {
            f"customers/c-{n}.yaml": _dump({"name": payload, "segment": payload[:80], "credit": "named"}),
            f"customers/{anonymous}.yaml": _dump({"name": f"Zq{n % 25} Anon", "segment": payload,
                                                  "credit": "anonymous"}),
            f"feedback/f-{n}.md": md({"title": payload, "date": "2026-01-01", "from": [f"c-{n}", anonymous],
                                      "quote": payload, "source": payload, "tags": [payload[:60]]}, payload),
            f"decisions/d-{n}.md": md({"title": payload, "date": "2026-02-01", "feedback": [f"f-{n}"],
                                       "outcome": "declined", "workaround": payload},
                                      payload if payload.strip() else "No."),
        }
        if n % 10 == 0:  # changes show the same fields through other templates: a sample is enough
            files[f"changes/x-{n}.md"] = md({"title": payload, "date": "2026-03-01", "version": payload[:40],
                                             "feedback": [f"f-{n}"]}, payload)
        for rel, text in files.items():
            if rel not in skip:
                (content / rel).write_text(text, encoding="utf-8")


def build_batch(root: Path, batch: list[tuple[int, str]]) -> tuple[Path, list[Problem]]:
    """Build; files the build rejects (cleanly, with a problem naming them) are left out and it builds again."""
    skip: set[str] = set()
    rejected: list[Problem] = []
    for _ in range(6):
        write_batch(root, batch, skip)
        try:
            return portalgen.build(root, use_cache=False).output, rejected
        except ContentError as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            assert errors, "a ContentError without errors"
            for problem in errors:
                assert problem.path.startswith("content/") and problem.message, problem
                rejected.append(problem)
                rel = problem.path.removeprefix("content/")
                skip.add(rel)
                n = re.search(r"-(\d+)\.", rel)
                if n:  # drop the records that reference it too, so the rest still builds
                    skip.update(f"{k}-{n[1]}.{ext}" for k, ext in (("feedback/f", "md"), ("decisions/d", "md"),
                                                                     ("changes/x", "md")))
    raise AssertionError(f"still failing after dropping {sorted(skip)}")


@pytest.fixture(scope="module")
def xss_batches() -> list[list[tuple[int, str]]]:
    items = list(enumerate(payloads()))
    return [items[i::BATCHES] for i in range(BATCHES)]


def test_xss_corpus_is_complete() -> None:
    assert len(payloads()) == 6613


@pytest.mark.parametrize("index", [pytest.param(i, marks=() if i == 0 else pytest.mark.slow)
                                   for i in range(BATCHES)])
def test_xss_payloads_in_every_field(index: int, xss_batches, tmp_path: Path) -> None:
    batch = xss_batches[index]
    site, rejected = build_batch(tmp_path / "portal", batch)
    # A payload that reads only "XXX" is a placeholder in every field it fills: count it once.
    unfinished = {re.sub(r"\D", "", p.path) for p in rejected if p.code == PLACEHOLDER}
    others = [p for p in rejected if p.code != PLACEHOLDER]
    assert len(unfinished) < len(batch) // 20, sorted(unfinished)[:20]
    assert len(others) < len(batch) // 20, [p.format() for p in others][:20]
    doc = json.loads((site / "api" / "portal.json").read_text(encoding="utf-8"))
    assert len(doc["feedback"]) >= len(batch) - len(rejected)
    # Pages that repeat what the feedback pages show are sampled, a different eighth in each batch.
    pages, found = check_site(site, every=8, offset=index)
    assert pages > len(batch)
    assert found == [], f"{len(found)} problems, e.g.\n" + "\n".join(found[:30])


def test_checker_catches_what_it_looks_for() -> None:
    """The checks above fail on the attacks they exist to catch (so a pass means something)."""
    bad = [
        '<p onclick="x()">', '<a href=" javascript:alert(1)">x</a>', '<a href="java\tscript:alert(1)">x</a>',
        '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<svg><script>alert(1)</script></svg>',
        '<iframe src="https://evil.example/"></iframe>', '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<form action="javascript:alert(1)"><button>x</button></form>', '<p style="background:url(x)">',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>', '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<a href="VBSCRIPT:msgbox(1)">x</a>',
        '<object data="x.swf"></object>', '<link rel="import" href="x">',
    ]
    for html in bad:
        assert list(violations(parse_page(html.encode()), "t")), html
    assert list(violations(parse_page(b'<script src="../static/search.js"></script>'), "t")) == []
    assert list(violations(parse_page(b'<script src="https://evil.example/x.js"></script>'), "t"))


# --- CommonMark --------------------------------------------------------------------------------------


def test_commonmark_spec_examples_render_safely() -> None:
    examples = json.loads(corpus("commonmark_spec.json").read_text(encoding="utf-8"))
    assert len(examples) == 652
    render = Renderer()
    found: list[str] = []
    for example in examples:
        html = render(example["markdown"])
        assert isinstance(html, str)
        found.extend(violations(parse_fragment(html), f"example {example['example']}", page=False))
    assert found == []


def test_commonmark_examples_build_as_bodies(tmp_path: Path) -> None:
    """All 652 examples as bodies of real records: the build succeeds and the pages are safe.

    Examples that are only marks ("***", "```", "> > >") read as text still to be written, which
    never publishes (tests/commands/test_placeholders.py): they are left out, and they are few."""
    examples = json.loads(corpus("commonmark_spec.json").read_text(encoding="utf-8"))
    unfinished = [e for e in examples if only_placeholder(e["markdown"]) is not None]
    assert len(unfinished) < 40
    examples = [e for e in examples if only_placeholder(e["markdown"]) is None]
    content = tmp_path / "content"
    for folder in ("customers", "feedback", "decisions"):
        (content / folder).mkdir(parents=True)
    (content / "portal.yaml").write_text("title: CommonMark\n", encoding="utf-8")
    (content / "customers" / "c.yaml").write_text("name: C\ncredit: named\n", encoding="utf-8")
    for e in examples:
        n = e["example"]
        (content / "feedback" / f"e-{n}.md").write_text(
            f"---\ntitle: Example {n}\ndate: 2026-01-01\nfrom: [c]\n---\n{e['markdown']}", encoding="utf-8")
        (content / "decisions" / f"d-{n}.md").write_text(
            f"---\ntitle: Decision {n}\ndate: 2026-01-02\nfeedback: [e-{n}]\noutcome: declined\n"
            f"workaround: {json.dumps(e['markdown'])}\n---\n{e['markdown']}\nBecause.\n", encoding="utf-8")
    site = portalgen.build(tmp_path, use_cache=False).output
    # Every feedback page is parsed; the decision pages, which show the same reasoning through the
    # same macros, one in four (each record's sanitised Markdown is parsed on its own too).
    pages, found = check_site(site, every=4)
    assert pages > 650
    assert found == []


# --- YAML test suite ----------------------------------------------------------------------------------


def test_yaml_test_suite_as_front_matter(tmp_path: Path) -> None:
    """Every case: a clean record or clean problems naming the file; never an exception."""
    cases = json.loads(corpus("yaml_test_suite.json").read_text(encoding="utf-8"))
    assert len(cases) == 402
    outcomes = {"record": 0, "problem": 0}
    invalid = caught = 0
    for case in cases:
        text = case["yaml"]
        result = read_yaml(text, 1)  # must not raise
        for line, message, hint in result.errors:
            assert isinstance(message, str) and message and isinstance(hint, str)
            assert line is None or line >= 1
        if case.get("expect_error"):
            invalid += 1
            caught += bool(result.errors)
    # PyYAML accepts a few documents the YAML 1.2 suite calls invalid; the rest are reported.
    assert invalid > 80 and caught >= invalid * 0.8, (caught, invalid)
    # And through the real loader, as front matter of a feedback file and as a customer file.
    content = tmp_path / "content"
    (content / "feedback").mkdir(parents=True)
    (content / "customers").mkdir()
    (content / "portal.yaml").write_text("title: YAML\n", encoding="utf-8")
    for n, case in enumerate(cases):
        yaml_text = case["yaml"]
        (content / "feedback" / f"y-{n}.md").write_text(f"---\n{yaml_text}\n---\nBody\n", encoding="utf-8")
        (content / "customers" / f"y-{n}.yaml").write_text(yaml_text, encoding="utf-8")
    records, problems = portalgen.check(tmp_path)
    for problem in problems.items:
        assert problem.path.startswith("content/"), problem
        assert problem.message
    by_file = {p.path for p in problems.errors}
    for n in range(len(cases)):
        rel = f"content/feedback/y-{n}.md"
        if rel in by_file:
            outcomes["problem"] += 1
        else:
            outcomes["record"] += 1
            assert f"y-{n}" in records.feedback, f"{rel}: no error and no record"
    assert outcomes["problem"] > 300  # most cases are not valid feedback records
    with pytest.raises(ContentError):
        portalgen.build(tmp_path)
    assert not (tmp_path / "site").exists(), "a build with errors writes nothing"


# --- 4 and 5: every field of every output format escaped; CSP on every page ------------------------
# These do not need the corpora: one payload, in every field the content model has.

PAYLOAD = "\"'><script>window.pwned=1</script><img src=x onerror=alert(1)>&amp;</title></textarea>]]>--><!--\u2028"


def every_field_project(root: Path) -> Path:
    p = PAYLOAD
    files = {
        "portal.yaml": {"title": p, "description": p, "product": p, "base_url": "https://portal.example.org/cab/",
                        "contact": f"cab{p.replace(' ', '').replace(chr(0x2028), '')}@example.org",
                        "anonymity_threshold": 1},  # the anonymous customer's segment is credited, so escaped
        "customers/named.yaml": {"name": p, "segment": p, "credit": "named",
                                 "url": "https://named.example/\"><script>alert(1)</script>",
                                 "people": [{"name": p, "role": p, "credit": "named"}]},
        "customers/anon.yaml": {"name": "Quiet Anon", "segment": p + " segment", "credit": "anonymous"},
    }
    texts = {rel: _dump(data) for rel, data in files.items()}
    texts["customers/named.md"] = None
    texts["feedback/f.md"] = f"---\n{_dump({'title': p, 'date': '2026-01-01', 'from': ['named', 'anon'], 'quote': p, 'source': p, 'tags': [p[:60], 'x' + p[:50]]})}---\n{p}\n\n[link]({p})\n"  # noqa: E501
    texts["feedback/g.md"] = f"---\n{_dump({'title': p + ' 2', 'date': '2026-01-02', 'from': ['anon'], 'duplicate_of': 'f'})}---\n{p}\n"  # noqa: E501
    texts["decisions/d.md"] = f"---\n{_dump({'title': p, 'date': '2026-02-01', 'feedback': ['f'], 'outcome': 'declined', 'workaround': p, 'revisit': '2026-09-01'})}---\n{p}\n"  # noqa: E501
    texts["decisions/e.md"] = f"---\n{_dump({'title': p + ' e', 'date': '2026-02-02', 'feedback': ['g'], 'outcome': 'planned', 'priority': 'must'})}---\n{p}\n"  # noqa: E501
    texts["changes/c.md"] = f"---\n{_dump({'title': p, 'date': '2026-03-01', 'version': p[:60], 'decisions': ['e']})}---\n{p}\n"  # noqa: E501
    for rel, text in texts.items():
        if text is None:
            continue
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def every_field_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return portalgen.build(every_field_project(tmp_path_factory.mktemp("fields") / "portal")).output


def test_every_field_is_escaped_in_every_output(every_field_site: Path) -> None:
    pages, found = check_site(every_field_site)
    assert pages > 15
    assert found == []
    index = parse_page((every_field_site / "index.html").read_bytes())
    assert PAYLOAD.split("\u2028")[0] in "".join(index.find(".//title").itertext()), "shown as text, not markup"


def test_json_and_scripts_are_safe_to_embed(every_field_site: Path) -> None:
    """No '<' in any JSON or JS output, so `</script>` or `<!--` can never close an inline block."""
    outputs = [p for p in every_field_site.rglob("*") if p.suffix in (".json", ".js")
               and not p.relative_to(every_field_site).as_posix().startswith("static/")]
    assert any(p.name == "portal.json" for p in outputs)
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text, path
        wrapped = f"<!doctype html><meta charset=utf-8><script type=application/json>{text}</script><p>after</p>"
        tree = parse_page(wrapped.encode())
        scripts = tree.findall(".//script")
        assert len(scripts) == 1 and scripts[0].text == text, f"{path} broke out of its <script>"
        assert tree.find(".//p").text == "after"
        if path.suffix == ".json":
            assert json.loads(scripts[0].text) == json.loads(text)
    doc = json.loads((every_field_site / "api" / "portal.json").read_text(encoding="utf-8"))
    assert doc["portal"]["title"] == PAYLOAD.replace("\u2028", "").strip() or doc["portal"]["title"].startswith(
        PAYLOAD[:20]), "JSON keeps the text exactly, escaped"


def test_feeds_stay_well_formed_with_hostile_text(every_field_site: Path) -> None:
    feeds = list(every_field_site.rglob("*.xml"))
    assert feeds
    for path in feeds:
        tree = ET.parse(path)
        for el in tree.iter():
            if _local(el.tag) == "title" and el.text and "script" in el.text:
                assert el.get("type") in (None, "text"), "titles are plain text"


CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def csp_of(page: ET.Element) -> dict[str, list[str]]:
    metas = [m for m in page.iter("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1, "exactly one CSP meta"
    policy: dict[str, list[str]] = {}
    for directive in metas[0].get("content", "").split(";"):
        words = directive.split()
        if words:
            policy[words[0].lower()] = words[1:]
    return policy


def test_every_page_has_a_strict_csp_and_referrer_policy(every_field_site: Path, example_site: Path) -> None:
    for site in (every_field_site, example_site):
        for path in sorted(site.rglob("*.html")):
            data = path.read_bytes()
            page = parse_page(data)
            policy = csp_of(page)
            assert policy.get("script-src") == ["'self'"], (path, policy)
            assert policy.get("default-src") == ["'self'"] and policy.get("object-src") == ["'none'"], policy
            assert policy.get("base-uri") in (["'none'"], ["'self'"]), policy
            assert "'unsafe-inline'" not in data.decode() and "'unsafe-eval'" not in data.decode()
            assert "style-src" in policy and "'unsafe-inline'" not in policy["style-src"]
            # The CSP comes before anything that loads or runs.
            head = page.find("head")
            first = [el.tag for el in head].index("meta")
            csp_at = [el for el in head].index(next(m for m in head.iter("meta") if m.get("http-equiv")))
            loaders = [i for i, el in enumerate(head) if el.tag in ("script", "link", "style", "base")]
            assert first <= csp_at < min(loaders, default=10 ** 6), path
            referrer = [m.get("content") for m in head.iter("meta") if m.get("name") == "referrer"]
            assert referrer in (["strict-origin-when-cross-origin"], ["no-referrer"], ["same-origin"]), path
            for script in page.iter("script"):
                assert script.get("src") and not (script.text or "").strip(), f"{path}: inline <script>"
            for el in page.iter():
                assert not any(_local(a).startswith("on") for a in el.attrib), f"{path}: on* attribute"


def test_deploy_docs_set_the_same_policy_as_the_pages(example_site: Path) -> None:
    """docs/deploy.md lists the HTTP headers; its CSP is the theme's, plus what only a header can say."""
    docs = REPO / "docs" / "deploy.md"
    text = docs.read_text(encoding="utf-8")
    meta = csp_of(parse_page((example_site / "index.html").read_bytes()))
    for host in ("Netlify", "Cloudflare Pages", "GitHub Pages", "nginx", "Apache", "S3", "CloudFront", "Caddy"):
        assert host in text, host
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
                   "frame-ancestors"):
        assert header in text, header
    policies = re.findall(r"default-src 'self';[^\"'\n]*(?:'[a-z-]+'[^\"'\n]*)*", text)
    with_headers = [p for p in policies if "frame-ancestors" in p]
    assert len(with_headers) >= 6, "one policy per host that can set headers"
    for policy in policies:
        directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.split()}
        directives.pop("frame-ancestors", None) if policy not in with_headers else None
        for name, value in meta.items():
            assert directives.get(name) == value, (name, policy)
    for policy in with_headers:
        assert "frame-ancestors 'none'" in policy, policy
