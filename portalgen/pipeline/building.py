"""The build, end to end: files → records → linked model → pages → site/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from portalgen.content.problems import UsageError
from portalgen.output import writing
from portalgen.pipeline import current
from portalgen.pipeline.cache import BuildCache
from portalgen.pipeline.clock import Clock, Progress, build_date, source_date
from portalgen.pipeline.collector import fewer_collections
from portalgen.pipeline.lock import build_lock
from portalgen.pipeline.output_state import OutputState
from portalgen.pipeline.result import BuildResult

if TYPE_CHECKING:
    from portalgen.content import loading
    from portalgen.content.loading import Mapper
    from portalgen.content.problems import Problems
    from portalgen.content.records import Records

__all__ = ["BuildResult", "Progress", "build", "build_date", "check", "find_project", "source_date"]


def find_project(path: Path | None) -> Path:
    """The portal project: the given folder, or the current one, holding content/."""
    root = (path or Path.cwd()).absolute()
    if root.name == "content" and (root / "portal.yaml").exists():
        root = root.parent
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    if not (root / "content").is_dir():
        raise UsageError(f"no content/ folder in {root}: run portalgen in a portal project, or pass its path "
                         "(portalgen init creates one)")
    return root


def check(project: Path, cache: BuildCache | None = None, jobs: int = 1,
          today: date | None = None) -> tuple[Records, Problems]:
    """Load and validate everything against the build date (default: today's); never raises for content problems."""
    from portalgen.content import loading  # the stages are imported when used (see build())

    return _validate(loading.load(project, cache, _mapper(jobs)), project, today or build_date())


def _mapper(jobs: int) -> Mapper:
    import functools

    from portalgen.content.loading import serial_map
    from portalgen.pipeline import parallel

    return functools.partial(parallel.pmap, jobs=jobs) if jobs > 1 else serial_map


def _validate(loaded: loading.LoadResult, project: Path, today: date) -> tuple[Records, Problems]:
    from portalgen.content import leaks, validating
    from portalgen.content.files import source_reader
    from portalgen.render import i18n

    records, problems = validating.validate(loaded, today=today)
    problems.extend(leaks.lint(records, read=source_reader(project)))
    problems.extend(i18n.problems(project, records.portal.language))
    return records, problems


def build(project: Path | str | None = None, output: Path | str | None = None, drafts: bool = False,
          strict: bool = False, jobs: int | None = None, use_cache: bool = True,
          progress: Progress | None = None, waiting: Callable[[], None] | None = None) -> BuildResult:
    """Validate, then build the site into output (default PROJECT/site) with an atomic swap.

    Raises ContentError (with every problem) before writing anything if the content has errors.
    With the cache (PROJECT/.portalgen-cache), unchanged files are not parsed again, unchanged
    Markdown is not rendered again, unchanged pages are reused from the previous site, and a
    build whose inputs did not change at all writes nothing.

    Builds of one project take turns (pipeline/lock.py): `waiting` is called when this one has
    to wait for another. The cache is opened after the wait, so it describes the other's site.
    """
    root = find_project(Path(project) if project else None)
    out = Path(output).absolute() if output else root / "site"
    writing.check_output(out, root)
    with build_lock(root, waiting), fewer_collections():
        clock, as_of = Clock(progress), build_date()
        cache = BuildCache.open(root) if use_cache else None
        digest = current.digest(root, cache, drafts, as_of)
        clock.lap("digest")
        done = current.result(OutputState(out, cache), digest, strict, clock)
        if done is not None:
            return done
        if cache is not None:
            cache.read_ahead()  # read and verified beside the imports below
        # Only a build with something to do imports the stages: they cost a no-change build most of its time.
        from portalgen.pipeline import parallel
        from portalgen.pipeline.session import Session

        if cache is not None:
            cache.read_ahead_done()  # mostly by now: no thread runs when the build forks its first child
        session = Session(root, out, drafts, jobs or parallel.default_jobs(), cache, today=lambda: as_of)
        return session.run(strict=strict, progress=progress, known=(digest, clock))
