"""The build, end to end: files → records → linked model → pages → site/."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from portalgen.content import leaks, loading, validating
from portalgen.content.problems import ContentError, Problem, Problems, Severity, UsageError
from portalgen.content.records import Records
from portalgen.model import linking
from portalgen.model import markdown as markup
from portalgen.model.items import Model
from portalgen.output import writing
from portalgen.pipeline import fingerprints
from portalgen.pipeline.cache import BuildCache, code_digest
from portalgen.pipeline.parallel import default_jobs
from portalgen.render import pages as rendering
from portalgen.render import theme


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


PHASES = ("load", "digest", "validate", "leak lint", "markdown", "link", "plan pages", "fingerprints",
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
    loaded = loading.load(project, cache, jobs)
    records, problems = validating.validate(loaded)
    problems.extend(leaks.lint(records))
    return records, problems


def link(records: Records, drafts: bool = False, cache: BuildCache | None = None, jobs: int = 1) -> Model:
    html = markup.render_records(records, cache, jobs)
    return linking.link(records, lambda kind, slug, name: html.get((kind, slug, name), ""),
                        drafts=drafts, as_of=source_date())


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
    jobs = jobs or default_jobs()
    # A long-running caller (the dev server) passes its own cache: kept in memory, not re-read.
    persistent = cache is not None
    if cache is None:
        cache = BuildCache.open(root) if use_cache else None
    clock = _Clock(progress)
    loaded = loading.load(root, cache, jobs)
    clock.lap("load")
    templates = fingerprints.templates_digest(theme.theme_dirs(root))  # read once, used twice
    digest = input_digest(loaded, templates, drafts)
    clock.lap("digest")
    # The site in `out` is the one this cache describes only if its marker file is the very file
    # we wrote (device, inode, mtime). The marker's bytes are constant: nothing derived from the
    # input, private files included, is published in it.
    previous = writing.marker_id(out) if out.is_dir() else ""
    state = cache.outputs.get(str(out)) if cache is not None else None
    if not (state and previous and state.get("marker") == previous):
        state = None
    if state and state.get("digest") == digest:
        # Nothing that the build reads has changed since it made this site: it is up to date.
        writing.clean_stray(out)  # but a build killed since then may have left its temporary folder
        warnings = [Problem(*w[:4], Severity(w[4])) for w in state.get("warnings", [])]
        if strict and warnings:
            raise ContentError(warnings)
        return BuildResult(out, 0, 0, time.perf_counter() - started, warnings, up_to_date=True,
                           phases=clock.phases, base_url=state.get("base_url"))
    records, problems = validating.validate(loaded)
    clock.lap("validate")
    problems.extend(leaks.lint(records))
    clock.lap("leak lint")
    errors = problems.errors + (problems.warnings if strict else [])
    if errors:  # "writes nothing" includes the cache
        raise ContentError(problems.sorted())
    html = markup.render_records(records, cache, jobs, problems)
    clock.lap("markdown")
    if problems.errors:
        raise ContentError(problems.sorted())
    model = linking.link(records, lambda kind, slug, name: html.get((kind, slug, name), ""),
                         drafts=drafts, as_of=source_date())
    clock.lap("link")
    env = theme.make_environment(root)
    specs = list(rendering.page_specs(model))
    clock.lap("plan pages")
    site = fingerprints.site_digest(model, templates, code_digest())
    prints = fingerprints.page_fingerprints(specs, site)
    clock.lap("fingerprints")
    reuse: set[str] = set()
    if state:
        old = state.get("pages", {})
        reuse = {path for path, fp in prints.items() if old.get(path) == fp}
    files = rendering.render_site(env, model, jobs, specs, skip=reuse)
    clock.lap("render")
    static = theme.static_files(root)
    back = cache.folder / "back" / hashlib.sha256(str(out).encode()).hexdigest()[:16] if cache else None
    back_state = (state or {}).get("back") or {}
    if back is not None and reuse and back_state.get("marker") and writing.marker_id(back) == back_state["marker"]:
        old_back = back_state.get("pages", {})
        same = {path for path in reuse if old_back.get(path) == prints[path]}
        swapped = writing.update_back(back, out, files, static, reuse, same)
    else:
        swapped = False
    if not swapped:
        writing.write_site(out, files, static, reuse, keep_old=back if previous else None)
    clock.lap("write")
    warnings = problems.sorted()
    if cache is not None:
        # The site that was live is now the back buffer (when it was kept).
        kept = ({"marker": previous, "pages": state.get("pages", {})}
                if state and back is not None and writing.marker_id(back) == previous else None)
        cache.outputs[str(out)] = {"digest": digest, "marker": writing.marker_id(out), "pages": prints, "back": kept,
                                   "base_url": model.portal.base_url,
                                   "warnings": [[w.path, w.line, w.message, w.hint, w.severity.value]
                                                for w in warnings]}
        cache.dirty = True
        if not persistent:
            cache.save()
    clock.lap("save cache")
    written = sum(1 for p in files if p.endswith(".html"))
    return BuildResult(out, written + len(reuse), len(files) + len(static) + len(reuse),
                       time.perf_counter() - started, warnings, rendered=written, phases=clock.phases,
                       base_url=model.portal.base_url)
