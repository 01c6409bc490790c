#!/usr/bin/env python3
"""Check a built distribution before it is published: the theme, its catalogs and the editor schemas are inside.

    python scripts/check_dist.py dist/ [--tag v0.2.0]

The wheel must hold every file of templates/ under portalgen/_theme/ (the built-in theme: a wheel
without it builds no site) and every JSON Schema of portalgen/schemas/ (what `init` points editors
at) and every catalog of portalgen/locale/ (the theme's words in each language); the sdist must
hold templates/ itself. With --tag, the tag must name the version being built.
Used by .github/workflows/release.yml and by tests/test_release.py. Exit 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _expected(folder: str, prefix: str) -> set[str]:
    base = ROOT / folder
    return {prefix + p.relative_to(base).as_posix() for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def problems(dist: Path, tag: str | None = None) -> list[str]:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    found: list[str] = []
    code = re.search(r'^__version__ = "([^"]+)"', (ROOT / "portalgen/__init__.py").read_text("utf-8"), re.M)
    if code is None or code.group(1) != version:
        found.append(f"portalgen/__init__.py's __version__ is not {version}, the version in pyproject.toml")
    if tag is not None and tag.removeprefix("v") != version:
        found.append(f"tag {tag} does not match the version in pyproject.toml ({version})")
    wheels = sorted(dist.glob(f"portalgen-{version}-*.whl"))
    if not wheels:
        return [*found, f"no portalgen {version} wheel in {dist}"]
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
        wanted = (_expected("templates", "portalgen/_theme/") | _expected("portalgen/schemas", "portalgen/schemas/")
                  | _expected("portalgen/locale", "portalgen/locale/"))  # the catalogs: the theme's words
        found += [f"{wheel.name}: {name} is missing" for name in sorted(wanted - names)]
    for sdist in sorted(dist.glob(f"portalgen-{version}.tar.gz")):
        with tarfile.open(sdist) as archive:
            names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
        found += [f"{sdist.name}: {name} is missing" for name in sorted(_expected("templates", "templates/") - names)]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--tag")
    args = parser.parse_args()
    found = problems(args.dist, args.tag)
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    if not found:
        print(f"ok: {', '.join(sorted(p.name for p in args.dist.iterdir()))}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
