"""The output guard on the big site-wide files (api/portal.json, search/index.js), row by row.

Both change on every edit of a body, and reading 25 MB again (Guard.check_file) cost an edit
most of its guard phase. The guard's first test on a file is its skeleton (letters and digits
only, output/guard.py): a file whose two skeletons hold no protected name's skeleton names nobody.
That test is made here from rows: the file is cut after each row's delimiter, and when

- the file holds no escaped backslash (then every backslash starts an escape),
- no cut falls inside an escape, and no row ends in `&` or `%` (an entity or a percent-escape
  across a cut),
- no row holds an entity or a percent-escape (which would make the guard decode the whole file),
- no row leaves a tag open (`<` with no `>` after it in the row),

the file's skeletons are the rows' skeletons joined (tests/output/test_guard_rows.py holds them
to it on random files). A name in them then lies in one row, or across a cut: a row whose
skeletons hold no name is remembered by the digest of its bytes, with only the letters at its
ends (as many as the longest name has, less one), and the letters across every cut are searched
together. Any doubt (a condition not met, a row or a cut holding a name's letters) and the file
is read whole, as before: the verdict is always the whole file's.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from operator import itemgetter
from typing import Any

from portalgen.content.namefinder import _ENTITY, _PERCENT, NameFinder, skeletons
from portalgen.output.guard import _unescape_script

BIG = 1 << 20  # smaller files are read whole: rows would save less than they cost
# saved() keeps the rows in this many bytes objects, by their digest's first byte: read from the
# build cache, 40,000 rows at 10,000 items are 256 objects, not 150,000 (11 MB of them in the heap
# that serve's next-day first build forks its render workers from, holding them through its peak
# for the site-wide files read after it); an edit changes a few, and the cache's journal holds those.
BUCKETS = 256
_CUTS = {".json": b"\n", ".js": b'],['}  # one record per line (portal.json), per array (index.js)
# A row's digest says how it was read (escaped or raw). SHA-256, not BLAKE2: 30 % less time on the
# 40,000 rows of a 10,000-item portal with the CPU's SHA instructions (output_state.page_digest).
_SALTED = {True: hashlib.sha256(b"e"), False: hashlib.sha256(b"r")}
_OPEN_ESCAPE = re.compile(rb"\\(?:u[0-9a-fA-F]{0,3})?\Z")

# A row known to name nobody: its two skeletons, each whole when short, else its ends joined by a
# line break (which no name's skeleton holds).
Ends = tuple[str, str]


class RowVerdicts:
    """Rows read without a name against one set of protected names (guarding.key), by digest.

    `saved`: what saved() gave after an earlier build; only the rows of this build's files are kept.
    A first build against these names reads the files whole (row by row costs more, once) and only
    notes that the next one is to read them row by row: a cold build pays nothing for rows.
    """

    def __init__(self, key: str, saved: Any = None) -> None:
        self.key = key
        known = saved[1] if isinstance(saved, list) and len(saved) == 2 and saved[0] == key else None
        packed = isinstance(known, list) and len(known) == BUCKETS
        self._ready = packed or isinstance(known, dict)
        self._known: dict[bytes, Any] = known if isinstance(known, dict) else {}
        # Unpacked a bucket at a time, when a row's digest falls in it; a copy: the cache's stays as read
        self._packed: list[Any] = list(known) if packed and isinstance(known, list) else []
        self._used: dict[bytes, Ends] = {}

    def saved(self) -> list[Any]:
        """[key, BUCKETS bytes objects]: the rows this build used, by the first byte of their digest."""
        buckets: list[dict[bytes, Ends]] = [{} for _ in range(BUCKETS)]
        for digest, ends in self._used.items():
            buckets[digest[0]][digest] = ends
        # Version 2 has no back-references, which marshal writes by the objects' reference counts:
        # the same rows make the same bytes, and the journal finds an unchanged bucket unchanged.
        return [self.key, [marshal.dumps(bucket, 2) for bucket in buckets]]

    def state(self) -> dict[bytes, Ends]:
        """What this build learnt, for adopt() in another process (pipeline/site_wide.py)."""
        return self._used

    def adopt(self, used: dict[bytes, Ends]) -> None:
        self._used = used

    def clean(self, names: NameFinder[Any], path: str, data: bytes) -> bool:
        """True when Guard.check_file would find no name in `data` (its path aside); False when it
        must read the file to tell."""
        cut = next((c for suffix, c in _CUTS.items() if path.endswith(suffix)), None)
        if not self._ready or cut is None or len(data) < BIG or b"\\\\" in data:
            return False
        width = names.longest - 1
        escaped = path.endswith((".json", ".js")) and b"\\" in data  # as check_file decides
        salted, used, known = _SALTED[escaped], self._used, self._known
        joined: list[Ends] = []
        start, size = 0, len(data)
        while start < size:
            end = data.find(cut, start)
            end = size if end < 0 else end + len(cut)
            row = data[start:end]
            start = end
            hashing = salted.copy()
            hashing.update(row)
            digest = hashing.digest()[:16]
            ends = used.get(digest)
            if ends is None:
                ends = _as_ends(known.get(digest) or self._unpacked(digest)) or _read(names, row, escaped, width)
                if ends is None:
                    return False
                used[digest] = ends
            joined.append(ends)
        return not any(names.may_contain("".join(map(itemgetter(n), joined))) for n in (0, 1))

    def _unpacked(self, digest: bytes) -> Any:
        """The row's ends from its bucket, unpacked now if it was not (None: not known)."""
        n = digest[0]
        blob = self._packed[n] if self._packed else None
        if not isinstance(blob, bytes):
            return None
        self._packed[n] = None
        try:
            rows = marshal.loads(blob)
        except (ValueError, TypeError, EOFError):
            return None  # not as saved(): its rows are read again
        if isinstance(rows, dict):
            self._known.update(rows)
        return self._known.get(digest)


def _as_ends(found: Any) -> Ends | None:
    """A row's ends as the cache gave them back (a pair of str), None when they are not that."""
    if found.__class__ is tuple and len(found) == 2 and found[0].__class__ is str and found[1].__class__ is str:
        return found
    return (str(found[0]), str(found[1])) if isinstance(found, list | tuple) and len(found) == 2 else None


def _read(names: NameFinder[Any], row: bytes, escaped: bool, width: int) -> Ends | None:
    """The ends of a row whose skeletons hold no name, None when they do or when the row breaks a
    condition of the module's."""
    if _OPEN_ESCAPE.search(row[-6:]):
        return None
    if escaped:
        row = _unescape_script(row.decode("utf-8", "replace")).encode("utf-8", "replace")
    if (_ENTITY.search(row) or _PERCENT.search(row) or b"&" in row[-1:] or b"%" in row[-2:]
            or row.rfind(b"<") > row.rfind(b">")):
        return None
    kept, bare = (part.decode("latin-1") for part in skeletons(row))  # kept in the cache as str
    if names.may_contain(kept) or names.may_contain(bare):
        return None
    return _ends(kept, width), _ends(bare, width)


def _ends(skeleton: str, width: int) -> str:
    if len(skeleton) <= 2 * width:
        return skeleton
    return skeleton[:width] + "\n" + skeleton[-width:] if width > 0 else "\n"
