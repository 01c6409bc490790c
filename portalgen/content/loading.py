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

from portalgen.content.files import (
    SETTINGS_NAMES,
    link_problem,
    read_text,
    read_text_digest,
    record_files,
    relative_path,
)
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


class TextMemo(Protocol):
    """Which text each content file held when last read, trusted while its stat is unchanged
    (pipeline/cache.py, with the stat memo of pipeline/stamps.py)."""

    def unchanged_text(self, rel: str, path: str) -> str | None:
        """The text_key of the file, when its stat says it is as it was when read; else None."""
        ...

    def remember_text(self, rel: str, digest: str, text_hash: str) -> None:
        """That the file, read without a problem, held bytes of `digest` and a text of `text_hash`."""
        ...


# Work on a record just parsed, done in the same worker process while its text is at hand (the
# pipeline renders the Markdown of its texts there, model/markdown.py: speculate). Keyed results
# are gathered into LoadResult.made.
After = Callable[["RawRecord"], dict[str, object]]

# A record's own check, made in the worker that parsed it (content/validating.py: early_checks):
# given the portal settings' raw record (read before the workers start), the digest of the
# settings the checks are made under and the check of one record, which gives what the
# validation can take instead of checking it (None: nothing, the validation checks it).
Check = Callable[["RawRecord"], object]
Checks = Callable[["RawRecord | None"], tuple[str, Check]]


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
    # What the checks (`checks`) made of the records parsed, by "path\0text_key", and the digest
    # of the portal settings they were made under: validating.Memo.stored's form.
    checked: tuple[str, dict[str, object]] = field(default=("", {}), repr=False, compare=False)
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
# parsing, what `after` made, digest of the file's bytes (pipeline/inputs.py) when read without a
# problem, what the record's check gave (None: none made))
Loaded = tuple[str | None, RawRecord | None, list[Problem], list[Problem], dict[str, object], str | None, object]


# Files per task. A worker parses a whole batch, then renders its Markdown (`after`): alternating
# the YAML parser and Python-Markdown file by file cost a sixth more CPU than doing each in a row
# (measured at 10,000 items: 17.5 s against 14.6 s), as each evicts the other from the CPU's caches.
BATCH = 256


def _load_batch(tasks: list[Task], after: After | None = None, check: Check | None = None) -> list[Loaded]:
    loaded = [_load_task(task) for task in tasks]
    if after is not None:
        for _key, record, _read, found, made, _digest, _checked in loaded:
            if record is not None and not found:
                made.update(after(record))
    if check is not None:  # after the Markdown, as the YAML parser and Python-Markdown each run in a row
        loaded = [(*each[:6], check(each[1])) if each[1] is not None and not each[3] else each for each in loaded]
    return loaded


