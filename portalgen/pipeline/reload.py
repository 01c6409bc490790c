"""Re-reading only the files an edit touched, instead of every file of the project.

The dev server's watcher names the paths that changed. When each of them is (or was) a file in
one of the record folders, the last load is patched: those files' records and problems are taken
out, the files that still exist are read and parsed again, and the records are put back in the
order a full discovery gives. Anything else (a folder moved, portal.yaml, a new top-level entry)
is loaded from scratch.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from portalgen.content.files import classify, read_text, relative_path
from portalgen.content.frontmatter import RawRecord, parse_record
from portalgen.content.kinds import BY_FOLDER
from portalgen.content.loading import LoadResult, RecordStore, text_key
from portalgen.content.problems import Problems


def _content_parts(root: Path, path: str) -> tuple[str, ...] | None:
    try:
        return Path(path).absolute().relative_to(root / "content").parts
    except ValueError:
        return None


def can_patch(root: Path, changed: Collection[str]) -> bool:
    """Whether every change is a file inside a record folder (or outside content/ altogether)."""
    for path in changed:
        parts = _content_parts(root, path)
        if parts is None:
            continue  # templates/ and the like: nothing to reload
        if len(parts) < 2 or parts[0] not in BY_FOLDER or Path(path).is_dir():
            return False
        if not Path(path).exists() and not Path(path).suffix:
            return False  # gone, and maybe a folder full of records
        folder = root / "content"
        for part in parts[:-1]:  # a folder linked out of the project is refused by discovery, whole
            folder = folder / part
            if folder.is_symlink():
                return False
    return True


def order(record: RawRecord) -> tuple[str, tuple[str, ...], str]:
    """Where a full discovery meets the file: folder by name, then each folder's files before its sub-folders'."""
    parts = record.path.split("/")[1:]  # a project-relative POSIX path, without "content"
    return parts[0], tuple(parts[1:-1]), parts[-1]


def patch(loaded: LoadResult, root: Path, changed: Collection[str], store: RecordStore | None = None) -> LoadResult:
    """The load as it would be now, given that only `changed` paths differ. Records parsed here are
    put in `store`.

    A file that had a record and still has one keeps its place: the list is not sorted again (an
    edit costs what it changed), and the result says which places changed (`LoadResult.since`).
    A record added or removed puts the records back in the order a full discovery gives."""
    rels = {relative_path(Path(p).absolute(), root) for p in changed if _content_parts(root, p) is not None}
    if not rels:
        return loaded
    problems = Problems([p for p in loaded.problems.items if p.path not in rels])
    files = {rel: text for rel, text in loaded.files.items() if rel not in rels}
    parsed: dict[str, RawRecord] = {}
    for rel in sorted(rels):
        path = root / rel
        if not path.exists() and not path.is_symlink():
            continue
        kind = classify(path, root, problems)
        if kind is None:
            continue
        text = read_text(path, rel, problems)
        if text is None:
            continue
        files[rel] = key = text_key(text)
        record, found = parse_record(kind, rel, path.stem, text)
        problems.extend(found)
        if record is not None:
            parsed[rel] = record
            if store is not None and not found:
                store.put_record(key, record)
    places = {rel: loaded.position(rel) for rel in rels}
    if all((places[rel] is None) == (rel not in parsed) for rel in rels):
        records = list(loaded.records)
        moved = []
        for rel, record in parsed.items():
            place = places[rel]
            assert place is not None
            records[place] = record
            moved.append(place)
        return LoadResult(loaded.portal, records, problems, files, since=(loaded.token, tuple(sorted(moved))),
                          _positions=loaded.positions())
    records = [r for r in loaded.records if r.path not in rels] + list(parsed.values())
    records.sort(key=order)
    return LoadResult(loaded.portal, records, problems, files)
