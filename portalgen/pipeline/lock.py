"""One build of a project at a time.

Two `portalgen build`s of one project, or a build and a rebuild of `serve`, share the cache
folder and the output's temporary folders and back buffer; run at once, one could swap in a site
while the other copies unchanged pages out of it. They take turns instead: each holds an
advisory lock (flock) on the project folder itself while it builds, and the second waits.

The folder, not a lock file: a build that fails writes nothing at all, not even a lock file.
The kernel releases the lock when its holder exits, however it ends, so a killed build never
leaves the project locked.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def build_lock(project: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the project's build lock; when another build has it, call `waiting` and wait for it.

    Where the file system cannot lock a folder (some network file systems), build without it,
    as portalgen did before there was a lock.
    """
    try:
        fd = os.open(project, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        yield
        return
    try:
        _lock(fd, waiting)
        yield
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int, waiting: Callable[[], None] | None) -> None:
    """Take the lock, waiting for it if need be; nothing where the file system cannot lock."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EBADF, errno.EINVAL, errno.EOPNOTSUPP):
            return
        raise
    if waiting is not None:
        waiting()
    fcntl.flock(fd, fcntl.LOCK_EX)
