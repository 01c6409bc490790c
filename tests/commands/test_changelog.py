"""`portalgen export changelog`: Keep a Changelog from the published changes, with credits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from closing_loop_project import ANONYMOUS_NAMES, EXAMPLE_CONTENT, copy_example, protected_names, run_cli, write_project

from portalgen.commands.export import export_changelog
from portalgen.content.problems import ContentError
from portalgen.content.records import Customer
from portalgen.model.items import Credit
from portalgen.render.markdown_safe import md_escape
from portalgen.render.wording import credit_words as credit_text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "portal")


def headings(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, re.MULTILINE)


def entries(text: str) -> list[str]:
    return re.findall(r"^- \*\*(.+?)\*\*", text, re.MULTILINE)


def test_versions_newest_first_dated_by_their_latest_change(project: Path) -> None:
    text = export_changelog(project)
    assert text.startswith("# Changelog\n")
    assert "[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)" in text
    # 2.1 is private, so it is not there; changes without a version are grouped by day.
    assert headings(text) == ["[2.0] - 2026-03-01", "[1.9] - 2026-02-25", "2025-12-01"]
    assert entries(text) == ["Dark mode is here", "Tidier menus", "Faster search", "Exports keep leading zeros"]


def test_entries_text_dates_and_credits(project: Path) -> None:
    lines = {entries(line)[0]: line for line in export_changelog(project).splitlines() if line.startswith("- **")}
    assert lines["Dark mode is here"] == (
        "- **Dark mode is here**: Switch it on in **Settings**. Thanks to Acme Health and 1 customer in other "
        "segments. [More](https://feedback.example.com/changes/dark-mode-shipped/)")
    # A change dated before its version's date says when it shipped; no credit when nobody asked.
    assert lines["Tidier menus"].startswith("- **Tidier menus** (2026-02-20): Menus are *shorter*. [More](")
    assert "Thanks" not in lines["Tidier menus"]
    # First paragraph only; a paragraph that introduces a list takes the list along.
    assert "Search is faster: twice as fast; fewer timeouts." in lines["Faster search"]
    assert "Text columns now keep their zeros: `0042` stays `0042`." in lines["Exports keep leading zeros"]
    assert "More detail here" not in lines["Exports keep leading zeros"]
    # The board's only anonymous Healthcare customer: its segment would name it.
    assert "Thanks to 1 customer in other segments." in lines["Exports keep leading zeros"]


def test_no_anonymous_customer_named(project: Path) -> None:
    text = export_changelog(project).lower()
    for name in ANONYMOUS_NAMES:
        assert name.lower() not in text
    for hidden in ("secret change", "internal only"):
        assert hidden not in text


def test_example_changelog_names_no_anonymous_customer(tmp_path: Path) -> None:
    text = export_changelog(copy_example(tmp_path / "example"))
    names = protected_names(EXAMPLE_CONTENT)
    assert "Halvorsen Pharmacy Group" in names
    for name in names:
        assert name.lower() not in text.lower(), name
    assert headings(text)[:2] == ["[5.0] - 2026-10-06", "[4.5] - 2026-07-07"]
    # The example names Fintech (two anonymous members, anonymity_threshold: 2), not Retail (one).
    assert "Thanks to Copperline Outfitters and 1 customer in other segments." in text
    assert "customer in Fintech" in text and "in Retail" not in text


def test_without_base_url_no_links(project: Path) -> None:
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text(encoding="utf-8").replace('base_url: "https://feedback.example.com/"\n', ""),
                      encoding="utf-8")
    text = export_changelog(project)
    assert "[More]" not in text and "http" not in text.replace("https://keepachangelog.com", "")


def test_version_headings_link_to_the_portal_or_are_plain(project: Path) -> None:
    """Keep a Changelog's "## [2.0]" is a link label: with base_url it gets its definition, the
    version's section on the portal's changelog; without one the heading has no brackets to show."""
    text = export_changelog(project)
    definitions = re.findall(r"^\[(.+?)\]: (\S+)$", text, re.MULTILINE)
    assert definitions == [("2.0", "https://feedback.example.com/changes/#version-2.0"),
                           ("1.9", "https://feedback.example.com/changes/#version-1.9")]
    assert text.rstrip("\n").endswith("[1.9]: https://feedback.example.com/changes/#version-1.9")
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text(encoding="utf-8").replace('base_url: "https://feedback.example.com/"\n', ""),
                      encoding="utf-8")
    plain = export_changelog(project)
    assert headings(plain) == ["2.0 - 2026-03-01", "1.9 - 2026-02-25", "2025-12-01"]
    assert "[2.0]" not in plain and not re.search(r"^\[.+\]: ", plain, re.MULTILINE)


def test_entries_are_grouped_by_type_in_keep_a_changelogs_order(project: Path) -> None:
    changes = project / "content" / "changes"
    for slug, kind in (("dark-mode-shipped", "added"), ("exports-keep-zeros", "fixed")):
        path = changes / f"{slug}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("\ndate:", f"\ntype: {kind}\ndate:", 1),
                        encoding="utf-8")
    sections = {part.split("\n", 1)[0]: part for part in re.split(r"^## ", export_changelog(project), flags=re.M)}
    two = sections["[2.0] - 2026-03-01"]
    assert re.findall(r"^### (.+)$", two, re.MULTILINE) == ["Added", "Other"]
    assert two.index("### Added") < two.index("Dark mode is here") < two.index("### Other") < two.index("Tidier menus")
    assert re.findall(r"^### (.+)$", sections["2025-12-01"], re.MULTILINE) == ["Fixed"]
    assert "###" not in sections["[1.9] - 2026-02-25"], "a version without types is one list"


def test_deterministic(project: Path) -> None:
    assert export_changelog(project) == export_changelog(project)


def test_content_errors_refuse(project: Path) -> None:
    (project / "content" / "changes" / "broken.md").write_text("---\ntitle: Broken\n---\n", encoding="utf-8")
    with pytest.raises(ContentError):
        export_changelog(project)


def test_credit_wording_matches_the_portal() -> None:
    def named(name: str) -> Customer:
        return Customer(name.lower(), "", name, "", "named", "", None, (), "")

    assert credit_text(Credit([named("Acme")], [])) == "Acme"
    assert credit_text(Credit([named("Acme"), named("Globex")], [])) == "Acme and Globex"
    assert credit_text(Credit([named("Acme")], [("Healthcare", 2)])) == "Acme and 2 customers in Healthcare"
    assert (credit_text(Credit([named("A"), named("B")], [("Health", 1), ("Retail", 2), ("", 1)]))
            == "A, B and 1 customer in Health, 2 customers in Retail and 1 customer")
    assert (credit_text(Credit([named("A")], [("Retail", 3), ("", 1)], 2))
            == "A and 3 customers in Retail, 2 customers in other segments and 1 customer")
    assert credit_text(Credit([], [], 1)) == "1 customer in other segments"
    assert credit_text(Credit([named("A_b*")], []), lambda c: md_escape(c.name), md_escape) == r"A\_b\*"


def test_cli_stdout_and_file(project: Path, tmp_path: Path) -> None:
    result = run_cli("export", "changelog", project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == export_changelog(project)
    out = tmp_path / "CHANGELOG.md"
    result = run_cli("export", "changelog", project, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == export_changelog(project)
    (project / "content" / "changes" / "broken.md").write_text("---\ntitle: Broken\n---\n", encoding="utf-8")
    refused = run_cli("export", "changelog", project)
    assert refused.returncode == 1 and refused.stdout == "" and "broken.md" in refused.stderr
