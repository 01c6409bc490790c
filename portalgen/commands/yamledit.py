"""Careful edits of a record file's YAML keys, line by line, for `portalgen rename`.

A rename changes a few slugs in other people's files. Loading the YAML and dumping it again would
drop their comments, reorder their keys and requote their text, so the edit is made on the lines
of the keys it concerns, and everything else stays byte for byte. Each edit is then proved by
reading the file again: the keys must hold exactly what was meant, and every other key what it
held before. A file that does not read back that way is left alone and named, never half-edited.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import yaml

from portalgen.commands.authoring import yaml_text
from portalgen.content.yamlread import read_yaml

_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t]|$)")
_COMMENT = re.compile(r"(?:^|[ \t])#")
ALIASES = "aliases"


@dataclass(frozen=True)
class Split:
    """A record file's text around its YAML: head + yaml + tail is the file, byte for byte."""

    head: str
    yaml: str
    tail: str

    @property
    def text(self) -> str:
        return self.head + self.yaml + self.tail


def split(text: str, yaml_file: bool) -> Split | None:
    """The YAML of a record file: all of a .yaml customer, the front matter of a .md record."""
    if yaml_file:
        return Split("", text, "")
    first = text.find("\n")
    if not text.startswith("---") or first == -1 or text[3:first].strip():
        return None
    end = _END.search(text, first + 1)
    return Split(text[: first + 1], text[first + 1 : end.start()], text[end.start() :]) if end else None


def plain(slug: str) -> str:
    """A slug as YAML must be written to read back as that text: '2025', 'true' and 'null' are quoted."""
    return slug if yaml.safe_load(slug) == slug else yaml_text(slug)


def _code_and_comment(line: str) -> tuple[str, str]:
    found = _COMMENT.search(line)
    return (line, "") if found is None else (line[: found.start()], line[found.start() :])


def _regions(lines: list[str]) -> list[tuple[str, int, int]]:
    """(key, first line, end line) of each top-level key: its line and the indented or `-` lines
    after it; blank lines and comments after its last value belong to nobody."""
    starts: list[tuple[str | None, int]] = []
    for number, line in enumerate(lines):
        if line.strip() and line[0] not in " \t-#":  # not a continuation, a comment or a blank line
            match = _TOP_KEY.match(line)
            starts.append((match.group(1) if match else None, number))
    found: list[tuple[str, int, int]] = []
    for index, (key, start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        if key is not None:
            found.append((key, start, end))
    return found


def replace_slug(text: str, keys: Collection[str], old: str, new: str) -> tuple[str, int]:
    """`old` replaced by `new` wherever it is a whole value under one of the top-level `keys`,
    outside comments. Returns the YAML and how many values changed."""
    lines = text.splitlines(keepends=True)
    token = re.compile(rf"(?<![A-Za-z0-9_.-])(['\"]?){re.escape(old)}\1(?![A-Za-z0-9_.-])")
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        quote = match.group(1)
        return f"{quote}{new}{quote}" if quote else plain(new)

    for key, start, end in _regions(lines):
        if key not in keys:
            continue
        for number in range(start, end):
            line = lines[number]
            body = line.rstrip("\r\n")
            code, comment = _code_and_comment(body)
            cut = code.index(":") + 1 if number == start else 0
            lines[number] = code[:cut] + token.sub(swap, code[cut:]) + comment + line[len(body):]
    return "".join(lines), count


def set_aliases(text: str, aliases: list[str]) -> str:
    """The `aliases:` key set to this list, written as a flow list on one line (a comment on its
    line is kept); appended after the last key when the record had none."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if text.endswith("\r\n") or (lines and lines[0].endswith("\r\n")) else "\n"
    value = f"{ALIASES}: [" + ", ".join(plain(a) for a in aliases) + "]"
    for key, start, end in _regions(lines):
        if key == ALIASES:
            _, comment = _code_and_comment(lines[start].rstrip("\r\n"))
            lines[start:end] = [value + (" " + comment.lstrip() if comment else "") + newline]
            return "".join(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    return "".join(lines) + value + newline


def _swapped(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, list):
        return [_swapped(v, old, new) for v in value]
    return value


def readable(text: str) -> bool:
    """Whether the YAML reads as a mapping: only then can an edit of it be proved."""
    found = read_yaml(text.replace("\r\n", "\n"))
    return not found.errors and isinstance(found.data, (dict, type(None)))


def read_back(before: str, after: str, keys: Collection[str], old: str, new: str,
              aliases: list[str] | None) -> bool:
    """Whether `after` reads as `before` with `old` → `new` under `keys` (and `aliases:` set to
    `aliases`, when given), and nothing else changed."""
    was, now = read_yaml(before.replace("\r\n", "\n")), read_yaml(after.replace("\r\n", "\n"))
    if was.errors or now.errors:
        return False
    expected = copy.deepcopy(was.data if isinstance(was.data, dict) else {})
    for key in keys:
        if key in expected:
            expected[key] = _swapped(expected[key], old, new)
    if aliases is not None:
        expected[ALIASES] = aliases
    return isinstance(now.data, dict) and now.data == expected
