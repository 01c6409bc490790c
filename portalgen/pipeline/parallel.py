"""Spread pure, CPU-bound work over processes: parsing YAML, rendering Markdown and pages."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext
from multiprocessing.process import BaseProcess
from typing import Any, TypeAlias, TypeVar

from portalgen.pipeline import collector

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting processes costs more than it saves.
MIN_ITEMS = 400


def _die_with_parent() -> None:
    """Linux: a worker is killed when the build that forked it dies (SIGKILL included)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_start() -> None:
    """First thing in a worker: leave Ctrl-C to the parent, which stops the workers itself.

    A terminal sends SIGINT to the whole process group, workers included; each would print its
    own KeyboardInterrupt traceback. SIGTERM goes back to its default too (`serve` turns it into
    KeyboardInterrupt in the parent), so a worker the parent terminates ends without a word.
    The parent forks with SIGINT blocked (_forking), so none arrives before this runs.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    _die_with_parent()
    collector.in_worker()  # forked while the parent's collector was paused, it collects its own garbage


@contextmanager
def _forking() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while this thread forks workers, and deliver them when it is done.

    Blocking them in this thread keeps them from the children (which discard what arrives
    before _worker_start). But a signal for the process can land in another thread, and Python
    then runs its handler here at the next bytecode: inside an at-fork hook (logging's) its
    KeyboardInterrupt would be "ignored" and the Ctrl-C lost. So the main thread's handlers only
    note what arrives meanwhile; the original handlers get it afterwards, outside the hooks.
    """
    held: list[int] = []
    previous = {}
    if threading.current_thread() is threading.main_thread():  # handlers can only change there
        previous = {signum: signal.signal(signum, lambda signum, _frame: held.append(signum))
                    for signum in (signal.SIGINT, signal.SIGTERM)}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)  # None: not set from Python
        for arrived in dict.fromkeys(held):
            signal.raise_signal(arrived)


