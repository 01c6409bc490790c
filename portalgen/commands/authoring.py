"""What `init` and `new` share: they write files that pass `check`, and they refuse rather than overwrite.

Nothing that exists is ever replaced, and a refused command writes nothing at all.
"""

from __future__ import annotations

import json
import unicodedata

from portalgen.content.problems import Problem, UsageError


class Refused(Exception):
    """The command would overwrite, clash or dangle; carries every reason, nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def clean_text(text: str, what: str) -> str:
    """One line of printable text: control and format characters removed, spaces collapsed."""
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    clean = " ".join(kept.split())
    if not clean:
        raise UsageError(f"{what} is empty: give the record a short title in quotes, "
                         'e.g. "Dark mode for dashboards"')
    return clean
