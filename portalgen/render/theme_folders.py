"""Where the theme's files are: a project's templates/ first, then the built-in theme.

Apart from theme.py (the Jinja environment), so that a build that finds its site up to date
(pipeline/current.py) can list them without importing Jinja.
"""

from __future__ import annotations

from pathlib import Path


def builtin_theme() -> Path:
    """The default theme: packaged as portalgen/_theme in a wheel, templates/ in a checkout."""
    here = Path(__file__).resolve().parent.parent  # the package folder
    packaged = here / "_theme"
    return packaged if packaged.is_dir() else here.parent / "templates"


def theme_dirs(project: Path) -> list[Path]:
    dirs = []
    override = project / "templates"
    if override.is_dir() and override.resolve() != builtin_theme().resolve():
        dirs.append(override)
    dirs.append(builtin_theme())
    return dirs
