"""`digest -o` and `export changelog -o` never write into site/: it is published and replaced by
every build, and a digest is private. The check is made on the resolved path, so a link or a
`..` that leads into site/ is refused as plainly as site/ itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from closing_loop_project import run_cli, write_project

from portalgen.commands.console import write_output
from portalgen.content.problems import UsageError


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "portal")
    (root / "site").mkdir()
    return root


def into_site(project: Path, tmp_path: Path, how: str) -> Path:
    """An -o path that ends up inside site/ by way of `how`."""
    if how == "plain":
        return project / "site" / "digest.md"
    if how == "dot-dot":
        return project / "content" / ".." / "site" / "digest.md"
    if how == "linked folder":
        (tmp_path / "outbox").symlink_to(project / "site")
        return tmp_path / "outbox" / "digest.md"
    if how == "linked file":
        (tmp_path / "digest.md").symlink_to(project / "site" / "digest.md")  # dangling until written
        return tmp_path / "digest.md"
    if how == "linked site":  # site/ itself named through a link
        (tmp_path / "published").symlink_to(project / "site")
        return tmp_path / "published"
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["plain", "dot-dot", "linked folder", "linked file", "linked site"])
def test_output_into_site_is_refused_however_it_is_named(project: Path, tmp_path: Path, how: str) -> None:
    target = into_site(project, tmp_path, how)
    with pytest.raises(UsageError, match="published and replaced by every build"):
        write_output(b"private", target, project)
    assert list((project / "site").iterdir()) == []


def test_a_link_loop_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UsageError, match="cannot write"):
        write_output(b"private", tmp_path / "a" / "digest.md", project)


def test_output_beside_the_site_is_written(project: Path, tmp_path: Path) -> None:
    (tmp_path / "outbox").symlink_to(tmp_path / "mail", target_is_directory=True)
    (tmp_path / "mail").mkdir()
    write_output(b"private", tmp_path / "outbox" / "digest.md", project)
    write_output(b"also", project / "site-notes" / "x.md", project)  # a name that starts like site
    assert (tmp_path / "mail" / "digest.md").read_bytes() == b"private"
    assert (project / "site-notes" / "x.md").read_bytes() == b"also"


def test_the_commands_refuse_a_link_into_site(project: Path, tmp_path: Path) -> None:
    digest = into_site(project, tmp_path, "linked folder")
    refused = run_cli("digest", "acme-health", project, "-o", digest)
    assert refused.returncode == 2 and "published and replaced by every build" in refused.stderr
    changelog = into_site(project, tmp_path, "dot-dot")
    refused = run_cli("export", "changelog", project, "-o", changelog)
    assert refused.returncode == 2 and "published and replaced by every build" in refused.stderr
    assert list((project / "site").iterdir()) == []
