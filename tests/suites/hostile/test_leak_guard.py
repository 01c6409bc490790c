"""Credit with consent, tried as an author or an attacker would (issue 12's table, one test per row).

Each way of writing an anonymous customer's name is tried twice: against the leak lint
(`portalgen check`: the early warning, with file and line), and against the output guard, which
reads the bytes a build is about to publish and refuses the build on a hit. The guard is tested
on its own (Guard.check_file on crafted output) and through builds where no lint can see the
name: a template override that prints it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import portalgen
from portalgen.content import leaks
from portalgen.content.problems import ContentError
from portalgen.content.records import Customer, Portal, Records
from portalgen.output.guard import Guard
from portalgen.pipeline.building import check

PORTAL: dict[str, Any] = {"title": "Guard portal", "base_url": "https://portal.example.org/"}


def customers(**extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {
        "globex-retail": {"name": "Globex Retail", "segment": "Retail", "credit": "anonymous",
                          "other_names": ["Globex"], "url": "https://www.globex-retail.example/",
                          "private": {"email": "Hank <hank@globexmail.example>"}},
        "acme-health": {"name": "Acme Health", "segment": "Healthcare", "credit": "named",
                        "people": [{"name": "Henrietta Vole", "role": "CTO"}]},
    }
    found.update(extra)
    return found


def write(root: Path, feedback: dict[str, Any], body: str, portal: dict[str, Any] | None = None,
          extra: dict[str, dict[str, Any]] | None = None) -> Path:
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "customers").mkdir(parents=True)
    (content / "feedback").mkdir()
    (content / "portal.yaml").write_text(yaml.safe_dump(portal or PORTAL, allow_unicode=True), "utf-8")
    for slug, data in customers(**(extra or {})).items():
        (content / "customers" / f"{slug}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    front = {"title": "Dark mode", "date": "2026-01-10", "from": ["acme-health", "globex-retail"], **feedback}
    (content / "feedback" / "dark-mode.md").write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n", "utf-8")
    return root


def lint(root: Path) -> list[str]:
    _, problems = check(root)
    return [p.format() for p in problems.errors]


# (what the table says was written, front matter, body, extra customers, portal settings)
ROWS: list[tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any]]] = [
    ("Japanese name in Japanese text", {}, "東京銀行から要望がありました。",
     {"tokyo-bank": {"name": "東京銀行", "segment": "Finance", "credit": "anonymous"}}, {}),
    ("Chinese name in Chinese text", {}, "我们收到了北京银行的请求。",
     {"beijing-bank": {"name": "北京银行", "segment": "Finance", "credit": "anonymous"}}, {}),
    ("Thai name in Thai text", {}, "ลูกค้าธนาคารกรุงเทพขอฟีเจอร์นี้",
     {"bangkok-bank": {"name": "ธนาคารกรุงเทพ", "segment": "Finance", "credit": "anonymous"}}, {}),
    ("emphasis with underscores", {}, "As _Globex Retail_ told us.", {}, {}),
    ("strong with underscores", {}, "As __Globex Retail__ told us.", {}, {}),
    ("underscore in a title", {"title": "Dark mode for Globex_Retail"}, "Please.", {}, {}),
    ("underscore in a source", {"source": "ticket from globex_retail"}, "Please.", {}, {}),
    ("a tag that is the slug", {"tags": ["globex_retail"]}, "Please.", {}, {}),
    ("dotted capital I", {}, "Thanks to İstanbul Bank.",
     {"istanbul-bank": {"name": "Istanbul Bank", "segment": "Finance", "credit": "anonymous"}}, {}),
    ("accents folded", {}, "Thanks to Zurich Mutual.",
     {"zurich-mutual": {"name": "Zürich Mutual", "segment": "Finance", "credit": "anonymous"}}, {}),
    ("Unicode tag character inside", {}, "Thanks to Glo\U000e0041bex Retail.", {}, {}),
    ("variation selector inside", {}, "Thanks to Glo\U000e0100bex Retail.", {}, {}),
    ("an HTML comment inside", {}, "Thanks to Glo<!-- x -->bex Retail.", {}, {}),
    ("an empty element inside", {}, "Thanks to Glo<span></span>bex Retail.", {}, {}),
    ("strong emphasis inside", {}, "Thanks to Glo**bex** Retail.", {}, {}),
    ("percent-encoded in a link", {}, "[search](https://example.org/?q=Globex%20Retail)", {}, {}),
    ("contact on their domain", {}, "Please.", {}, {"contact": "team@globex-retail.example"}),
    ("a short name, declared", {}, "Henrietta from Globex said so. Globex's team agrees.", {}, {}),
    ("their e-mail domain", {}, "Mail came from globexmail.example.", {}, {}),
    ("their web site", {}, "See www.globex-retail.example for details.", {}, {}),
]


@pytest.mark.parametrize(("front", "body", "extra", "portal"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_the_lint_finds_each_spelling_with_its_line(tmp_path: Path, front: dict[str, Any], body: str,
                                                     extra: dict[str, Any], portal: dict[str, Any]) -> None:
    root = write(tmp_path, front, body, {**PORTAL, **portal}, extra)
    errors = lint(root)
    assert errors, "check passed"
    where = "content/portal.yaml" if portal else "content/feedback/dark-mode.md"
    assert all(e.startswith(where + ":") for e in errors), errors
    assert all(e.split(":")[1].isdigit() for e in errors), f"each message gives a line: {errors}"
    assert len(errors) == len(set(errors)), "a hit is reported once"


def test_one_spelling_is_reported_once_per_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"title": "Globex Retail wants dark mode"}, "globex retail, GLOBEX RETAIL, Globex-Retail.")
    errors = lint(root)
    assert len(errors) == 2, errors  # the title's line and the body's line: not once per spelling or name
    lines = (root / "content" / "feedback" / "dark-mode.md").read_text("utf-8").splitlines()
    body = lines.index("globex retail, GLOBEX RETAIL, Globex-Retail.") + 1
    assert errors[0].startswith("content/feedback/dark-mode.md:2: error: 'title'"), errors
    assert errors[1].startswith(f"content/feedback/dark-mode.md:{body}: error: 'body'"), errors


def test_allowed_phrases_are_not_leaks_but_the_name_still_is(tmp_path: Path) -> None:
    nxt = {"next": {"name": "Next", "segment": "Retail", "credit": "anonymous"}}
    root = write(tmp_path, {}, "We will look again next quarter.", extra=nxt)
    assert any("'Next'" in e for e in lint(root)), "without the exception, 'next quarter' names Next"
    allowed = {**PORTAL, "allowed_phrases": ["next quarter"]}
    root = write(tmp_path, {}, "We will look again NEXT Quarter.", allowed, extra=nxt)
    assert lint(root) == []
    site = portalgen.build(root, use_cache=False).output
    assert "NEXT Quarter" in (site / "feedback" / "dark-mode" / "index.html").read_text("utf-8")
    root = write(tmp_path, {}, "Next asked for this, next quarter.", allowed, extra=nxt)
    assert any("'Next'" in e for e in lint(root)), "the name on its own is still a leak"


def test_a_named_customers_name_holding_an_anonymous_one_is_not_a_leak(tmp_path: Path) -> None:
    extra = {"globex-holdings": {"name": "Globex Holdings", "segment": "Retail", "credit": "named"}}
    front = {"from": ["acme-health", "globex-retail", "globex-holdings"]}
    root = write(tmp_path, front, "Globex Holdings asked first.", extra=extra)
    assert lint(root) == []
    portalgen.build(root, use_cache=False)


# --- the output guard on its own ------------------------------------------------------------------


def guard() -> Guard:
    globex = Customer("globex-retail", "content/customers/globex-retail.yaml", "Globex Retail", "Retail",
                      "anonymous", "https://www.globex-retail.example/", None, (), "", ("Globex",),
                      ("hank@globexmail.example",))
    records = Records(Portal(title="P", allowed_phrases=("globex holdings",)), {"globex-retail": globex}, {}, {}, {})
    return Guard(leaks.finder(records))


@pytest.mark.parametrize(("path", "data"), [
    ("index.html", b"<p>As <em>Globex Retail</em> told us</p>"),
    ("index.html", b"<p>Glo<span></span>bex Retail</p>"),
    ("index.html", b"<p>Glo<!-- x -->bex Retail</p>"),
    ("index.html", b"<p>Glob&#101;x Retail</p>"),
    ("index.html", b"<p>Glob&#x65;x R&eacute;tail</p>".replace(b"&eacute;", b"e")),
    ("index.html", b'<a href="https://example.org/?q=Globex%20Retail">x</a>'),
    ("index.html", b'<a href="https://example.org/?q=Globex%2520Retail">x</a>'),
    ("index.html", b'<meta name="description" content="globex_retail asked">'),
    ("index.html", "<p>ＧＬＯＢＥＸ Ｒｅｔａｉｌ</p>".encode()),
    ("index.html", "<p>Glo\u200bbex Retail — thanks</p>".encode()),
    ("index.html", "<p>Glöbex Retail</p>".encode()),
    ("index.html", b"<p>Globex\n  Retail</p>"),
    ("feed.xml", b"<content type='html'>&lt;p&gt;Glo&lt;b&gt;&lt;/b&gt;bex Retail&lt;/p&gt;</content>"),
    ("api/portal.json", json.dumps({"t": "Glo\u00adbex Retail"}).encode()),
    ("api/portal.json", b'{"t": "\\u0047lobex Retail"}'),
    ("api/portal.json", b'{"t": "Globex\\nRetail"}'),
    ("search/index.js", b'var index = ["Globex\\u0020Retail"];'),
    ("robots.txt", b"Disallow: /globex-retail/"),
    ("sitemap.xml", b"<loc>https://www.globex-retail.example/</loc>"),
    ("index.html", b"<p>Write to hank@globexmail.example</p>"),
    ("tags/globex-retail/index.html", b"<p>Tagged</p>"),
    ("tags/globex/index.html", b"<p>Tagged</p>"),
])
def test_the_guard_finds_a_name_however_it_is_written(path: str, data: bytes) -> None:
    found = guard().check_file(path, data)
    assert found and {leak.name.slug for leak in found} == {"globex-retail"}, found


@pytest.mark.parametrize("data", [
    b"<p>Globexian architecture</p>",
    b"<p>Globex Holdings, a named customer</p>",
    b"<p>Glo bex Retail</p>",
    b"<p>A place meeting at the globe, experts in retail</p>",
    "<p>● Planned · 3 customers — “quoted” …</p>".encode(),
])
def test_the_guard_reads_whole_words(data: bytes) -> None:
    assert guard().check_file("page/index.html", data) == []


def test_html_words_are_not_names_but_what_a_tag_carries_is() -> None:
    """A customer called Next or Summary is not named by `rel="next"` or `<summary>`; attribute
    values, comments and made-up tag or attribute names are still read."""
    people = {slug: Customer(slug, f"content/customers/{slug}.yaml", name, "Retail", "anonymous", "", None, (), "")
              for slug, name in (("next", "Next"), ("summary", "Summary"), ("globex", "Globex"))}
    check = Guard(leaks.finder(Records(Portal(title="P"), people, {}, {}, {}))).check_file
    keywords = (b'<!DOCTYPE html><link rel="next" href="../2026-q4/"><a rel="prev next" href="x">Older</a>'
                b'<details><summary>Open</summary></details><meta name="description" content="ok">')
    assert check("quarters/2026-q3/index.html", keywords) == []
    for carried in (b'<a rel="next globex" href="x">x</a>', b'<p title="Globex">x</p>', b"<!-- globex -->",
                    b"<globex-card></globex-card>", b'<p data-globex="1">x</p>', b'<a href="/c/summary/">x</a>',
                    b'<div class="next">x</div>'):
        assert check("index.html", carried), carried


# --- the output guard in a build ------------------------------------------------------------------


def with_template(root: Path, text: str) -> None:
    theme = Path(portalgen.__file__).resolve().parent.parent / "templates" / "base.html"
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "base.html").write_text(
        theme.read_text("utf-8").replace("</footer>", text + "</footer>"), "utf-8")


def test_the_guard_refuses_a_template_that_prints_an_anonymous_name(tmp_path: Path) -> None:
    root = write(tmp_path, {}, "Please.")
    site = portalgen.build(root).output
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    with_template(root, "<p>Thanks to Glo<!-- -->bex Ret&#97;il</p>")
    assert lint(root) == [], "no lint can see a template"
    with pytest.raises(ContentError) as raised:
        portalgen.build(root)
    [problem] = raised.value.problems
    assert problem.path.startswith("site/") and "'Globex Retail'" in problem.message, problem
    assert "no record holds it" in problem.message and "templates" in problem.message
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before, "the previous site is untouched"


def test_a_template_printing_the_slugs_behind_an_item_is_refused(tmp_path: Path) -> None:
    """The model holds anonymous customers only as the slugs in a record's `from:`; a template can
    still print them."""
    root = write(tmp_path, {}, "Please.")
    theme = Path(portalgen.__file__).resolve().parent.parent / "templates" / "feedback.html"
    (root / "templates").mkdir()
    (root / "templates" / "feedback.html").write_text(theme.read_text("utf-8").replace(
        "{% block main %}", "{% block main %}{% for slug in item.record.customers %}<i>{{ slug }}</i>{% endfor %}",
        1), "utf-8")
    with pytest.raises(ContentError) as raised:
        portalgen.build(root, use_cache=False)
    assert any("customer 'globex-retail'" in p.message and "site/feedback/dark-mode/index.html" in p.message
               for p in raised.value.problems), raised.value.problems


def test_kept_pages_are_read_again_when_a_customer_becomes_anonymous(tmp_path: Path) -> None:
    """An incremental build keeps unchanged pages from the live site: they were read against the
    names protected then, so a new anonymous name has the guard read them again."""
    extra = {"initech": {"name": "Initech", "segment": "Finance", "credit": "named"}}
    root = write(tmp_path, {}, "Please.", extra=extra)
    with_template(root, "<p>Powered by Initech</p>")
    portalgen.build(root)  # Initech agreed to be named
    extra["initech"]["credit"] = "anonymous"
    (root / "content" / "customers" / "initech.yaml").write_text(yaml.safe_dump(extra["initech"]), "utf-8")
    with pytest.raises(ContentError) as raised:
        portalgen.build(root)
    assert any("'Initech'" in p.message for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(("name", "data"), [
    ("東京銀行", "<p>東京銀行から要望がありました。</p>"),
    ("東京銀行", '{"t": "\\u6771\\u4eac\\u9280\\u884c"}'),
    ("ธนาคารกรุงเทพ", "<p>ลูกค้าธนาคารกรุงเทพขอ</p>"),
    ("Zürich Mutual", "<p>Zurich Mutual — a café owner</p>"),
    ("Zurich Mutual", "<p>Zu\u0308rich Mutual</p>"),
    ("Istanbul Bank", "<p>İSTANBUL BANK</p>"),
])
def test_the_guard_reads_names_beyond_ascii(name: str, data: str) -> None:
    customer = Customer("c", "content/customers/c.yaml", name, "", "anonymous", "", None, (), "")
    keeper = Guard(leaks.finder(Records(Portal(title="P"), {"c": customer}, {}, {}, {})))
    assert keeper.check_file("api/portal.json" if data.startswith("{") else "index.html", data.encode())


def test_a_page_that_would_leak_is_never_written_not_even_to_the_new_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are written into the new site folder as they are rendered (pipeline/rendering.py): the
    guard reads each one first, so a leaking page never reaches the disk, and the folder goes."""
    from portalgen.output import writing

    root = write(tmp_path, {}, "Please.")
    site = portalgen.build(root).output
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    theme = Path(portalgen.__file__).resolve().parent.parent / "templates" / "feedback.html"
    (root / "templates").mkdir()
    (root / "templates" / "feedback.html").write_text(theme.read_text("utf-8").replace(
        "{% block main %}", "{% block main %}<p>Thanks to Globex Retail</p>", 1), "utf-8")
    written: list[bytes] = []
    put = writing.NewSite.put
    monkeypatch.setattr(writing.NewSite, "put", lambda self, rel, data: (written.append(data), put(self, rel, data)))
    with pytest.raises(ContentError):
        portalgen.build(root, use_cache=False)
    assert written and not any(b"Globex Retail" in data for data in written)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == []


