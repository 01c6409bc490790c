"""`portalgen check`: validate content/ and list every problem, one per line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from portalgen.commands.console import print_problems, say, summary
from portalgen.commands.options import PROJECT
from portalgen.pipeline.building import check as check_content
from portalgen.pipeline.building import find_project


@click.command()
@PROJECT
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(path: Path | None, strict: bool) -> None:
    """Validate content/ and report every problem, one per line (path:line: message)."""
    root = find_project(path)
    _, problems = check_content(root)
    found = problems.sorted()
    print_problems(found)
    failing = problems.errors or (strict and problems.warnings)
    if failing:
        say(f"✗ {summary(found, strict)} in {root / 'content'}", "red")
        sys.exit(1)
    note = f" ({summary(found, False).split(', ', 1)[1]})" if problems.warnings else ""
    click.secho(f"✓ content is valid{note}", fg="green", err=True)
