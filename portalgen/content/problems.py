"""Problems found in content: collected, never raised, so `check` can report them all at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from portalgen.content.slugs import SLUG_RE, slugify

# What a terminal acts on instead of showing: C0 and C1 controls (ESC starts colour, cursor and title
# sequences; U+009B is a one-character CSI), DEL, line and paragraph separators, and the marks that
# reorder text (bidirectional overrides and isolates). A file name or a YAML key can hold any of them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: every control character spelled out, as Python writes it."""
    return _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], text)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# What some problems are, for those who treat them apart (`Problem.code`; most problems have none).
UNREADABLE = "unreadable"  # a record file that could not be read or parsed: it comes first, as the cause
PLACEHOLDER = "placeholder"  # text left for the author to write: `new` writes these on purpose


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f" — fix: {self.hint}"
        return printable(text)


@dataclass
class Problems:
    """An append-only list of problems with helpers for the two severities."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int | None, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Problem(path, line, message, hint, Severity.ERROR, code))

    def warn(self, path: str, line: int | None, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Problem(path, line, message, hint, Severity.WARNING, code))

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        """By file and line, a file that could not be read first: what it breaks elsewhere follows from it."""
        return sorted(set(self.items), key=lambda p: (p.code != UNREADABLE, p.path, p.line or 0, p.message))

    def claimed(self) -> set[tuple[str, str]]:
        """(folder, slug) of every record file that could not be read: it still holds its slug."""
        return {claim for p in self.items if p.code == UNREADABLE and (claim := _claim(p.path)) is not None}


def _claim(path: str) -> tuple[str, str] | None:
    """The record folder and slug a file under content/ holds, from its path alone ('content/feedback/x.md').

    A file whose name is not a valid slug holds the slug its rename hint suggests."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "content":
        return None
    stem = parts[-1].rsplit(".", 1)[0] if "." in parts[-1] else parts[-1]
    slug = stem if SLUG_RE.fullmatch(stem) else slugify(stem)
    return parts[1], slug


class ContentError(Exception):
    """Raised by the public API when content has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len([p for p in problems if p.severity is Severity.ERROR])} error(s)")


class UsageError(Exception):
    """Bad invocation: missing project, unsafe output folder and the like (exit code 2)."""
