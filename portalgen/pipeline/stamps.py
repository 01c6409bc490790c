"""What each input file held when a build last hashed it, keyed by its stat: an unchanged file is not read.

Like git's index. An entry is trusted only when the file's size, times, inode and mode are those
recorded AND its times are older than the moment the memo file was written (that file's own
mtime, read when it is opened). A file written in the same clock tick as its entry keeps the
same times; it is then younger than the memo and is hashed again ("racy", as git calls it). Only
files on the memo's own file system are remembered: there, both times come from the same clock
with the same granularity. Anything odd about the memo (missing, unsigned, another format or
version) leaves it empty, which only costs hashing everything.

The memo is signed like the build cache (pipeline/signing.py): a planted one could say a changed
file is unchanged.
"""

from __future__ import annotations

import marshal
import os
import struct
import time
from collections.abc import Callable
from pathlib import Path

from portalgen.pipeline import signing

FORMAT = 2  # 2: an entry is (packed stat, token): bytes load three times faster than tuples of ints
STAT = struct.Struct("<5q")  # size, mtime_ns, ctime_ns, inode, mode


class Stamps:
    def __init__(self, path: Path | None = None, known: dict[str, tuple[bytes, str]] | None = None, written_ns: int = 0,
                 device: int = -1) -> None:
        self.path = path  # None: remember nothing
        self._known = known or {}
        self._written_ns = written_ns  # the memo's mtime: entries at least this young are racy
        self._device = device  # the memo's file system: only its files are remembered
        self._seen: dict[str, tuple[bytes, str]] = {}
        self._retry = False  # an entry was racy, and a new memo would make it trusted

    @classmethod
    def open(cls, path: Path) -> Stamps:
        """The memo at `path`, or an empty one that will be written there."""
        try:
            device = _device(path)
        except OSError:
            return cls()
        key = signing.signing_key()
        try:
            with path.open("rb") as handle:
                info = os.fstat(handle.fileno())
                mac, _, body = handle.read().partition(b"\n")
            if key is None or not signing.verify(key, mac, body):
                return cls(path, device=device)
            data = marshal.loads(body)
        except (OSError, ValueError, TypeError, EOFError):
            return cls(path, device=device)
        if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("entries"), dict)):
            return cls(path, device=device)
        return cls(path, data["entries"], info.st_mtime_ns, info.st_dev)

    def token(self, key: str, info: os.stat_result, compute: Callable[[], str]) -> str:
        """The token of the file `key` whose lstat is `info`: remembered, or `compute()`d and remembered."""
        if info.st_dev != self._device:
            # Elsewhere, times may come from another clock, or in coarser steps than the memo's own.
            return compute()
        stamp = STAT.pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode)
        old = self._known.get(key)
        if old is not None and old[0] == stamp:
            if max(info.st_mtime_ns, info.st_ctime_ns) < self._written_ns:
                self._seen[key] = old
                return old[1]
            # The same stat, but too young to tell apart from a write just after it was hashed.
            self._retry = self._retry or max(info.st_mtime_ns, info.st_ctime_ns) < time.time_ns()
        token = compute()
        self._seen[key] = (stamp, token)
        return token

    def trusted(self, key: str, info: os.stat_result) -> str | None:
        """The token remembered for the file `key` whose lstat is `info`, when token() would trust
        it without computing (the same stat, older than the memo); None otherwise. Asks nothing
        of the file and remembers nothing: for a reader that would read the file anyway."""
        if info.st_dev != self._device:
            return None
        old = self._known.get(key)
        if old is None or max(info.st_mtime_ns, info.st_ctime_ns) >= self._written_ns:
            return None
        stamp = STAT.pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode)
        return old[1] if old[0] == stamp else None

    def hashed(self, key: str) -> str | None:
        """The token token() gave the file `key` in this process (the build's input digest, moments
        ago), None when it was not asked. A reader that would check the file's stat again to trust
        what it held takes this instead: a second stat of every file cost a one-edit build 0.15 s,
        and the build is then of the very bytes its digest names."""
        seen = self._seen.get(key)
        return seen[1] if seen is not None else None

    def save(self) -> None:
        """Write what this run saw, when it differs from the memo read (or a new memo would trust more)."""
        if self.path is None or (self._seen == self._known and not self._retry):
            return
        key = signing.signing_key()
        if key is None:
            return
        try:
            signing.make_folder(self.path.parent)
            if os.stat(self.path.parent).st_dev != self._device:
                return
            # Written (and so stamped) after every stat above: that is what makes an entry's age mean something.
            signing.write_signed(self.path, key, marshal.dumps({"format": FORMAT, "entries": self._seen}))
        except OSError:
            return  # a memo that cannot be written only costs hashing next time
        self._known, self._retry = dict(self._seen), False


def _device(path: Path) -> int:
    """The file system the memo is (or will be) on: its own, else its folder's, else the project's."""
    for candidate in (path, path.parent, path.parent.parent):
        try:
            return os.stat(candidate).st_dev
        except FileNotFoundError:
            continue
    raise FileNotFoundError(path)
