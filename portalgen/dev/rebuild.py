"""The rebuild policy of the dev server: what one build attempt does and how it turns out.

The server calls a `Rebuild` with the set of changed paths and shows the `Outcome`. `FullRebuild`
rebuilds everything; an incremental rebuild can replace it without touching the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from portalgen.content.problems import ContentError, Problem, Severity, UsageError
from portalgen.output.writing import WriteError
from portalgen.pipeline.building import build
from portalgen.pipeline.cache import BuildCache


@dataclass(frozen=True)
class Outcome:
    """The result of one build attempt: ok, or the problems that stopped it."""

    ok: bool
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    pages: int = 0
    base_url: str | None = None  # portal.yaml's validated base_url, when the build succeeded

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


Rebuild = Callable[[set[str]], Outcome]


def internal_error(exc: Exception) -> Problem:
    """An unexpected exception while rebuilding, shown like any other problem."""
    return Problem("portalgen", None, f"internal error: {type(exc).__name__}: {exc}",
                   "this is a bug in portalgen; please report it")


class FullRebuild:
    """Rebuild everything, whatever changed. Swap for an incremental rebuild later."""

    def __init__(self, project: Path, output: Path, drafts: bool = False):
        self.project = project
        self.output = output
        self.drafts = drafts
        self.cache = BuildCache.open(project)  # in memory across rebuilds

    def __call__(self, changed: set[str]) -> Outcome:
        started = time.perf_counter()
        try:
            result = build(self.project, self.output, drafts=self.drafts, cache=self.cache)
        except ContentError as exc:
            return Outcome(False, tuple(exc.problems), time.perf_counter() - started)
        except (UsageError, WriteError) as exc:
            where = "site" if (self.project / "content").is_dir() else "content"
            return Outcome(False, (Problem(where, None, str(exc), "fix it and save any file"),),
                           time.perf_counter() - started)
        except Exception as exc:  # a bug must not stop the server the author is looking at
            return Outcome(False, (internal_error(exc),), time.perf_counter() - started)
        return Outcome(True, tuple(result.warnings), result.seconds, result.pages, base_url=result.base_url)
