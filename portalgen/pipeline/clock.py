"""The build's clocks: the date it builds for, and the seconds spent in each named phase of one build
(for --verbose and the progress bar)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from portalgen.content.problems import UsageError

PHASES = ("digest", "load", "validate", "markdown", "link", "plan pages", "dependencies",
          "render", "guard", "write", "save cache")
Progress = Callable[[str, int, int, float], None]  # phase done, its number, how many, seconds so far


class Clock:
    def __init__(self, progress: Progress | None = None) -> None:
        self.phases: dict[str, float] = {}
        self.started = self._last = time.perf_counter()
        self._progress = progress

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self._last
        self._last = now
        if self._progress is not None:
            self._progress(name, PHASES.index(name) + 1, len(PHASES), now - self.started)


def source_date() -> date | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org), as a day in UTC; None when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not (value.isascii() and value.isdigit()):  # isdigit() alone accepts "²", which int() refuses
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC).date()
    except (OverflowError, OSError, ValueError) as exc:  # past year 9999, or too many digits for int()
        raise UsageError(f"SOURCE_DATE_EPOCH={value[:24]}{'…' if len(value) > 24 else ''} is not a time "
                         "portalgen can use: give seconds since 1970 up to the end of year 9999") from exc


def system_date() -> date:
    """The computer's calendar day. Local, not UTC: an author's "today" is never after the build's."""
    return date.today()


def build_date() -> date:
    """The public site's "today": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock.

    Days waiting count up to it, so they keep growing when nobody publishes.
    """
    return source_date() or system_date()