def test_site_files_read_against_the_same_names_are_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit rebuilds the site-wide files (feeds, search index, portal.json): one with the bytes
    the live site published, read against the same protected names, gets the same verdict and is
    not read again; one that changed is, and so is every one once the names change. A page is read
    once, as it is rendered."""
    from portalgen.output import guard as guard_module

    root = write(tmp_path, {}, "Please.")
    portalgen.build(root, jobs=1)
    read: list[str] = []
    named: list[str] = []  # the names of files and folders read
    check_file, check_path = guard_module.Guard.check_file, guard_module.Guard.check_path
    monkeypatch.setattr(guard_module.Guard, "check_file",
                        lambda self, path, data: (read.append(path), check_file(self, path, data))[1])
    monkeypatch.setattr(guard_module.Guard, "check_path",
                        lambda self, path: (named.append(path), check_path(self, path))[1])
    body = root / "content" / "feedback" / "dark-mode.md"
    body.write_text(body.read_text("utf-8") + "\nAnd please hurry.\n", "utf-8")
    result = portalgen.build(root, jobs=1)
    assert "api/portal.json" in read and "search/index.js" in read, "what changed is read"
    assert not {"robots.txt", "sitemap.xml", "feed.xml"} & set(read), "what did not change is not read again"
    assert read.count("feedback/dark-mode/index.html") == 1, read
    assert result.pages > result.rendered and set(named) <= set(read), "nor are the names of the kept pages"

    read.clear()  # a new anonymous customer: every file is read against the new names
    (root / "content" / "customers" / "initech.yaml").write_text(
        yaml.safe_dump({"name": "Initech", "segment": "Finance", "credit": "anonymous"}), "utf-8")
    portalgen.build(root, jobs=1)
    assert {"robots.txt", "sitemap.xml", "feed.xml", "api/portal.json"} <= set(read), read




@pytest.mark.parametrize("data", [b"<p>Initech Logistics</p>", b"<p>O&#39;Brien Logistics</p>",
                                  b"<p>Initech&nbsp;Logistics</p>", b"<p>Initech &amp; Logistics</p>",
                                  b'<a title="Initech&quot;Logistics">x</a>', b"<p>O&#x27;Brien Logistics</p>"])
def test_the_guard_finds_a_name_split_by_an_entity_every_page_has(data: bytes) -> None:
    """&nbsp; &amp; &#39; &quot; are separators to a reader, as a space is (markupsafe writes every
    apostrophe as &#39;): the guard's first, cheap test must not read their letters as the text's."""
    people = {slug: Customer(slug, f"content/customers/{slug}.yaml", name, "Retail", "anonymous", "", None, (), "")
              for slug, name in (("initech-co", "Initech Logistics"), ("obrien", "O'Brien Logistics"))}
    found = Guard(leaks.finder(Records(Portal(title="P"), people, {}, {}, {}))).check_file("index.html", data)
    assert len(found) == 1 and found[0].name.slug in ("initech-co", "obrien"), found


def test_the_guard_refuses_a_template_that_prints_a_name_with_an_apostrophe(tmp_path: Path) -> None:
    """Jinja escapes the apostrophe as &#39;: the page says O'Brien Logistics all the same."""
    root = write(tmp_path, {}, "Please.", extra={"obrien-logistics": {
        "name": "O'Brien Logistics", "segment": "Logistics", "credit": "anonymous"}})
    with_template(root, "<p>Thanks to {{ \"O'Brien Logistics\" }}</p>")
    assert lint(root) == [], "no lint can see a template"
    with pytest.raises(ContentError) as raised:
        portalgen.build(root)
    assert any("'O'Brien Logistics'" in p.message for p in raised.value.problems), raised.value.problems
