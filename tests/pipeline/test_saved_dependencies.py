"""What each page read, as the build cache keeps it (pipeline/dependencies.py: dump and load)."""

from __future__ import annotations

import marshal
from array import array
from pathlib import Path
from typing import Any, cast

from generate import generate

from portalgen.pipeline.dependencies import Dependencies, Update
from portalgen.pipeline.session import Session
from portalgen.pipeline.world import World
from portalgen.render.tracking import Key, Reads


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


def _wide(used: int, table: int) -> Dependencies:
    """A record whose table numbers `table` keys, of which its pages read the first `used`."""
    keys = [("feedback", f"s{n}", "title") for n in range(table)]
    return Dependencies(keys, ["s1:x"] * table, {}, {"p/index.html": ("fp", array("I", range(used)), [])})


def test_the_table_is_counted_only_when_its_floor_cannot_tell_most_keys_are_read() -> None:
    # The floor says 3,000 keys were read and none dropped since: the table is not counted (here it
    # would be compacted, as only 10 are read), and it is kept through the cache.
    claimed = _wide(10, 3000)
    claimed.floor = (3000, 0)
    assert claimed.compacted() is claimed
    assert Dependencies.load(marshal.loads(marshal.dumps(claimed.dump()))).floor == (3000, 0)
    # Pages read anew or gone since may have left that many keys unread: counted, compacted, a new floor.
    dropped = _wide(10, 3000)
    dropped.floor = (3000, 2500)
    made = dropped.compacted()
    assert len(made.keys) == 10 and made.floor == (10, 0)
    assert list(made.pages["p/index.html"][1]) == list(range(10))
    # Counted when there is no floor; a table mostly read is kept, with the count as its floor.
    mostly = _wide(2900, 3000)
    assert mostly.compacted() is mostly and mostly.floor == (2900, 0)


class _Still:
    """A World in which every key reads as the record says, and a new key as "new"."""

    def fingerprints(self, record: Dependencies) -> list[str]:
        return list(record.fps)

    def fingerprint(self, key: Key, seen: Any = None, keep: bool = True) -> str:
        return "new"

    def made(self, keys: list[Key]) -> list[str]:
        return [self.fingerprint(key) for key in keys]


def test_a_page_read_as_before_is_numbered_without_the_table() -> None:
    """A page that reads what its old self read is numbered from its old self's keys: the table of
    every key (a quarter of a million at 10,000 items) is not made. A page that reads a key new to
    it (the control) makes it, and gets the numbers the table gives: old keys as they were, a new
    one after them."""
    update = Update(_record(), cast(World, _Still()))
    update.add("a/index.html", "fp-a", Reads({("build", "as_of"), ("portal", "title"), ("feedback", "a", "title")}))
    assert update._table is None and list(update.rendered["a/index.html"][1]) == [0, 1, 3]
    update.add("b/index.html", "fp-b", Reads({("portal", "title"), ("feedback", "a", "title"), ("tag", "x", "slug")}))
    assert update._table is not None and list(update.rendered["b/index.html"][1]) == [0, 1, 4]
    made = update.finish([], lambda name: "t1")
    assert made.keys[4] == ("tag", "x", "slug") and made.fps[4] == "new" and made.fingerprint_of(("tag", "x", "slug"))
    lone = Update(_record(), cast(World, _Still()))
    lone.add("a/index.html", "fp-a", Reads({("portal", "title")}))
    assert lone.finish(["b/index.html"], lambda name: "t1").fingerprint_of(("feedback", "b", "title")) == "s1:b"


def test_a_reused_page_is_saved_as_the_very_entry_the_cache_gave() -> None:
    """dump() gives back the cache's own entry of a page reused as it was read, so the cache's
    journal finds it unchanged by identity; a page rendered again is saved as it reads now (the
    control: it is not the old entry), and a page's entry read back is equal either way."""
    saved = marshal.loads(marshal.dumps(_record().dump()))
    update = Update(Dependencies.load(saved), cast(World, _Still()))
    update.add("a/index.html", "fp-a2", Reads({("portal", "title")}))
    dumped = update.finish(["b/index.html"], lambda name: "t1").dump()
    assert dumped["pages"]["b/index.html"] is saved["pages"]["b/index.html"]
    assert dumped["pages"]["a/index.html"] is not saved["pages"]["a/index.html"]
    again = Dependencies.load(marshal.loads(marshal.dumps(dumped)))
    assert again.pages["a/index.html"][:2] == ("fp-a2", array("I", [0]))


def test_the_fingerprints_made_for_a_record_are_those_each_key_has(tmp_path: Path) -> None:
    """World.made (the keys new to a record, in Update.finish) says what fingerprint() says key by key,
    with one memo of walked records for them all; after an edit too (a previous record to look in)."""
    root = generate(tmp_path / "portal", 30, seed=4)
    session = Session(root, tmp_path / "site", jobs=1, persist=False)
    session.run()
    record, model = session.deps, session._deps_for
    assert record is not None
    assert model is not None
    keys = len(record.keys)
    assert keys > 500
    world = World(model)
    expected = [world.fingerprint(key, keep=False) for key in record.keys]
    assert len(set(expected)) > 100  # control: keys of many values, not one fingerprint for all
    assert World(model).made(record.keys) == expected
    assert record.fps == expected  # what the build's own Update.finish made
    assert World(model, world.index, record, set()).made(record.keys) == expected
