"""The build, end to end: files → records → linked model → pages → site/."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from . import leaks, linking, loading, markup, rendering, theme, validating, writing
from .caching import BuildCache
from .model import Model, Records
from .parallel import default_jobs
from .problems import ContentError, Problem, Problems, UsageError


@dataclass
class BuildResult:
    output: Path
    pages: int
    files: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)


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


def build(project: Path | str | None = None, output: Path | str | None = None, drafts: bool = False,
          strict: bool = False, jobs: int | None = None, use_cache: bool = True) -> BuildResult:
    """Validate, then build the site into output (default PROJECT/site) with an atomic swap.

    Raises ContentError (with every problem) before writing anything if the content has errors.
    """
    started = time.perf_counter()
    root = find_project(Path(project) if project else None)
    out = Path(output).absolute() if output else root / "site"
    writing.check_output(out, root)
    jobs = jobs or default_jobs()
    cache = BuildCache.open(root) if use_cache else None
    records, problems = check(root, cache, jobs)
    errors = problems.errors + (problems.warnings if strict else [])
    if errors:  # "writes nothing" includes the cache
        raise ContentError(problems.sorted())
    model = link(records, drafts, cache, jobs)
    env = theme.make_environment(root)
    files = rendering.render_site(env, model, jobs)
    static = theme.static_files(root)
    writing.write_site(out, files, static)
    if cache is not None:
        cache.save()
    pages = sum(1 for p in files if p.endswith(".html"))
    return BuildResult(out, pages, len(files) + len(static), time.perf_counter() - started,
                       problems.sorted())
