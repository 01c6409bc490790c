"""Everything a build reads, as one digest: the same digest means the same site.

Every file under content/ counts, including those the loader refuses or ignores (a new
`Bad Slug.md` must never leave the build "up to date" while `check` fails on it), and so does
every file of the theme folders and of translations/, portalgen's own code, the drafts flag and the date that pins
"today". Files are hashed as bytes, before anything is parsed, so a build that finds its site up
to date reads no cache beyond a small state file: the problems a load finds are a function of the
same bytes and code. A file whose stat is what it was when it was last hashed is not read again
(pipeline/stamps.py decides when that stat can be trusted); every folder is listed every time,
so a new, removed or renamed file always counts.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from portalgen.pipeline.stamps import Stamps

_LARGE = 4 * 1024 * 1024  # past this, a file's size and time stand for its bytes (it is refused anyway)


def content_key(rel: str) -> str:
    """The stat memo's key of the file `rel` (relative to the project) under content/, as _walk names it."""
    return f"content:{rel}"


def _bytes_token(path: str, info: os.stat_result) -> str:
    if info.st_size > _LARGE:
        return f"large:{info.st_size}:{info.st_mtime_ns}"
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:32]


def _file_token(path: str, key: str, stamps: Stamps) -> str:
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            # What the link says, and what it leads to (a link inside the project is followed).
            target = os.stat(path) if os.path.exists(path) else None
            leads = _bytes_token(path, target) if target is not None and stat.S_ISREG(target.st_mode) else "-"
            return f"link:{os.readlink(path)}:{leads}"
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode)}"
        if info.st_size > _LARGE:
            return _bytes_token(path, info)
        return stamps.token(key, info, lambda: _bytes_token(path, info))
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _walk(h: hashlib._Hash, folder: str, rel: str, label: str, stamps: Stamps) -> None:
    """The files of `folder` (named `rel` in the digest) and, after them, its sub-folders.
    A link is a file here, even one to a folder: it is not followed into."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # a folder that cannot be listed adds nothing (as os.walk did)
    folders = []
    for entry in entries:
        try:
            into = entry.is_dir(follow_symlinks=False)  # from the listing: no system call
        except OSError:
            into = False
        if into:
            folders.append(entry)
            continue
        key = f"{label}:{rel}/{entry.name}"
        h.update(f"{key}\0{_file_token(entry.path, key, stamps)}\0".encode("utf-8", "surrogateescape"))
    for entry in folders:
        _walk(h, entry.path, f"{rel}/{entry.name}", label, stamps)


def _tree(h: hashlib._Hash, base: Path, label: str, root: Path, stamps: Stamps) -> None:
    if not base.is_dir():
        h.update(f"{label}:absent\0".encode())
        return
    try:
        rel = base.relative_to(root).as_posix()
    except ValueError:
        rel = base.as_posix()
    _walk(h, str(base), rel, label, stamps)


def input_digest(root: Path, theme_dirs: Iterable[Path], settings: str, stamps: Stamps | None = None) -> str:
    """A digest of every input of a build of `root`; `settings` holds code, flags and the date.
    `stamps` spares reading files whose stat says they are as they were (None: read them all)."""
    stamps = stamps or Stamps()
    h = hashlib.sha256(settings.encode())
    if (root / "content").is_symlink():
        h.update(f"content-link:{os.readlink(root / 'content')}\0".encode("utf-8", "surrogateescape"))
    _tree(h, root / "content", "content", root, stamps)
    _tree(h, root / "translations", "translations", root, stamps)  # the project's own wording (render/i18n.py)
    for n, base in enumerate(theme_dirs):
        _tree(h, base, f"theme{n}", root, stamps)
    return h.hexdigest()[:32]
