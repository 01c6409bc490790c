"""`portalgen digest`: write one customer a message about what became of what they told us.

The message itself is made in portalgen.render.digest. Content with errors is refused, so nothing
half-checked goes to a customer.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import click

from portalgen.commands import options
from portalgen.commands.console import refuse_content, say, write_output
from portalgen.commands.options import DATE, PROJECT, TODAY, as_date
from portalgen.content.problems import ContentError, UsageError
from portalgen.content.records import Customer, Records
from portalgen.model.report import link_published
from portalgen.pipeline import building
from portalgen.render.digest import FORMATS, Digest, environment, make_digest, parse_address, render


def find_customer(records: Records, wanted: str) -> Customer:
    """A customer by slug, or by name (case-insensitive); a UsageError with a suggestion otherwise."""
    if wanted in records.customers:
        return records.customers[wanted]
    by_name = {c.name.casefold(): c for c in records.customers.values()}
    if wanted.casefold() in by_name:
        return by_name[wanted.casefold()]
    close = difflib.get_close_matches(wanted, sorted(records.customers), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    known = ", ".join(sorted(records.customers)) or "none"
    raise UsageError(f"no customer '{wanted}'{hint}; customers: {known}")


def build_digest(project: Path | str | None, customer: str, since: date | None = None, today: date | None = None,
                 recipient: str | None = None) -> tuple[Digest, Path]:
    """Load, validate (errors raise ContentError: nothing half-checked goes to a customer) and digest."""
    root = building.find_project(Path(project) if project else None)
    records, problems = building.check(root)
    if problems.errors:
        raise ContentError(problems.sorted())
    when = options.today(today)
    who = find_customer(records, customer)
    # Render only the Markdown this digest shows: on a big portal, rendering everything is the slow part.
    outline = make_digest(records, link_published(records, when, bodies=False), who, when, since)
    shown = {("decision" if e.kind == "decision" else "change", e.item.record.slug) for e in outline.events}
    model = link_published(records, when, bodies=shown)
    return make_digest(records, model, who, when, since, recipient), root


def _recipient(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--to is checked before anything is read: a line break in it would be a header of its own."""
    if value is not None:
        try:
            parse_address(value)
        except UsageError as exc:
            raise click.BadParameter(str(exc)) from exc
    return value


@click.command()
@click.argument("customer")
@PROJECT
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", callback=as_date,
              help="Tell what happened from this date on, inclusive (default: everything).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: stdout).")
@click.option("--to", "to", metavar='"NAME <ADDRESS>"', callback=_recipient,
              help="Recipient for the greeting and the To: header (default: the customer, placeholder address).")
@TODAY
def digest(customer: str, path: Path | None, since: date | None, fmt: str, output: Path | None, to: str | None,
           today: date | None) -> None:
    """Write a message to CUSTOMER (slug or name): what happened to what they told us.

    Private output (it works for anonymous customers too); it shows only what the portal publishes.
    """
    recipient = parse_address(to).display_name if to else None
    try:
        result, root = build_digest(path, customer, since, today, recipient or None)
    except ContentError as exc:
        refuse_content(exc.problems, "digest")
    data = render(result, fmt, environment(root), to)
    write_output(data, output, root)
    for reason, count in sorted(result.hidden.items()):
        say(f"note: {count} {reason} feedback item(s) from {result.customer.name} are not in the digest", "yellow")
    if not result.absolute_links:
        click.secho("note: portal.yaml has no base_url, so links in the digest are relative", fg="yellow", err=True)
