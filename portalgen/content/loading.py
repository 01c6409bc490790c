"""Read content/ into raw records: YAML data with key lines, Markdown body, source position.

Knows files, encodings, front matter and YAML; knows nothing about pages or references.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portalgen.content.problems import Problems
from portalgen.content.slugs import SLUG_RE, slugify
from portalgen.content.yamlread import read_yaml
from portalgen.pipeline.parallel import pmap

if TYPE_CHECKING:
    from portalgen.pipeline.cache import BuildCache


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


KIND_FOLDERS = {"customers": "customer", "feedback": "feedback", "decisions": "decision",
                "changes": "change"}
MAX_FILE_BYTES = 1024 * 1024  # a record is a page of text; anything bigger is a mistake
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass
class RawRecord:
    kind: str
    slug: str
    path: str  # relative to the project root, for messages
    data: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1


@dataclass
class LoadResult:
    portal: RawRecord | None
    records: list[RawRecord]
    problems: Problems
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text, for lint


def strip_controls(text: str) -> str:
    """Remove characters that XML forbids and no prose needs (YAML escapes can produce them)."""
    return _CONTROL.sub("", text)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _is_ignored(name: str) -> bool:
    # Editor droppings and hidden files: vim swap, emacs backups, macOS metadata.
    return (name.startswith(".") or name.startswith("#") or name.endswith("~")
            or name.endswith((".swp", ".swx", ".tmp", ".bak")))


def read_text(path: Path, rel: str, problems: Problems) -> str | None:
    """Read a file as UTF-8 (BOM allowed), normalising line endings; None on error."""
    try:
        # O_NONBLOCK: opening a named pipe (or a device) must not wait for a writer; it is
        # then refused below, as it is not a regular file. The size is checked on the open
        # file, and at most one byte past the limit is read, so a growing file is bounded too.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if path.is_symlink():
            problems.error(rel, None, "symlink points to nothing (it is broken, or loops back on itself)",
                           "remove the link, or copy the file it should point to into content/")
        else:
            problems.error(rel, None, f"cannot read file: {exc.strerror or exc}", "check its permissions")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.error(rel, None, "not a regular file (a pipe, socket or device)",
                           "replace it with a plain text file")
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.error(rel, None, f"file is {info.st_size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} "
                           "KiB limit for one record", "split it or remove pasted data")
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            problems.error(rel, None, f"file is over the {MAX_FILE_BYTES // 1024} KiB limit for one record",
                           "split it or remove pasted data")
            return None
    except OSError as exc:
        problems.error(rel, None, f"cannot read file: {exc.strerror or exc}", "check its permissions")
        return None
    finally:
        os.close(fd)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(rel, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                       "save the file as UTF-8 in your editor")
        return None
    if "\x00" in text:
        problems.error(rel, None, "file contains NUL bytes; it looks binary", "save it as plain UTF-8 text")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        # Invalid in XML (the feed) and in HTML; they are never intended in prose.
        line = text[: _CONTROL.search(text).start()].count("\n") + 1
        problems.warn(rel, line, "control characters removed", "delete the invisible characters on that line")
        text = strip_controls(text)
    return text


def split_front_matter(text: str, rel: str, problems: Problems) -> tuple[str, int, str, int] | None:
    """Return (yaml, yaml_first_line_offset, body, body_line) or None with a problem recorded."""
    if not text.startswith("---") or text[3:4] not in ("\n", " ", "\t", ""):
        problems.error(rel, 1, "missing front matter: the file must start with a '---' line",
                       "add '---', the YAML keys, then '---' before the Markdown body")
        return None
    first_nl = text.find("\n")
    if first_nl == -1 or text[3:first_nl].strip():
        problems.error(rel, 1, "the first line must be exactly '---'", "put the YAML keys on the next lines")
        return None
    end = _FRONT_MATTER_END.search(text, first_nl + 1)
    if not end:
        problems.error(rel, 1, "front matter is not closed", "add a line with '---' after the YAML keys")
        return None
    yaml_text = text[first_nl + 1 : end.start()]
    body_start = text.find("\n", end.end())
    body = "" if body_start == -1 else text[body_start + 1 :]
    body_line = text[: end.end()].count("\n") + 2
    return yaml_text, 1, body, body_line


def _parse_mapping(yaml_text: str, offset: int, rel: str, problems: Problems):
    result = read_yaml(yaml_text, offset)
    for line, message, hint in result.errors:
        problems.error(rel, line, message, hint)
    if result.errors:
        return None, {}
    data = result.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(rel, offset + 1, f"expected 'key: value' lines, found a YAML {type(data).__name__}",
                       "write the front matter as a mapping of keys to values")
        return None, {}
    bad = [k for k in data if not isinstance(k, str)]
    for key in bad:
        problems.error(rel, None, f"key {key!r} is not text", "keys are names like 'title' or 'date'")
    if bad:
        return None, {}
    return data, result.key_lines


def parse_record(kind: str, rel: str, slug: str, text: str) -> tuple[RawRecord | None, list]:
    """Front matter and body of one file's text. Pure, so it can run in a worker process."""
    problems = Problems()
    if rel.endswith((".yaml", ".yml")):
        data, key_lines = _parse_mapping(text, 0, rel, problems)
        body, body_line = "", 1
    else:
        parts = split_front_matter(text, rel, problems)
        if parts is None:
            return None, problems.items
        yaml_text, offset, body, body_line = parts
        data, key_lines = _parse_mapping(yaml_text, offset, rel, problems)
    if data is None:
        return None, problems.items
    return RawRecord(kind, slug, rel, data, key_lines, body, body_line), problems.items


