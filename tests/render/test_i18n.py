"""The portal speaks its `language`: complete catalogs, localised dates, a project's own wording.

- every string the theme and the Python code mark for translation (extracted with Babel, the way
  `pybabel extract` does, plurals included) has a non-empty, non-fuzzy translation in every
  shipped catalog, with as many plural forms as the language has;
- the example portal built with `language: de` (and each other shipped language) shows no English
  string of the theme in any text node or label, and writes its dates the German way; vnu passes;
- translations/<lang>.yaml rewords strings (plurals too) without copying a template, adds a
  language portalgen does not ship (English where it says nothing, and `check` lists what), and
  is an input of the incremental build.
"""

from __future__ import annotations

import functools
import re
import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import html5lib
import pytest
import yaml
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from judges import nu_messages
from repo_paths import REPO

import portalgen
from portalgen.model.quarters import Quarter
from portalgen.model.statuses import STATUSES
from portalgen.pipeline.building import check
from portalgen.pipeline.session import Session
from portalgen.render import i18n, stats_page, theme

EPOCH = "1795996800"  # 2026-11-30, as the golden pages
LANGUAGES = ("en", "de", "fr", "es", "nl", "pt")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
GERMAN_DATE = re.compile(r"\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
                         r"|Dezember) \d{4}")


def extracted() -> set[str | tuple[str, str]]:
    """The msgids pybabel extract finds with the project's babel.cfg and documented keywords."""
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with (REPO / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse(f)
    keywords = {**DEFAULT_KEYWORDS, "Msg": None, "plural_msg": (1, 2), "js_plural": (1, 2)}
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options_map, keywords=keywords):
        found.add(tuple(message) if isinstance(message, list | tuple) else message)  # type: ignore[arg-type]
    return found


@pytest.fixture(scope="module")
def msgids() -> set[str | tuple[str, str]]:
    found = extracted()
    assert len(found) > 150, "the extraction found almost nothing: is babel.cfg still right?"
    return found


def test_portalgen_ships_six_languages() -> None:
    assert set(LANGUAGES) <= set(i18n.shipped_languages())


@pytest.mark.parametrize("language", i18n.shipped_languages())
def test_catalog_is_complete(language: str, msgids: set[str | tuple[str, str]]) -> None:
    path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / "portalgen.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    have = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in catalog if m.id}
    missing = sorted(map(str, msgids - have.keys()))
    assert not missing, f"{path} misses {len(missing)} string(s): {missing[:20]}"
    stale = sorted(map(str, have.keys() - msgids))
    assert not stale, f"{path} holds strings nothing uses (run pybabel update): {stale[:20]}"
    for msgid, message in have.items():
        assert not message.fuzzy, f"{path}: fuzzy translation of {msgid!r}"
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        assert all(forms), f"{path}: empty translation of {msgid!r}"
        if isinstance(msgid, tuple):
            assert len(forms) == catalog.num_plurals, f"{path}: {msgid!r} needs {catalog.num_plurals} forms"
        wanted = sorted(PLACEHOLDER.findall(msgid if isinstance(msgid, str) else msgid[1]))
        for form in forms:
            assert sorted(PLACEHOLDER.findall(form)) == wanted or (isinstance(msgid, tuple) and
                                                                   set(PLACEHOLDER.findall(form)) <= set(wanted)), \
                f"{path}: {msgid!r} → {form!r} changes the placeholders"


def test_english_catalog_says_exactly_the_msgids() -> None:
    """English pages are the msgids: the golden pages stay what they were."""
    with (i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "portalgen.po").open("rb") as f:
        for message in read_po(f, locale="en"):
            if message.id:
                assert tuple(message.string) == tuple(message.id) if isinstance(message.id, tuple) else \
                    message.string == message.id


# --- a German portal --------------------------------------------------------------------------------


