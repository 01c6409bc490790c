"""Spread pure, CPU-bound work over processes: parsing YAML, rendering Markdown and pages."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting processes costs more than it saves.
MIN_ITEMS = 400


def _die_with_parent() -> None:
    """Linux: a worker is killed when the build that forked it dies (SIGKILL included)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def pmap(func: Callable[[T], R], items: Sequence[T], jobs: int, min_items: int = MIN_ITEMS) -> list[R]:
    """map() over processes, results in order. Falls back to one process where fork is missing."""
    if jobs <= 1 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    ctx = multiprocessing.get_context("fork")  # children inherit the loaded model: nothing to pickle in
    chunk = max(1, len(items) // (jobs * 4))
    with ctx.Pool(jobs, initializer=_die_with_parent) as pool:
        return pool.map(func, items, chunksize=chunk)


def pmap_forked(func: Callable[[T], R], items: Sequence[T], jobs: int, min_items: int = MIN_ITEMS) -> list[R]:
    """Like pmap, for closures over big in-memory state (the model, the templates).

    Each child is forked with that state already in memory, runs its contiguous share of
    items and sends back only the results.
    """
    if jobs <= 1 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    ctx = multiprocessing.get_context("fork")
    size = -(-len(items) // jobs)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    workers = []
    for chunk in chunks:
        receive, send = ctx.Pipe(duplex=False)

        def run(chunk: Sequence[T] = chunk,
                send: Connection[tuple[bool, list[R] | BaseException | str], object] = send) -> None:
            _die_with_parent()
            try:
                send.send((True, [func(item) for item in chunk]))
            except BaseException as exc:  # report, don't hang the parent
                try:  # the exception itself, so the parent reports it as it would its own
                    send.send((False, exc))
                except Exception:
                    send.send((False, f"{type(exc).__name__}: {exc}"))
            finally:
                send.close()

        process = ctx.Process(target=run, daemon=True)
        process.start()
        send.close()
        workers.append((process, receive))
    results: list[R] = []
    failure = None
    for process, receive in workers:
        try:
            ok, value = receive.recv()
        except EOFError:
            ok, value = False, "worker process died"
        process.join()
        if ok:
            results.extend(value)
        else:
            failure = failure or value
    if isinstance(failure, Exception):
        raise failure
    if failure:
        raise RuntimeError(f"rendering in a worker process failed: {failure}")
    return results
