"""The `portalgen` command: thin glue over the library functions."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .building import build as build_site
from .building import check as check_content
from .building import find_project
from .problems import ContentError, Problem, Severity, UsageError
from .writing import WriteError

PROJECT = click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.severity is Severity.ERROR else "yellow"
        click.secho(problem.format(), fg=colour, err=True)


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
def build(path: Path | None, output: Path | None, drafts: bool, strict: bool) -> None:
    """Validate, then build the site. On any error nothing is written."""
    try:
        result = build_site(path, output, drafts=drafts, strict=strict)
    except ContentError as exc:
        _print_problems(exc.problems)
        click.secho(f"✗ build failed: {_summary(exc.problems, strict)}; nothing was written", fg="red", err=True)
        sys.exit(1)
    _print_problems(result.warnings)
    click.secho(f"✓ built {result.pages} pages ({result.files} files) into {result.output} "
                f"in {result.seconds:.2f} s", fg="green", err=True)


@cli.command()
@PROJECT
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--drafts", is_flag=True, help="Include draft records, marked as drafts.")
def serve(path: Path | None, port: int, host: str, drafts: bool) -> None:
    """Build, serve the site on http://HOST:PORT and rebuild on every change."""
    from .serving import serve as run_server

    run_server(find_project(path), host=host, port=port, drafts=drafts)


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
