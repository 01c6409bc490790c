"""The rebuild policy of the dev server: what one build attempt does and how it turns out.

The server calls a `Rebuild` with the set of changed paths and shows the `Outcome`.
`SessionRebuild` keeps the project's build in memory (pipeline/session.py): each save re-reads,
re-checks and re-renders only what it reaches, and renders the pages open in a browser first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from portalgen.content.problems import ContentError, Problem, Severity, UsageError
from portalgen.dev.giveback import give_back
from portalgen.output import writing
from portalgen.output.writing import WriteError
from portalgen.pipeline.building import find_project
from portalgen.pipeline.cache import BuildCache
from portalgen.pipeline.lock import build_lock
from portalgen.pipeline.parallel import default_jobs
from portalgen.pipeline.session import Session


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
Ready = Callable[[dict[str, bytes]], None]  # the open pages, rendered ahead of the rest


def internal_error(exc: Exception) -> Problem:
    """An unexpected exception while rebuilding, shown like any other problem."""
    return Problem("portalgen", None, f"internal error: {type(exc).__name__}: {exc}",
                   "this is a bug in portalgen; please report it")


class SessionRebuild:
    """Rebuild what a change reaches, in a session kept for the life of the server."""

    def __init__(self, project: Path, output: Path, drafts: bool = False, waiting: Callable[[], None] | None = None):
        self.project = project
        self.output = output
        self.drafts = drafts
        self.waiting = waiting  # called when a rebuild waits for a `portalgen build` of the project
        self.session = Session(project, output, drafts, default_jobs(), BuildCache.open(project), persist=False)
        self._started = False

    def __call__(self, changed: set[str], first: Collection[str] = (), on_first: Ready | None = None) -> Outcome:
        started = time.perf_counter()
        try:
            find_project(self.project)  # content/ may have gone (a branch switch): say so, as build does
            writing.check_output(self.output, self.project)
            # The first build reads everything; later ones only what the watcher says changed.
            with build_lock(self.project, self.waiting):
                result = self.session.run(changed if self._started and changed else None, first=first,
                                          on_first=on_first)
            self._started = True
        except ContentError as exc:
            return Outcome(False, tuple(exc.problems), time.perf_counter() - started)
        except (UsageError, WriteError) as exc:
            where = "site" if (self.project / "content").is_dir() else "content"
            return Outcome(False, (Problem(where, None, str(exc), "fix it and save any file"),),
                           time.perf_counter() - started)
        except Exception as exc:  # a bug must not stop the server the author is looking at
            return Outcome(False, (internal_error(exc),), time.perf_counter() - started)
        finally:
            give_back()  # after the open pages were handed over: the author does not wait for it
        return Outcome(True, tuple(result.warnings), result.seconds, result.pages, base_url=result.base_url)
