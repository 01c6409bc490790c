"""Python's cycle collector during a build: fewer runs, and none over what the build keeps.

The one place that tunes the collector, for one concern: a build makes millions of objects
(records, the model, page plans, dependency keys) that live until it ends.

- `fewer_collections()` raises the first threshold for its duration. With the default (a
  collection per 700 new objects), the collector visits the young objects again and again and, as
  the heap grows, the old ones too: at 10,000 items a one-edit build spent 2.2-2.4 s of its CPU in
  2,110 collections (0.5-0.8 s in 51 with this). Collections still run, only after 100 times as
  many new objects, so garbage that is a cycle is still freed; reference counting frees
  everything else at once, as before. A CLI build and each of `serve`'s rebuilds run inside it
  (Session.run), and the threshold is put back afterwards.
- `settle()` moves what a stage made out of the collector's sight (gc.freeze): it lives until the
  run ends, and every full collection walked it all again (a second of CPU in checking, linking
  and planning at 10,000 items). The outermost `fewer_collections()` gives it back (gc.unfreeze)
  when it ends, so nothing stays frozen between two of serve's rebuilds.
- `paused()` stops the collector for stages that make what the run keeps (a CLI build: reading
  the files or the cache, checking, linking, planning), and freezes what they made when it ends.
  A first build of 100,000 items spent 3.6 s in collections there (42, 32, 28 and 14 of them).
- `before_fork()` freezes what forked workers inherit, so their collections leave those objects
  (and the memory pages holding them) alone; inside a run it stays frozen until the run ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 70_000  # new objects between two collections of the youngest generation (Python's default: 700)

_depth = 0  # fewer_collections() scopes open; the outermost one unfreezes what was frozen inside


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's first threshold for the duration, and put the old one back after; the
    outermost scope also gives the collector back what settle() and before_fork() froze inside it."""
    global _depth
    before = gc.get_threshold()
    gc.set_threshold(max(YOUNG, before[0]), *before[1:])
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.unfreeze()
        gc.set_threshold(*before)


@contextmanager
def paused(pause: bool = True) -> Iterator[None]:
    """No collection for the duration (with `pause`), settle()s inside it included: for stages that
    make what lives until the run ends and little garbage in cycles, which the collector would
    only walk (once each new object, 40 runs of the youngest generation in a one-edit build at
    10,000 items). Garbage in cycles made meanwhile is not freed until the outermost
    fewer_collections() gives the frozen objects back. A worker forked meanwhile collects as
    before (in_worker()). What exists at the end is frozen (settle()), paused or not."""
    pausing = pause and gc.isenabled()
    if pausing:
        gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what the stages made: out of sight, as settle() does
        if pausing:
            gc.enable()


def in_worker() -> None:
    """First thing in a forked worker: it collects its own garbage, even when forked while paused."""
    gc.enable()


def settle() -> None:
    """What exists now lives until the run ends: out of the collector's sight (see the module's doc)."""
    gc.freeze()


def collect_cycles() -> None:
    """Free the garbage in reference cycles now (what is frozen is not looked at)."""
    gc.collect()


@contextmanager
def before_fork() -> Iterator[None]:
    """Freeze for the duration of forking workers: a child's collections then never write to the
    inherited objects' headers, which would copy the parent's memory pages into the child. Outside
    a build (fewer_collections) the objects are given back afterwards; inside, at the build's end.
    Garbage in cycles is collected first: frozen, it would stay until the build ends."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        if _depth == 0:
            gc.unfreeze()
