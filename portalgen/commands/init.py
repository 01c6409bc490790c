"""`portalgen init`: create a portal project that passes `check`, or refuse and write nothing."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import click

from portalgen import __version__
from portalgen.commands.authoring import Refused, clean_text, yaml_text
from portalgen.commands.console import display_path, print_refusal, say
from portalgen.commands.project_files import checked_requirement, editor_files, pip_install_line
from portalgen.content.problems import Problem, Problems, UsageError
from portalgen.output.writing import WriteError
from portalgen.pipeline.clock import build_date

SKELETON = Path(__file__).resolve().parent / "skeleton"
DEFAULT_TITLE = "You said, we did"
DEFAULT_BASE_URL = "https://example.github.io/your-portal/"


def _skeleton_files() -> dict[str, Path]:
    """Skeleton files by destination path; 'dot-x' stands for '.x' (so git and packaging keep them)."""
    files: dict[str, Path] = {}
    for path in sorted(SKELETON.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(SKELETON).as_posix()
            dest = "/".join("." + p[4:] if p.startswith("dot-") else p for p in rel.split("/"))
            files[dest] = path
    return files


def _blocker(directory: Path, rel: str) -> str | None:
    """The first part of `rel` that is in the way: the file itself, a file where a folder goes,
    or a symlink (never followed)."""
    parts = rel.split("/")
    path = directory
    for i, part in enumerate(parts):
        path = path / part
        last = i == len(parts) - 1
        if path.is_symlink() or (path.exists() and (last or not path.is_dir())):
            return "/".join(parts[: i + 1])
    return None


def init_project(directory: Path, title: str | None = None, base_url: str | None = None,
                 today: date | None = None, install: str | None = None) -> list[Path]:
    """Create a portal project in `directory`: example content, .gitignore, README, CI workflow, editor set-up.

    `install` is the pip requirement the workflow and README install (default portalgen==<this version>).

    Refuses (writing nothing) if any of those files already exists.
    """
    directory = directory.absolute()
    today = today or build_date()  # the example content may not be dated after the day check holds it to
    title = clean_text(title, "the title") if title is not None else DEFAULT_TITLE
    base_url = _checked_base_url(base_url or DEFAULT_BASE_URL)
    requirement = checked_requirement(install)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a folder")
    values = {
        "title": title, "title_yaml": yaml_text(title), "base_url_yaml": yaml_text(base_url),
        "version": __version__, "requirement": requirement, "install_run": pip_install_line(requirement),
        "joined": (today - timedelta(days=60)).isoformat(),
        "said": (today - timedelta(days=30)).isoformat(),
        "decided": (today - timedelta(days=21)).isoformat(), "shipped": today.isoformat(),
    }
    planned = {rel: string.Template(src.read_text("utf-8")).substitute(values)
               for rel, src in _skeleton_files().items()}
    planned.update(editor_files())  # generated from the installed portalgen, so never out of step with it
    _refuse_clashes(directory, planned)
    return _write_project(directory, planned)


def _checked_base_url(base_url: str) -> str:
    base_url = base_url.strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", base_url):
        raise UsageError(f"--base-url {base_url!r} is not an absolute http(s) URL; "
                         "write it like https://owner.github.io/repository/")
    return base_url if base_url.endswith("/") else base_url + "/"


def _refuse_clashes(directory: Path, planned: Iterable[str]) -> None:
    clashes = Problems()
    for rel in planned:
        blocker = _blocker(directory, rel)
        if blocker is not None:
            clashes.error(blocker, None, "already exists; portalgen init never overwrites a file",
                          "move it away, or run portalgen init in a new, empty folder")
    if clashes.items:
        raise Refused(clashes.sorted())


def _write_project(directory: Path, planned: dict[str, str]) -> list[Path]:
    """Write every planned file, making folders as needed; if any step fails, undo them all."""
    created: list[Path] = []
    made_dirs: list[Path] = []
    try:
        missing = [p for p in [directory, *directory.parents] if not p.exists()]
        directory.mkdir(parents=True, exist_ok=True)
        made_dirs.extend(reversed(missing))
        for rel, text in planned.items():
            _make_folders(directory, rel, made_dirs)
            target = directory / rel
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            created.append(target)
    except OSError as exc:
        _undo(created, made_dirs)
        raise _write_failure(exc, directory) from exc
    return created


def _make_folders(directory: Path, rel: str, made_dirs: list[Path]) -> None:
    """The folders `rel` goes in; each one made is added to made_dirs at once, so it can be undone."""
    folder = directory
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if not folder.is_dir():
            folder.mkdir()
            made_dirs.append(folder)


def _undo(created: list[Path], made_dirs: list[Path]) -> None:
    for path in reversed(created):
        path.unlink(missing_ok=True)
    for folder in reversed(made_dirs):
        try:
            folder.rmdir()
        except OSError:
            break


def _write_failure(exc: OSError, directory: Path) -> Refused | WriteError:
    if isinstance(exc, FileExistsError):
        return Refused([Problem(Path(exc.filename or directory).name, None,
                                "appeared while portalgen init was writing; nothing was kept",
                                "run portalgen init again in an empty folder")])
    return WriteError(f"cannot create the project in {directory}: {exc.strerror or exc} "
                      f"({exc.filename or directory}); nothing was kept")


@click.command()
@click.argument("directory", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help='Portal title (default "You said, we did"); change it later in portal.yaml.')
@click.option("--base-url", help="Where the site will be published, e.g. https://owner.github.io/repo/.")
@click.option("--install", "install", metavar="SPEC",
              help="The pip requirement the CI workflow and README install, e.g. a git URL or a wheel path "
                   "(default: portalgen==<this version>).")
def init(directory: Path, title: str | None, base_url: str | None, install: str | None) -> None:
    """Create a portal project in DIRECTORY (default: here).

    Writes content/ with portal.yaml and one example of each kind of record, a .gitignore, a
    README for editors, a GitHub Actions workflow that checks pull requests and deploys main
    to GitHub Pages, and editor settings (JSON Schemas for VS Code's YAML extension).
    Refuses to overwrite any file.
    """
    try:
        created = init_project(directory, title=title, base_url=base_url, install=install)
    except Refused as exc:
        print_refusal(exc.problems)
    root = directory.absolute()
    for path in created:
        say(display_path(path), err=False)
    where = display_path(root)
    say(f"✓ created a portal project in {where}", "green")
    step = "" if root == Path.cwd() else f"cd {where} && "
    say(f"Next: {step}portalgen serve   (then set base_url in content/portal.yaml)")
