"""Files written so that no other name of an inode sees the bytes: the output folder's pages may
be hard links to the live site's (output/writing.py), so a file is made new or linked, never
written into."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

# Why os.link can refuse where copying works: another device, a file system without hard links (or
# one that forbids them: EPERM, also fs.protected_hardlinks), or too many links to one inode.
NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP,
                     errno.EOPNOTSUPP, errno.ENOSYS})


def unlink_any(target: Path) -> None:
    """Remove whatever is at `target` (a file, a link, a folder), if anything."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(target)


def write_new(target: Path, data: bytes) -> None:
    """Write `data` into a file that does not exist yet: O_EXCL guarantees a new inode, so no other
    name of an old file (a live page hard-linked into the back buffer) can see these bytes."""
    write_all(str(target), data, os.O_EXCL)  # as open(target, "xb")


def write_all(path: str, data: bytes, mode: int) -> None:
    """`data` into the file at `path`, opened with O_CREAT and `mode` (O_TRUNC or O_EXCL)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link at `target` (which must not exist) to the unchanged page at `source`: one system
    call and no bytes, where a copy reads and writes the page (3 s of a 10,000-item build that
    writes a whole new site). Copied where the file system refuses the link (NO_LINK)."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in NO_LINK:
            raise
        shutil.copyfile(source, target)
