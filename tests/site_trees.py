"""A built site as {path: bytes}, and whether a project's site equals a cold build of it: the
comparison the incremental tests make after every edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import portalgen


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def same_as_cold(project: Path, tmp_path: Path) -> bool:
    cold = tmp_path / "cold"
    if cold.exists():
        shutil.rmtree(cold)
    portalgen.build(project, cold, use_cache=False, jobs=1)
    return tree(project / "site") == tree(cold)
