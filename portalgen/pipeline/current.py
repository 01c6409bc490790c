"""Is the site in the output folder current? The first question of every `portalgen build`.

Answered with few modules (no parser, no template engine, no Markdown): a build that finds nothing
changed must not pay for importing the stages it will not run.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from portalgen.content.problems import ContentError
from portalgen.pipeline import inputs
from portalgen.pipeline.cache import BuildCache, code_digest
from portalgen.pipeline.clock import Clock
from portalgen.pipeline.output_state import OutputState
from portalgen.pipeline.result import BuildResult
from portalgen.render.theme_folders import theme_dirs


def digest(root: Path, cache: BuildCache | None, drafts: bool, as_of: date) -> str:
    """Of every input of a build of `root` (pipeline/inputs.py) on the day `as_of`."""
    settings = f"{code_digest()}|{drafts}|{as_of.isoformat()}"  # the next day is not up to date
    return inputs.input_digest(root, theme_dirs(root), settings, cache.stamps if cache is not None else None)


def result(state: OutputState, digest: str, strict: bool, clock: Clock) -> BuildResult | None:
    """The result of a build that has nothing to do, when its site is current; raises ContentError
    when `strict` and that site's build warned (a warning is an error then, every time)."""
    if not state.up_to_date(digest):
        return None
    if strict and state.warnings:
        raise ContentError(state.warnings)
    if state.cache is not None:
        state.cache.save()  # the stat memo, when it learnt something (pipeline/stamps.py)
    return BuildResult(state.out, 0, 0, time.perf_counter() - clock.started, state.warnings, up_to_date=True,
                       phases=clock.phases, base_url=state.base_url)
