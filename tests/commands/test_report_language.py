"""`portalgen report` and `report --triage` speak the portal's `language`; their JSON stays English.

A portal with `language: de` gets a German report and triage view (text, Markdown and HTML): German
headings, German plurals for 1 and for 2, German numbers and long dates, and not one English piece
of the strings render/report.py and render/triage.py word (found the way pybabel extract finds
them). Record titles, names, slugs and paths are the team's own text and stay as written.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path

import html5lib
import pytest
import test_triage as triage_fixture  # the triage tests' project (pytest puts this folder on sys.path)
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po
from click.testing import CliRunner
from closing_loop_project import write_project
from repo_paths import REPO

from portalgen.commands import report as reporting
from portalgen.commands.cli import cli
from portalgen.model.statuses import STATUSES
from portalgen.render import i18n
from portalgen.render import report as report_formats
from portalgen.render import triage as triage_formats

REPORT_DAY = "2026-06-15"
TRIAGE_DAY = "2026-03-01"
PLACEHOLDER = re.compile(r"%\(\w+\)s")
HTML = "{http://www.w3.org/1999/xhtml}"


def set_language(project: Path, language: str) -> Path:
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text("utf-8").rstrip("\n") + f"\nlanguage: {language}\n", "utf-8")
    return project


@pytest.fixture
def report_project(tmp_path: Path) -> Path:
    return set_language(write_project(tmp_path / "report"), "de")


@pytest.fixture
def triage_project(tmp_path: Path) -> Path:
    return set_language(triage_fixture.write(tmp_path / "triage"), "de")


def run(*args: str | Path) -> str:
    """The command in this process (quicker than a child process), its stdout."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def english_pieces() -> set[str]:
    """The English words of every string the report and the triage view word, around their placeholders,
    that German says differently ("Feedback" is German too), plus the status names they show."""
    keywords = dict(DEFAULT_KEYWORDS)
    msgids: list[str] = [s.label for s in STATUSES.values()]
    for name in ("report.py", "triage.py"):
        for _, message, _, _ in extract_from_file("python", REPO / "portalgen" / "render" / name, keywords):
            msgids += list(message) if isinstance(message, tuple | list) else [message]
    with (i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "portalgen.po").open("rb") as f:
        german = read_po(f, locale="de")
    said = PLACEHOLDER.sub(" ", " ".join(" ".join(m.string) if isinstance(m.string, tuple | list) else m.string
                                         for m in german if m.id))
    pieces = set()
    for msgid in msgids:
        for piece in PLACEHOLDER.split(msgid):
            piece = piece.strip(" :;,.()[]—·!")
            if re.search(r"[A-Za-z]{3}", piece) and not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", said):
                pieces.add(piece)
    return pieces


