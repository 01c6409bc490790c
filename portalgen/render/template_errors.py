"""Template errors as content problems: the template file and line, the way the author reads them."""

from __future__ import annotations

import traceback
from contextlib import suppress
from pathlib import Path

import jinja2

from portalgen.content.problems import Problem


def display_path(path: str | None, project: Path) -> str:
    """`path` relative to the project when it lies inside it, as problems name files; "templates" when unknown."""
    if not path:
        return "templates"
    with suppress(ValueError):
        return Path(path).resolve().relative_to(project.resolve()).as_posix()
    return path


def template_problem(exc: BaseException, project: Path) -> Problem | None:
    """An error raised while rendering, as a problem naming the template file and line; None when no
    template is to blame (the error came from portalgen's own code)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(display_path(exc.filename, project), exc.lineno,
                       f"template syntax error: {exc.message}", "fix the template and save")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem("templates", None, f"template not found: {exc.name}",
                       "add the template or fix the name in {% extends %} / {% include %}")
    # Runtime errors (an undefined variable, a filter given the wrong type): jinja puts the
    # template lines in the traceback; the innermost one is where the author has to look.
    where, line = None, None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            where, line = display_path(name, project), lineno
    if where is None:
        if not isinstance(exc, jinja2.TemplateError):
            return None
        where = "templates"
    return Problem(where, line, f"template error: {exc}", "fix the template and save")
