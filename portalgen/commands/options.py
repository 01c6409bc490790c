"""Command-line parameters that several verbs share, and what they mean when left out."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from portalgen.pipeline import building

PROJECT = click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))

DATE = click.DateTime(formats=["%Y-%m-%d"])


def as_date(ctx: click.Context, param: click.Parameter, value: datetime | None) -> date | None:
    """Callback for DATE options: click parses a datetime, the verbs work with days."""
    return value.date() if value is not None else None


TODAY = click.option("--today", type=DATE, metavar="YYYY-MM-DD", callback=as_date,
                     help="Pretend today is this date (default: SOURCE_DATE_EPOCH if set, else today).")


def today(override: date | None = None) -> date:
    """'Today' for reports and digests: the --today option, else SOURCE_DATE_EPOCH, else the clock."""
    return override or building.build_date()
