"""The cycle collector during a build (pipeline/collector.py): fewer collections while a CLI build or
one of serve's rebuilds runs, what the stages froze given back when it ends, the threshold put back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from portalgen.dev.rebuild import SessionRebuild
from portalgen.pipeline import collector, parallel
from portalgen.pipeline.building import build


@pytest.fixture(autouse=True)
def default_collector() -> Iterator[None]:
    """Python's own threshold and nothing frozen, before and after each test."""
    before = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_fewer_collections_raises_the_threshold_and_puts_it_back_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector.fewer_collections():
        assert gc.get_threshold() == (collector.YOUNG, 10, 10)
        raise RuntimeError
    assert gc.get_threshold() == (700, 10, 10)


def test_the_outermost_scope_gives_back_what_was_frozen_inside() -> None:
    with collector.fewer_collections():
        collector.settle()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with collector.fewer_collections():  # a run inside a CLI build
            pass
        # Not "== frozen": a frozen object freed meanwhile (pytest-xdist's channel thread drops the
        # messages it froze with the rest) lowers the count by a few. Unfreezing would empty it.
        assert gc.get_freeze_count() > frozen // 2  # the build is not over
        with collector.before_fork():
            pass
        assert gc.get_freeze_count() > frozen // 2  # inherited objects stay out of sight until the end
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == (700, 10, 10)


def test_outside_a_build_forking_gives_the_objects_back() -> None:
    with collector.before_fork():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def square(n: int) -> int:
    return n * n


def test_workers_forked_outside_a_build_leave_nothing_frozen() -> None:
    assert parallel.pmap_forked(square, list(range(10)), jobs=2, min_items=1) == [n * n for n in range(10)]
    assert gc.get_freeze_count() == 0


def test_serve_rebuilds_run_with_fewer_collections_and_put_the_threshold_back(
        tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = helpers.copy_example(tmp_path / "portal")
    rebuild = SessionRebuild(project, project / "site")
    seen: list[tuple[tuple[int, int, int], int]] = []

    def on_first(pages: dict[str, bytes]) -> None:  # called in the middle of the run
        seen.append((gc.get_threshold(), gc.get_freeze_count()))

    assert rebuild(set()).ok
    path = next((project / "content" / "feedback").rglob("*.md"))
    path.write_text(path.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    url = f"feedback/{path.stem}/index.html"
    assert rebuild({str(path)}, first={url}, on_first=on_first).ok
    assert len(seen) == 1
    threshold, frozen = seen[0]
    assert threshold[0] == collector.YOUNG
    assert frozen > 0  # the stages' objects, out of the collector's sight during the run
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_a_cli_build_puts_the_threshold_back(tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = helpers.copy_example(tmp_path / "portal")
    phases: list[tuple[int, int, int]] = []
    build(project, jobs=1, progress=lambda name, i, n, s: phases.append(gc.get_threshold()))
    assert phases and all(threshold[0] == collector.YOUNG for threshold in phases)
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_a_cli_build_pauses_the_collector_until_its_model_is_made(
        tmp_path: Path, helpers, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the files or the cache, checking, linking and planning make what the build keeps: no
    collection walks it (collector.paused), in a first build as in one after an edit; the pages are
    rendered with the collector on, and it is on afterwards."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = helpers.copy_example(tmp_path / "portal")
    path = next((project / "content" / "feedback").rglob("*.md"))
    for build_number in range(2):  # a first build, then one after an edit
        if build_number:
            path.write_text(path.read_text("utf-8") + "\nOne more line.\n", "utf-8")
        phases: dict[str, bool] = {}
        build(project, jobs=1, progress=lambda name, i, n, s, phases=phases: phases.setdefault(name, gc.isenabled()))
        assert not any(phases[name] for name in ("load", "validate", "link", "plan pages")), (build_number, phases)
        assert phases["render"] and phases["save cache"]  # the control: the pages are rendered with it on
        assert gc.isenabled() and gc.get_freeze_count() == 0
        assert gc.get_threshold() == (700, 10, 10)


def enabled(_: int) -> bool:
    return gc.isenabled()


def test_paused_freezes_what_was_made_and_workers_forked_meanwhile_collect() -> None:
    with collector.fewer_collections():
        with pytest.raises(RuntimeError), collector.paused():
            assert not gc.isenabled()
            assert parallel.pmap(enabled, list(range(8)), jobs=2, min_items=1) == [True] * 8
            assert parallel.pmap_forked(enabled, list(range(8)), jobs=2, min_items=1) == [True] * 8
            assert not gc.isenabled()  # the control: this process does not collect meanwhile
            raise RuntimeError
        assert gc.isenabled()  # put back after an error too
        assert gc.get_freeze_count() > 0
        with collector.paused(False):
            assert gc.isenabled()
    assert gc.get_freeze_count() == 0