def _load_task(task: Task) -> Loaded:
    """Read, digest and parse one file, in a worker process: reading 10,000 files is a third of
    the work, and the parent would do it alone. A file whose text the store has a record for is
    not parsed (the parent takes the record from the store)."""
    kind, path, rel, slug, known = task
    reading = Problems()
    text, digest = read_text_digest(path, rel, reading)
    if text is None:
        return None, None, reading.items, [], {}, None, None
    key = text_key(text)
    digest = None if reading.items else digest  # a warning reading it (control characters) is said every time
    if key in known:
        return key, None, reading.items, [], {}, digest, None
    record, found = parse_record(kind, rel, slug, text)
    return key, record, reading.items, found, {}, digest, None


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
         after: After | None = None, texts: TextMemo | None = None, checks: Checks | None = None) -> LoadResult:
    """Load every file of a portal project. Problems are collected, never raised.

    Files are read and parsed with `pmap` (across worker processes in a big build). With a
    cache, files whose text is unchanged are not parsed again. `after` runs on each record
    parsed, in the worker that parsed it. With `texts`, a file whose stat says it holds the text
    it held when last read without a problem is not read at all: its record comes from `cache`
    (its problems were none, and a file with problems is never taken so). With `checks`, each
    record parsed is checked where it was parsed too (LoadResult.checked).
    """
    problems = Problems()
    files: dict[str, str] = {}
    portal = _load_portal(root, problems, files)
    known = cache.record_hashes() if cache is not None else {}
    found_files = record_files(root / "content", root, problems)
    unread = _unread(found_files, cache, texts) if texts is not None and cache is not None else {}
    tasks: list[Task] = [(kind, path, rel, slug, frozenset(known.get(rel, ())))
                         for n, (kind, path, rel, slug) in enumerate(found_files) if n not in unread]
    batches = [tasks[i : i + BATCH] for i in range(0, len(tasks), BATCH)]
    checked_under, check = checks(portal) if checks is not None else ("", None)
    task = _load_batch if after is None and check is None else functools.partial(_load_batch, after=after,
                                                                                  check=check)
    # Two batches are enough to be worth a worker each (the files are read there too).
    results = iter([loaded for batch in pmap(task, batches, min_items=2) for loaded in batch])
    slots: list[RawRecord | None] = []
    made: dict[str, object] = {}
    checked: dict[str, object] = {}
    parsing: list[Problem] = []  # reported after every reading problem, as a serial load would
    for n, (kind, name, rel, slug) in enumerate(found_files):
        if n in unread:
            files[rel], kept = unread[n]
            slots.append(kept)
            continue
        key, record, read, found, extra, digest, check_made = next(results)
        problems.extend(read)
        if key is None:
            continue
        files[rel] = key
        if record is None and not found and cache is not None:
            record, found = _stored(cache, (kind, name, rel, slug, frozenset()), key)
        elif record is not None and cache is not None and not found:
            cache.put_record(key, record)
        if texts is not None and digest is not None and record is not None and not found:
            texts.remember_text(rel, digest, key)
        parsing.extend(found)
        made.update(extra)
        if check_made is not None:
            checked[f"{rel}\0{key}"] = check_made
        slots.append(record)
    problems.extend(parsing)
    if cache is not None:
        cache.prune_records({f"{r.path}\0{files[r.path]}" for r in slots if r is not None})
    records = [r for r in slots if r is not None]
    return LoadResult(portal, records, problems, files, made=made, checked=(checked_under, checked))


def _load_portal(root: Path, problems: Problems, files: dict[str, str]) -> RawRecord | None:
    content = root / "content"
    portal_path = content / SETTINGS_NAMES[0]
    if not portal_path.exists() and (content / SETTINGS_NAMES[1]).exists():
        portal_path = content / SETTINGS_NAMES[1]
    link = link_problem(portal_path, root)
    if link:
        problems.error(relative_path(portal_path, root), None, *link)
    elif portal_path.is_file():
        return load_file(portal_path, root, "portal", problems, files)
    else:
        problems.error("content/portal.yaml", None, "portal.yaml is missing",
                       "create content/portal.yaml with at least 'title: Your portal name'")
    return None


def _unread(found_files: list[tuple[str, str, str, str]], cache: RecordStore,
            texts: TextMemo) -> dict[int, tuple[str, RawRecord]]:
    """The files known without reading them, as (text_key, record) by their place in `found_files`."""
    unread: dict[int, tuple[str, RawRecord]] = {}
    for n, (_kind, path, rel, _slug) in enumerate(found_files):
        key = texts.unchanged_text(rel, path)
        record = cache.get_record(rel, key) if key is not None else None
        if key is not None and record is not None:
            unread[n] = (key, record)
    return unread


def _stored(cache: RecordStore, task: Task, key: str) -> tuple[RawRecord | None, list[Problem]]:
    """The record the store has for a file read, or (when it cannot give it back) the file parsed."""
    record = cache.get_record(task[2], key)
    if record is not None:
        return record, []
    _key, record, _read, found, _made, _digest, _checked = _load_task(task)
    if record is not None and not found:
        cache.put_record(key, record)
    return record, found
