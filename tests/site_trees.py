"""A built site as {path: bytes}, and whether a project's site equals a cold build of it: the
comparison the incremental tests make after every edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import portalgen
from portalgen.pipeline.session import Session


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def same_as_cold(project: Path, tmp_path: Path) -> bool:
    cold = tmp_path / "cold"
    if cold.exists():
        shutil.rmtree(cold)
    portalgen.build(project, cold, use_cache=False, jobs=1)
    return tree(project / "site") == tree(cold)


def served_same_as_cold(served: Session, tmp_path: Path) -> None:
    """Serve's in-memory engine wrote what a cold build writes; the differing paths if not."""
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    expected = tree(portalgen.build(served.root, cold, use_cache=False, jobs=1).output)
    got = tree(served.out)
    assert sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k)) == []
