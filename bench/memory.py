"""Peak memory of a whole process tree (Linux): a process and all its descendants, sampled while it runs.

Why PSS and not RSS: portalgen forks worker processes that share the parent's pages copy-on-write
(the loaded model, the templates). Summing each process's RSS would count every shared page once
per process that maps it; PSS (proportional set size) divides a shared page between the
processes sharing it, so the sum over the tree counts it once. `ru_maxrss` from wait4 is no
better: it is the largest single process, not the tree.

    with TreeSampler(pid) as sampler:      # a thread in this process, polling every 40 ms
        ...
    sampler.peak_mb

    sampler = ExternalSampler(os.getpid())  # this process's own tree, sampled from a separate
    ...                                     # process (no GIL shared with what is measured)
    with sampler.paused():                  # a step that is timed
        ...
    sampler.report()                        # {"peak MB": ..., "now MB": ...}

Sampling is not free: the kernel walks a process's page tables to read smaps_rollup, about 3 ms
per 100 MB resident on the benchmark machine, plus ~4 ms to list /proc. A 400 MB tree costs
~15 ms of CPU per sample, a third of a core at this rate, so timed steps are not sampled (run.py
measures memory in a cold build of its own; serve_latency.py pauses the sampler from each save
until its page is shown).

Run as a script (`python bench/memory.py PID`) it is the separate process ExternalSampler starts:
it samples PID's tree, itself excluded, and answers one line per line read on stdin.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Collection, Iterator
from pathlib import Path

INTERVAL = 0.04  # seconds between samples


def _children() -> dict[int, list[int]]:
    """Every process's children, from the ppid in /proc/PID/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # gone since the listing
            continue
        # "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ")".
        ppid = int(stat.rpartition(b")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree(root: int, exclude: Collection[int] = ()) -> list[int]:
    """`root` and its descendants, without the processes in `exclude` and their descendants."""
    children = _children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in exclude:
            continue
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _field_kib(path: str, name: bytes) -> int | None:
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def process_kib(pid: int) -> int:
    """PSS of one process in KiB; its RSS where smaps_rollup cannot be read; 0 once it is gone."""
    pss = _field_kib(f"/proc/{pid}/smaps_rollup", b"Pss:")
    if pss is not None:
        return pss
    return _field_kib(f"/proc/{pid}/status", b"VmRSS:") or 0


def tree_kib(root: int, exclude: Collection[int] = ()) -> int:
    """The memory of a process tree now: the sum of its processes' PSS, in KiB."""
    return sum(process_kib(pid) for pid in tree(root, exclude))


class TreeSampler:
    """Samples a process tree from a thread until stopped; keeps the peak. Can be paused."""

    def __init__(self, root: int, interval: float = INTERVAL, exclude: Collection[int] = ()):
        self.root = root
        self.interval = interval
        self.exclude = set(exclude)
        self.peak_kib = 0
        self.samples = 0
        self._sampling = threading.Lock()  # held while a sample is being taken
        self._stop = threading.Event()
        self._active = threading.Event()
        self._active.set()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)

    def sample(self) -> int:
        with self._sampling:
            kib = tree_kib(self.root, self.exclude)
            self.peak_kib = max(self.peak_kib, kib)
            self.samples += 1
        return kib

    def reset(self) -> None:
        with self._sampling:
            self.peak_kib, self.samples = 0, 0

    def pause(self) -> None:
        """No sampling until resume(); returns once a sample in flight has finished."""
        self._active.clear()
        with self._sampling:
            pass

    def resume(self) -> None:
        self._active.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._active.wait()
            if self._active.is_set() and not self._stop.is_set():
                self.sample()
            self._stop.wait(self.interval)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._active.set()
        self._thread.join()

    def __enter__(self) -> TreeSampler:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024


class ExternalSampler:
    """A TreeSampler in a separate process (this script), for a tree that includes the caller itself.

    Sampling from a thread of the measured process would take the GIL from the code being timed;
    the sampler process excludes itself from the tree it samples.
    """

    def __init__(self, root: int, interval: float = INTERVAL):
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), str(root), str(interval)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._ask("reset")  # answers once sampling has started

    def _ask(self, command: str) -> dict[str, float]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def report(self) -> dict[str, float]:
        """{"peak MB": the peak since the start (or the last reset), "now MB": a sample taken now}."""
        return self._ask("report")

    def reset(self) -> None:
        self._ask("reset")

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No sampling inside (a sample in flight finishes first): the sampler takes no CPU from a timed step."""
        self._ask("pause")
        try:
            yield
        finally:
            self._ask("resume")

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


def _serve(root: int, interval: float) -> None:
    with TreeSampler(root, interval, exclude={os.getpid()}) as sampler:
        for line in sys.stdin:
            command = line.strip()
            if command == "pause":
                sampler.pause()
            elif command == "resume":
                sampler.resume()
            elif command == "reset":
                sampler.reset()
                sampler.sample()
            now = sampler.sample() if command in ("report", "reset") else 0
            print(json.dumps({"peak MB": sampler.peak_mb, "now MB": now / 1024, "samples": sampler.samples}),
                  flush=True)


if __name__ == "__main__":
    _serve(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else INTERVAL)
