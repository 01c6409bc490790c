"""Live-reload state: what the dev server currently shows, shared by the builder and every request."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from portalgen.content.problems import Problem, Severity
from portalgen.dev.rebuild import Outcome


@dataclass(frozen=True)
class Snapshot:
    build: str  # changes with every build attempt; pages carry the one they were served with
    ok: bool
    problems: tuple[Problem, ...]

    def as_json(self) -> dict[str, Any]:
        return {"build": self.build, "ok": self.ok,
                "errors": sum(1 for p in self.problems if p.severity is Severity.ERROR)}


@dataclass
class SiteState:
    """What the server currently shows, and a condition to wake event-stream listeners.

    Each page shows the version of the last publish that was meant for it. A rebuild publishes
    the pages open in a browser first (`publish(..., only=...)`), then the rest (`skip=`), so an
    open page reloads once, as soon as it is ready, and not again when the rebuild ends.
    """

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    generation: int = 0
    outcome: Outcome = field(default_factory=lambda: Outcome(True))
    closing: bool = False
    listeners: int = 0
    open_pages: dict[str, int] = field(default_factory=dict)  # output path -> event streams showing it
    _everyone: int = 0  # the last generation published to every page
    _pages: dict[str, int] = field(default_factory=dict)  # pages published to since then
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def snapshot(self, page: str = "") -> Snapshot:
        with self._cond:
            return self._snapshot(page)

    def _snapshot(self, page: str) -> Snapshot:
        shown = () if self.outcome.ok else self.outcome.problems
        return Snapshot(f"{self.token}-{self._pages.get(page, self._everyone)}", self.outcome.ok, shown)

    def publish(self, outcome: Outcome, only: Collection[str] | None = None, skip: Collection[str] = ()) -> None:
        """Show `outcome` to the pages `only` names (None: every page but those in `skip`)."""
        with self._cond:
            self.outcome = outcome
            self.generation += 1
            if only is not None:
                self._pages.update(dict.fromkeys(only, self.generation))
            else:
                kept = {page: self._pages[page] for page in skip if page in self._pages}
                self._everyone, self._pages = self.generation, kept
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, Snapshot] | None:
        """Wait until the generation differs from `seen` (or timeout); None when closing."""
        return self.wait_page("", seen, timeout)

    def wait_page(self, page: str, seen: int, timeout: float) -> tuple[int, Snapshot] | None:
        """Like wait(), for a listener showing `page`: the snapshot is that page's."""
        with self._cond:
            self._cond.wait_for(lambda: self.closing or self.generation != seen, timeout)
            if self.closing:
                return None
            return self.generation, self._snapshot(page)

    def open(self) -> set[str]:
        """The pages open in a browser right now."""
        with self._cond:
            return set(self.open_pages)

    def close(self) -> None:
        with self._cond:
            self.closing = True
            self._cond.notify_all()

    @contextmanager
    def listening(self, page: str = "") -> Iterator[int]:
        with self._cond:
            self.listeners += 1
            if page:
                self.open_pages[page] = self.open_pages.get(page, 0) + 1
            seen = self.generation
        try:
            yield seen
        finally:
            with self._cond:
                self.listeners -= 1
                if page:
                    self.open_pages[page] -= 1
                    if not self.open_pages[page]:
                        del self.open_pages[page]
                self._cond.notify_all()

    def wait_listeners_gone(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.listeners == 0, timeout)
