"""Finding and reading record files: which files are records, how they are read, what is refused.

Knows the file system, encodings and the editors' temporary files; nothing about YAML or pages.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from portalgen.content.kinds import BY_FOLDER, Kind
from portalgen.content.problems import UNREADABLE, Problems
from portalgen.content.slugs import SLUG_RE, slugify

MAX_FILE_BYTES = 1024 * 1024  # a record is a page of text; anything bigger is a mistake
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
SETTINGS_NAMES = ("portal.yaml", "portal.yml")

# Files editors write beside the real one while saving, never records.
# vim: .x.swp/.swo/.swx, its write test file 4913 (then 5036, ... in steps of 123), x~ backups;
# emacs: #x#, .#x; JetBrains: x___jb_tmp___, x___jb_old___; Chrome/VS Code web: x.crswap;
# generic: .tmp, .bak, .part, .orig; macOS/Windows metadata.
_TEMP_SUFFIXES = (".swp", ".swo", ".swx", ".swpx", "~", ".tmp", ".temp", ".bak", ".part", ".orig",
                  ".crswap", "___jb_tmp___", "___jb_old___", ".kate-swp")
_TEMP_NAMES = {"4913", ".DS_Store", "Thumbs.db", "desktop.ini"}
_DIGITS = re.compile(r"\d+")


def is_ignored(name: str, is_directory: bool = False) -> bool:
    """Hidden files and editor droppings: never a record, and saving them never rebuilds.

    All-digit names are vim's write probes (4913, 5036, ...) only as files: folders named
    2026 are how people organise feedback by year.
    """
    return (name in _TEMP_NAMES or name.startswith((".", "#")) or name.endswith(_TEMP_SUFFIXES)
            or (not is_directory and bool(_DIGITS.fullmatch(name))))


def strip_controls(text: str) -> str:
    """Remove characters that XML forbids and no prose needs (YAML escapes can produce them)."""
    return _CONTROL.sub("", text)


def relative_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def source_reader(root: Path) -> Callable[[str], str | None]:
    """Reads a project file by its path relative to the project, for messages that quote a line."""
    def read(rel: str) -> str | None:
        return read_text(root / rel, rel, Problems())
    return read


def read_text(path: Path | str, rel: str, problems: Problems) -> str | None:
    """Read a file as UTF-8 (BOM allowed), normalising line endings; None on error."""
    return _read(path, rel, problems)[0]


def read_text_digest(path: Path | str, rel: str, problems: Problems) -> tuple[str | None, str | None]:
    """read_text(), and the digest of the bytes read as the up-to-date digest makes it
    (pipeline/inputs.py): the loader remembers which text those bytes held (content/loading.py)."""
    text, raw = _read(path, rel, problems)
    return text, (hashlib.sha256(raw).hexdigest()[:32] if raw is not None else None)


def _read(path: Path | str, rel: str, problems: Problems) -> tuple[str | None, bytes | None]:
    try:
        # O_NONBLOCK: opening a named pipe (or a device) must not wait for a writer; it is
        # then refused below, as it is not a regular file. The size is checked on the open
        # file, and at most one byte past the limit is read, so a growing file is bounded too.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if os.path.islink(path):
            problems.error(rel, None, "symlink points to nothing (it is broken, or loops back on itself)",
                           "remove the link, or copy the file it should point to into content/", code=UNREADABLE)
        else:
            problems.error(rel, None, f"cannot read file: {exc.strerror or exc}", "check its permissions",
                           code=UNREADABLE)
        return None, None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.error(rel, None, "not a regular file (a pipe, socket or device)",
                           "replace it with a plain text file", code=UNREADABLE)
            return None, None
        if info.st_size > MAX_FILE_BYTES:
            problems.error(rel, None, f"file is {info.st_size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} "
                           "KiB limit for one record", "split it or remove pasted data", code=UNREADABLE)
            return None, None
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            problems.error(rel, None, f"file is over the {MAX_FILE_BYTES // 1024} KiB limit for one record",
                           "split it or remove pasted data", code=UNREADABLE)
            return None, None
    except OSError as exc:
        problems.error(rel, None, f"cannot read file: {exc.strerror or exc}", "check its permissions", code=UNREADABLE)
        return None, None
    finally:
        os.close(fd)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(rel, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                       "save the file as UTF-8 in your editor", code=UNREADABLE)
        return None, None
    if "\x00" in text:
        problems.error(rel, None, "file contains NUL bytes; it looks binary", "save it as plain UTF-8 text",
                       code=UNREADABLE)
        return None, None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        # Invalid in XML (the feed) and in HTML; they are never intended in prose.
        line = text[: control.start()].count("\n") + 1
        problems.warn(rel, line, "control characters removed", "delete the invisible characters on that line")
        text = strip_controls(text)
    return text, raw


def _check_name(path: Path, rel: str, kind_folder: str, problems: Problems) -> bool:
    stem = path.stem
    if SLUG_RE.fullmatch(stem):
        return True
    suggestion = slugify(stem) or "a-name"
    problems.error(rel, None, f"file name '{path.name}' is not a valid slug (lowercase a-z, 0-9 and '-', "
                   "starting with a letter or digit, at most 80 characters)",
                   f"rename it to {kind_folder}/{suggestion}{path.suffix}", code=UNREADABLE)
    return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False


def link_problem(path: Path, root: Path, folder: bool = False) -> tuple[str, str] | None:
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


def _folder_list() -> str:
    names = [f"{folder}/" for folder in BY_FOLDER]
    return ", ".join(names[:-1]) + " and " + names[-1]


def discover(content: Path, root: Path, problems: Problems) -> list[tuple[str, Path]]:
    """Every record file under content/, as (kind, path), in a stable order."""
    return [(kind, Path(path)) for kind, path, _rel, _slug in record_files(content, root, problems)]


def record_files(content: Path, root: Path, problems: Problems) -> list[tuple[str, str, str, str]]:
    """Every record file under content/, as (kind, path, path relative to `root`, slug), in a
    stable order: each folder's files by name, then its sub-folders by name. Walked with
    os.scandir and string paths: pathlib cost a load of 10,000 files a second and a half."""
    found: list[tuple[str, str, str, str]] = []
    base = relative_path(content, root)
    for entry in sorted(content.iterdir()):
        kind = _kind_folder(entry, root, problems)
        if kind is not None:
            _scan(str(entry), f"{base}/{entry.name}", entry.name, kind, root, problems, found)
    return found


def _scan(folder: str, rel: str, kind_folder: str, kind: Kind, root: Path, problems: Problems,
          found: list[tuple[str, str, str, str]]) -> None:
    """The record files of one folder, then of its sub-folders, as os.walk (followlinks=False)
    would list them: a link to a folder is never walked into; one that is broken or leads out
    of the project is reported."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return  # a folder that cannot be listed adds nothing (as os.walk did)
    files: list[os.DirEntry[str]] = []
    folders: list[os.DirEntry[str]] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()  # follows links, as os.walk does
        except OSError:
            is_dir = False
        (folders if is_dir else files).append(entry)
    subfolders = []
    for entry in sorted(folders, key=_name):  # links first, as os.walk's caller checked them
        if is_ignored(entry.name, True):
            continue
        if entry.is_symlink():
            link = link_problem(Path(entry.path), root, folder=True)
            if link:
                problems.error(f"{rel}/{entry.name}", None, *link)
            continue  # a link to a folder is not followed (os.walk's followlinks=False)
        subfolders.append(entry)
    for entry in sorted(files, key=_name):
        name = entry.name
        if not is_ignored(name) and _is_record_name(entry, f"{rel}/{name}", kind_folder, kind, root, problems):
            found.append((kind.name, entry.path, f"{rel}/{name}", _stem(name)))
    for entry in subfolders:
        _scan(entry.path, f"{rel}/{entry.name}", kind_folder, kind, root, problems, found)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _stem(name: str) -> str:
    """Path(name).stem, without making a Path."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _suffix(name: str) -> str:
    """Path(name).suffix, without making a Path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _is_record_name(entry: os.DirEntry[str], rel: str, folder_name: str, kind: Kind, root: Path,
                    problems: Problems) -> bool:
    """_is_record_file() for a listed file: its type comes from the listing, without a system call."""
    try:
        is_link = entry.is_symlink()
    except OSError:
        is_link = True  # let link_problem look
    if is_link or _suffix(entry.name) not in kind.suffixes or not SLUG_RE.fullmatch(_stem(entry.name)):
        return _is_record_file(Path(entry.path), folder_name, kind, root, problems)  # says why not
    return True