def forked(func: Callable[[], None]) -> BaseProcess | None:
    """`func` in a child process of its own, forked and started now (daemon: it ends with this
    process); None where fork is missing or fails."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None

    def run() -> None:
        _worker_start()
        func()

    process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
    try:
        with _forking():
            process.start()
    except OSError:  # no process to be had (a limit on processes, no memory): the caller does without
        return None
    return process


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def pmap(func: Callable[[T], R], items: Sequence[T], jobs: int, min_items: int = MIN_ITEMS) -> list[R]:
    """map() over processes, results in order. Falls back to one process where fork is missing."""
    if jobs <= 1 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    ctx = multiprocessing.get_context("fork")  # children inherit the loaded model: nothing to pickle in
    # Small chunks, so the workers end together: the load's 59 batches of files at 10,000 items went
    # in chunks of 7 (a worker's last one, ~0.7 s of parsing, done while the other waited).
    chunk = max(1, len(items) // (jobs * 16))
    with _forking():
        pool = ctx.Pool(jobs, initializer=_worker_start)
    with pool:  # leaving it, by an exception or Ctrl-C too, terminates the workers
        return pool.map(func, items, chunksize=chunk)


def pmap_forked(func: Callable[[T], R], items: Sequence[T], jobs: int, min_items: int = MIN_ITEMS,
                then: Callable[[R], Any] | None = None, here: bool = False) -> list[Any]:
    """Like pmap, for closures over big in-memory state (the model, the templates).

    Each child is forked with that state already in memory, runs its contiguous share of
    items and sends back the results in batches as it goes. `then` runs in this process on each
    result as it arrives (results arrive in any order, `then`'s answers are returned in order):
    it can put away what it need not keep, so neither the children nor this process hold
    everything at once.

    `here`: this process is one of the `jobs`, and works too (see _share_here): one child fewer,
    and every child dirties a copy of what it inherits (the model's objects' reference counts).
    """
    keep: Callable[[R], Any] = then if then is not None else _same
    if jobs <= 1 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [keep(func(item)) for item in items]
    ctx = multiprocessing.get_context("fork")
    if here:
        return _share_here(ctx, func, items, jobs - 1, keep)
    size = -(-len(items) // jobs)
    with collector.before_fork(), _forking():  # the children's collections leave the inherited objects alone
        workers = [_start(ctx, func, items[i : i + size]) for i in range(0, len(items), size)]
    try:
        return _collect(workers, [i * size for i in range(len(workers))], len(items), keep)
    finally:
        _stop(workers)


def _same(value: R) -> R:
    return value


# A worker process and the end of the pipe it answers on: (True, results) batches, then
# (True, None); or (False, what failed).
Worker: TypeAlias = tuple[BaseProcess, "Connection[Any, Any]"]  # Connection is generic only to mypy

BATCH = 32  # results per message: small enough that few are held at once, big enough to be cheap


def _start(ctx: ForkContext, func: Callable[[T], R], chunk: Sequence[T],
           claim: Callable[[], int] | None = None) -> Worker:
    """`claim`: the index in `chunk` of the next item to do, -1 when none is left (_share_here);
    without it, all of `chunk`."""
    receive, send = ctx.Pipe(duplex=False)

    def todo() -> Iterator[T]:
        if claim is None:
            yield from chunk
            return
        while (i := claim()) >= 0:
            yield chunk[i]

    def run() -> None:
        _worker_start()
        try:
            batch: list[R] = []
            for item in todo():
                batch.append(func(item))
                if len(batch) >= BATCH:
                    send.send((True, batch))
                    batch = []
            if batch:
                send.send((True, batch))
            send.send((True, None))
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
    return process, receive


def _share_here(ctx: ForkContext, func: Callable[[T], R], items: Sequence[T], children: int,
                keep: Callable[[R], Any]) -> list[Any]:
    """`children` workers, each with a contiguous share that it does from the front, while this
    process does items one at a time from the back of the share with the most left, reading the
    children's batches between two of its own items. The shares meet where they meet: this
    process also puts away every result (`keep`), so it does less of its own when that is slow.
    The bounds of each share ([front, back] per child) live in memory shared with the children."""
    size = max(1, -(-len(items) // children))
    starts = list(range(0, len(items), size))
    bounds = ctx.RawArray("q", [n for i in starts for n in (i, min(i + size, len(items)))])
    lock = ctx.Lock()

    def front(k: int) -> Callable[[], int]:
        def claim() -> int:
            with lock:
                i = int(bounds[2 * k])
                if i >= bounds[2 * k + 1]:
                    return -1
                bounds[2 * k] = i + 1
            return i
        return claim

    def back() -> int:
        with lock:
            k = max(range(len(starts)), key=lambda k: bounds[2 * k + 1] - bounds[2 * k])
            if bounds[2 * k + 1] <= bounds[2 * k]:
                return -1
            bounds[2 * k + 1] -= 1
            return int(bounds[2 * k + 1])

    with collector.before_fork(), _forking():
        workers = [_start(ctx, func, items, front(k)) for k in range(len(starts))]
    try:
        collecting = _Collecting(workers, starts, len(items), keep)
        while (i := back()) >= 0 and collecting.failure is None:
            collecting.results[i] = keep(func(items[i]))
            collecting.read(timeout=0)
        return collecting.finish()
    finally:
        _stop(workers)


def _stop(workers: list[Worker]) -> None:
    for process, _receive in workers:  # after an error or Ctrl-C here, do not leave them running
        if process.is_alive():
            process.terminate()
    for process, _receive in workers:  # nor writing (pipeline/site_wide.py) while the caller removes what they wrote
        process.join()
    for _process, receive in workers:
        receive.close()


def _collect(workers: list[Worker], offsets: list[int], count: int, keep: Callable[[Any], Any]) -> list[Any]:
    """Read every worker's batches as they come (a worker blocks on a full pipe until it is read)."""
    return _Collecting(workers, offsets, count, keep).finish()


class _Collecting:
    """The results of workers that each answer for a contiguous run of items from an offset."""

    def __init__(self, workers: list[Worker], offsets: list[int], count: int, keep: Callable[[Any], Any]):
        self.results: list[Any] = [None] * count
        self.failure: object = None
        self.keep = keep
        self.next_index = dict(zip((receive for _, receive in workers), offsets, strict=True))
        self.processes = {receive: process for process, receive in workers}
        self.open = list(self.next_index)

    def finish(self) -> list[Any]:
        while self.open and self.failure is None:
            self.read(None)
        failure = self.failure
        if isinstance(failure, Exception):
            raise failure
        if failure:
            raise RuntimeError(f"rendering in a worker process failed: {failure}")
        return self.results

    def read(self, timeout: float | None) -> None:
        """The batches that have come (with timeout None: at least one message)."""
        results, keep, next_index, open_ = self.results, self.keep, self.next_index, self.open
        for receive in wait(open_, timeout):
            assert isinstance(receive, Connection)
            try:
                ok, value = receive.recv()
            except EOFError:
                ok, value = False, "worker process died"
            if ok and value is not None:
                start = next_index[receive]
                for i, result in enumerate(value, start):
                    results[i] = keep(result)
                next_index[receive] = start + len(value)
                continue
            open_.remove(receive)
            self.processes[receive].join()
            if not ok:
                self.failure = self.failure or value
