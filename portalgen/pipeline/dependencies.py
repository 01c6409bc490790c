"""Which page read what: the record of the build that made the live site, and what it implies now.

Each page is remembered with a fingerprint of what it was asked to show (its path, template,
title, description and planned context), the keys it read while rendering (render/tracking.py)
and the templates it loaded. After an edit, the keys are looked up again in the new model: a
page is reused only when its own fingerprint, every key it read and every template it loaded
are unchanged. Nothing is declared by hand, so a template that reads something new is followed
the moment it reads it.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, count
from operator import ne
from typing import Any, NotRequired, TypedDict, cast

from portalgen.pipeline.world import World
from portalgen.render.fingerprints import fingerprint
from portalgen.render.tracking import Key, Reads

FEW_PAGES = 32  # Update numbers up to this many pages' reads from their old selves' (Update._as_before)


class SavedDependencies(TypedDict):
    """The form kept in the build cache (marshal): keys and templates are stored once and numbered.
    Saved as they are held (tuples), so saving copies nothing; read back as tuples or lists."""

    keys: Sequence[Sequence[str]]
    fps: Sequence[str]
    templates: dict[str, str]  # template name -> fingerprint of its source
    # path -> (page fingerprint, key numbers, [template names]); the numbers as the bytes of an
    # array("I"): read back, 1.3 million numbers at 10,000 items are one bytes object a page, not an
    # int object each (marshal made those a fifth of a second of a one-edit build). A list is read too.
    pages: Mapping[str, Sequence[Any]]
    basis: NotRequired[Any]  # what the model was made from (pipeline/since_last.py)
    floor: NotRequired[list[int]]  # Dependencies.floor


@dataclass
class Dependencies:
    keys: list[Key] = field(default_factory=list)
    fps: list[str] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)
    # path -> (page fingerprint, the numbers of the keys it read, the templates it loaded): the
    # numbers sorted, in an array("I") (4 bytes a number where a list holds 8, and saved as its bytes)
    pages: dict[str, tuple[str, Sequence[int], list[str]]] = field(default_factory=dict)
    basis: Any = None  # what the model the fingerprints were made on was made from (pipeline/since_last.py)
    # (keys read when compacted() last counted them, key numbers of the pages dropped or read anew since):
    # at least their difference are read still, and while that is over half the table it is not counted.
    floor: tuple[int, int] | None = None
    _numbers: dict[Key, int] | None = field(default=None, repr=False, compare=False)
    # path -> (the page's entry as load() made it, the cache's form it was made from): dump() gives
    # back that very form for an entry still the same object (a page reused), so the cache's journal
    # finds it unchanged by identity instead of comparing 15,000 pages made anew (0.03-0.05 s an edit).
    _saved: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def fingerprint_of(self, key: Key) -> str | None:
        """The fingerprint this record holds for a key, if it has the key."""
        if self._numbers is None:
            self._numbers = dict(zip(self.keys, range(len(self.keys)), strict=True))
        n = self._numbers.get(key)
        # The table may number more keys than this record has: the next record's (Update)
        return self.fps[n] if n is not None and n < len(self.fps) else None

    @classmethod
    def load(cls, saved: SavedDependencies | None) -> Dependencies:
        if not saved:
            return cls()
        try:
            pages = {path: (str(v[0]), _numbers(v[1]), list(v[2])) for path, v in saved["pages"].items()}
            made = cls([tuple(k) for k in saved["keys"]], list(saved["fps"]), dict(saved["templates"]), pages,
                       saved.get("basis"), _floor(saved.get("floor")))
        except (KeyError, TypeError, IndexError, ValueError, OverflowError):
            return cls()  # written by another version: start afresh
        made._saved = {path: (pages[path], v) for path, v in saved["pages"].items()}
        return made

    def dump(self) -> SavedDependencies:
        # The record itself, not a copy: a record is never changed once made (update() makes a new one).
        kept = self._saved
        pages = {path: found[1] if (found := kept.get(path)) is not None and found[0] is page
                 else (page[0], _packed(page[1]), page[2]) for path, page in self.pages.items()}
        saved: SavedDependencies = {"keys": self.keys, "fps": self.fps, "templates": self.templates,
                                    "pages": pages}
        if self.basis is not None:
            saved["basis"] = self.basis
        if self.floor is not None:
            saved["floor"] = list(self.floor)
        return saved

    def reusable(self, world: World, page_fps: Mapping[str, str], template_fp: Callable[[str], str]) -> set[str]:
        """Pages whose every input is as it was when they were rendered."""
        now = world.fingerprints(self)
        if len(now) != len(self.fps):
            raise ValueError("a record with a fingerprint for each key expected")  # as zip(strict=True) said
        changed = set(compress(count(), map(ne, now, self.fps)))  # the numbers of the keys that changed
        templates = {name for name, fp in self.templates.items() if template_fp(name) != fp}
        reuse = set()
        for path, (fp, keys, names) in self.pages.items():
            if page_fps.get(path) == fp and templates.isdisjoint(names) and changed.isdisjoint(keys):
                reuse.add(path)
        return reuse

    def stale(self, paths: Iterable[str], world: World, page_fps: Mapping[str, str],
              template_fp: Callable[[str], str]) -> list[str]:
        """Those of `paths` that must be rendered again: new, or with an input that changed."""
        found = []
        for path in paths:
            saved = self.pages.get(path)
            if saved is None or page_fps.get(path) != saved[0] \
                    or any(template_fp(name) != self.templates.get(name) for name in saved[2]) \
                    or any(world.fingerprint(self.keys[n]) != self.fps[n] for n in saved[1]):
                found.append(path)
        return found

    def update(self, world: World, page_fps: Mapping[str, str], reused: Iterable[str],
               rendered: Mapping[str, Reads], template_fp: Callable[[str], str]) -> Dependencies:
        """The record for the site this build makes: reused pages as they were, rendered ones as read now."""
        made = self.updater(world)
        for path, reads in rendered.items():
            made.add(path, page_fps[path], reads)
        return made.finish(reused, template_fp)

    def updater(self, world: World) -> Update:
        """The record for the site this build makes, filled page by page as pages are rendered."""
        return Update(self, world)

    def compacted(self) -> Dependencies:
        """Without the keys no page reads any more, when they are most of the table. Counting the
        keys read (1.3 million numbers at 10,000 items) cost an edit's build a tenth of a second:
        it is done only when `floor` cannot tell that over half are read still."""
        if self.floor is not None and len(self.keys) <= 2 * (self.floor[0] - self.floor[1]) + 1024:
            return self
        used: set[int] = set()
        for _, keys, _ in self.pages.values():  # set.update: a million numbers added in C, not one by one
            used.update(keys)
        self.floor = (len(used), 0)
        if len(self.keys) <= 2 * len(used) + 1024:
            return self
        renumber = {old: new for new, old in enumerate(sorted(used))}
        return Dependencies([self.keys[n] for n in sorted(used)], [self.fps[n] for n in sorted(used)],
                            self.templates, {path: (fp, array("I", map(renumber.__getitem__, keys)), names)
                                             for path, (fp, keys, names) in self.pages.items()}, floor=self.floor)


class Update:
    """The next record, made while pages arrive: a page's reads are numbered as soon as it is
    rendered, so the keys' tuples of every page are never all held at once.

    The key table is kept and extended (renumbering a million references costs more than the
    build it serves); it is compacted when keys no page reads any more are most of it.

    The fingerprints of the keys new to the table are made in finish(), not as each key is
    numbered: the model holds still until then, and a quarter of a million strings (15 MB at
    10,000 items) are then not held while the pages are rendered (the peak of a cold build's
    memory, with a forked worker alive) nor while the site-wide files are read by the guard.
    A page's key numbers are held as an array of 4-byte numbers, then and in the record made
    (a list holds 8 bytes a number: 5 MB more at 10,000 items).
    """

    def __init__(self, old: Dependencies, world: World):
        self.old, self.world = old, world
        self.new = Dependencies(list(old.keys), list(world.fingerprints(old)), {}, {})
        # The old record's table of numbers, when it has one of its keys alone, is extended in place
        # (its fingerprint_of() looks past its own keys no more): a second table of a quarter of a
        # million keys (17 MB at 10,000 items) was held through every rebuild of serve otherwise.
        # Without one, it is made when a page reads a key its old self did not (numbers).
        numbers = old._numbers
        self._table = numbers if numbers is not None and len(numbers) == len(old.keys) else None
        # new.fps holds a fingerprint for each of old's keys; the keys numbered later get theirs in finish()
        self._names: dict[tuple[str, ...], list[str]] = {}  # many pages load the same templates
        self.rendered: dict[str, tuple[str, array[int], list[str]]] = {}  # path -> as in pages, until finish()

    @property
    def numbers(self) -> dict[Key, int]:
        """Every key of the table by its number."""
        if self._table is None:
            self._table = dict(zip(self.new.keys, range(len(self.new.keys)), strict=True))
        return self._table

    def _as_before(self, path: str, keys: Iterable[Key]) -> list[int | None] | None:
        """The numbers of `keys` when the page at `path` read only keys its old self read, taken from
        those without the table: a CLI build after an edit renders a page or a few, and numbering the
        quarter of a million keys for them cost it 0.05-0.1 s. None when the table is at hand or
        worth making (many pages rendered), or when the page is new."""
        old = self.old.pages.get(path)
        if self._table is not None or old is None or len(self.rendered) >= FEW_PAGES:
            return None
        table = self.old.keys
        found = list(map({table[n]: n for n in old[1]}.get, keys))
        return None if None in found else found

    def _number(self, key: Key) -> int:
        n = self.numbers.get(key)
        if n is None:
            # A key arrives from a worker in a tuple and strings of its own (unpickled per batch):
            # kept, its strings are shared with every other key naming the same object or field.
            key = tuple(map(sys.intern, key))
            n = self.numbers[key] = len(self.new.keys)
            self.new.keys.append(key)
        return n

    def add(self, path: str, page_fp: str, reads: Reads) -> None:
        names = tuple(sorted(reads.templates))
        shared = self._names.setdefault(names, list(names))
        # Most keys are numbered already (another page read them): looked up in one go, and only
        # the new ones numbered one by one, in the same order as before.
        keys = reads.keys
        found = self._as_before(path, keys) or list(map(self.numbers.get, keys))
        if None in found:
            number = self._number
            numbers = [n if n is not None else number(key) for n, key in zip(found, keys, strict=True)]
        else:
            numbers = cast(list[int], found)
        numbers.sort()
        self.rendered[path] = (page_fp, array("I", numbers), shared)

    def finish(self, reused: Iterable[str], template_fp: Callable[[str], str]) -> Dependencies:
        new = self.new
        new.fps += self.world.made(new.keys[len(new.fps):])
        new.pages.update(self.rendered)
        self.rendered = {}
        for path in reused:
            new.pages.setdefault(path, self.old.pages[path])  # a page rendered again is as it read now
        if self.old.floor is not None:  # what the old pages not kept as they were read may be read by none now
            gone = sum(len(page[1]) for path, page in self.old.pages.items() if new.pages.get(path) is not page)
            new.floor = (self.old.floor[0], self.old.floor[1] + gone)
        for _, _, names in new.pages.values():
            for name in names:
                if name not in new.templates:
                    new.templates[name] = template_fp(name)
        new._numbers = self._table  # else made by fingerprint_of() if ever asked
        new._saved = self.old._saved  # the pages reused are the old record's entries
        return new.compacted()


def _floor(saved: Any) -> tuple[int, int] | None:
    """Dependencies.floor from the cache's form (dump)."""
    if isinstance(saved, list) and len(saved) == 2 and all(type(n) is int and n >= 0 for n in saved):
        return saved[0], saved[1]
    return None


def _numbers(saved: Any) -> Sequence[int]:
    """A page's key numbers as Dependencies holds them, from the cache's form (dump)."""
    return array("I", saved) if isinstance(saved, bytes) else array("I", list(saved))


def _packed(numbers: Sequence[int]) -> bytes:
    """The cache's form of a page's key numbers: the bytes of an array("I") (read by _numbers)."""
    return numbers.tobytes() if isinstance(numbers, array) else array("I", numbers).tobytes()


def page_fingerprint(*parts: Any) -> str:
    """What a page was asked to show, before it read anything."""
    return fingerprint(parts)
