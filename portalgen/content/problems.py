"""Problems found in content: collected, never raised, so `check` can report them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
        return text


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
