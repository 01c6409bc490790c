"""Honest time: the public site's "today" is the day it is built, so days waiting keep counting when
nobody publishes. SOURCE_DATE_EPOCH pins it; without it the computer's calendar decides, and a build
on the next day is not "up to date". The clock is injected (portalgen.pipeline.clock.system_date):
no test sleeps.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers_content import Project, feedback

import portalgen
from portalgen.commands import report as reporting
from portalgen.pipeline import clock
from portalgen.pipeline.session import Session


class Calendar:
    """The computer's calendar, as the build sees it, turned by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, day: date):
        self.day = day
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        monkeypatch.setattr(clock, "system_date", lambda: self.day)


@pytest.fixture
def calendar(monkeypatch: pytest.MonkeyPatch) -> Calendar:
    return Calendar(monkeypatch, date(2026, 2, 1))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    # csv-export (2026-01-20) has no answer; dark-mode is shipped. Nothing is published after 2026-03-01.
    return Project.minimal(tmp_path / "portal")


def page(site: Path, rel: str) -> str:
    return (site / rel).read_text("utf-8")


def test_waits_grow_between_builds_on_two_days(project: Project, calendar: Calendar) -> None:
    calendar.day = date(2026, 3, 10)
    first = portalgen.build(project.root)
    assert not first.up_to_date
    item = page(first.output, "feedback/csv-export/index.html")
    assert "Waiting 49 days for an answer, longer than we aim for." in item
    assert "Updated <time datetime=\"2026-03-10\">10 March 2026</time>" in item
    assert "As of <time datetime=\"2026-03-10\">10 March 2026</time>." in page(first.output, "index.html")

    calendar.day = date(2026, 4, 2)  # nothing was published in between
    second = portalgen.build(project.root)
    assert not second.up_to_date, "a build on another day has another input: its date"
    assert second.rendered > 0
    item = page(second.output, "feedback/csv-export/index.html")
    assert "Waiting 72 days for an answer" in item
    assert "· waiting 72 days" in page(second.output, "feedback/index.html")
    assert json.loads(page(second.output, "api/portal.json"))["portal"]["as_of"] == "2026-04-02"

    assert portalgen.build(project.root).up_to_date  # the same day again: nothing to do


def test_source_date_epoch_pins_the_day(project: Project, calendar: Calendar,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772323200")  # 2026-03-01 UTC
    calendar.day = date(2030, 1, 1)  # the clock does not matter then
    site = portalgen.build(project.root).output
    assert "Waiting 40 days for an answer" in page(site, "feedback/csv-export/index.html")


def test_report_and_site_agree_on_the_day(project: Project, calendar: Calendar) -> None:
    calendar.day = date(2026, 5, 20)
    site = portalgen.build(project.root).output
    report = reporting.build_report(project.root)
    assert report.today == date(2026, 5, 20)
    [stale] = report.stale_feedback
    assert stale.slug == "csv-export" and stale.days_waiting == 120
    assert f"Waiting {stale.days_waiting} days for an answer" in page(site, "feedback/csv-export/index.html")


def test_a_kept_session_builds_for_the_new_day(project: Project, calendar: Calendar, tmp_path: Path) -> None:
    """The dev server's session, kept over midnight: the next rebuild (here, after a reworded title
    elsewhere, which otherwise skips linking) counts to the new day, on every page that shows it,
    exactly as a cold build that day does."""
    calendar.day = date(2026, 3, 10)
    served = Session(project.root, tmp_path / "served", persist=False)
    served.run()
    assert "Waiting 49 days" in page(served.out, "feedback/csv-export/index.html")

    calendar.day = date(2026, 3, 11)
    project.write("content/feedback/dark-mode.md", feedback(title="Dark mode, please", extra="tags: [UI]\n"))
    served.run({str(project.path("content/feedback/dark-mode.md"))})
    assert "Waiting 50 days" in page(served.out, "feedback/csv-export/index.html")
    assert "· waiting 50 days" in page(served.out, "feedback/index.html")
    assert "As of <time datetime=\"2026-03-11\">11 March 2026</time>." in page(served.out, "index.html")
    cold = portalgen.build(project.root, tmp_path / "cold", use_cache=False).output
    assert tree(served.out) == tree(cold)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}
