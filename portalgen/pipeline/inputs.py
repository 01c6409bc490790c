"""Everything a build reads, as one digest: the same digest means the same site.

Every file under content/ counts, including those the loader refuses or ignores (a new
`Bad Slug.md` must never leave the build "up to date" while `check` fails on it), and so does
every file of the theme folders and of translations/, portalgen's own code, the drafts flag and the date that pins
"today". Files are hashed as bytes, before anything is parsed, so a build that finds its site up
to date reads no cache beyond a small state file: the problems a load finds are a function of the
same bytes and code.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

_LARGE = 4 * 1024 * 1024  # past this, a file's size and time stand for its bytes (it is refused anyway)


def _bytes_token(path: Path, info: os.stat_result) -> str:
    if info.st_size > _LARGE:
        return f"large:{info.st_size}:{info.st_mtime_ns}"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:32]


def _file_token(path: Path) -> str:
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            # What the link says, and what it leads to (a link inside the project is followed).
            target = os.stat(path) if path.exists() else None
            leads = _bytes_token(path, target) if target is not None and stat.S_ISREG(target.st_mode) else "-"
            return f"link:{os.readlink(path)}:{leads}"
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode)}"
        return _bytes_token(path, info)
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _tree(h: hashlib._Hash, base: Path, label: str, root: Path) -> None:
    if not base.is_dir():
        h.update(f"{label}:absent\0".encode())
        return
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath, name)
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                rel = path.as_posix()
            h.update(f"{label}:{rel}\0{_file_token(path)}\0".encode("utf-8", "surrogateescape"))


def input_digest(root: Path, theme_dirs: Iterable[Path], settings: str) -> str:
    """A digest of every input of a build of `root`; `settings` holds code, flags and the date."""
    h = hashlib.sha256(settings.encode())
    if (root / "content").is_symlink():
        h.update(f"content-link:{os.readlink(root / 'content')}\0".encode("utf-8", "surrogateescape"))
    _tree(h, root / "content", "content", root)
    _tree(h, root / "translations", "translations", root)  # the project's own wording (render/i18n.py)
    for n, base in enumerate(theme_dirs):
        _tree(h, base, f"theme{n}", root)
    return h.hexdigest()[:32]
