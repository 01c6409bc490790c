"""Read content/ into raw records: YAML data with key lines, Markdown body, source position.

Knows files, encodings, front matter and YAML; knows nothing about pages or references.
"""

from __future__ import annotations

import functools
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
    """map() as the pipeline provides it: in this process, or spread over worker processes when
    there are at least `min_items` items (None: the pipeline's own threshold)."""

    def __call__(self, func: Callable[[T], R], items: Sequence[T], /, *, min_items: int = ...) -> list[R]: ...


def serial_map(func: Callable[[T], R], items: Sequence[T], /, *, min_items: int = 0) -> list[R]:
    return [func(item) for item in items]


class RecordStore(Protocol):
    """Parsed records kept between builds, by file path and text digest (the build cache)."""

    def get_record(self, rel: str, text_hash: str) -> RawRecord | None: ...
    def put_record(self, text_hash: str, raw: RawRecord) -> None: ...
    def prune_records(self, live: set[str]) -> None: ...
    def record_hashes(self) -> dict[str, set[str]]:
        """The text digests a record is kept for, by file path."""
        ...


# Work on a record just parsed, done in the same worker process while its text is at hand (the
# pipeline renders the Markdown of its texts there, model/markdown.py: speculate). Keyed results
# are gathered into LoadResult.made.
After = Callable[["RawRecord"], dict[str, object]]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class LoadResult:
    portal: RawRecord | None
    records: list[RawRecord]
    problems: Problems
    # relative path -> text_key of the file's text, for every file read. The texts themselves are
    # not kept: a build holds every record parsed from them already.
    files: dict[str, str] = field(default_factory=dict)
    made: dict[str, object] = field(default_factory=dict, repr=False, compare=False)  # what `after` made
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


# (kind, path, path relative to the project, slug, digests of the texts the store has a record for)
Task = tuple[str, str, str, str, frozenset[str]]
# (digest of the text or None when unreadable, its record when parsed, problems reading, problems
# parsing, what `after` made)
Loaded = tuple[str | None, RawRecord | None, list[Problem], list[Problem], dict[str, object]]


# Files per task. A worker parses a whole batch, then renders its Markdown (`after`): alternating
# the YAML parser and Python-Markdown file by file cost a sixth more CPU than doing each in a row
# (measured at 10,000 items: 17.5 s against 14.6 s), as each evicts the other from the CPU's caches.
BATCH = 256


def _load_batch(tasks: list[Task], after: After | None = None) -> list[Loaded]:
    loaded = [_load_task(task) for task in tasks]
    if after is not None:
        for _key, record, _read, found, made in loaded:
            if record is not None and not found:
                made.update(after(record))
    return loaded


def _load_task(task: Task) -> Loaded:
    """Read, digest and parse one file, in a worker process: reading 10,000 files is a third of
    the work, and the parent would do it alone. A file whose text the store has a record for is
    not parsed (the parent takes the record from the store)."""
    kind, path, rel, slug, known = task
    reading = Problems()
    text = read_text(Path(path), rel, reading)
    if text is None:
        return None, None, reading.items, [], {}
    key = text_key(text)
    if key in known:
        return key, None, reading.items, [], {}
    record, found = parse_record(kind, rel, slug, text)
    return key, record, reading.items, found, {}


def load_file(path: Path, root: Path, kind: str, problems: Problems,
              files: dict[str, str] | None = None) -> RawRecord | None:
    rel = relative_path(path, root)
    text = read_text(path, rel, problems)
    if text is None:
        return None
    if files is not None:
        files[rel] = text_key(text)
    record, found = parse_record(kind, rel, path.stem, text)
    problems.extend(found)
    return record


def load(root: Path, cache: RecordStore | None = None, pmap: Mapper = serial_map,
         after: After | None = None) -> LoadResult:
    """Load every file of a portal project. Problems are collected, never raised.

    Files are read and parsed with `pmap` (across worker processes in a big build). With a
    cache, files whose text is unchanged are not parsed again. `after` runs on each record
    parsed, in the worker that parsed it.
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
    known = cache.record_hashes() if cache is not None else {}
    tasks: list[Task] = []
    for kind, path in discover(content, root, problems):
        rel = relative_path(path, root)
        tasks.append((kind, str(path), rel, path.stem, frozenset(known.get(rel, ()))))
    batches = [tasks[i : i + BATCH] for i in range(0, len(tasks), BATCH)]
    task = _load_batch if after is None else functools.partial(_load_batch, after=after)
    # Two batches are enough to be worth a worker each (the files are read there too).
    results = [loaded for batch in pmap(task, batches, min_items=2) for loaded in batch]
    slots: list[RawRecord | None] = []
    made: dict[str, object] = {}
    parsing: list[Problem] = []  # reported after every reading problem, as a serial load would
    for (kind, name, rel, slug, _known), (key, record, read, found, extra) in zip(tasks, results, strict=True):
        problems.extend(read)
        if key is None:
            continue
        files[rel] = key
        if record is None and not found and cache is not None:
            record = cache.get_record(rel, key)
            if record is None:  # the store knew the digest but could not give the record back: parse it
                _key, record, _read, found, _made = _load_task((kind, name, rel, slug, frozenset()))
                if record is not None and not found:
                    cache.put_record(key, record)
        elif record is not None and cache is not None and not found:
            cache.put_record(key, record)
        parsing.extend(found)
        made.update(extra)
        slots.append(record)
    problems.extend(parsing)
    if cache is not None:
        cache.prune_records({f"{r.path}\0{files[r.path]}" for r in slots if r is not None})
    records = [r for r in slots if r is not None]
    return LoadResult(portal, records, problems, files, made=made)
