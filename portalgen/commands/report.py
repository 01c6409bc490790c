"""`portalgen report`: make silence visible to the product owner. Internal: never part of site/.

What the report holds and why is in portalgen.model.report; its formats are in portalgen.render.report.
`--triage` prints the triage view instead (portalgen.model.triage, portalgen.render.triage).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from portalgen.commands import options
from portalgen.commands.options import PROJECT, TODAY
from portalgen.content.problems import UsageError
from portalgen.model.report import Report, make_report
from portalgen.model.triage import Triage, make_triage
from portalgen.pipeline import building
from portalgen.render import i18n
from portalgen.render import triage as triage_formats
from portalgen.render.report import FORMATS, render


def portal_words(root: Path, language: str) -> i18n.Words:
    """The words of the portal's `language`, with the project's own wording (translations/).

    The report and the triage view are read by the team that writes the portal, in its language;
    what the command itself says on stderr (errors, notes) stays English, as every command's does.
    A translations file that cannot be read is a content error (counted, and `check` says why):
    the report is then written with portalgen's own catalog.
    """
    try:
        return i18n.words_for(language, root)
    except i18n.TranslationsError:
        return i18n.words_for(language)


def build_report(project: Path | str | None = None, as_of: date | None = None) -> Report:
    """Load and validate the project, then report on it (content errors are counted, not raised)."""
    root = building.find_project(Path(project) if project else None)
    when = options.today(as_of)
    records, problems = building.check(root, today=when)
    return make_report(records, when, len(problems.errors))


def build_triage(project: Path | str | None = None, as_of: date | None = None) -> Triage:
    """Load and validate the project, then triage it (content errors are counted, not raised)."""
    root = building.find_project(Path(project) if project else None)
    records, problems = building.check(root)
    return make_triage(records, options.today(as_of), len(problems.errors))


@click.command()
@PROJECT
@click.option("--format", "fmt", type=click.Choice(triage_formats.FORMATS), default="text", show_default=True,
              help="html is for --triage: one self-contained page.")
@click.option("--fail-on-stale", is_flag=True,
              help="Exit 1 if any feedback is stale, a revisit date has passed or a customer is due a check-in.")
@click.option("--triage", is_flag=True,
              help="Instead: open feedback by theme with its demand (customers, segments, votes, private "
                   "weights), and decided items by priority.")
@TODAY
def report(path: Path | None, fmt: str, fail_on_stale: bool, triage: bool, today: date | None) -> None:
    """Internal report: stale feedback, overdue revisits, declined without workaround, check-ins due.

    Printed to stdout, never written into site/: it names anonymous customers.
    """
    if triage:
        if fail_on_stale:
            raise UsageError("--fail-on-stale checks the report, not --triage: run them separately")
        root = building.find_project(path)
        view = build_triage(root, today)
        click.echo(triage_formats.render(view, fmt, portal_words(root, view.language)), nl=False)
        _content_errors(view.content_errors)
        return
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt} is for --triage; the report is written as {', '.join(FORMATS)}")
    root = building.find_project(path)
    result = build_report(root, today)
    click.echo(render(result, fmt, portal_words(root, result.language)), nl=False)
    _content_errors(result.content_errors)
    if fail_on_stale and result.stale:
        click.secho("✗ stale: see the report", fg="red", err=True)
        sys.exit(1)


def _content_errors(count: int) -> None:
    if count:
        click.secho(f"! content has {count} error(s): run portalgen check", fg="yellow", err=True)
