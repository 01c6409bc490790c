"""How the verbs talk to the terminal: problems, summaries, refusals, paths, and -o output."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from portalgen.content.problems import Problem, Severity, UsageError, printable


def say(message: str, colour: str | None = None, err: bool = True) -> None:
    """One message for the terminal, its control characters spelled out: paths, names and values in it
    come from file names, YAML and the command line, and an ESC there would be obeyed, not shown."""
    click.secho(printable(message), fg=colour, err=err)


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.severity is Severity.ERROR else "yellow"
        say(problem.format(), colour)


def summary(problems: list[Problem], strict: bool) -> str:
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if strict:
        errors, warnings = errors + warnings, 0
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def print_refusal(problems: list[Problem]) -> NoReturn:
    print_problems(problems)
    click.secho("✗ nothing was written", fg="red", err=True)
    sys.exit(1)


def refuse_content(problems: list[Problem], what: str) -> NoReturn:
    print_problems(problems)
    click.secho(f"✗ {what} refused: {summary(problems, False)}; fix them (portalgen check) and retry",
                fg="red", err=True)
    sys.exit(1)


def display_path(path: Path) -> str:
    """The path relative to the current folder when it is inside it, else absolute."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def outside_site(output: Path, root: Path) -> Path:
    """-o FILE or DIR, resolved; a UsageError when it is inside the project's site/, which build replaces."""
    # Resolved, links and '..' included: a link beside the project that points into site/ would
    # otherwise publish a private digest with the next deploy.
    try:
        target = output.resolve()
        site = (root / "site").resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise UsageError(f"cannot write {output}: {exc}") from exc
    if target == site or site in target.parents:
        raise UsageError(f"{output} is inside {site}, which is published and replaced by every build; "
                         "write it somewhere else")
    return target


def write_output(data: bytes, output: Path | None, root: Path) -> None:
    """Write to -o FILE (never inside the project's site/, which build replaces) or to stdout."""
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = outside_site(output, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    say(f"✓ wrote {output}", "green")
