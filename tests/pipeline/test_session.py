"""The dev server's engine (a Session kept in memory, told which files changed) makes what a cold
build makes, on the paths it takes without linking again: reworded records and new outcomes."""

from __future__ import annotations

import gc
import re
import weakref
from pathlib import Path

import pytest
from site_trees import served_same_as_cold

from portalgen.pipeline.session import Session


@pytest.fixture()
def session(tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch) -> tuple[Session, Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = helpers.copy_example(tmp_path / "portal")
    served = Session(project, tmp_path / "served", persist=False)
    served.run()
    return served, project


def set_outcome(path: Path, outcome: str) -> None:
    path.write_text(re.sub(r"^outcome: .*$", f"outcome: {outcome}", path.read_text("utf-8"), count=1,
                           flags=re.MULTILINE), "utf-8")


def test_every_decision_given_another_outcome(session: tuple[Session, Path], tmp_path: Path) -> None:
    """Latest words and superseded ones, items with duplicates, shipped items: each status as linked."""
    served, project = session
    for path in sorted((project / "content" / "decisions").glob("*.md"))[::6]:
        original = path.read_text("utf-8")
        now = re.search(r"^outcome: (\S+)", original, re.MULTILINE)[1]
        set_outcome(path, "in-progress" if now != "in-progress" else "under-review")
        shown: dict[str, bytes] = {}
        served.run({str(path)}, first={"index.html", "roadmap/index.html"}, on_first=shown.update)
        served_same_as_cold(served, tmp_path)
        path.write_text(original, "utf-8")
        served.run({str(path)})
        served_same_as_cold(served, tmp_path)


def test_a_reworded_body_renders_only_its_own_page(session: tuple[Session, Path]) -> None:
    served, project = session
    path = next((project / "content" / "feedback").rglob("per-dashboard-permissions.md"))
    path.write_text(path.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    shown: dict[str, bytes] = {}
    result = served.run({str(path)}, first={"feedback/per-dashboard-permissions/index.html"},
                        on_first=shown.update)
    assert list(shown) == ["feedback/per-dashboard-permissions/index.html"]
    assert b"One more sentence." in shown["feedback/per-dashboard-permissions/index.html"]
    assert result.rendered == 1, "a body is shown on its own page only"


def test_a_new_override_of_a_template_already_in_use_is_used(session: tuple[Session, Path], tmp_path: Path) -> None:
    """Jinja keeps the built-in feedback.html as long as its file is unchanged: an override added
    beside it must still take its place (found by the property test after a static file made
    templates/ exist first)."""
    served, project = session
    static = project / "templates" / "static" / "extra.css"
    static.parent.mkdir(parents=True)
    static.write_text("body { margin: 0; }\n", "utf-8")
    served.run({str(static)})
    portal = project / "content" / "portal.yaml"
    portal.write_text(portal.read_text("utf-8").replace("stale_after_days: 30", "stale_after_days: 31"), "utf-8")
    served.run({str(portal)})  # every page again: the built-in feedback.html is now in Jinja's cache
    override = project / "templates" / "feedback.html"
    override.write_text('{% extends "base.html" %}{% block main %}<h1>{{ item.record.title }}</h1>'
                        "<p>Overridden</p>{% endblock %}", "utf-8")
    served.run({str(override)})
    assert b"Overridden" in (served.out / "feedback" / "per-dashboard-permissions" / "index.html").read_bytes()
    served_same_as_cold(served, tmp_path)


def test_a_reworded_plan_lets_the_plan_before_it_go(session: tuple[Session, Path]) -> None:
    """A reworded record's plan is made from the last one when first asked for; once the run is
    done it holds nothing of it (a long serve would otherwise keep every plan it ever made)."""
    served, project = session
    path = next((project / "content" / "feedback").rglob("per-dashboard-permissions.md"))
    url = "feedback/per-dashboard-permissions/index.html"
    original = path.read_text("utf-8")
    plans = []
    for n in range(3):
        path.write_text(original + f"\nEdit {n}.\n", "utf-8")
        served.run({str(path)}, first={url}, on_first=lambda pages: None)
        assert served.plan is not None
        plans.append(weakref.ref(served.plan))
    gc.collect()
    assert [plan() is None for plan in plans] == [True, True, False]



@pytest.mark.parametrize("days", [0, 1])
def test_served_after_a_build_then_edited(tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    """serve started over the cache of a `portalgen build` made the same day (the pages are reused from
    its record) or the day before (days waiting moved: every page is rendered again, and the cache's
    record of the live site is let go first, OutputState.release); an edit after it is still what a
    cold build makes. Control: release() clearing the record's pages with pages reused fails (days=0); leaving
    the search rows unkeyed (None for {}) fails the rows' check (days=1)."""
    import portalgen
    from portalgen.pipeline.cache import BuildCache
    from portalgen.pipeline.site_rows import SEARCH

    project = helpers.copy_example(tmp_path / "portal")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    portalgen.build(project, jobs=1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1795996800 + days * 86_400))
    served = Session(project, project / "site", persist=False, cache=BuildCache.open(project))
    first = served.run()
    assert (first.rendered == first.pages) == (days == 1), "all pages again the next day, none the same day"
    # The search index's rows, let go before a full re-render, are keyed again for the edits that follow.
    assert served.cache is not None and served.cache.memo(SEARCH), "no search rows kept for the next edit"
    served_same_as_cold(served, tmp_path)
    path = next((project / "content" / "feedback").rglob("per-dashboard-permissions.md"))
    path.write_text(path.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    assert served.run({str(path)}).rendered >= 1
    served_same_as_cold(served, tmp_path)
