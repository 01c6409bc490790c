"""`portalgen import`: bring the feedback another tool (or a spreadsheet) holds into content/.

Reads an export file (never the network), plans the records it becomes, merges them with what
an earlier import made, writes, and runs `check`. The report lists what was written, updated,
left alone because an editor changed it, and what could not be imported, row by row.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import click

from portalgen.commands.console import display_path, print_problems, say
from portalgen.content import leaks
from portalgen.content.importing import github, spreadsheet
from portalgen.content.importing.ideas import Reading
from portalgen.content.importing.plan import plan
from portalgen.content.importing.writer import Outcome, apply, prepare
from portalgen.content.problems import UsageError
from portalgen.pipeline import building

# Each source's reader, by module name, imported only when used: a source whose module is missing
# from this version of portalgen says so instead of breaking every other command.
SOURCES = {
    "github": "portalgen.content.importing.github",
    "fider": "portalgen.content.importing.fider",
    "canny": "portalgen.content.importing.canny",
    "uservoice": "portalgen.content.importing.uservoice",
    "csv": "portalgen.content.importing.spreadsheet",
}


def _module(source: str) -> ModuleType:
    name = SOURCES[source]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise UsageError(f"the {source} importer is not available in this version of portalgen; "
                         "available: " + ", ".join(s for s in SOURCES if _available(s))) from exc


def _available(source: str) -> bool:
    return importlib.util.find_spec(SOURCES[source]) is not None


def read_export(source: str, path: Path, mapping: str | None = None, segment_from: str | None = None) -> Reading:
    """The export read by its source's reader (UsageError for an option the source does not take)."""
    if mapping and source != "csv":
        raise UsageError(f"--map is for csv; the {source} importer knows its export's columns")
    module = _module(source)
    if source == "github":
        prefix = (segment_from or "").removeprefix("label:")
        return github.read(path, github.Options(segment_prefix=prefix))
    if source == "csv":
        fields = spreadsheet.parse_map(mapping)
        if segment_from:
            fields.setdefault("segment", segment_from)
        return spreadsheet.read(path, fields)
    if segment_from:
        raise UsageError(f"--segment-from works with github (a label prefix) and csv (a column); {source} "
                         "exports carry the segment themselves where they have one")
    reading: Reading = module.read(path)
    return reading


def run_import(project: Path, source: str, path: Path, *, mapping: str | None = None,
               segment_from: str | None = None, named: bool = False, dry_run: bool = False) -> Outcome:
    reading = read_export(source, path, mapping, segment_from)
    board, _ = building.check(project)  # the names the portal already protects stay out of imported text
    names = [name.text for name in leaks.protected(board)]
    outcome = prepare(project, plan(reading, named, building.build_date(), names, leaks.allowed(board)))
    if not dry_run:
        apply(outcome)
    return outcome


def report(outcome: Outcome, dry_run: bool) -> None:
    """What was (or, with --dry-run, would be) done, one line per file, then what needs a person."""
    would = "would " if dry_run else ""
    words = {"write": f"{would}write", "update": f"{would}update", "conflict": "kept edits in",
             "linked": "credit the customer already in"}
    for action in outcome.actions:
        if action.verb == "unchanged":
            continue
        detail = f" ({', '.join(action.changed)})" if action.changed else ""
        say(f"{words[action.verb]} {display_path(action.path)}{detail}  [{action.where}]", err=False)
    for action in outcome.actions:
        for name in action.conflicts:
            say(f"conflict: {display_path(action.path)}: '{name}' was edited here and has changed in the export "
                "too; kept the edit (compare them, and copy what you want from the export)", "yellow")
    for where, why in outcome.skipped:
        say(f"unmapped: {where}: {why}", "yellow")
    for action in outcome.drafts:
        say(f"draft: {display_path(action.path)}: {action.draft}; write the reasoning in its body, then remove "
            "'draft: true' (a No is published with its reason or not at all)", "yellow")
    conflicts = sum(len(a.conflicts) for a in outcome.actions)
    counts = [f"{len(outcome.of(v))} {label}" for v, label in (
        ("write", "new"), ("update", "updated"), ("unchanged", "unchanged"), ("linked", "customers already there"))]
    counts += [f"{conflicts} conflict{'s' * (conflicts != 1)}", f"{len(outcome.skipped)} unmapped",
               f"{len(outcome.drafts)} draft decision{'s' * (len(outcome.drafts) != 1)} to finish"]
    say(("dry run, nothing written: " if dry_run else "✓ imported: ") + ", ".join(counts), "green")


@click.command("import")
@click.argument("source", type=click.Choice(list(SOURCES)), metavar="|".join(SOURCES))
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print what would be written, updated and skipped; write nothing.")
@click.option("--map", "mapping", metavar="FIELD=Header,...",
              help="csv: which column holds each field, e.g. title=Summary,date=Created,from=Company,tags=Theme.")
@click.option("--segment-from", metavar="FIELD",
              help="csv: the column holding the customer's segment; github: a label prefix (segment: → "
                   "'segment: Healthcare').")
@click.option("--named", is_flag=True,
              help="Credit the imported customers by name (only with their consent). Default: anonymous.")
def import_(source: str, file: Path, path: Path | None, dry_run: bool, mapping: str | None,
            segment_from: str | None, named: bool) -> None:
    """Import feedback from an export file of another tool into content/.

    \b
    portalgen import github issues.json          # gh issue list --state all --json ...
    portalgen import csv ideas.csv --map title=Summary,date=Created,from=Company
    portalgen import fider posts.csv --dry-run

    Importing again (the same or a newer export) updates what an earlier import wrote, never
    duplicates it, and keeps every field an editor has changed since. See docs/importing.md.
    """
    root = building.find_project(path)
    outcome = run_import(root, source, file, mapping=mapping, segment_from=segment_from, named=named,
                         dry_run=dry_run)
    report(outcome, dry_run)
    if dry_run:
        return
    _, problems = building.check(root)
    if problems.errors:
        print_problems(problems.errors)
        say("✗ the portal does not pass check after the import; fix the files above (portalgen check)", "red")
        sys.exit(1)
