"""`portalgen export changelog`: the portal's published changes as a CHANGELOG.md.

The changelog is public output, so content with errors (a leaked name, say) is refused, as `build`
refuses it. Its format is described in portalgen.render.changelog.
"""

from __future__ import annotations

from pathlib import Path

import click

from portalgen.commands.console import refuse_content, write_output
from portalgen.commands.options import PROJECT
from portalgen.content.problems import ContentError
from portalgen.model.report import link_published
from portalgen.pipeline import building
from portalgen.render import i18n
from portalgen.render.changelog import render as render_changelog


def export_changelog(project: Path | str | None = None) -> str:
    """The changelog of a project's published changes; ContentError if its content has errors."""
    root = building.find_project(Path(project) if project else None)
    records, problems = building.check(root)
    if problems.errors:
        raise ContentError(problems.sorted())
    model = link_published(records, building.build_date(),
                           bodies={("change", slug) for slug in records.changes})
    return render_changelog(model, i18n.words_for(model.portal.language, root))


@click.group()
def export() -> None:
    """Export the portal's content in other formats."""


@export.command()
@PROJECT
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file, e.g. CHANGELOG.md (default: stdout).")
def changelog(path: Path | None, output: Path | None) -> None:
    """A CHANGELOG.md in the Keep a Changelog style from the published changes, with credits."""
    root = building.find_project(path)
    try:
        text = export_changelog(root)
    except ContentError as exc:
        refuse_content(exc.problems, "changelog")
    write_output(text.encode("utf-8"), output, root)
