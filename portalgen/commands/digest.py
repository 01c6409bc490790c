"""`portalgen digest`: write one customer a message about what became of what they told us, or, with
--all, every customer with something to tell (their check-in).

The message itself is made in portalgen.render.digest, the choice of who gets one in
portalgen.render.checkin. Content with errors is refused, so nothing half-checked goes to a customer.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import click

from portalgen.commands import options
from portalgen.commands.console import display_path, outside_site, refuse_content, say, write_output
from portalgen.commands.options import DATE, PROJECT, TODAY, as_date
from portalgen.content.problems import ContentError, UsageError
from portalgen.content.records import Customer, Records
from portalgen.model.report import link_published
from portalgen.pipeline import building
from portalgen.render import i18n
from portalgen.render.checkin import Checkin, checkin, what
from portalgen.render.digest import (
    FORMATS,
    PLACEHOLDER_FROM,
    Digest,
    environment,
    make_digest,
    parse_address,
    recipients,
    render,
    sender,
)
from portalgen.render.wording import longdate


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
    when = options.today(today)
    records, problems = building.check(root, today=when)
    if problems.errors:
        raise ContentError(problems.sorted())
    who = find_customer(records, customer)
    # Render only the Markdown this digest shows: on a big portal, rendering everything is the slow part.
    outline = make_digest(records, link_published(records, when, bodies=False), who, when, since)
    shown = {("decision" if e.kind == "decision" else "change", e.item.record.slug) for e in outline.events}
    model = link_published(records, when, bodies=shown)
    return make_digest(records, model, who, when, since, recipient, i18n.words_for(records.portal.language, root)), root


def _recipient(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--to is checked before anything is read: a line break in it would be a header of its own."""
    if value is not None:
        try:
            parse_address(value)
        except UsageError as exc:
            raise click.BadParameter(str(exc)) from exc
    return value


def build_checkin(project: Path | str | None, since: date | None = None,
                  today: date | None = None) -> tuple[Checkin, Path]:
    """Every customer's digest, or why they get none; ContentError when the content has errors."""
    root = building.find_project(Path(project) if project else None)
    when = options.today(today)
    records, problems = building.check(root, today=when)
    if problems.errors:
        raise ContentError(problems.sorted())
    outline = checkin(records, link_published(records, when, bodies=False), when, since)
    shown = {(e.kind, e.item.record.slug) for d in outline.messages for e in d.events}
    words = i18n.words_for(records.portal.language, root)
    return checkin(records, link_published(records, when, bodies=shown), when, since, words), root


@click.command()
@click.argument("customer", required=False)
@PROJECT
@click.option("--all", "everyone", is_flag=True,
              help="Write every customer with news or open items their own message into the folder -o DIR.")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", callback=as_date,
              help="Tell what happened from this date on, inclusive (default: everything).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="md, html or eml  [default: md; eml with --all]")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file (default: stdout); with --all, into this folder.")
@click.option("--to", "to", metavar='"NAME <ADDRESS>"',
              callback=_recipient,
              help="Recipient for the greeting and the To: header (default: the customer's private.email).")
@TODAY
def digest(customer: str | None, path: Path | None, everyone: bool, since: date | None, fmt: str | None,
           output: Path | None, to: str | None, today: date | None) -> None:
    """Write a message to CUSTOMER (slug or name): what happened to what they told us.

    With --all, one message per customer with news or open items, into the folder -o DIR.
    Private output (it works for anonymous customers too); it shows only what the portal publishes.
    """
    if everyone:
        if customer and path:
            raise UsageError("--all writes to every customer: leave out CUSTOMER")
        if output is None or to:
            raise UsageError("--all writes one file per customer: give the folder with -o DIR"
                             + (", and leave out --to (each message goes to its customer's private.email)"
                                if to else ""))
        _digest_all(path or (Path(customer) if customer else None), since, fmt or "eml", output, today)
        return
    if not customer:
        raise UsageError("which customer? give a slug or name, or --all for every customer")
    _digest_one(customer, path, since, fmt or "md", output, to, today)


def _digest_one(customer: str, path: Path | None, since: date | None, fmt: str, output: Path | None,
                to: str | None, today: date | None) -> None:
    if output is not None and output.is_dir():
        raise UsageError(f"{output} is a folder: give a file name, such as {output / 'digest'}.{fmt}")
    recipient = parse_address(to).display_name if to else None
    try:
        result, root = build_digest(path, customer, since, today, recipient or None)
    except ContentError as exc:
        refuse_content(exc.problems, "digest")
    data = render(result, fmt, environment(root, result.portal.language), to)
    write_output(data, output, root)
    for reason, count in sorted(result.hidden.items()):
        say(f"note: {count} {reason} feedback item(s) from {result.customer.name} are not in the digest", "yellow")
    if fmt == "eml" and not to and not result.customer.addresses:
        click.secho(f"note: {result.customer.path} has no private.email, so the message is to the placeholder "
                    f"{recipients(result, None)[0].addr_spec}: give --to, or add the address", fg="yellow", err=True)
    _notes(result.portal.base_url, sender(result.portal), fmt)


def _digest_all(path: Path | None, since: date | None, fmt: str, output: Path, today: date | None) -> None:
    try:
        result, root = build_checkin(path, since, today)
    except ContentError as exc:
        refuse_content(exc.problems, "digest")
    folder = outside_site(output, root)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{output} is a file; --all writes one file per customer into a folder")
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(root, result.messages[0].portal.language if result.messages else "en")
    period = f"since {longdate(since)}" if since else "so far"
    count = len(result.messages)
    click.echo(f"Check-in {period}: {'1 message' if count == 1 else f'{count} messages'} in "
               f"{display_path(output)}")
    for d in result.messages:
        name = f"{d.customer.slug}.{fmt}"
        (folder / name).write_bytes(render(d, fmt, env))
        click.echo(f"  {name} to {', '.join(str(a) for a in recipients(d, None))}: {what(d)}")
    for skipped in result.skipped:
        click.secho(f"note: {skipped.note(since)}", fg="yellow", err=True)
    if result.messages:
        portal = result.messages[0].portal
        _notes(portal.base_url, sender(portal), fmt)


def _notes(base_url: str | None, sent_by: str | None, fmt: str) -> None:
    if not base_url:
        click.secho("note: portal.yaml has no base_url, so links in the digest are relative", fg="yellow", err=True)
    if fmt == "eml" and sent_by is None:
        click.secho(f"note: portal.yaml has no contact e-mail address, so the message is from the placeholder "
                    f"{PLACEHOLDER_FROM}: add contact: you@your-company.example to portal.yaml, or choose the "
                    "sender in your mail client", fg="yellow", err=True)
