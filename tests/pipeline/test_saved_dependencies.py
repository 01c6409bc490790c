"""What each page read, as the build cache keeps it (pipeline/dependencies.py: dump and load)."""

from __future__ import annotations

import marshal
from array import array

from portalgen.pipeline.dependencies import Dependencies


def _record() -> Dependencies:
    keys = [("portal", "title"), ("feedback", "a", "title"), ("feedback", "b", "title"), ("build", "as_of")]
    return Dependencies(keys, ["s1:x", "s1:a", "s1:b", "d2026-01-01"], {"base.html": "t1"},
                        {"a/index.html": ("fp-a", array("I", [0, 1, 3]), ["base.html"]),
                         "b/index.html": ("fp-b", [0, 2], ["base.html"])})  # a list is taken too


def test_a_page_reads_the_same_keys_after_the_cache_round_trip() -> None:
    saved = marshal.loads(marshal.dumps(_record().dump()))
    # The numbers are kept as the bytes of 4-byte numbers, not as an int object each.
    assert all(isinstance(page[1], bytes) for page in saved["pages"].values())
    back = Dependencies.load(saved)
    assert {path: (fp, list(keys), names) for path, (fp, keys, names) in back.pages.items()} == {
        "a/index.html": ("fp-a", [0, 1, 3], ["base.html"]), "b/index.html": ("fp-b", [0, 2], ["base.html"])}
    assert back.keys == _record().keys and back.fps == _record().fps


def test_a_cache_of_lists_is_read_and_damaged_numbers_start_afresh() -> None:
    saved = _record().dump()
    listed = {**saved, "pages": {"a/index.html": ("fp-a", [0, 3], ["base.html"])}}
    assert list(Dependencies.load(listed).pages["a/index.html"][1]) == [0, 3]
    damaged = {**saved, "pages": {"a/index.html": ("fp-a", b"\x00\x01\x02", ["base.html"])}}  # not whole numbers
    assert Dependencies.load(damaged).pages == {}
