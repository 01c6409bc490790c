"""What every source reader needs from an export's loose values: a status word in portalgen's terms,
a date in any common spelling, a number, a list of tags.

Exports are written by people and by tools that disagree about everything; these functions say
"I cannot read this" (None) rather than guess, so the reader can list the row as unmapped.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from portalgen.content.importing.ideas import Status

# Status words as the tools (and spreadsheets) spell them, squashed to a-z: portalgen's status.
_STATUS_WORDS: dict[str, Status] = {
    **{w: "open" for w in ("open", "new", "reopened", "submitted", "idea", "")},
    **{w: "under-review" for w in ("underreview", "reviewing", "considering", "inreview", "triage", "needstriage")},
    **{w: "planned" for w in ("planned", "accepted", "approved", "roadmap", "scheduled", "yes")},
    **{w: "in-progress" for w in ("inprogress", "started", "doing", "building", "indevelopment", "working")},
    # Not "closed": in a spreadsheet it means done as often as no, so it is noted and read as open.
    **{w: "declined" for w in ("declined", "notplanned", "willnotimplement", "wontfix", "wontdo", "rejected",
                               "no", "refused", "denied")},
    **{w: "deferred" for w in ("deferred", "later", "notnow", "onhold", "postponed", "parked")},
    **{w: "completed" for w in ("completed", "complete", "done", "shipped", "released", "live", "delivered",
                                "fixed", "resolved")},
    **{w: "already-available" for w in ("alreadyexists", "alreadyavailable", "alreadypossible", "exists")},
    **{w: "duplicate" for w in ("duplicate", "duplicated", "merged")},
    **{w: "deleted" for w in ("deleted", "spam", "removed")},
}


def squash(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.casefold())


def status_of(word: str) -> Status | None:
    """A tool's status word ("Will not implement", "In Progress", "won't fix") as portalgen's, or None."""
    return _STATUS_WORDS.get(squash(word))


_FORMATS_DAY_FIRST = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y")
_FORMATS_MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")
_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y",
            "%d-%b-%Y", "%d-%b-%y", "%a, %d %b %Y", "%a %b %d %Y")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+)?(?:Z|[+-]\d\d:?\d\d)?")
_TIME = re.compile(r"[ T]\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:[AP]M)?\s*(?:Z|UTC|GMT|[+-]\d\d:?\d\d)?$", re.I)


def parse_date(text: object, month_first: bool = False) -> date | None:
    """An ISO date or date-time (the day it names, as written), a day-first or (month_first) month-first
    numeric date, a date with a month name, an Excel serial day number, or epoch milliseconds."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        return _number_date(float(text))
    if not isinstance(text, str):
        return None
    value = " ".join(text.split())
    iso = _ISO.fullmatch(value)
    if iso:
        return _make(int(iso[1]), int(iso[2]), int(iso[3]))
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return _number_date(float(value))
    value = _TIME.sub("", value).strip()
    numeric = _FORMATS_MONTH_FIRST + _FORMATS_DAY_FIRST if month_first else _FORMATS_DAY_FIRST + _FORMATS_MONTH_FIRST
    for form in (*numeric, *_FORMATS):
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    return None


def month_first(values: list[str]) -> bool:
    """Whether a column of n/n/yyyy dates is month first: some value's second number is over 12 and
    none's first is. Day first otherwise, as most of the world writes it."""
    pairs = [(int(m[1]), int(m[2])) for v in values if (m := re.match(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d", v))]
    return any(b > 12 for _, b in pairs) and not any(a > 12 for a, _ in pairs)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _number_date(number: float) -> date | None:
    if 20000 <= number <= 80000:  # a spreadsheet's serial day (1954–2119)
        return date(1899, 12, 30) + timedelta(days=int(number))
    if 1e11 <= number <= 1e13:  # epoch milliseconds
        return datetime.fromtimestamp(number / 1000, UTC).date()
    if 1e8 <= number < 1e11:  # epoch seconds
        return datetime.fromtimestamp(number, UTC).date()
    return None


def parse_count(value: object) -> int | None:
    """A whole number of votes: 12, "12", "1,234", 12.0; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        digits = re.sub(r"[\s,_']", "", value)
        if re.fullmatch(r"\d+(\.0+)?", digits):
            return int(float(digits))
    return None


def split_tags(value: object) -> tuple[str, ...]:
    """Tags from a list, or from one cell: "a, b; c | d"."""
    items = value if isinstance(value, list | tuple) else re.split(r"[,;|\n]", value) if isinstance(value, str) else []
    out: list[str] = []
    for item in items:
        text = " ".join(str(item).split()) if isinstance(item, str | int | float) else ""
        if text and text not in out:
            out.append(text)
    return tuple(out)
