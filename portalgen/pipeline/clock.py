"""Seconds spent in each named phase of one build, for --verbose and the progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable

PHASES = ("digest", "load", "validate", "markdown", "link", "plan pages", "dependencies",
          "render", "write", "save cache")
Progress = Callable[[str, int, int, float], None]  # phase done, its number, how many, seconds so far


class Clock:
    def __init__(self, progress: Progress | None = None) -> None:
        self.phases: dict[str, float] = {}
        self._start = self._last = time.perf_counter()
        self._progress = progress

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self._last
        self._last = now
        if self._progress is not None:
            self._progress(name, PHASES.index(name) + 1, len(PHASES), now - self._start)
