"""`portalgen report`: stale feedback, overdue revisits, declined without workaround, quiet customers, counts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from closing_loop_project import run_cli, write_project

from portalgen.commands import options
from portalgen.commands import report as reporting
from portalgen.model import report as report_model
from portalgen.render import report as report_formats

TODAY = "2026-06-15"

STALE = ["csv-export", "pricing", "api-limits"]  # oldest first
# Due a check-in, longest without news first. Globex and Umbrella asked again since (pricing, api-limits)
# but heard nothing back for more than 90 days: asking is not news.
QUIET = ["hooli-quiet", "stark-hidden", "wayne-enterprises", "globex-retail", "umbrella-corp"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "portal")


@pytest.fixture
def report(project: Path) -> report_model.Report:
    return reporting.build_report(project, date.fromisoformat(TODAY))


def test_stale_feedback_oldest_first_with_who_asked(report: report_model.Report) -> None:
    assert [f.slug for f in report.stale_feedback] == STALE
    csv, pricing, api = report.stale_feedback
    assert csv.days_waiting == (date(2026, 6, 15) - date(2026, 1, 20)).days
    assert [(c.name, c.named) for c in csv.customers] == [("Globex Retail", False)]  # internal: names anonymous
    assert csv.draft_answers == ["content/decisions/csv-export-draft.md"]  # a draft is not an answer
    assert pricing.private and not csv.private and not api.private
    assert [c.name for c in api.customers] == ["Umbrella Corp"]


def test_answered_deferred_and_fresh_items_are_not_stale(report: report_model.Report) -> None:
    slugs = {f.slug for f in report.stale_feedback}
    # shipped, planned, declined (and its duplicate), deferred, already available, draft
    assert not slugs & {"dark-mode", "sso", "sso-again", "mobile-app", "wayne-reports", "zeros-in-exports",
                        "new-idea"}


def test_stale_threshold_is_stale_after_days(project: Path) -> None:
    # api-limits was heard on 2026-05-01: stale after 30 days, so not on day 30, stale on day 31.
    on_day_30 = reporting.build_report(project, date(2026, 5, 31))
    on_day_31 = reporting.build_report(project, date(2026, 6, 1))
    assert "api-limits" not in [f.slug for f in on_day_30.stale_feedback]
    assert "api-limits" in [f.slug for f in on_day_31.stale_feedback]


def test_overdue_revisits_and_declined_without_workaround(report: report_model.Report) -> None:
    assert [(d.slug, d.revisit, d.days_overdue, d.feedback) for d in report.overdue_revisits] == [
        ("mobile-later", date(2026, 6, 1), 14, ["mobile-app"])]
    assert [(d.slug, d.feedback) for d in report.declined_without_workaround] == [("no-sso", ["sso"])]


def test_revisit_not_yet_due(project: Path) -> None:
    assert reporting.build_report(project, date(2026, 6, 1)).overdue_revisits == []
    assert [d.slug for d in reporting.build_report(project, date(2026, 6, 2)).overdue_revisits] == ["mobile-later"]


def test_quiet_customers(report: report_model.Report) -> None:
    assert [q.slug for q in report.quiet_customers] == QUIET
    hooli, stark, wayne, globex, umbrella = report.quiet_customers
    assert (hooli.last_news, hooli.named) == (date(2025, 1, 1), True)  # joined, then nothing
    assert (stark.last_news, stark.named) == (date(2025, 6, 1), False)
    assert wayne.last_news == date(2026, 1, 5)  # the decision on their item
    assert wayne.days_quiet == (date(2026, 6, 15) - date(2026, 1, 5)).days
    assert (globex.last_news, globex.days_quiet) == (date(2026, 3, 1), 106)  # dark mode shipped; pricing unanswered
    assert (umbrella.last_news, umbrella.days_quiet) == (date(2026, 3, 10), 97)  # the No on the item they echoed


def test_checkin_days_from_portal_yaml(project: Path) -> None:
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text("utf-8") + "checkin_days: 100\n", "utf-8")
    report = reporting.build_report(project, date.fromisoformat(TODAY))
    assert [q.slug for q in report.quiet_customers] == QUIET[:4]  # umbrella: 97 days, not yet due
    text = report_formats.render(report, "text")
    assert "Customers due a check-in: no news in 100 days (4)\n" in text
    assert "  last news 2026-03-01 · 106 days ago · Globex Retail (anonymous)\n" in text
    assert json.loads(report_formats.render(report, "json"))["quiet_after_days"] == 100


def test_news_is_what_we_told_them(project: Path) -> None:
    """A customer who asked again yesterday, and has heard nothing back for longer than checkin_days, is due."""
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text("utf-8") + "checkin_days: 30\n", "utf-8")
    report = reporting.build_report(project, date(2026, 5, 2))  # umbrella-corp raised api-limits on 2026-05-01
    umbrella = [q for q in report.quiet_customers if q.slug == "umbrella-corp"]
    assert [(q.last_news, q.days_quiet) for q in umbrella] == [(date(2026, 3, 10), 53)]


def test_counts_of_drafts_and_private_records(report: report_model.Report) -> None:
    assert report.drafts == {"feedback": 1, "decisions": 1, "changes": 0, "total": 2}
    assert report.private == {"feedback": 1, "decisions": 0, "changes": 1, "total": 2}
    assert report.stale and report.content_errors == 0


def test_text_format_in_order(report: report_model.Report) -> None:
    text = report_formats.render(report, "text")
    positions = [text.index(t) for t in ("CSV export", "Cheaper viewer seats", "Higher API limits")]
    assert positions == sorted(positions)
    sections = [text.index(h) for h in ("Waiting for an answer", "past their revisit date",
                                        "without a workaround", "no news in 90 days", "Drafts: 2")]
    assert sections == sorted(sections)
    quiet = [text.index(n) for n in ("Hooli Quiet", "Stark Hidden (anonymous)", "Wayne Enterprises")]
    assert quiet == sorted(quiet)
    assert "Not now: mobile app" in text and "No legacy SSO" in text
    assert "Private records: 2 (1 feedback, 0 decisions, 1 change)" in text


def test_md_format_in_order(report: report_model.Report) -> None:
    text = report_formats.render(report, "md")
    assert text.startswith("# Report: ")
    assert "## Waiting for an answer for more than 30 days, oldest first (3)" in text
    positions = [text.index(t) for t in ("CSV export", "Cheaper viewer seats", "Higher API limits",
                                         "Not now: mobile app", "No legacy SSO", "Hooli Quiet", "Stark Hidden",
                                         "Wayne Enterprises")]
    assert positions == sorted(positions)
    assert "`content/feedback/csv-export.md; draft answer: content/decisions/csv-export-draft.md`" in text


def test_json_format(report: report_model.Report) -> None:
    data = json.loads(report_formats.render(report, "json"))
    assert data["today"] == TODAY and data["stale"] is True
    assert [f["slug"] for f in data["stale_feedback"]] == STALE
    assert data["stale_feedback"][1]["visibility"] == "private"
    assert data["stale_feedback"][0]["customers"] == [
        {"slug": "globex-retail", "name": "Globex Retail", "credit": "anonymous"}]
    assert [d["slug"] for d in data["overdue_revisits"]] == ["mobile-later"]
    assert data["overdue_revisits"][0]["revisit"] == "2026-06-01"
    assert [d["slug"] for d in data["declined_without_workaround"]] == ["no-sso"]
    assert [q["slug"] for q in data["quiet_customers"]] == QUIET
    assert data["drafts"]["total"] == 2 and data["private"]["total"] == 2


def test_output_is_deterministic(project: Path) -> None:
    for fmt in report_formats.FORMATS:
        first = report_formats.render(reporting.build_report(project, date(2026, 6, 15)), fmt)
        again = report_formats.render(reporting.build_report(project, date(2026, 6, 15)), fmt)
        assert first == again


def test_nothing_stale(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "content" / "customers").mkdir(parents=True)
    (root / "content" / "feedback").mkdir()
    (root / "content" / "portal.yaml").write_text("title: T\n", encoding="utf-8")
    (root / "content" / "customers" / "a.yaml").write_text("name: A Co\njoined: 2026-01-01\n", encoding="utf-8")
    (root / "content" / "feedback" / "x.md").write_text("---\ntitle: X\ndate: 2026-01-10\nfrom: [a]\n---\nX\n",
                                                       encoding="utf-8")
    report = reporting.build_report(root, date(2026, 2, 1))
    assert not report.stale
    assert "Nothing is stale." in report_formats.render(report, "text")
    assert json.loads(report_formats.render(report, "json"))["stale"] is False


def test_cli_formats_and_fail_on_stale(project: Path) -> None:
    for fmt in ("text", "md", "json"):
        result = run_cli("report", project, "--format", fmt, "--today", TODAY)
        assert result.returncode == 0, result.stderr
        assert "CSV export" in result.stdout
    assert json.loads(run_cli("report", project, "--format", "json", "--today", TODAY).stdout)["today"] == TODAY
    failing = run_cli("report", project, "--fail-on-stale", "--today", TODAY)
    assert failing.returncode == 1 and "CSV export" in failing.stdout


def test_cli_fail_on_stale_passes_when_nothing_is_stale(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    (root / "content" / "portal.yaml").write_text("title: T\n", encoding="utf-8")
    result = run_cli("report", root, "--fail-on-stale", "--today", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "Nothing is stale." in result.stdout


def test_cli_today_from_source_date_epoch(project: Path) -> None:
    epoch = "1781481600"  # 2026-06-15T00:00:00Z
    result = run_cli("report", project, "--format", "json", env={"SOURCE_DATE_EPOCH": epoch})
    assert json.loads(result.stdout)["today"] == TODAY
    pinned = run_cli("report", project, "--format", "json", "--today", "2026-05-31", env={"SOURCE_DATE_EPOCH": epoch})
    assert json.loads(pinned.stdout)["today"] == "2026-05-31"  # the option wins


def test_report_never_writes_into_site(project: Path) -> None:
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    result = run_cli("report", project, "--format", "md", "--today", TODAY)
    assert result.returncode == 0
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before
    assert not (project / "site").exists()


def test_content_errors_are_counted_not_fatal(project: Path) -> None:
    (project / "content" / "feedback" / "broken.md").write_text("---\ntitle: Broken\n---\n", encoding="utf-8")
    report = reporting.build_report(project, date(2026, 6, 15))
    assert report.content_errors >= 1
    assert "portalgen check" in report_formats.render(report, "text")
    assert [f.slug for f in report.stale_feedback] == STALE


def test_today_option_then_source_date_epoch_then_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1781481600")
    assert options.today(date(2020, 1, 2)) == date(2020, 1, 2)
    assert options.today() == date(2026, 6, 15)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert options.today() == date.today()
