"""`portalgen new` for backfilling history: --date, --tags, --source, --quote, --segment, --named."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from in_process import Run

from portalgen.pipeline.building import build, build_date
from portalgen.pipeline.building import check as check_project


def front(path: Path) -> dict:
    text = path.read_text("utf-8")
    return yaml.safe_load(text if path.suffix == ".yaml" else text.split("---\n", 2)[1])


def test_backfilled_feedback_has_every_value_and_passes_check(run: Run, example: Path) -> None:
    result = run("new", "feedback", "Bulk export", "--from", "meridian-health", "--date", "2025-03-02",
                 "--tags", "exports, Data quality", "--tags", "yes", "--tags", "Exports",
                 "--source", 'Interview: "Q1"', "--quote", "We export # every week\nby hand", cwd=example)
    assert result.code == 0, result.err
    path = example / result.out.strip()
    data = front(path)
    assert data["date"] == date(2025, 3, 2)
    assert data["tags"] == ["exports", "Data quality", "yes"]  # 'yes' stays text; a repeat in any case is dropped
    assert data["source"] == 'Interview: "Q1"'
    assert data["quote"] == "We export # every week by hand"
    records, problems = check_project(example)
    assert not [p for p in problems.sorted() if p.path == path.relative_to(example).as_posix()
                and p.severity.value == "error"]
    record = records.feedback["bulk-export"]
    assert record.tags == ("exports", "Data quality", "yes") and record.date == date(2025, 3, 2)
    site = build(example).output
    assert (site / "tags/data-quality/index.html").read_text("utf-8").count("Bulk export") >= 1


def test_new_customer_named_with_a_segment(run: Run, example: Path) -> None:
    result = run("new", "customer", "Acme Health", "--segment", "Healthcare", "--named", "--date", "2025-01-15",
                 cwd=example)
    assert result.code == 0, result.err
    data = front(example / "content/customers/acme-health.yaml")
    assert data["credit"] == "named" and data["segment"] == "Healthcare"
    assert data["joined"] == date(2025, 1, 15)
    anonymous = run("new", "customer", "Beta Clinic", "--segment", "Healthcare", cwd=example)
    assert anonymous.code == 0
    assert front(example / "content/customers/beta-clinic.yaml")["credit"] == "anonymous"
    records, _ = check_project(example)
    assert records.customers["acme-health"].named and not records.customers["beta-clinic"].named


@pytest.mark.parametrize("kind", ["decision", "change"])
def test_date_works_for_every_kind(run: Run, example: Path, kind: str) -> None:
    ref = ["--feedback", "dark-mode"]
    result = run("new", kind, "Backfilled", *ref, "--date", "2026-01-05", cwd=example)
    assert result.code == 0, result.err
    assert front(example / result.out.strip())["date"] == date(2026, 1, 5)


def test_a_date_after_today_is_refused(run: Run, example: Path) -> None:
    tomorrow = (build_date() + timedelta(days=1)).isoformat()
    before = sorted(p for p in (example / "content").rglob("*"))
    result = run("new", "feedback", "Future", "--from", "meridian-health", "--date", tomorrow, cwd=example)
    assert result.code == 2
    assert f"--date {tomorrow} is after today ({build_date().isoformat()})" in result.err
    assert sorted(p for p in (example / "content").rglob("*")) == before
    today = run("new", "feedback", "Today", "--from", "meridian-health", "--date", build_date().isoformat(),
                cwd=example)
    assert today.code == 0, today.err


@pytest.mark.parametrize(("args", "message"), [
    (["new", "customer", "X", "--tags", "a"], "--tags is for feedback, not for a customer"),
    (["new", "decision", "X", "--feedback", "dark-mode", "--quote", "q"], "--quote is for feedback"),
    (["new", "feedback", "X", "--from", "meridian-health", "--segment", "s"], "--segment is for customers"),
    (["new", "feedback", "X", "--from", "meridian-health", "--named"], "--named is for customers"),
    (["new", "feedback", "X", "--from", "meridian-health", "--source", " "], "--source is empty"),
    (["new", "feedback", "X", "--from", "meridian-health", "--tags", "x" * 61], "longer than 60 characters"),
    (["new", "feedback", "X", "--from", "meridian-health", "--tags", ",".join(f"t{i}" for i in range(21))],
     "21 tags; an item may have at most 20"),
    (["new", "feedback", "X", "--from", "meridian-health", "--date", "2026-02-30"], "'--date'"),
])
def test_flag_usage_errors(run: Run, example: Path, args: list[str], message: str) -> None:
    result = run(*args, cwd=example)
    assert result.code == 2
    assert message in result.err


@pytest.mark.parametrize("hostile", ['"]\nvisibility: private\nx: "', "key: value", "- a\n- b", "{a: 1}", "&a *a",
                                     "null", "2026-01-01", "!!python/object:os.system ls"])
def test_hostile_values_stay_values(run: Run, example: Path, hostile: str) -> None:
    result = run("new", "feedback", "Hostile", "--from", "meridian-health", "--source", hostile, "--quote", hostile,
                 "--tags", hostile.replace(",", " "), cwd=example)
    assert result.code == 0, result.err
    data = front(example / result.out.strip())
    flat = " ".join(hostile.split())
    assert data["source"] == flat and data["quote"] == flat
    assert data["tags"] == [flat]
    assert set(data) == {"title", "date", "from", "source", "tags", "quote"}
