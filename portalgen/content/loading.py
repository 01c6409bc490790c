"""Read content/ into raw records: YAML data with key lines, Markdown body, source position.

Knows files, encodings, front matter and YAML; knows nothing about pages or references.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from portalgen.content.files import SETTINGS_NAMES, discover, link_problem, read_text, relative_path
from portalgen.content.frontmatter import RawRecord, parse_record
from portalgen.content.problems import Problem, Problems

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    """map() as the pipeline provides it: in this process, or spread over worker processes."""

    def __call__(self, func: Callable[[T], R], items: Sequence[T], /) -> list[R]: ...


def serial_map(func: Callable[[T], R], items: Sequence[T], /) -> list[R]:
    return [func(item) for item in items]


class RecordStore(Protocol):
    """Parsed records kept between builds, by file path and text digest (the build cache)."""

    def get_record(self, rel: str, text_hash: str) -> RawRecord | None: ...
    def put_record(self, text_hash: str, raw: RawRecord) -> None: ...
    def prune_records(self, live: set[str]) -> None: ...


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class LoadResult:
    portal: RawRecord | None
    records: list[RawRecord]
    problems: Problems
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text, for lint
    # Set by a patch that put new records in the places of old ones (pipeline/reload.py): the load
    # it was patched from (its `token`) and the positions that differ from it. A caller that
    # kept what it made of that load need only look at those (content/validating.py).
    since: tuple[object, tuple[int, ...]] | None = field(default=None, repr=False, compare=False)
    token: object = field(default_factory=object, repr=False, compare=False)
    _positions: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def positions(self) -> dict[str, int]:
        """Where the record of each file is in `records`."""
        if self._positions is None:
            self._positions = {record.path: n for n, record in enumerate(self.records)}
        return self._positions

    def position(self, path: str) -> int | None:
        return self.positions().get(path)


def _parse_task(task: tuple[str, str, str, str]) -> tuple[RawRecord | None, list[Problem]]:
    return parse_record(*task)


def load_file(path: Path, root: Path, kind: str, problems: Problems,
              files: dict[str, str] | None = None) -> RawRecord | None:
    rel = relative_path(path, root)
    text = read_text(path, rel, problems)
    if text is None:
        return None
    if files is not None:
        files[rel] = text
    record, found = parse_record(kind, rel, path.stem, text)
    problems.extend(found)
    return record


def load(root: Path, cache: RecordStore | None = None, pmap: Mapper = serial_map) -> LoadResult:
    """Load every file of a portal project. Problems are collected, never raised.

    With a cache, files whose text is unchanged are not parsed again; the rest are parsed
    with `pmap` (across worker processes in a big build).
    """
    problems = Problems()
    files: dict[str, str] = {}
    content = root / "content"
    portal_path = content / SETTINGS_NAMES[0]
    if not portal_path.exists() and (content / SETTINGS_NAMES[1]).exists():
        portal_path = content / SETTINGS_NAMES[1]
    portal = None
    link = link_problem(portal_path, root)
    if link:
        problems.error(relative_path(portal_path, root), None, *link)
    elif portal_path.is_file():
        portal = load_file(portal_path, root, "portal", problems, files)
    else:
        problems.error("content/portal.yaml", None, "portal.yaml is missing",
                       "create content/portal.yaml with at least 'title: Your portal name'")
    slots: list[RawRecord | None] = []
    pending: list[tuple[int, str, tuple[str, str, str, str]]] = []
    for kind, path in discover(content, root, problems):
        rel = relative_path(path, root)
        text = read_text(path, rel, problems)
        if text is None:
            continue
        files[rel] = text
        key = text_key(text)
        cached = cache.get_record(rel, key) if cache is not None else None
        if cached is None:
            pending.append((len(slots), key, (kind, rel, path.stem, text)))
        slots.append(cached)
    results = pmap(_parse_task, [task for _, _, task in pending])
    for (index, key, _), (record, found) in zip(pending, results, strict=True):
        problems.extend(found)
        slots[index] = record
        if record is not None and cache is not None and not found:
            cache.put_record(key, record)
    if cache is not None:
        cache.prune_records({f"{r.path}\0{text_key(files[r.path])}" for r in slots if r is not None})
    records = [r for r in slots if r is not None]
    return LoadResult(portal, records, problems, files)