def set_language(project: Path, language: str) -> None:
    portal = project / "content" / "portal.yaml"
    text = re.sub(r"(?m)^language:.*\n", "", portal.read_text("utf-8"))
    portal.write_text(text.rstrip("\n") + f"\nlanguage: {language}\n", "utf-8")


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory, helpers) -> Path:
    project = helpers.copy_example(tmp_path_factory.mktemp("de") / "portal")
    set_language(project, "de")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return portalgen.build(project, use_cache=False).output


def english_only_fragments(language: str) -> set[str]:
    """The pieces of English around the placeholders of every string the language words differently."""
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "portalgen.po").open("rb") as f:
        catalog = read_po(f, locale=language)
    english: set[str] = set()
    translated: set[str] = set()
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
        for text in ids:
            english.update(p.strip(" .,:;") for p in PLACEHOLDER.split(text))
        for text in strings:
            translated.update(p.strip(" .,:;") for p in PLACEHOLDER.split(text))
    return {p for p in english - translated if re.search(r"[A-Za-z]{2}", p)}


CONTENT = ("prose", "quote")  # classes of elements that hold what the records say, in their own language


def texts(page: Path, own: tuple[str, ...] = ()) -> list[str]:
    """Every text node and label a reader meets (aria-label, placeholder, title, alt) that the theme
    writes: not the records' Markdown (.prose, quotes), and with the portal's own title taken out."""
    found: list[str] = []

    def walk(el: Any) -> None:
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "template"):
            return
        if set((el.get("class") or "").split()) & set(CONTENT) or el.tag == "blockquote":
            return
        if "workaround" in (el.get("class") or "").split():  # the theme's heading, then the record's text
            found.extend(h.text or "" for h in el if h.tag in ("h2", "h3", "h4"))
            return
        found.extend(el.get(attr) or "" for attr in ("aria-label", "placeholder", "title", "alt"))
        found.append(el.text or "")
        for child in el:
            walk(child)
            found.append(child.tail or "")

    walk(html5lib.parse(page.read_bytes(), namespaceHTMLElements=False))
    return [t for t in (functools.reduce(lambda text, name: text.replace(name, " "), own, f).strip()
                        for f in found) if t]


def test_a_german_portal_has_no_english_word_of_the_theme(german_site: Path) -> None:
    assert "Waiting for an answer" in english_only_fragments("de")
    assert_no_english(german_site, "de")


