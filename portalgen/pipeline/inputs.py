"""Everything a build reads, as one digest: the same digest means the same site.

Every file under content/ counts, including those the loader refuses or ignores (a new
`Bad Slug.md` must never leave the build "up to date" while `check` fails on it), and so do the
load problems, every file of the theme folders, portalgen's own code, the drafts flag and the
date that pins "today".
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from portalgen.content.loading import LoadResult, text_key

_LARGE = 4 * 1024 * 1024  # past this, a file's size and time stand for its bytes (it is refused anyway)


def _file_token(path: Path, rel: str, loaded: LoadResult) -> str:
    if rel in loaded.files:  # read once already, by the loader
        return text_key(loaded.files[rel])
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            return "link:" + os.readlink(path)
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode)}"
        if info.st_size > _LARGE:
            return f"large:{info.st_size}:{info.st_mtime_ns}"
        return hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _tree(h: hashlib._Hash, base: Path, label: str, loaded: LoadResult, root: Path) -> None:
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
            h.update(f"{label}:{rel}\0{_file_token(path, rel, loaded)}\0".encode("utf-8", "surrogateescape"))


def input_digest(root: Path, loaded: LoadResult, theme_dirs: Iterable[Path], settings: str) -> str:
    """A digest of every input of a build of `root`; `settings` holds code, flags and the date."""
    h = hashlib.sha256(settings.encode())
    _tree(h, root / "content", "content", loaded, root)
    for n, base in enumerate(theme_dirs):
        _tree(h, base, f"theme{n}", loaded, root)
    for problem in loaded.problems.sorted():
        h.update(problem.format().encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()[:32]
