"""`portalgen report`: make silence visible to the product owner. Internal: never part of site/.

What the report holds and why is in portalgen.model.report; its formats are in portalgen.render.report.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from portalgen.commands import options
from portalgen.commands.options import PROJECT, TODAY
from portalgen.model.report import Report, make_report
from portalgen.pipeline import building
from portalgen.render.report import FORMATS, render


def build_report(project: Path | str | None = None, as_of: date | None = None) -> Report:
    """Load and validate the project, then report on it (content errors are counted, not raised)."""
    root = building.find_project(Path(project) if project else None)
    when = options.today(as_of)
    records, problems = building.check(root, today=when)
    return make_report(records, when, len(problems.errors))


@click.command()
@PROJECT
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--fail-on-stale", is_flag=True,
              help="Exit 1 if any feedback is stale, a revisit date has passed or a customer is due a check-in.")
@TODAY
def report(path: Path | None, fmt: str, fail_on_stale: bool, today: date | None) -> None:
    """Internal report: stale feedback, overdue revisits, declined without workaround, check-ins due.

    Printed to stdout, never written into site/: it names anonymous customers.
    """
    result = build_report(path, today)
    click.echo(render(result, fmt), nl=False)
    if result.content_errors:
        click.secho(f"! content has {result.content_errors} error(s): run portalgen check", fg="yellow", err=True)
    if fail_on_stale and result.stale:
        click.secho("✗ stale: see the report", fg="red", err=True)
        sys.exit(1)
