"""Watch a portal project's sources and report bursts of changes once, after a quiet moment.

Editors save in many ways: in place (several `modified` events), by writing a temporary file and
renaming it over the original (vim's `backupcopy=no`, VS Code's atomic save, JetBrains'
"safe write"), or by renaming the original to a backup first. We watch the *folders*, not the
files, react to created, moved, deleted, modified and closed-after-write events, and ignore the
editors' own temporary files. A burst of events becomes one call after `quiet` seconds without
a new event.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from portalgen.content.files import is_ignored
from portalgen.content.kinds import KINDS

# watchdog logs a harmless race while stopping ("queue_events() called when the thread is
# inactive") through Python's last-resort handler, i.e. onto the terminal at Ctrl-C. A handler
# of our own keeps that quiet; applications that configure logging still receive the records.
logging.getLogger("watchdog").addHandler(logging.NullHandler())
# Likewise a RuntimeWarning when a folder tree appears while its watches are being added.
warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning,
                        module=r"watchdog\.")

WATCHED_FOLDERS = ("content", "templates", "translations")  # translations/: the project's own wording
# An editor's save is a burst of events a few milliseconds long (write a temporary file, rename it
# over the original); 20 ms of quiet ends it, and costs the author only that long before a rebuild.
# A longer burst (a branch switch) may start a rebuild early: what arrives meanwhile is kept.
QUIET = 0.02
RECORD_SUFFIXES = tuple(sorted({suffix for kind in KINDS.values() for suffix in kind.suffixes}))
_REACT_TO = {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED,
             EVENT_TYPE_CLOSED}


def relevant_path(path: str | Path, project: Path, is_directory: bool = False) -> bool:
    """Does a change at `path` affect the site?

    Under content/: record files (.md, .yaml, .yml) and folders (a folder moved or deleted takes
    its records with it). Under templates/: every file but editor droppings.
    """
    try:
        rel = Path(path).absolute().relative_to(project)
    except ValueError:
        return False
    parts = rel.parts
    if len(parts) < 2 or parts[0] not in WATCHED_FOLDERS:
        return len(parts) == 1 and parts[0] in WATCHED_FOLDERS  # content/ or templates/ itself
    *folders, name = parts[1:]
    if is_ignored(name, is_directory) or any(is_ignored(f, True) for f in folders):
        return False
    if parts[0] == "content" and not is_directory:
        return rel.suffix in RECORD_SUFFIXES
    return True


class Debouncer:
    """Collects changed paths and calls `callback(paths)` once they stop coming for `quiet` s.

    A steady stream of events still gets a call at least every `max_wait` seconds. Changes that
    arrive while the callback runs are kept and produce the next call, so none is lost.
    """

    def __init__(self, callback: Callable[[set[str]], None], quiet: float = QUIET,
                 max_wait: float = 2.0, name: str = "portalgen-debounce"):
        self._callback = callback
        self.quiet = quiet
        self.max_wait = max_wait
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._poke = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Debouncer:
        self._thread.start()
        return self

    def add(self, paths: Iterable[str]) -> None:
        with self._lock:
            self._pending.update(paths)
        self._poke.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop; a callback already running is allowed to finish (wait up to `timeout`)."""
        self._stopping.set()
        self._poke.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            self._poke.wait()
            if self._stopping.is_set():
                return
            first = time.monotonic()
            while True:  # wait for a quiet window
                self._poke.clear()
                if not self._poke.wait(self.quiet):
                    break
                if self._stopping.is_set():
                    return
                if time.monotonic() - first >= self.max_wait:
                    break
            with self._lock:
                paths, self._pending = self._pending, set()
            if paths and not self._stopping.is_set():
                try:
                    self._callback(paths)
                except Exception as exc:  # keep watching: the next save may well fix it
                    sys.stderr.write(f"internal error while rebuilding: {type(exc).__name__}: {exc}\n")


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.event(event)


class Watcher:
    """Watches content/ and templates/ of a project (recursively) and the project folder itself.

    The project folder is watched without recursion only to notice content/ or templates/
    appearing, disappearing or being replaced; site/ and the build's temporary folders are
    never watched, so a rebuild does not wake the watcher.
    """

    def __init__(self, project: Path, on_change: Callable[[set[str]], None], quiet: float = QUIET):
        self.project = project.absolute()
        self.debouncer = Debouncer(on_change, quiet=quiet)
        self._observer = Observer()
        self._observer.name = "portalgen-watch"
        self._observer.daemon = True
        self._handler = _Handler(self)
        self._watches: dict[str, tuple[object, int]] = {}  # folder name -> (watch, inode)
        self._lock = threading.Lock()

    def start(self) -> Watcher:
        self._observer.schedule(self._handler, str(self.project), recursive=False)
        self._ensure_watches()
        self.debouncer.start()
        self._observer.start()
        return self

    def stop(self) -> None:
        """Stop and join the observer thread, then the debouncer (letting a rebuild finish)."""
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join()
        self.debouncer.stop()

    def _ensure_watches(self) -> None:
        """(Re)watch content/ and templates/ whenever they appear or are replaced."""
        with self._lock:
            for name in WATCHED_FOLDERS:
                folder = self.project / name
                try:
                    inode = folder.stat().st_ino if folder.is_dir() else 0
                except OSError:
                    inode = 0
                current = self._watches.get(name)
                if current and current[1] == inode:
                    continue
                if current:
                    with suppress(KeyError, OSError):
                        self._observer.unschedule(current[0])  # type: ignore[arg-type]
                    del self._watches[name]
                if inode:
                    try:
                        watch = self._observer.schedule(self._handler, str(folder), recursive=True)
                    except OSError:
                        continue
                    self._watches[name] = (watch, inode)

    def event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _REACT_TO:
            return
        if event.is_directory and event.event_type in (EVENT_TYPE_MODIFIED, EVENT_TYPE_CLOSED):
            return  # a folder's mtime changes with every file in it; the file events say more
        # dest_path: only moves have one before watchdog 5.
        given = (event.src_path, getattr(event, "dest_path", ""))
        paths: list[str] = [p.decode() if isinstance(p, bytes) else p for p in given if p]
        if any(Path(p).absolute().parent == self.project for p in paths):
            self._ensure_watches()
        changed = [p for p in paths if relevant_path(p, self.project, event.is_directory)]
        if changed:
            self.debouncer.add(changed)
