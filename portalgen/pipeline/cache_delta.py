"""What changed between two states of the build cache's plain data, and that change applied again.

A one-edit build changes a few entries of a cache of tens of MB (a record, a text's HTML, a page's
reads); pipeline/cache.py writes the difference from the large file it read (a journal) instead
of the whole file again, and puts the two back together when it reads them.

The data is what marshal holds: dicts, lists, tuples, strings, bytes, numbers. A difference is
itself plain data, a tuple tagged with its kind:
- (SET, value): the value as it is now;
- (DICT, {key: difference}, [keys gone]): a dict, entry by entry;
- (LIST, length, {index: difference}): a list of the same length, or a long one grown or cut
  to `length`, item by item.
"""

from __future__ import annotations

from itertools import compress, count
from operator import ne
from typing import Any

SET, DICT, LIST = "=", "d", "l"
LONG = 1024  # a list shorter than this is written whole when its length changes
_MISSING = object()


def diff(old: Any, new: Any) -> Any:
    """The difference that makes `new` of `old`, None when they are equal."""
    if old is new:
        return None
    kind = type(new)
    if type(old) is kind:
        if kind is dict:
            return _dict_diff(old, new)
        if kind is list and (len(old) == len(new) or min(len(old), len(new)) >= LONG):
            return _list_diff(old, new)
        if old == new:
            return None
    return (SET, new)


def _dict_diff(old: dict[Any, Any], new: dict[Any, Any]) -> Any:
    changes = {}
    added = 0
    get = old.get
    for key, value in new.items():
        before = get(key, _MISSING)
        if before is value:  # most entries: the same object, read from the cache and kept
            continue
        if before is _MISSING:
            changes[key] = (SET, value)
            added += 1
        elif (change := diff(before, value)) is not None:
            changes[key] = change
    # len(new) == len(old) - gone + added: the old keys are looked up only when some went
    gone = [key for key in old if key not in new] if len(old) + added != len(new) else []
    if not changes and not gone:
        return None
    return (DICT, changes, gone)


def _list_diff(old: list[Any], new: list[Any]) -> Any:
    # ne answers at once for the same object (strings, tuples of the same strings): a pass in C.
    changed = list(compress(count(), map(ne, old, new)))
    if len(new) >= LONG and len(changed) > len(new) // 8:
        return (SET, new)  # most of a long list: whole
    items = {n: change for n in changed if (change := diff(old[n], new[n])) is not None}
    items.update((n, (SET, new[n])) for n in range(len(old), len(new)))
    if not items and len(old) == len(new):
        return None
    return (LIST, len(new), items)


def patched(base: Any, change: Any) -> Any:
    """`base` with `change` (from diff) applied; `base` itself is left as it was (what changes is
    copied, the rest shared). Raises ValueError when the two do not fit together."""
    if not isinstance(change, tuple) or not change:
        raise ValueError("not a difference")
    tag = change[0]
    if tag == SET and len(change) == 2:
        return change[1]
    if tag == DICT and len(change) == 3 and type(base) is dict:
        _, changes, gone = change
        entries = dict(base)
        for key in gone:
            entries.pop(key, None)
        for key, sub in changes.items():
            entries[key] = patched(entries.get(key), sub)
        return entries
    if tag == LIST and len(change) == 3 and type(base) is list:
        _, length, items = change
        values = base[:length]
        if len(values) < length:
            values.extend([None] * (length - len(values)))
        if any(n not in items for n in range(len(base), length)):
            raise ValueError("a list difference with a hole")
        for n, sub in items.items():
            values[n] = patched(values[n] if n < len(base) else None, sub)
        return values
    raise ValueError("a difference that does not fit its base")
