"""The build cache's journal (pipeline/cache.py, cache_delta.py): a build that changed a few
entries writes only what changed beside the large file it read, and reading the two gives back
exactly what was saved; a journal that is tampered with, signed elsewhere or written for
another large file makes the whole large cache ignored, never half-applied."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

import pytest
from generate import generate
from site_trees import same_as_cold

import portalgen
from portalgen.pipeline import cache_delta, signing
from portalgen.pipeline.cache import SECTIONS, BuildCache, journal_name


def sections(cache: BuildCache) -> dict[str, Any]:
    cache.records  # noqa: B018 - reads the large file
    return {"records": cache._records, "texts": cache._texts, "clean": cache._clean, "checked": cache._checked,
            "html": cache._html, "html_policy": cache._html_policy, "deps": cache._deps, "memos": cache._memos}


def opened(project: Path, ahead: bool) -> BuildCache:
    """The project's cache as a build opens it; `ahead`: with its large file and journal read and verified
    in a thread (BuildCache.read_ahead), as a build with work to do reads them."""
    cache = BuildCache.open(project)
    if ahead:
        cache.read_ahead()
        assert cache._ahead is not None, "the large file is read ahead"
    return cache


def folder(project: Path) -> Path:
    return project / ".portalgen-cache"


def large(project: Path) -> Path:
    [path] = folder(project).glob("cache-*.bin")
    return path


def edit(project: Path, slug: str, words: str) -> None:
    path = next((project / "content" / "feedback").rglob(f"{slug}.md"))
    path.write_text(path.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = generate(tmp_path / "portal", 60, seed=3)
    portalgen.build(root)
    return root


def test_diff_and_patched_give_back_the_new_value_and_leave_the_base_alone() -> None:
    long = [f"fp{n}" for n in range(3000)]
    old = {"a": 1, "gone": [1, 2], "list": long, "nested": {"x": {"y": "z"}, "k": (1, 2)}, b"\x00": "bytes key"}
    copy = marshal.loads(marshal.dumps(old))
    cases = [
        {**old, "a": 2},
        {k: v for k, v in old.items() if k != "gone"},
        {**old, "new": None},
        {**old, "list": [*long[:10], "changed", *long[11:], "appended", None]},
        {**old, "list": long[:2000]},
        {**old, "list": [f"other{n}" for n in range(3000)]},  # most of it changed: written whole
        {**old, "nested": {"x": {"y": "w"}, "k": (1, 2)}},
        {**old, "a": True},  # equal to 1, but not the same value
        {**old, "gone": [1, 3]},
        {**old, "gone": [1, 2, 3]},
        {**old, "nested": {"x": [{"y": "z"}], "k": (1, 2)}},
        old,
    ]
    for new in cases:
        change = cache_delta.diff(old, new)
        assert (change is None) == (new is old)
        got = cache_delta.patched(old, marshal.loads(marshal.dumps(change))) if change is not None else old
        assert got == new and [type(v) for v in got.values()] == [type(v) for v in new.values()]
        assert old == copy, "the base is left as it was read"
    assert cache_delta.diff(old, marshal.loads(marshal.dumps(old))) is None


@pytest.mark.parametrize("change", [("?", 1), ("l", 2005, {}), ("d", {}, []), ("l", 3000, {2500: "x"}), "="])
def test_a_difference_that_does_not_fit_is_refused(change: Any) -> None:
    with pytest.raises((ValueError, IndexError)):
        cache_delta.patched([] if change[0] == "d" else ["a"] * 2000, change)


def test_an_edit_writes_a_journal_and_reading_it_gives_back_what_was_saved(project: Path, tmp_path: Path) -> None:
    base = large(project).read_bytes()
    for n in range(3):
        edit(project, "feedback-000003", f"Another paragraph {n}.")
        session = portalgen.build(project)
        assert not session.up_to_date
        assert large(project).read_bytes() == base, "the large file is left as it was"
        assert journal_of(project)[2]["delta"], "the journal holds the edits"
        # What this process saved is what a fresh one reads (the large file and its journal)
        saved = BuildCache.open(project)
        assert sections(saved)["records"], "the journal was taken"
    assert same_as_cold(project, tmp_path)


def test_what_a_build_keeps_equals_what_the_next_reads(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept: list[dict[str, Any]] = []
    write = BuildCache._write_sections

    def spy(self: BuildCache, key: bytes) -> None:
        kept.append(marshal.loads(marshal.dumps(sections(self))))  # a copy, as it was when saved
        write(self, key)

    monkeypatch.setattr(BuildCache, "_write_sections", spy)
    for n in range(2):
        edit(project, "feedback-000005", f"Words {n}.")
        portalgen.build(project)
        assert sections(opened(project, ahead=False)) == kept[-1]
        assert sections(opened(project, ahead=True)) == kept[-1]
    assert set(SECTIONS) == set(kept[-1])


def test_a_large_journal_writes_the_large_file_anew(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from portalgen.pipeline import cache

    base = large(project).read_bytes()
    monkeypatch.setattr(cache, "JOURNAL_SHARE", 10**9)  # any journal is too large
    monkeypatch.setattr(cache, "JOURNAL_FLOOR", 0)
    edit(project, "feedback-000007", "More.")
    portalgen.build(project)
    assert large(project).read_bytes() != base
    journal = marshal.loads((folder(project) / journal_name()).read_bytes().partition(b"\n")[2])
    assert journal["delta"] == {}
    assert sections(BuildCache.open(project))["records"]


def journal_of(project: Path) -> tuple[Path, bytes, dict[str, Any]]:
    path = folder(project) / journal_name()
    mac, _, body = path.read_bytes().partition(b"\n")
    return path, mac, marshal.loads(body)


@pytest.mark.parametrize("how", ["tampered", "foreign key", "another large file", "missing"])
def test_a_journal_that_is_not_ours_makes_the_large_cache_ignored(project: Path, tmp_path: Path, how: str) -> None:
    edit(project, "feedback-000009", "An edit, so the journal has something.")
    portalgen.build(project)
    path, mac, journal = journal_of(project)
    assert journal["delta"], "the journal holds the edit"
    planted = "<script>alert(1)</script>"
    journal["delta"]["html"] = ("d", {key: ("=", planted) for key in sections(BuildCache.open(project))["html"]}, [])
    key = signing.signing_key()
    assert key is not None
    if how == "tampered":
        path.write_bytes(mac + b"\n" + marshal.dumps(journal))
    elif how == "foreign key":
        body = marshal.dumps(journal)
        path.write_bytes(signing.sign(b"another machine's key", body) + b"\n" + body)
    elif how == "another large file":
        journal["base"] = "0" * 32
        body = marshal.dumps(journal)
        path.write_bytes(signing.sign(key, body) + b"\n" + body)
    else:
        path.unlink()
    for ahead in (False, True):
        assert sections(opened(project, ahead))["records"] == {}, "nothing of the large file is taken"
    edit(project, "feedback-000009", "And another.")
    site = portalgen.build(project).output
    assert not any(planted.encode() in p.read_bytes() for p in site.rglob("*.html"))
    assert same_as_cold(project, tmp_path)