def _parse_task(task: tuple[str, str, str, str]) -> tuple[RawRecord | None, list]:
    return parse_record(*task)


def load_file(path: Path, root: Path, kind: str, problems: Problems,
              files: dict[str, str] | None = None) -> RawRecord | None:
    rel = _rel(path, root)
    text = read_text(path, rel, problems)
    if text is None:
        return None
    if files is not None:
        files[rel] = text
    record, found = parse_record(kind, rel, path.stem, text)
    problems.extend(found)
    return record


def _check_name(path: Path, rel: str, kind_folder: str, problems: Problems) -> bool:
    stem = path.stem
    if SLUG_RE.fullmatch(stem):
        return True
    suggestion = slugify(stem) or "a-name"
    problems.error(rel, None, f"file name '{path.name}' is not a valid slug (lowercase a-z, 0-9 and '-', "
                   "starting with a letter or digit, at most 80 characters)",
                   f"rename it to {kind_folder}/{suggestion}{path.suffix}")
    return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


def _link_problem(path: Path, root: Path, folder: bool = False) -> tuple[str, str] | None:
    """(message, hint) for a symlink that must not be followed, None for anything else."""
    if not path.is_symlink():
        return None
    try:
        path.resolve(strict=True)
    except (OSError, RuntimeError):
        return ("symlink points to nothing (it is broken, or loops back on itself)",
                "remove the link, or copy the file it should point to into content/")
    if not _inside(path, root):
        return ("symlink points outside the project",
                "copy the files into content/ instead of linking them" if folder
                else "copy the file into content/ instead of linking it")
    return None


def discover(content: Path, root: Path, problems: Problems) -> list[tuple[str, Path]]:
    """Every record file under content/, as (kind, path), in a stable order."""
    found: list[tuple[str, Path]] = []
    for entry in sorted(content.iterdir()):
        if _is_ignored(entry.name) or entry.name in ("portal.yaml", "portal.yml"):
            continue
        if entry.name not in KIND_FOLDERS:
            problems.warn(_rel(entry, root), None, f"'{entry.name}' is not part of the content model; ignored",
                          "record folders are customers/, feedback/, decisions/ and changes/")
            continue
        link = _link_problem(entry, root, folder=True)
        if link:
            problems.error(_rel(entry, root), None, *link)
            continue
        if not entry.is_dir():
            problems.error(_rel(entry, root), None, f"'{entry.name}' must be a folder", "make it a folder")
            continue
        kind = KIND_FOLDERS[entry.name]
        for dirpath, dirnames, filenames in os.walk(entry, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not _is_ignored(d))
            here = Path(dirpath)
            for d in list(dirnames):
                sub = here / d
                link = _link_problem(sub, root, folder=True)
                if link:
                    problems.error(_rel(sub, root), None, *link)
                    dirnames.remove(d)
            for name in sorted(filenames):
                if _is_ignored(name):
                    continue
                path = here / name
                rel = _rel(path, root)
                link = _link_problem(path, root)
                if link:
                    problems.error(rel, None, *link)
                    continue
                allowed = (".md", ".yaml", ".yml") if kind == "customer" else (".md",)
                if path.suffix not in allowed:
                    problems.warn(rel, None, f"'{name}' is not a record file ({' or '.join(allowed)}); ignored",
                                  f"rename it to end in {allowed[0]} or move it out of content/")
                    continue
                if _check_name(path, rel, entry.name, problems):
                    found.append((kind, path))
    return found


def load(root: Path, cache: BuildCache | None = None, jobs: int = 1) -> LoadResult:
    """Load every file of a portal project. Problems are collected, never raised.

    With a cache, files whose text is unchanged are not parsed again; the rest are parsed
    across `jobs` processes.
    """
    problems = Problems()
    files: dict[str, str] = {}
    content = root / "content"
    portal_path = content / "portal.yaml"
    if not portal_path.exists() and (content / "portal.yml").exists():
        portal_path = content / "portal.yml"
    portal = None
    link = _link_problem(portal_path, root)
    if link:
        problems.error(_rel(portal_path, root), None, *link)
    elif portal_path.is_file():
        portal = load_file(portal_path, root, "portal", problems, files)
    else:
        problems.error("content/portal.yaml", None, "portal.yaml is missing",
                       "create content/portal.yaml with at least 'title: Your portal name'")
    slots: list[RawRecord | None] = []
    pending: list[tuple[int, str, tuple[str, str, str, str]]] = []
    for kind, path in discover(content, root, problems):
        rel = _rel(path, root)
        text = read_text(path, rel, problems)
        if text is None:
            continue
        files[rel] = text
        key = text_key(text)
        cached = cache.get_record(rel, key) if cache is not None else None
        if cached is None:
            pending.append((len(slots), key, (kind, rel, path.stem, text)))
        slots.append(cached)
    results = pmap(_parse_task, [task for _, _, task in pending], jobs)
    for (index, key, _), (record, found) in zip(pending, results, strict=True):
        problems.extend(found)
        slots[index] = record
        if record is not None and cache is not None and not found:
            cache.put_record(key, record)
    if cache is not None:
        cache.prune_records({f"{r.path}\0{text_key(files[r.path])}" for r in slots if r is not None})
    records = [r for r in slots if r is not None]
    return LoadResult(portal, records, problems, files)
