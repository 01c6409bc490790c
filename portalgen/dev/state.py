"""Live-reload state: what the dev server currently shows, shared by the builder and every request."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
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
    """What the server currently shows, and a condition to wake event-stream listeners."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    generation: int = 0
    outcome: Outcome = field(default_factory=lambda: Outcome(True))
    closing: bool = False
    listeners: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        shown = () if self.outcome.ok else self.outcome.problems
        return Snapshot(f"{self.token}-{self.generation}", self.outcome.ok, shown)

    def publish(self, outcome: Outcome) -> Snapshot:
        with self._cond:
            self.outcome = outcome
            self.generation += 1
            self._cond.notify_all()
            return self._snapshot()

    def wait(self, seen: int, timeout: float) -> tuple[int, Snapshot] | None:
        """Wait until the generation differs from `seen` (or timeout); None when closing."""
        with self._cond:
            self._cond.wait_for(lambda: self.closing or self.generation != seen, timeout)
            if self.closing:
                return None
            return self.generation, self._snapshot()

    def close(self) -> None:
        with self._cond:
            self.closing = True
            self._cond.notify_all()

    @contextmanager
    def listening(self) -> Iterator[int]:
        with self._cond:
            self.listeners += 1
            seen = self.generation
        try:
            yield seen
        finally:
            with self._cond:
                self.listeners -= 1
                self._cond.notify_all()

    def wait_listeners_gone(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.listeners == 0, timeout)
