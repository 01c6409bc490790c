"""Give the memory a rebuild freed back to the system, between two of the dev server's rebuilds.

A kept session lives for hours, and each rebuild makes and drops tens of megabytes: pages
received from the render workers, the site-wide files, a new plan. CPython returns its small-object
arenas only when they are wholly empty, and glibc's malloc keeps the large blocks it freed (the
pages' bytes, big strings) for later: at 10,000 items the server grew from ~350 MB after its first
build to ~500 MB over twenty edits, a third of it free memory that no one would use again before
the next peak. The render workers of the next rebuild are forked from this process, so memory
left resident here was counted again, in part, in each of them while they ran.

`give_back()` runs the cycle collector once (a run freezes what it keeps, so garbage cycles of a
rebuild are found only by a full collection after it) and then asks glibc to return every whole
free page (pipeline/allocator.py trim). Elsewhere than glibc it only collects.
"""

from __future__ import annotations

import gc

from portalgen.pipeline import allocator


def give_back() -> None:
    gc.collect()
    allocator.trim()
