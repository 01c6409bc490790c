"""The installed version of a library, read from its metadata file without importing the library
or importlib.metadata: the build cache's name and the Markdown policy carry the versions of
Python-Markdown and nh3, and importlib.metadata alone (email, socket, zipfile and more) cost a
one-edit build more CPU than reading the one line it needs.

Only the plain case is read here: the library's top-level package beside exactly one
`<name>-<version>.dist-info` folder. Anything else (an editable install, two metadata folders,
no Version line) is left to importlib.metadata, which gives the same answer in the plain case.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.util import find_spec


@cache
def installed_version(name: str) -> str:
    """What importlib.metadata.version(name) says, for a distribution whose top-level package is `name`."""
    found = _from_dist_info(name)
    if found is not None:
        return found
    from importlib.metadata import version  # the general case, at its cost

    return version(name)


def _from_dist_info(name: str) -> str | None:
    try:
        spec = find_spec(name)  # finds the package without running it
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    folder = os.path.dirname(os.path.dirname(spec.origin)) if spec.submodule_search_locations else \
        os.path.dirname(spec.origin)
    try:
        infos = [entry for entry in os.listdir(folder) if entry.endswith(".dist-info")
                 and _named(entry.removesuffix(".dist-info"), name)]
    except OSError:
        return None
    if len(infos) != 1:
        return None
    try:
        with open(os.path.join(folder, infos[0], "METADATA"), encoding="utf-8") as metadata:
            for line in metadata:
                if line.startswith("Version:"):
                    return line[len("Version:"):].strip() or None
                if not line.strip():
                    return None  # the headers ended without one
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _named(stem: str, name: str) -> bool:
    """Whether a dist-info folder's `<name>-<version>` is of the distribution `name` (names
    compared normalised: case, '-', '_' and '.' alike)."""
    parts = stem.split("-")
    return len(parts) == 2 and _normal(parts[0]) == _normal(name)


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")
