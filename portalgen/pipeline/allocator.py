"""glibc's malloc told to keep its mmap threshold where it starts (128 KiB), from the site-wide files on;
and told to give back the free memory it keeps (trim()).

glibc serves a request of 128 KiB or more with a mapping of its own, returned to the system when
freed, but it raises that threshold to the size of every such block freed (up to 32 MiB). By the
end of rendering it has risen (pickled batches of pages from a worker, big strings), and the
site-wide files made after it (api/portal.json is 18 MB at 10,000 items, the search index 7 MB)
and the output guard's copies of them then came from the heap and stayed resident: the cold
build's peak, in the guard, was 455 MB of RSS in the main process against 407 MB with the
threshold fixed there (same minute, 10,000 items).

Not fixed from the start of a build: while pages are rendered, every batch from a worker would
then be mapped and unmapped again, and the main process spent seconds more system time on it for
8 MB less. Workers forked later (serve's next rebuilds) inherit the setting. Elsewhere than glibc
(musl, macOS) this does nothing.

trim(): glibc keeps the blocks freed in its heap for later, and a worker forked meanwhile shares
those pages: when this process then writes into them again, each is copied, and counted in both.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

M_MMAP_THRESHOLD = -3  # glibc's malloc.h; setting it also turns the dynamic threshold off
THRESHOLD = 128 * 1024  # glibc's own starting value


@cache
def fixed_mmap_threshold() -> bool:
    """Fix the threshold for the rest of the process (once); False where there is no mallopt."""
    import ctypes  # imported here: a build with nothing to do never gets this far

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the running program's symbols: glibc's when linked with it
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD))


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    import ctypes

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def trim() -> None:
    """Return every whole free page of malloc's heap to the system (0: none kept at its top either)."""
    found = _malloc_trim()
    if found is not None:
        found(0)