def _kind_folder(entry: Path, root: Path, problems: Problems) -> Kind | None:
    """The kind whose records a top-level entry of content/ holds; None (reported if worth it) otherwise."""
    if is_ignored(entry.name, entry.is_dir()) or entry.name in SETTINGS_NAMES:
        return None
    if entry.name not in BY_FOLDER:
        problems.warn(relative_path(entry, root), None, f"'{entry.name}' is not part of the content model; ignored",
                      "record folders are " + _folder_list())
        return None
    link = link_problem(entry, root, folder=True)
    if link:
        problems.error(relative_path(entry, root), None, *link)
        return None
    if not entry.is_dir():
        problems.error(relative_path(entry, root), None, f"'{entry.name}' must be a folder", "make it a folder")
        return None
    return BY_FOLDER[entry.name]


def classify(path: Path, root: Path, problems: Problems) -> str | None:
    """The kind of record one file under content/ holds, as a full discovery would judge it; None
    (with any problem recorded) for a file that is not a record."""
    parts = path.relative_to(root / "content").parts
    kind = BY_FOLDER.get(parts[0])
    if kind is None or any(is_ignored(part, True) for part in parts[1:-1]) or is_ignored(parts[-1]):
        return None
    if not _is_record_file(path, parts[0], kind, root, problems):
        return None
    return kind.name


def _is_record_file(path: Path, folder_name: str, kind: Kind, root: Path, problems: Problems) -> bool:
    rel = relative_path(path, root)
    link = link_problem(path, root)
    if link:
        problems.error(rel, None, *link, code=UNREADABLE)
        return False
    allowed = sorted(kind.suffixes)
    if path.suffix not in allowed:
        problems.warn(rel, None, f"'{path.name}' is not a record file ({' or '.join(allowed)}); ignored",
                      f"rename it to end in {allowed[0]} or move it out of content/")
        return False
    return _check_name(path, rel, folder_name, problems)
