"""The build, end to end: files → records → linked model → pages → site/."""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from portalgen.content import leaks, loading, validating
from portalgen.content.loading import Mapper, serial_map
from portalgen.content.problems import ContentError, Problem, Problems, UsageError
from portalgen.content.records import Records
from portalgen.model import linking, markdown
from portalgen.output import writing
from portalgen.pipeline import fingerprints, parallel
from portalgen.pipeline.cache import BuildCache, code_digest
from portalgen.pipeline.output_state import OutputState
from portalgen.render import pages, plan, theme


@dataclass
class BuildResult:
    output: Path
    pages: int
    files: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    up_to_date: bool = False  # nothing changed since the build that made the output
    rendered: int = 0  # pages rendered this time; the rest were reused unchanged
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase, for --verbose
    base_url: str | None = None  # portal.yaml's validated base_url, for the dev server's 404 links


PHASES = ("load", "digest", "validate", "markdown", "link", "plan pages", "fingerprints",
          "render", "write", "save cache")
Progress = Callable[[str, int, int, float], None]  # phase done, its number, how many, seconds so far


class _Clock:
    """Seconds spent in each named phase of one build, reported to an optional progress display."""

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


def source_date() -> date | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) pins 'today'; otherwise dates come from content."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=UTC).date()
    return None


def check(project: Path, cache: BuildCache | None = None, jobs: int = 1) -> tuple[Records, Problems]:
    """Load and validate everything; never raises for content problems."""
    return _validate(loading.load(project, cache, _mapper(jobs)))


def _mapper(jobs: int) -> Mapper:
    return functools.partial(parallel.pmap, jobs=jobs) if jobs > 1 else serial_map


def _validate(loaded: loading.LoadResult) -> tuple[Records, Problems]:
    records, problems = validating.validate(loaded)
    problems.extend(leaks.lint(records))
    return records, problems


def input_digest(loaded: loading.LoadResult, templates: str, drafts: bool) -> str:
    """Everything a build reads: same digest, same site (SOURCE_DATE_EPOCH included)."""
    h = hashlib.sha256(f"{code_digest()}|{drafts}|{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    for rel in sorted(loaded.files):
        h.update(f"{rel}\0{loading.text_key(loaded.files[rel])}\0".encode())
    h.update(templates.encode())
    return h.hexdigest()[:32]


def build(project: Path | str | None = None, output: Path | str | None = None, drafts: bool = False,
          strict: bool = False, jobs: int | None = None, use_cache: bool = True,
          progress: Progress | None = None, cache: BuildCache | None = None) -> BuildResult:
    """Validate, then build the site into output (default PROJECT/site) with an atomic swap.

    Raises ContentError (with every problem) before writing anything if the content has errors.
    With the cache (PROJECT/.portalgen-cache), unchanged files are not parsed again, unchanged
    Markdown is not rendered again, unchanged pages are reused from the previous site, and a
    build whose inputs did not change at all writes nothing.
    """
    started = time.perf_counter()
    root = find_project(Path(project) if project else None)
    out = Path(output).absolute() if output else root / "site"
    writing.check_output(out, root)
    jobs = jobs or parallel.default_jobs()
    # A long-running caller (the dev server) passes its own cache: kept in memory, not re-read.
    persistent = cache is not None
    if cache is None:
        cache = BuildCache.open(root) if use_cache else None
    clock = _Clock(progress)
    pmap = _mapper(jobs)
    loaded = loading.load(root, cache, pmap)
    clock.lap("load")
    templates = fingerprints.templates_digest(theme.theme_dirs(root))  # read once, used twice
    digest = input_digest(loaded, templates, drafts)
    clock.lap("digest")
    state = OutputState(out, cache)
    if state.up_to_date(digest):
        if strict and state.warnings:
            raise ContentError(state.warnings)
        return BuildResult(out, 0, 0, time.perf_counter() - started, state.warnings, up_to_date=True,
                           phases=clock.phases, base_url=state.base_url)
    records, problems = _validate(loaded)
    clock.lap("validate")
    if problems.errors or (strict and problems.warnings):  # "writes nothing" includes the cache
        raise ContentError(problems.sorted())
    html = markdown.render_records(records, cache, pmap, problems)
    clock.lap("markdown")
    if problems.errors:
        raise ContentError(problems.sorted())
    model = linking.link(records, lambda kind, slug, name: html.get((kind, slug, name), ""),
                         drafts=drafts, as_of=source_date())
    clock.lap("link")
    env = theme.make_environment(root)
    specs = list(plan.page_specs(model))
    clock.lap("plan pages")
    prints = fingerprints.page_fingerprints(specs, fingerprints.site_digest(model, templates, code_digest()))
    clock.lap("fingerprints")
    reuse = state.reusable(prints)
    files = pages.render_site(env, model, functools.partial(parallel.pmap_forked, jobs=jobs), specs, skip=reuse)
    clock.lap("render")
    static = theme.static_files(root)
    state.write(files, static, reuse, prints)
    clock.lap("write")
    warnings = problems.sorted()
    state.remember(digest, prints, warnings, model.portal.base_url)
    if cache is not None and not persistent:
        cache.save()
    clock.lap("save cache")
    written = sum(1 for p in files if p.endswith(".html"))
    return BuildResult(out, written + len(reuse), len(files) + len(static) + len(reuse),
                       time.perf_counter() - started, warnings, rendered=written, phases=clock.phases,
                       base_url=model.portal.base_url)
