"""The CLI checks each record in the worker that parses it (content/loading.py `checks`,
content/validating.py early_checks), and its validation takes those checks instead of checking the
records again: the records and problems must be exactly what checking them in this process gives,
and a check made under other portal settings is never taken."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from generate import generate
from site_trees import same_as_cold

import portalgen
from portalgen.content import loading, validating
from portalgen.content.kinds import KINDS
from portalgen.content.problems import Problems
from portalgen.pipeline import parallel


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    root = generate(tmp_path / "portal", 40, seed=5)
    # A decision deferred without a revisit date: a warning, so its check is left to the validation.
    (root / "content" / "decisions" / "warned.md").write_text(
        "---\ntitle: Later\ndate: 2024-01-21\nfeedback: [feedback-000000]\noutcome: deferred\n---\nNot now.\n",
        encoding="utf-8")
    return root


def validated(loaded: loading.LoadResult, stored: tuple[str, dict[str, Any]] = ("", {})) -> tuple[Any, Any]:
    memo = validating.Memo(texts=loaded.files, stored=stored)
    records, problems = validating.validate(loaded, memo)
    return records, sorted(problems.items, key=repr)


def test_the_checks_made_while_loading_give_what_checking_here_gives(project: Path) -> None:
    loaded = loading.load(project, checks=validating.early_checks)
    under, made = loaded.checked
    portal = validating._portal(loaded.portal, Problems())
    assert under == validating.settings_digest(portal)
    for raw in loaded.records:
        kind = KINDS[raw.kind]
        record, problems = validating.check_record(kind, raw, portal)
        entry = made.get(f"{raw.path}\0{loaded.files[raw.path]}")
        if record is None or problems:
            assert entry is None  # a record with problems is checked by the validation itself
        elif entry is not None:
            assert validating._restored(kind, raw, entry) == record
    assert len(made) > len(loaded.records) // 2  # most records are checked in the load (control: none without checks)
    assert loading.load(project).checked == ("", {})
    assert validated(loaded, loaded.checked) == validated(loading.load(project))


def test_a_check_made_under_other_portal_settings_is_not_taken(project: Path) -> None:
    loaded = loading.load(project, checks=validating.early_checks)
    under, made = loaded.checked
    raw = next(r for r in loaded.records if f"{r.path}\0{loaded.files[r.path]}" in made)
    entry = f"{raw.path}\0{loaded.files[raw.path]}"
    planted = {**made, entry: tuple("planted" if type(v) is str else v for v in made[entry])}
    records, _ = validated(loaded, (under, planted))
    assert KINDS[raw.kind].table(records)[raw.slug].title == "planted"  # the control: taken when the settings match
    records, _ = validated(loaded, ("other settings", planted))
    assert KINDS[raw.kind].table(records)[raw.slug].title != "planted"
    # Joined with a cache's checks: those made under other settings go, the load's are kept.
    assert validating.joined(("other settings", {"x": ()}), (under, planted)) == (under, planted)
    assert validating.joined((under, {"x": ()}), (under, planted)) == (under, {"x": (), **planted})
    assert validating.joined((under, {"x": ()}), ("", {})) == (under, {"x": ()})


def test_a_forked_cli_build_checks_records_in_its_workers(project: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "BATCH", 8)  # several batches: the load forks workers for them
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    here = os.getpid()
    checked_here: list[str] = []
    real = validating.check_record

    def spy(kind: Any, raw: Any, portal: Any) -> Any:
        if os.getpid() == here:
            checked_here.append(raw.path)
        return real(kind, raw, portal)

    monkeypatch.setattr(validating, "check_record", spy)
    portalgen.build(project, jobs=2)
    records = len(list((project / "content").rglob("*.md"))) + len(list((project / "content").rglob("*.yaml"))) - 1
    # Left to this process: the customers (their people are not kept in the stored form) and the
    # records with problems (the deferred decision's warning).
    assert 0 < len(checked_here) < records // 2
    assert "content/decisions/warned.md" in checked_here
    assert not any(path.startswith("content/feedback/") for path in checked_here)
    assert same_as_cold(project, tmp_path)
