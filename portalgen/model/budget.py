"""Bounded work per document: a time budget that holds in every thread, and a weight cap for native code.

Python-Markdown can go super-linear on hostile input, and a build must not stall on one file.
A watchdog thread raises TooSlow in the rendering thread when its deadline passes; unlike a
SIGALRM timer this works outside the main thread (the dev server rebuilds in a thread of its
own) and in forked worker processes. Native code (the sanitiser) cannot be interrupted at all, so
what reaches it is weighed first: its time grows with the nesting depth and the number of
character references, and both are capped far above any real text.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

# Measured on the sanitiser: 50,000 character references take it 0.7 s and 200,000 take 5.5 s,
# while a page of prose has a few dozen. Plain text costs it nothing.
MAX_REFERENCES = 20_000
MAX_HTML = 4 * 1024 * 1024
AGAIN = 0.05  # seconds after which the watchdog raises again in a block still running past its deadline


class TooSlow(Exception):
    """A document would take longer than its budget to render; the message says why when known."""

    def __init__(self, reason: str = "", hint: str = "shorten it, or link to the long text instead of pasting it"):
        super().__init__(reason)
        self.hint = hint

    def __reduce__(self) -> tuple[type[TooSlow], tuple[str, str]]:
        return (TooSlow, (str(self), self.hint))  # sent back whole from a worker process


def check_weight(html: str) -> None:
    """Refuse HTML that would keep the sanitiser busy past any budget (it cannot be interrupted)."""
    references = html.count("&")
    if references > MAX_REFERENCES:
        raise TooSlow(f"holds {references:,} special characters (&, < or > written as &…;) after Markdown, "
                      f"over the {MAX_REFERENCES:,} one text may publish")
    if len(html) > MAX_HTML:
        raise TooSlow(f"is {len(html) // 1024} KiB of HTML after Markdown, over the {MAX_HTML // 1024 // 1024} MiB "
                      "that one text may publish")


class _Deadlines:
    """What a Watchdog and its thread share. The thread holds this, never the Watchdog, so a
    Watchdog nobody uses any more is collected, and its finalizer ends the thread."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.by_thread: dict[int, tuple[float, int]] = {}  # thread id -> (deadline, token)
        self.fired: set[int] = set()  # tokens whose exception was sent
        # When the watchdog thread wakes up next (inf: only when notified). A deadline later than
        # that needs no notify: waking the thread for every document costs a GIL hand-over each,
        # as much CPU as a short text's rendering. It wakes at the earlier deadline, then waits
        # for the later one.
        self.wakes = math.inf
        self.closed = False

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify()


def _watch(state: _Deadlines) -> None:
    with state.cond:
        while not state.closed:
            now = time.monotonic()
            due = [(tid, token) for tid, (deadline, token) in state.by_thread.items() if deadline <= now]
            for tid, token in due:
                # Sent again until the block is left: an exception raised while Python runs a
                # garbage-collector callback, a __del__ or a weakref finalizer is printed and dropped.
                state.by_thread[tid] = (now + AGAIN, token)
                state.fired.add(token)
                _raise_in(tid, TooSlow)
            upcoming = [deadline for deadline, _ in state.by_thread.values()]
            state.wakes = min(upcoming) if upcoming else math.inf
            state.cond.wait(state.wakes - now if upcoming else None)


class Watchdog:
    """Raises TooSlow in a thread that overruns its deadline; its thread starts on first use and
    ends when the Watchdog is collected (one per Renderer: a long-lived process keeps none idle)."""

    def __init__(self) -> None:
        self._state = _Deadlines()
        self._tokens = itertools.count()
        self._pid = -1
        weakref.finalize(self, self._state.close)

    def _start(self) -> None:
        # A forked worker inherits this object but not the thread: start one per process.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._state.wakes = math.inf  # the thread that would have woken is the parent's
            threading.Thread(target=_watch, args=(self._state,), name="portalgen-budget", daemon=True).start()

    @contextmanager
    def budget(self, seconds: float) -> Iterator[None]:
        """Run the block in this thread with a deadline; TooSlow if it overruns."""
        tid, token, state = threading.get_ident(), next(self._tokens), self._state
        with state.cond:
            self._start()
            deadline = time.monotonic() + seconds
            state.by_thread[tid] = (deadline, token)
            if deadline < state.wakes:
                state.cond.notify()
        try:
            yield
        finally:
            while True:
                try:
                    with state.cond:
                        state.by_thread.pop(tid, None)
                        if token in state.fired:
                            state.fired.discard(token)
                            # The block ended as the watchdog fired: never let the exception land later.
                            _raise_in(tid, None)
                    break
                except TooSlow:  # sent again as the block was being left: it is left all the same
                    continue


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Schedule `exc` in another thread (None cancels a pending one): CPython's async exceptions."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc is not None else None)

