"""The new model, answering "what would this key read now?": the fingerprints of the keys pages
read (pipeline/dependencies.py), made again, or taken from the previous record where an edit did
not reach them.
"""

from __future__ import annotations

from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from portalgen.model.items import Model
from portalgen.render.fingerprints import Seen, fingerprint, whole
from portalgen.render.tracking import Key, identity

if TYPE_CHECKING:
    from portalgen.pipeline.dependencies import Dependencies

ABSENT = "-"  # the fingerprint of a key whose object no longer exists


class World:
    """The new model, answering 'what would this key read now?'.

    `previous` and `touched`: when the model is the one the previous run's fingerprints were made
    from, changed in memory only in the objects whose keys start with a prefix in `touched` (an
    edit patched into the model, pipeline/patch.py), every other key reads as it did, and its old
    fingerprint is taken instead of being made again: an edit then costs what it touched, not
    what the site holds.
    """

    def __init__(self, model: Model, index: dict[Key, Any] | None = None,
                 previous: Dependencies | None = None, touched: set[Key] | None = None):
        self.model = model
        self.index = index if index is not None else self.index_of(model)
        self._memo: dict[Key, str] = {}
        self._previous = previous if touched is not None else None
        self._touched = touched or set()
        self._listed: tuple[Dependencies, list[str]] | None = None  # fingerprints(): the record, its keys' now

    @staticmethod
    def index_of(model: Model) -> dict[Key, Any]:
        """Every object of the model that has an identity, by its key."""
        index: dict[Key, Any] = {("model",): model, ("portal",): model.portal}
        for group in (model.feedback, model.decisions, model.changes, model.customers, model.tags):
            for obj in group:
                key = identity(obj)
                if key is None:
                    continue
                index[key] = obj
                record = getattr(obj, "record", None)
                if record is not None:
                    index[(*key, "record")] = record
        return index

    def fingerprint(self, key: Key, seen: Seen | None = None, keep: bool = True) -> str:
        """`seen`: see render/fingerprints.py. `keep=False`: not memoised (Update numbers each new
        key once: a memo would only hold a second table of the quarter of a million keys until the
        build ends)."""
        found = self._memo.get(key)
        if found is None:
            if self._previous is not None and key[0] != "build" and key[:1] not in self._touched \
                    and key[:2] not in self._touched:
                found = self._previous.fingerprint_of(key)
            if found is None:
                found = self._fingerprint(key, seen)
            if keep:
                self._memo[key] = found
        return found

    def fingerprints(self, record: Dependencies) -> list[str]:
        """What fingerprint() says of each of the record's keys, in its order: made once for the
        record (reusable() asks, then the next record starts from them) and not memoised key by
        key, which would hold a quarter of a million more entries."""
        if self._listed is not None and self._listed[0] is record:
            return self._listed[1]
        seen: Seen = {}  # the model holds still while one record's keys are fingerprinted
        # after an edit patched in, most keys read as they did: fingerprint() looks them up
        if self._previous is record:
            made = self._kept(record, seen)
        elif self._previous is not None:
            made = [self.fingerprint(key, seen) for key in record.keys]
        else:
            made = _shared(record.fps, self._made(record.keys, seen))
        self._listed = (record, made)
        return made

    def made(self, keys: list[Key]) -> list[str]:
        """What fingerprint() says of each key, not memoised (Update numbers each new key once), with
        one memo of the records walked (the model holds still meanwhile): the keys new to a cold
        build's record (a quarter of a million at 10,000 items) are made after its pages, with the
        other core idle; in _each()'s loop, 0.71 -> 0.54 s of CPU."""
        seen: Seen = {}
        if self._previous is None:
            return self._each(keys, seen)
        return [self.fingerprint(key, seen, keep=False) for key in keys]

    def _kept(self, record: Dependencies, seen: Seen) -> list[str]:
        """The record's own fingerprints, but those of build-wide keys and touched objects made again."""
        touched = self._touched
        made = list(record.fps)
        for n in _maybe_touched(record.keys, touched):
            key = record.keys[n]
            if key[0] == "build" or key[:1] in touched or key[:2] in touched:
                made[n] = self.fingerprint(key, seen)
        return made

    def _made(self, keys: list[Key], seen: Seen) -> list[str]:
        """A whole record's keys fingerprinted anew (fingerprints())."""
        return self._each(keys, seen)

    def _each(self, keys: list[Key], seen: Seen) -> list[str]:
        """fingerprint() and _fingerprint() of every key, inlined: this is the hot loop of a build
        after an edit (a quarter of a million keys at 10,000 items)."""
        memo, index, model = self._memo, self.index, self.model
        made: list[str] = []
        append = made.append
        for key in keys:
            found = memo.get(key) if memo else None  # stale() may have made some (serve's open pages)
            if found is None:
                if key[0] == "build":
                    found = fingerprint(getattr(model, key[1], None), seen)
                else:
                    obj = index.get(key[:-1])
                    if obj is None:
                        found = ABSENT
                    elif key[-1] == "*":
                        found = whole(obj, seen)
                    else:
                        try:
                            value = getattr(obj, key[-1])
                        except AttributeError:
                            found = ABSENT
                        else:
                            found = fingerprint(value, seen)
            append(found)
        return made

    def _fingerprint(self, key: Key, seen: Seen | None) -> str:
        if key[0] == "build":
            return fingerprint(getattr(self.model, key[1], None), seen)
        obj = self.index.get(key[:-1])
        if obj is None:
            return ABSENT
        if key[-1] == "*":
            return whole(obj, seen)
        try:
            return fingerprint(getattr(obj, key[-1]), seen)
        except AttributeError:
            return ABSENT


def _shared(old: list[str], now: list[str]) -> list[str]:
    """`now`, with each fingerprint equal to the record's own taken from it: made afresh, they are
    new strings, and the record is held until the run ends (the next record starts from these): a
    second copy of most of a quarter of a million fingerprints (15 MB at 10,000 items) through rendering."""
    if len(old) != len(now):
        return now
    return [was if was == new else new for was, new in zip(old, now, strict=True)]


def _maybe_touched(keys: list[Key], touched: set[Key]) -> list[int]:
    """The numbers of the keys that may be build-wide or start with a prefix in `touched` (a few of a
    quarter of a million), found by their first and second names with the loops in C: looked at
    one by one in Python, slicing two prefixes off each key, they cost a tenth of a second."""
    firsts = {"build"} | {prefix[0] for prefix in touched if len(prefix) == 1}
    seconds = {prefix[1] for prefix in touched if len(prefix) == 2}
    try:
        found = set(compress(count(), map(firsts.__contains__, map(itemgetter(0), keys))))
        found.update(compress(count(), map(seconds.__contains__, map(itemgetter(1), keys))))
    except IndexError:  # a key of one name (none is made so): every key
        return list(range(len(keys)))
    return sorted(found)
