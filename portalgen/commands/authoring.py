"""What `init` and `new` share: they write files that pass `check`, and they refuse rather than overwrite.

Nothing that exists is ever replaced, and a refused command writes nothing at all.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

import yaml

from portalgen.content.fields import MAX_TAGS
from portalgen.content.problems import Problem, UsageError
from portalgen.pipeline import building

MAX_TAG = 60  # characters, as check allows


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


def yaml_flow(value: Any) -> str:
    """A value as the YAML dumper writes it, on one line: `[exports, "data quality"]`."""
    text: str = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000)
    return text.strip().removesuffix("...").strip()


def split_tags(values: Iterable[str] | None) -> list[str]:
    """`--tags a,b --tags c` → [a, b, c]: each one line of text, repeats (in any case) removed."""
    out: list[str] = []
    for value in values or ():
        for part in value.split(","):
            tag = " ".join("".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in part).split())
            if len(tag) > MAX_TAG:
                raise UsageError(f"--tags: '{tag[:30]}…' is longer than {MAX_TAG} characters; tags are short "
                                 "themes, like exports")
            if tag and tag.casefold() not in {t.casefold() for t in out}:
                out.append(tag)
    if len(out) > MAX_TAGS:
        raise UsageError(f"--tags: {len(out)} tags; an item may have at most {MAX_TAGS}")
    return out


def one_line(value: str | None, option: str) -> str | None:
    """An option's text on one line (None when not given); a blank one is a usage error, not a blank key."""
    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"--{option} is empty: leave it out, or give it some text in quotes")
    return clean_text(value, f"--{option}")


def not_after_today(day: date | None) -> date | None:
    """--date as given, unless it is after today: check refuses what is dated in the future."""
    today = building.build_date()
    if day is not None and day > today:
        raise UsageError(f"--date {day.isoformat()} is after today ({today.isoformat()}): a record says what "
                         "happened, so date it on or before today")
    return day
