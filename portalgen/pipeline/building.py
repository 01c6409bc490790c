"""The build, end to end: files → records → linked model → pages → site/."""

from __future__ import annotations

import functools
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
from portalgen.model.items import Model
from portalgen.output import writing
from portalgen.pipeline import inputs, parallel
from portalgen.pipeline.cache import BuildCache, code_digest
from portalgen.pipeline.dependencies import World, page_fingerprint
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


PHASES = ("load", "digest", "validate", "markdown", "link", "plan pages", "dependencies",
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
    settings = f"{code_digest()}|{drafts}|{os.environ.get('SOURCE_DATE_EPOCH', '')}"
    digest = inputs.input_digest(root, loaded, theme.theme_dirs(root), settings)
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
    rendered, reuse, files = _render(root, model, state, digest, problems.sorted(), clock, jobs)
    if cache is not None and not persistent:
        cache.save()
    clock.lap("save cache")
    static = len(theme.static_files(root))
    return BuildResult(out, len(rendered) + len(reuse), len(files) + static + len(reuse),
                       time.perf_counter() - started, problems.sorted(), rendered=len(rendered),
                       phases=clock.phases, base_url=model.portal.base_url)


def _render(root: Path, model: Model, state: OutputState, digest: str, warnings: list[Problem], clock: _Clock,
            jobs: int) -> tuple[dict[str, pages.Rendered], set[str], dict[str, bytes]]:
    """Render what changed, write the site, remember what each page read."""
    env = theme.make_environment(root)
    specs = list(plan.page_specs(model))
    page_fps = {spec.path: page_fingerprint(spec.template, spec.context, pages.page_values(model, spec))
                for spec in specs}
    clock.lap("plan pages")
    world = World(model)
    template_fp = functools.cache(functools.partial(theme.template_fingerprint, env))
    reuse = state.dependencies.reusable(world, page_fps, template_fp)
    clock.lap("dependencies")
    todo = [spec for spec in specs if spec.path not in reuse]
    try:
        rendered = pages.render_pages(env, model, todo, functools.partial(parallel.pmap_forked, jobs=jobs))
    except pages.TemplateFailure as exc:
        raise ContentError([exc.problem]) from exc
    files = {path: page.data for path, page in rendered.items()} | pages.site_files(model, specs)
    clock.lap("render")
    state.write(files, theme.static_files(root), reuse)
    clock.lap("write")
    deps = state.dependencies.update(world, page_fps, reuse, {p: r.reads for p, r in rendered.items()},
                                     template_fp)
    state.remember(digest, files, reuse, deps, warnings, model.portal.base_url)
    return rendered, reuse, files