@pytest.mark.parametrize("language", ["fr", "es", "nl", "pt"])
def test_no_shipped_language_leaves_an_english_word(language: str, tmp_path: Path, helpers,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """No English word, and the Nu checker finds nothing (longer words, other quotes and no-break
    spaces are what one language does that another does not)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = helpers.copy_example(tmp_path / "portal")
    set_language(project, language)
    site = portalgen.build(project, use_cache=False).output
    assert_no_english(site, language)
    assert nu_messages(judged_pages(site)) == []


def assert_no_english(site: Path, language: str) -> None:
    fragments = english_only_fragments(language)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    portal = yaml.safe_load((REPO / "content" / "portal.yaml").read_text("utf-8"))
    own = tuple(sorted({portal.get(k) or "" for k in ("title", "description", "product")} - {""}, key=len,
                       reverse=True))
    english = {(p.relative_to(site).as_posix(), t) for p in pages for t in texts(p, own)
               for piece in re.split(r"\s*[·—]\s*", t) if piece.strip(" .,:;()") in fragments}
    assert not english, f"English on a portal in {language!r}: {sorted(english)[:20]}"


def test_a_german_portal_writes_german_dates(german_site: Path) -> None:
    doc = html5lib.parse((german_site / "index.html").read_bytes(), namespaceHTMLElements=False)
    times = [el for el in doc.iter("time")]
    assert times
    for el in times:
        assert GERMAN_DATE.fullmatch(el.text or ""), el.text
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", el.get("datetime") or ""), "machine-readable dates stay ISO"
    feedback = (german_site / "feedback" / "index.html").read_text("utf-8")
    assert "Eingegangen am" in feedback
    html = (german_site / "index.html").read_text("utf-8")
    assert '<html lang="de"' in html and 'dir="rtl"' not in html
    quarters = (german_site / "quarters" / "index.html").read_text("utf-8")
    assert re.search(r"Q\d \d{4}", quarters)


# --- numbers ----------------------------------------------------------------------------------------


def test_every_way_the_theme_writes_a_count_gives_a_german_number(tmp_path: Path) -> None:
    """1234 reads "1.234" in German however a template puts it: ngettext's num, a number handed to
    `_()`, a {% trans %} count and the num filter (Jinja alone would write "1234")."""
    env = theme.make_environment(tmp_path, "de")
    out = env.from_string(
        "{{ ngettext('%(num)s day', '%(num)s days', n) }}|{{ _('%(num)s shipped', num=n) }}"
        "|{{ _('Page %(number)s of %(count)s', number=2, count=n) }}|{{ n|num }}"
        "|{% trans count=n %}{{ count }} day{% pluralize %}{{ count }} days{% endtrans %}").render(n=1234)
    parts = out.split("|")
    assert len(parts) == 5 and all("1.234" in p for p in parts), out
    assert "1234" not in out
    assert parts[0] == "1.234 Tage" and parts[2] == "Seite 2 von 1.234", out


def test_the_stats_charts_write_german_numbers() -> None:
    """Axis ticks, bar values and shares of the stats page's charts in the portal's locale."""
    words = i18n.words_for("de")
    rows = [stats_page.QuarterRow(SimpleNamespace(quarter=Quarter(2026, q)), heard, 900, 450, 12)  # type: ignore[arg-type]
            for q, heard in ((1, 1234), (2, 2000))]
    volume = str(stats_page.chart("volume", rows, words))
    ticks = re.findall(r'text-anchor="end" fill="currentColor">([^<]*)</text>', volume)
    assert ticks == ["0", "500", "1.000", "1.500", "2.000"], ticks
    assert ">1.234</text>" in volume and "1234" not in volume
    mix = [(STATUSES["shipped"], 1234, 62), (STATUSES["heard"], 766, 38)]
    shares = str(stats_page.chart("mix", mix, words))
    assert f">1.234 ({words.percent(62)})</text>" in shares and "62%" not in shares
    english = str(stats_page.chart("mix", mix, i18n.english()))
    assert ">1,234 (62%)</text>" in english


def judged_pages(site: Path) -> list[Path]:
    """A page of every kind that words things differently: lists, the board, charts, item pages."""
    pages = [site / p for p in ("index.html", "feedback/index.html", "roadmap/index.html", "stats/index.html",
                                "quarters/index.html", "why-not/index.html", "404.html")]
    pages += sorted(site.glob("feedback/*/index.html"))[:3]
    pages += sorted(site.glob("quarters/*/index.html"))[:1]
    return pages


def test_a_german_portal_passes_vnu(german_site: Path) -> None:
    assert nu_messages(judged_pages(german_site)) == []


def test_the_search_index_and_the_feed_speak_german(german_site: Path) -> None:
    index = (german_site / "search" / "index.js").read_text("utf-8")
    assert "Dezember" in index
    feed = (german_site / "feed.xml").read_text("utf-8")
    assert "Entscheidung: " in feed or "Ausgeliefert: " in feed
    assert "<title>Decision: " not in feed


# --- a project's own words ----------------------------------------------------------------------------


def test_a_yaml_file_rewords_the_theme_without_copying_a_template(tmp_path: Path, helpers,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = helpers.copy_example(tmp_path / "portal")
    set_language(project, "de")
    (project / "translations").mkdir()
    (project / "translations" / "de.yaml").write_text(yaml.safe_dump({
        "You said": "Ihre Ideen", "%(num)s customer in %(segment)s": ["%(num)s Mitglied aus %(segment)s",
                                            "%(num)s Mitglieder aus %(segment)s"],
    }, allow_unicode=True), "utf-8")
    site = portalgen.build(project, use_cache=False).output
    home = (site / "index.html").read_text("utf-8")
    assert ">Ihre Ideen</a>" in home and "Ihr Feedback</a>" not in home
    assert "Umgesetzt" in home, "strings the file leaves out keep portalgen's German"
    everything = "".join(p.read_text("utf-8") for p in site.rglob("*.html"))
    assert re.search(r"\d+ Mitglieder? aus ", everything), "a plural reworded in both forms"
    assert not (project / "templates").exists()


def test_a_language_portalgen_does_not_ship(tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch) -> None:
    """Esperanto: CLDR has its dates; the project words two strings; the rest stays English and check says so."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = helpers.copy_example(tmp_path / "portal")
    set_language(project, "eo")
    (project / "translations").mkdir()
    (project / "translations" / "eo.yaml").write_text('"Home": "Hejmo"\n"Roadmap": "Vojmapo"\n', "utf-8")
    site = portalgen.build(project, use_cache=False).output
    home = (site / "index.html").read_text("utf-8")
    assert ">Hejmo</a>" in home and ">Vojmapo</a>" in home and ">We did</a>" in home
    _, problems = check(project)
    warnings = [p for p in problems.warnings if p.code == "untranslated"]
    assert len(warnings) == 1 and warnings[0].path == "translations/eo.yaml"
    assert "“We did”" in warnings[0].message and "“Home”" not in warnings[0].message


def test_a_broken_translations_file_is_a_problem_not_a_crash(tmp_path: Path, helpers) -> None:
    project = helpers.copy_example(tmp_path / "portal")
    set_language(project, "de")
    (project / "translations").mkdir()
    (project / "translations" / "de.yaml").write_text("- a list\n- not a mapping\n", "utf-8")
    _, problems = check(project)
    assert any(p.path == "translations/de.yaml" for p in problems.errors)


def test_a_changed_translation_renders_the_pages_again(tmp_path: Path, helpers,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = helpers.copy_example(tmp_path / "portal")
    set_language(project, "de")
    served = Session(project, tmp_path / "served", persist=False)
    served.run()
    overrides = project / "translations" / "de.yaml"
    overrides.parent.mkdir()
    overrides.write_text('"Why not": "Weshalb nicht"\n', "utf-8")
    served.run({str(overrides)})
    assert ">Weshalb nicht</a>" in (served.out / "roadmap" / "index.html").read_text("utf-8")
    cold = portalgen.build(project, tmp_path / "cold", use_cache=False, jobs=1).output
    for page in ("index.html", "roadmap/index.html", "feedback/per-dashboard-permissions/index.html"):
        assert (served.out / page).read_bytes() == (cold / page).read_bytes(), page
    shutil.rmtree(overrides.parent)
    served.run({str(overrides)})
    assert ">Warum nicht</a>" in (served.out / "roadmap" / "index.html").read_text("utf-8")


def test_a_right_to_left_language_sets_dir(tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = helpers.copy_example(tmp_path / "portal")
    set_language(project, "ar")
    site = portalgen.build(project, use_cache=False).output
    assert '<html lang="ar" dir="rtl"' in (site / "index.html").read_text("utf-8")
    assert i18n.is_rtl("he") and not i18n.is_rtl("de")


def test_the_digest_and_the_changelog_speak_the_portals_language(tmp_path: Path, helpers) -> None:
    from portalgen.commands.digest import build_digest
    from portalgen.commands.export import export_changelog
    from portalgen.render import digest as digests

    project = helpers.copy_example(tmp_path / "portal")
    set_language(project, "de")
    d, root = build_digest(project, "city-of-eastbrook", today=date(2026, 11, 30))
    text = digests.render(d, "md", digests.environment(root, "de")).decode("utf-8")
    html = digests.render(d, "html", digests.environment(root, "de")).decode("utf-8")
    for said in (text, html):
        assert "Guten Tag" in said and "Alles, was Sie angesprochen haben" in said
        assert "Hello" not in said and "Still open" not in said and "Everything you raised" not in said
    assert GERMAN_DATE.search(text)
    changelog = export_changelog(project)
    assert changelog.startswith("# Änderungsprotokoll") and "Dank an " in changelog and "Thanks to" not in changelog
