"""Front matter: split a record file into YAML keys and a Markdown body, and read the keys.

Pure functions of a file's text, so they can run in a worker process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from portalgen.content.placeholders import Mark, marks
from portalgen.content.problems import UNREADABLE, Problem, Problems
from portalgen.content.yamlread import YamlResult, read_yaml

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
    marks: tuple[Mark, ...] = ()  # each placeholder left to fill in
    numbers: dict[str, str] = field(default_factory=dict)  # unquoted numbers as written (yamlread.py)


def split_front_matter(text: str, rel: str, problems: Problems) -> tuple[str, int, str, int] | None:
    """Return (yaml, yaml_first_line_offset, body, body_line) or None with a problem recorded."""
    if not text.startswith("---") or text[3:4] not in ("\n", " ", "\t", ""):
        problems.error(rel, 1, "missing front matter: the file must start with a '---' line",
                       "add '---', the YAML keys, then '---' before the Markdown body", code=UNREADABLE)
        return None
    first_nl = text.find("\n")
    if first_nl == -1 or text[3:first_nl].strip():
        problems.error(rel, 1, "the first line must be exactly '---'", "put the YAML keys on the next lines",
                       code=UNREADABLE)
        return None
    end = _FRONT_MATTER_END.search(text, first_nl + 1)
    if not end:
        problems.error(rel, 1, "front matter is not closed", "add a line with '---' after the YAML keys",
                       code=UNREADABLE)
        return None
    yaml_text = text[first_nl + 1 : end.start()]
    body_start = text.find("\n", end.end())
    body = "" if body_start == -1 else text[body_start + 1 :]
    body_line = text[: end.end()].count("\n") + 2
    return yaml_text, 1, body, body_line


def _parse_mapping(yaml_text: str, offset: int, rel: str, problems: Problems) -> YamlResult | None:
    result = read_yaml(yaml_text, offset)
    for line, message, hint in result.errors:
        problems.error(rel, line, message, hint, code=UNREADABLE)
    if result.errors:
        return None
    if result.data is None:
        result.data = {}
    data = result.data
    if not isinstance(data, dict):
        problems.error(rel, offset + 1, f"expected 'key: value' lines, found a YAML {type(data).__name__}",
                       "write the front matter as a mapping of keys to values", code=UNREADABLE)
        return None
    bad = [k for k in data if not isinstance(k, str)]
    for key in bad:
        problems.error(rel, None, f"key {key!r} is not text", "keys are names like 'title' or 'date'",
                       code=UNREADABLE)
    if bad:
        return None
    return result


def parse_record(kind: str, rel: str, slug: str, text: str) -> tuple[RawRecord | None, list[Problem]]:
    """Front matter and body of one file's text. Pure, so it can run in a worker process."""
    problems = Problems()
    if rel.endswith((".yaml", ".yml")):
        parsed = _parse_mapping(text, 0, rel, problems)
        body, body_line = "", 1
    else:
        parts = split_front_matter(text, rel, problems)
        if parts is None:
            return None, problems.items
        yaml_text, offset, body, body_line = parts
        parsed = _parse_mapping(yaml_text, offset, rel, problems)
    if parsed is None:
        return None, problems.items
    return RawRecord(kind, slug, rel, parsed.data, parsed.key_lines, body, body_line, marks(text),
                     parsed.numbers), problems.items


