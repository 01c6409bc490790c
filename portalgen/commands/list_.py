"""`portalgen list`: every record with its status, tags and flags, for the team. Never part of site/.

What a row holds and why is in portalgen.model.listing; its formats are in portalgen.render.listing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from portalgen.commands import options
from portalgen.commands.console import say
from portalgen.commands.new import parse_kind
from portalgen.content.kinds import find_kind
from portalgen.model.listing import ROW_STATUSES, Row, rows, select
from portalgen.pipeline import building
from portalgen.render.listing import FORMATS, render


def list_records(project: Path | str | None = None, kind: str | None = None, status: str | None = None,
                 tag: str | None = None) -> tuple[list[Row], int, int]:
    """The rows asked for, how many records could be read in all, and how many content errors there
    are (a record with errors may be missing)."""
    root = building.find_project(Path(project) if project else None)
    records, problems = building.check(root)
    everything = rows(records, options.today())
    return select(everything, parse_kind(kind) if kind else None, status, tag), len(everything), len(problems.errors)


def _kind_and_path(kind: str | None, path: str | None) -> tuple[str | None, Path | None]:
    """KIND and PATH in either order (`list feedback`, `list my-portal`, `list my-portal feedback`)."""
    if kind is not None and find_kind(kind) is None and (path is None or find_kind(path) is not None):
        kind, path = path, kind
    return kind, Path(path) if path is not None else None


@click.command("list")
@click.argument("kind", required=False, metavar="[feedback|decision|change|customer]")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option("--status", type=click.Choice(ROW_STATUSES), metavar="STATUS",
              help="Only this status: a feedback status (heard, under-review, planned, in-progress, shipped, "
                   "already-available, deferred, declined), a decision's outcome, shipped for changes, "
                   "named or anonymous for customers.")
@click.option("--tag", metavar="TAG", help="Only records with this tag (decisions and changes: a tag of the "
              "feedback they answer).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_(kind: str | None, path: str | None, status: str | None, tag: str | None, fmt: str) -> None:
    """List records: slug, title, date, status, tags, and whether each is a draft or private.

    Internal: drafts, private records and anonymous customers (by name) are listed; print it for
    the team, never publish it. A feedback item's status is the one the portal shows; a draft or
    private item's is the one it would show once published. KIND and PATH may come in either
    order. With content errors, what could be read is listed and the number of errors is said
    on stderr; the exit code is 1 only when no record at all could be read.

    \b
    portalgen list feedback --status heard
    portalgen list --tag exports --format json
    """
    kind, project = _kind_and_path(kind, path)
    found, total, errors = list_records(project, kind, status, tag)
    click.echo(render(found, fmt), nl=False)
    if errors:
        say(f"! content has {errors} error(s): records with errors may be missing; run portalgen check", "yellow")
        if not total:
            sys.exit(1)
