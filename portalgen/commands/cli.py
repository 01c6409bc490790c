"""The `portalgen` command: thin glue over the library functions."""

from __future__ import annotations

import os
import sys
import traceback
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from portalgen import __version__
from portalgen.content.problems import ContentError, Problem, Severity, UsageError
from portalgen.output.writing import WriteError
from portalgen.pipeline.building import build as build_site
from portalgen.pipeline.building import check as check_content
from portalgen.pipeline.building import find_project

PROJECT = click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.severity is Severity.ERROR else "yellow"
        click.secho(problem.format(), fg=colour, err=True)


def _progress_bar():
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


def _summary(problems: list[Problem], strict: bool) -> str:
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if strict:
        errors, warnings = errors + warnings, 0
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portalgen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected failures.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Build a "you said, we did" customer feedback portal from Markdown + YAML records."""
    ctx.obj = {"debug": debug}


@cli.command()
@PROJECT
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(path: Path | None, strict: bool) -> None:
    """Validate content/ and report every problem, one per line (path:line: message)."""
    root = find_project(path)
    _, problems = check_content(root)
    found = problems.sorted()
    _print_problems(found)
    failing = problems.errors or (strict and problems.warnings)
    if failing:
        click.secho(f"✗ {_summary(found, strict)} in {root / 'content'}", fg="red", err=True)
        sys.exit(1)
    note = f" ({_summary(found, False).split(', ', 1)[1]})" if problems.warnings else ""
    click.secho(f"✓ content is valid{note}", fg="green", err=True)


@cli.command()
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
        result = build_site(path, output, drafts=drafts, strict=strict, jobs=jobs, progress=bar)
    except ContentError as exc:
        if bar:
            click.echo("\r\033[K", err=True, nl=False)
        _print_problems(exc.problems)
        click.secho(f"✗ build failed: {_summary(exc.problems, strict)}; nothing was written", fg="red", err=True)
        sys.exit(1)
    _print_problems(result.warnings)
    if verbose:
        for phase, seconds in result.phases.items():
            click.echo(f"  {phase:<13} {seconds * 1000:8.0f} ms", err=True)
    if result.up_to_date:
        click.secho(f"✓ {result.output} is up to date: nothing changed since the last build "
                    f"({result.seconds:.2f} s)", fg="green", err=True)
        return
    reused = result.pages - result.rendered
    click.secho(f"✓ built {result.pages} pages ({result.files} files) into {result.output} "
                f"in {result.seconds:.2f} s" + (f"; {reused} unchanged pages reused" if reused else ""),
                fg="green", err=True)


@cli.command()
@PROJECT
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep the loopback default unless others must see the preview.")
@click.option("--drafts", is_flag=True, help="Include draft records, marked as drafts.")
def serve(path: Path | None, port: int, host: str, drafts: bool) -> None:
    """Build into PATH/site, serve it, rebuild on every change and reload the open pages.

    Content errors do not stop the server: it keeps the last good site and shows the problems
    on every page until the file is fixed. Ctrl-C stops it.
    """
    from portalgen.dev.server import serve as run_server

    run_server(find_project(path), host=host, port=port, drafts=drafts)


def _print_refusal(exc: Exception) -> NoReturn:
    _print_problems(exc.problems)  # type: ignore[attr-defined]
    click.secho("✗ nothing was written", fg="red", err=True)
    sys.exit(1)


@cli.command()
@click.argument("directory", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help='Portal title (default "You said, we did"); change it later in portal.yaml.')
@click.option("--base-url", help="Where the site will be published, e.g. https://owner.github.io/repo/.")
def init(directory: Path, title: str | None, base_url: str | None) -> None:
    """Create a portal project in DIRECTORY (default: here).

    Writes content/ with portal.yaml and one example of each kind of record, a .gitignore, a
    README for editors and a GitHub Actions workflow that checks pull requests and deploys main
    to GitHub Pages. Refuses to overwrite any file.
    """
    from portalgen.commands.scaffolding import Refused, display_path, init_project

    try:
        created = init_project(directory, title=title, base_url=base_url)
    except Refused as exc:
        _print_refusal(exc)
    root = directory.absolute()
    for path in created:
        click.echo(display_path(path))
    where = display_path(root)
    click.secho(f"✓ created a portal project in {where}", fg="green", err=True)
    step = "" if root == Path.cwd() else f"cd {where} && "
    click.echo(f"Next: {step}portalgen serve   (then set base_url in content/portal.yaml)", err=True)


@cli.command()
@click.argument("kind", metavar="feedback|decision|change|customer")
@click.argument("title")
@click.option("--from", "customers", multiple=True, metavar="C1,C2",
              help="feedback: slugs of the customers who said it.")
@click.option("--feedback", multiple=True, metavar="F1,F2",
              help="decision/change: slugs of the feedback it answers.")
@click.option("--decisions", multiple=True, metavar="D1,D2", help="change: slugs of the decisions it delivers.")
@click.option("--outcome", help="decision: under-review (default), planned, in-progress, declined, deferred "
              "or already-available.")
@click.option("--slug", help="File name without extension (default: made from the title).")
@click.option("--draft", is_flag=True, help="Write draft: true, so it is not published yet.")
@click.option("-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path),
              help="The portal project (default: the current folder).")
def new(kind: str, title: str, customers: tuple[str, ...], feedback: tuple[str, ...],
        decisions: tuple[str, ...], outcome: str | None, slug: str | None, draft: bool,
        project: Path | None) -> None:
    """Create one record with today's date and every required key; print its path.

    \b
    portalgen new feedback "Dark mode for dashboards" --from acme-health
    portalgen new decision "Yes: dark mode" --feedback dark-mode-for-dashboards --outcome planned
    portalgen new change "Dark mode" --decisions yes-dark-mode
    portalgen new customer "Acme Health"
    """
    from portalgen.commands.scaffolding import Refused, display_path, new_record

    root = find_project(project)
    try:
        made = new_record(root, kind, title, customers=customers, feedback=feedback,
                          decisions=decisions, outcome=outcome, slug=slug, draft=draft)
    except Refused as exc:
        _print_refusal(exc)
    click.echo(display_path(made.path))
    _print_problems(made.warnings)
    if made.todo:
        click.secho(f"Fill in the TODO lines ({', '.join(made.todo)}) before publishing.", fg="yellow",
                    err=True)


# --- closing the loop: report, digest, export (portalgen/reporting.py, digest.py, changelog.py) ----

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _as_date(ctx: click.Context, param: click.Parameter, value: object) -> date | None:
    return value.date() if value is not None else None  # type: ignore[attr-defined]


_TODAY = click.option("--today", type=_DATE, metavar="YYYY-MM-DD", callback=_as_date,
                      help="Pretend today is this date (default: SOURCE_DATE_EPOCH if set, else today).")


def _write_output(data: bytes, output: Path | None, root: Path) -> None:
    """Write to -o FILE (never inside the project's site/, which build replaces) or to stdout."""
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = output.absolute()
    site = (root / "site").absolute()
    if target == site or site in target.parents:
        raise UsageError(f"{output} is inside {site}, which is published and replaced by every build; "
                         "write it somewhere else")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    click.secho(f"✓ wrote {output}", fg="green", err=True)


def _refuse_content(exc: ContentError, what: str) -> NoReturn:
    _print_problems(exc.problems)
    click.secho(f"✗ {what} refused: {_summary(exc.problems, False)}; fix them (portalgen check) and retry",
                fg="red", err=True)
    sys.exit(1)


@cli.command()
@PROJECT
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
@click.option("--fail-on-stale", is_flag=True,
              help="Exit 1 if any feedback is stale, a revisit date has passed or a customer has had no news.")
@_TODAY
def report(path: Path | None, fmt: str, fail_on_stale: bool, today: date | None) -> None:
    """Internal report: stale feedback, overdue revisits, declined without workaround, quiet customers.

    Printed to stdout, never written into site/: it names anonymous customers.
    """
    from portalgen.commands.report import build_report, render

    result = build_report(path, today)
    click.echo(render(result, fmt), nl=False)
    if result.content_errors:
        click.secho(f"! content has {result.content_errors} error(s): run portalgen check", fg="yellow", err=True)
    if fail_on_stale and result.stale:
        click.secho("✗ stale: see the report", fg="red", err=True)
        sys.exit(1)


@cli.command()
@click.argument("customer")
@PROJECT
@click.option("--since", type=_DATE, metavar="YYYY-MM-DD", callback=_as_date,
              help="Tell what happened from this date on, inclusive (default: everything).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "eml"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: stdout).")
@click.option("--to", "to", metavar='"NAME <ADDRESS>"',
              help="Recipient for the greeting and the To: header (default: the customer, placeholder address).")
@_TODAY
def digest(customer: str, path: Path | None, since: date | None, fmt: str, output: Path | None, to: str | None,
           today: date | None) -> None:
    """Write a message to CUSTOMER (slug or name): what happened to what they told us.

    Private output (it works for anonymous customers too); it shows only what the portal publishes.
    """
    from portalgen.commands import digest as digests

    recipient = digests.parse_address(to).display_name if to else None
    try:
        result, root = digests.build_digest(path, customer, since, today, recipient or None)
    except ContentError as exc:
        _refuse_content(exc, "digest")
    data = digests.render(result, fmt, digests.environment(root), to)
    _write_output(data, output, root)
    for reason, count in sorted(result.hidden.items()):
        click.secho(f"note: {count} {reason} feedback item(s) from {result.customer.name} are not in the digest",
                    fg="yellow", err=True)
    if not result.absolute_links:
        click.secho("note: portal.yaml has no base_url, so links in the digest are relative", fg="yellow", err=True)


@cli.group()
def export() -> None:
    """Export the portal's content in other formats."""


@export.command("changelog")
@PROJECT
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file, e.g. CHANGELOG.md (default: stdout).")
def export_changelog(path: Path | None, output: Path | None) -> None:
    """A CHANGELOG.md in the Keep a Changelog style from the published changes, with credits."""
    from portalgen.commands.export import export as export_text

    root = find_project(path)
    try:
        text = export_text(root)
    except ContentError as exc:
        _refuse_content(exc, "changelog")
    _write_output(text.encode("utf-8"), output, root)


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UsageError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
    except WriteError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a traceback is a bug: say so plainly, show it only on request
        if debug:
            traceback.print_exc()
        click.secho(f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in portalgen; "
                    "run again with --debug for the traceback and report it.", fg="red", err=True)
        sys.exit(3)
