"""Problems found in content: collected, never raised, so `check` can report them all at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

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


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

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

    def error(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, message, hint, Severity.ERROR))

    def warn(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, message, hint, Severity.WARNING))

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.path, p.line or 0, p.message))


class ContentError(Exception):
    """Raised by the public API when content has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len([p for p in problems if p.severity is Severity.ERROR])} error(s)")


class UsageError(Exception):
    """Bad invocation: missing project, unsafe output folder and the like (exit code 2)."""