def without_records(text: str, own: list[str]) -> str:
    """The output without the team's own text (titles, names, slugs, paths, tags, segments)."""
    for value in sorted(own, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def report_records(project: Path) -> list[str]:
    report = reporting.build_report(project, date.fromisoformat(REPORT_DAY))
    own = [report.title]
    for f in report.stale_feedback:
        own += [f.title, f.path, f.slug, *f.draft_answers, *(c.name for c in f.customers)]
    for d in [*report.overdue_revisits, *report.declined_without_workaround]:
        own += [d.title, d.path, d.slug, *d.feedback]
    for q in report.quiet_customers:
        own += [q.name, q.path, q.slug]
    return own


def triage_records(project: Path) -> list[str]:
    triage = reporting.build_triage(project, date.fromisoformat(TRIAGE_DAY))
    own = [triage.title]
    for theme in triage.themes:
        own += [theme.tag or ""]
        for item in theme.items:
            own += [item.title, item.path, item.slug, *item.tags, *item.duplicates]
            own += [x for c in item.demand.customers for x in (c.name, c.segment or "")]
    for entries in triage.decided.values():
        for d in entries:
            own += [d.title, d.path, d.slug, *d.feedback]
            own += [x for c in d.demand.customers for x in (c.name, c.segment or "")]
    return [o for o in own if o]


def assert_no_english(text: str, own: list[str]) -> None:
    left = without_records(text, own)
    found = sorted(p for p in english_pieces() if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", left))
    assert not found, f"English left in a German output: {found}"


def test_the_english_pieces_are_found() -> None:
    """The check below can fail: it knows the report's English."""
    pieces = english_pieces()
    assert {"Internal: do not publish", "Waiting for an answer for more than", "Must have", "Weight",
            "Considering"} <= pieces


def test_report_text_and_md_in_german(report_project: Path) -> None:
    text = run("report", report_project, "--today", REPORT_DAY)
    assert text.startswith("portalgen-Bericht: Test portal — You said, we did\n"
                           "Stand: 15. Juni 2026. Intern: nicht veröffentlichen.\n")
    assert "Wartet seit mehr als 30 Tagen auf eine Antwort, älteste zuerst (3)\n" in text
    assert "  2026-01-20 · 146 Tage · CSV export — von Globex Retail (anonym)\n" in text
    assert "Zurückgestellte Entscheidungen, deren Wiedervorlage überfällig ist (1)" in text
    assert "Kunden, die wieder von uns hören sollten: seit 90 Tagen keine Neuigkeiten (5)" in text
    assert "Private Einträge: 2 (1 Rückmeldung, 0 Entscheidungen, 1 Änderung)" in text
    assert text.endswith("Handlungsbedarf: 3 liegen gebliebene Rückmeldungen, 1 überfällige Wiedervorlage und "
                         "5 Kunden ohne Neuigkeiten.\n")
    assert_no_english(text, report_records(report_project))

    md = run("report", report_project, "--format", "md", "--today", REPORT_DAY)
    assert md.startswith("# Bericht: Test portal")
    assert "## Entwürfe und private Einträge\n" in md and "## Abgelehnte Entscheidungen ohne Alternative (1)" in md
    assert "`content/feedback/csv-export.md; Antwortentwurf: content/decisions/csv-export-draft.md`" in md
    assert_no_english(md, report_records(report_project))


def test_report_json_keeps_english_keys(report_project: Path) -> None:
    data = json.loads(run("report", report_project, "--format", "json", "--today", REPORT_DAY))
    assert data["today"] == REPORT_DAY and data["stale_feedback"][0]["customers"][0]["credit"] == "anonymous"
    assert data["stale_feedback"][1]["visibility"] == "private"


def test_triage_text_md_and_html_in_german(triage_project: Path) -> None:
    own = triage_records(triage_project)
    text = run("report", triage_project, "--triage", "--today", TRIAGE_DAY)
    assert text.startswith("portalgen-Triage: Triage <test> portal\nStand: 1. März 2026. Intern: nicht "
                           "veröffentlichen. Hier stehen die Namen anonymer Kunden und ihre privaten Gewichtungen.\n")
    assert "Offenes Feedback nach Thema: 4 Anliegen von 5 Kunden, größte Themen zuerst" in text
    assert "security — 4 Kunden (Retail 2, Healthcare 1, ohne Segment 1) · Gewichtung 170.010,5\n" in text
    assert "  2026-02-01 · 28 Tage · Wird geprüft · Ask sso\n" in text
    assert "(ohne Thema) — 1 Kunde (ohne Segment 1)" in text
    assert "Unverzichtbar (1)" in text and "Diesmal nicht (0)\n  keine\n" in text
    assert "  2026-01-25 · Nicht jetzt · Decision later-mobile\n" in text
    assert_no_english(text, own)

    md = run("report", triage_project, "--triage", "--format", "md", "--today", TRIAGE_DAY)
    assert md.startswith("# Triage: Triage &lt;test&gt; portal\n")
    assert "## Entschieden, noch nicht ausgeliefert, nach Priorität\n" in md and "### Ohne Priorität (1)" in md
    assert_no_english(md, own)

    page = run("report", triage_project, "--triage", "--format", "html", "--today", TRIAGE_DAY)
    doc = html5lib.parse(page)
    assert doc.get("lang") == "de"
    assert [th.text for th in doc.findall(f".//{HTML}section[@class='theme']//{HTML}th")][:8] == [
        "Datum", "Tage offen", "Status", "Feedback", "Kunden", "Segmente", "Stimmen", "Gewichtung"]
    assert [h.text for h in doc.findall(f".//{HTML}section[@id='decided']/{HTML}h3")] == [
        "Unverzichtbar (1)", "Wichtig (1)", "Wünschenswert (1)", "Diesmal nicht (0)", "Ohne Priorität (1)"]
    assert "Intern: nicht veröffentlichen." in doc.find(f".//{HTML}p[@class='warning']").text
    assert_no_english(" ".join(doc.find(f"{HTML}body").itertext()), own)


def test_plurals_for_one_and_two(report_project: Path) -> None:
    report = reporting.build_report(report_project, date.fromisoformat(REPORT_DAY))
    german, english = i18n.words_for("de"), i18n.english()

    def text(n: int, words: i18n.Words) -> str:
        changed = dataclasses.replace(report, stale_after_days=n, quiet_after_days=n, content_errors=n)
        return report_formats.render(changed, "text", words)

    assert "Wartet seit mehr als 1 Tag auf eine Antwort" in text(1, german)
    assert "Wartet seit mehr als 2 Tagen auf eine Antwort" in text(2, german)
    assert "seit 1 Tag keine Neuigkeiten" in text(1, german) and "seit 2 Tagen keine Neuigkeiten" in text(2, german)
    assert "Waiting for an answer for more than 1 day, oldest first" in text(1, english)
    assert "no news in 1 day (" in text(1, english) and "no news in 2 days (" in text(2, english)
    assert "! Content has 1 error: run `portalgen check`" in text(1, english)
    assert "! Content has 2 errors: run `portalgen check`" in text(2, english)
    assert "! Der Inhalt hat 2 Fehler: Führen Sie `portalgen check` aus" in text(2, german)


def test_the_internal_warning_in_every_language(triage_project: Path) -> None:
    report = reporting.build_report(triage_project, date.fromisoformat(TRIAGE_DAY))
    triage = reporting.build_triage(triage_project, date.fromisoformat(TRIAGE_DAY))
    for language in i18n.shipped_languages():
        words = i18n.words_for(language)
        warning = words.gettext("Internal: do not publish.")
        assert warning and (language == "en") == (warning == "Internal: do not publish."), language
        for fmt in ("text", "md"):
            assert warning in report_formats.render(report, fmt, words), (language, fmt)
        for fmt in ("text", "md", "html"):
            assert warning in triage_formats.render(triage, fmt, words), (language, fmt)


def test_the_projects_own_wording_and_a_broken_translations_file(report_project: Path) -> None:
    own = report_project / "translations" / "de.yaml"
    own.parent.mkdir()
    own.write_text('"Internal: do not publish.": "Nur für uns, nicht veröffentlichen."\n', "utf-8")
    assert "Stand: 15. Juni 2026. Nur für uns, nicht veröffentlichen.\n" in run(
        "report", report_project, "--today", REPORT_DAY)
    own.write_text("[not: a mapping\n", "utf-8")
    result = CliRunner().invoke(cli, ["report", str(report_project), "--today", REPORT_DAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Intern: nicht veröffentlichen." in result.stdout  # portalgen's own German, no traceback
    assert "run portalgen check" in result.stderr  # the file is a content error, in English like all messages
