"""`portalgen build`: validate, then write the site; on any error nothing is written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from portalgen.commands.console import print_problems, say, summary
from portalgen.commands.options import PROJECT
from portalgen.content.problems import ContentError
from portalgen.pipeline.building import Progress
from portalgen.pipeline.building import build as build_site


def _progress_bar() -> Progress | None:
    """A one-line bar on a terminal for builds that take over a second; nothing in CI or a pipe."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    shown = [False]

    def show(phase: str, done: int, total: int, elapsed: float) -> None:
        if elapsed < 1.0 and not shown[0]:
            return
        shown[0] = True
        width = 24
        filled = round(width * done / total)
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {elapsed:5.1f} s  {phase:<12}"
        click.echo(line + ("\r\033[K" if done == total else ""), err=True, nl=False)

    return show


def _waiting() -> None:
    click.secho("waiting for another build of this project to finish…", fg="yellow", err=True)


@click.command()
@PROJECT
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder (default PATH/site).")
@click.option("--drafts", is_flag=True, help="Include draft records, marked as drafts.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print the time spent in each phase.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
def build(path: Path | None, output: Path | None, drafts: bool, strict: bool, verbose: bool,
          jobs: int | None) -> None:
    """Validate, then build the site. On any error nothing is written."""
    bar = _progress_bar()
    try:
        result = build_site(path, output, drafts=drafts, strict=strict, jobs=jobs, progress=bar, waiting=_waiting)
    except ContentError as exc:
        if bar:
            click.echo("\r\033[K", err=True, nl=False)
        print_problems(exc.problems)
        click.secho(f"✗ build failed: {summary(exc.problems, strict)}; nothing was written", fg="red", err=True)
        sys.exit(1)
    print_problems(result.warnings)
    if verbose:
        for phase, seconds in result.phases.items():
            click.echo(f"  {phase:<13} {seconds * 1000:8.0f} ms", err=True)
    if result.up_to_date:
        say(f"✓ {result.output} is up to date: nothing changed since the last build ({result.seconds:.2f} s)",
            "green")
        return
    reused = result.pages - result.rendered
    say(f"✓ built {result.pages} pages ({result.files} files) into {result.output} "
        f"in {result.seconds:.2f} s" + (f"; {reused} unchanged pages reused" if reused else ""), "green")
