"""Reading the cells of an export file, whatever tool wrote it: the small parsers the source readers
(fider, canny, uservoice) share.

Exports come from spreadsheets and web apps as much as from the tools themselves, so these are
tolerant: a byte-order mark, CRLF, `;` or tab as the separator, header names in any case and
spacing, numbers written as text, ISO 8601 timestamps with or without a time and zone. What they
cannot read they say, and the reader turns that into an unmapped note; only a file that is not the
expected export at all is a `UsageError`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from portalgen.content.problems import UsageError

Notes = list[tuple[str, str]]  # Reading.unmapped: (where, why)

# Control characters have no place in a title or a body and would end up in YAML and HTML: all C0
# but tab and line feed, DEL, C1, and lone surrogates (JSON's "\ud800" decodes to one, and no UTF-8
# encoder will write it back).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACE = re.compile(r"\s+")
# An Excel workbook or any zip: read as text it would only give a confusing "no column" message.
_ZIP = b"PK\x03\x04"
# A cell may hold a whole document (a pasted log, a 1 MB description); csv's default limit is 128 kB.
_FIELD_LIMIT = 64 * 1024 * 1024
# Ids as the tools write them: numbers, hex, UUIDs. Never a path, a space or markup.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
# Before this, a date is a tool's placeholder for "none" (Go's zero time is year 1), not a real one.
_FIRST_YEAR = 1970


def header(name: str) -> str:
    """A column name as the readers look it up: `Created At`, `created_at` and `createdAt` are one."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def clean(text: str) -> str:
    """Text without control characters, with `\\n` line breaks, trimmed."""
    return _CONTROLS.sub("", _NEWLINES.sub("\n", text)).strip()


def one_line(text: str) -> str:
    """Clean text on one line: a title or a name never holds a line break or a run of spaces."""
    return _SPACE.sub(" ", clean(text)).strip()


def token(value: str) -> str:
    """An id as tools write them (a number, a hex or UUID string), or nothing: an id may end up in a
    record's source key or a file name, so it holds ASCII letters, digits and `_.:-` only."""
    flat = one_line(value)
    return flat if _TOKEN.fullmatch(flat) else ""


def email_key(email: str) -> str:
    """A person's key from their e-mail address without the address in it: the address belongs in
    `Person.email` only, and a key may be written where an address may not."""
    return "email-" + hashlib.sha256(one_line(email).casefold().encode("utf-8")).hexdigest()[:16]


def text(value: object) -> str:
    """A JSON value as clean text: strings and numbers; nothing for null, objects and lists."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return clean(str(value))
    return ""


def shown(value: str, limit: int = 40) -> str:
    """A value quoted for a note, short and on one line."""
    flat = one_line(value)
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def to_datetime(value: str) -> datetime:
    """An ISO 8601 date or timestamp (`2024-03-05`, `2024-03-05T10:00:00.000Z`, `2024-03-05 10:00:00
    UTC`, `2024/03/05`), or Unix seconds or milliseconds. Raises ValueError for anything else."""
    value = one_line(value)
    if re.fullmatch(r"\d{9,13}(\.\d+)?", value):  # Unix time; milliseconds when it has 13 digits
        seconds = float(value) / (1000 if len(value.split(".")[0]) == 13 else 1)
        moment = datetime.fromtimestamp(seconds, UTC)
    else:
        value = re.sub(r"\s*(UTC|GMT)$", "Z", value, flags=re.IGNORECASE)
        value = re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", lambda m: f"{m[1]}-{int(m[2]):02}-{int(m[3]):02}", value)
        moment = datetime.fromisoformat(value)
    if moment.year < _FIRST_YEAR:
        raise ValueError(f"year {moment.year}")
    return moment


def to_date(value: str) -> date:
    """The day of an ISO 8601 date or timestamp, as written: the day its author saw in the tool,
    not the day in UTC (they differ by a day at most, which `check` allows for)."""
    return to_datetime(value).date()


def moment(value: str) -> datetime:
    """A timestamp that compares with any other: one without a zone is taken as UTC."""
    found = to_datetime(value)
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def to_int(value: str) -> int:
    """A count written as text: `12`, ` 12 `, `1,234`, `12.0`. Raises ValueError for anything else."""
    flat = one_line(value).replace(",", "").replace("_", "").replace(" ", "")
    number = float(flat)
    if not number.is_integer() or number < 0:
        raise ValueError(flat)
    return int(number)


def to_float(value: object) -> float | None:
    """A number from JSON or text (`1200`, `"1,200.50"`), or None when there is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(one_line(text(value)).replace(",", ""))
    except ValueError:
        return None


def date_cell(value: str, where: str, what: str, notes: Notes) -> date | None:
    """The date in a cell, None when it is empty; a note when it is not a date."""
    if not one_line(value):
        return None
    try:
        return to_date(value)
    except (ValueError, OverflowError, OSError):
        notes.append((where, f"{what} {shown(value)} is not a date: left empty"))
        return None


def int_cell(value: str, where: str, what: str, notes: Notes) -> int | None:
    """The count in a cell, None when it is empty; a note when it is not a count."""
    if not one_line(value):
        return None
    try:
        return to_int(value)
    except (ValueError, OverflowError):
        notes.append((where, f"{what} {shown(value)} is not a number: left empty"))
        return None


def split_list(value: str) -> tuple[str, ...]:
    """Labels or tags in one cell: a JSON array, or separated by commas, semicolons or line breaks.
    Each on one line, empty ones left out, each once, in the order written."""
    items: list[str] = []
    flat = value.strip()
    if flat.startswith("["):
        try:
            parsed = json.loads(flat)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            items = [text(item) for item in parsed]
    if not items:
        items = re.split(r"[,;\n]", clean(value))
    return unique(one_line(item) for item in items)


def unique(items: Iterator[str] | list[str]) -> tuple[str, ...]:
    """Non-empty items, each once (case-insensitively), first spelling kept, in order."""
    seen: set[str] = set()
    kept: list[str] = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return tuple(kept)


def read_text(path: Path, expected: str, notes: Notes) -> str:
    """A file's text. UTF-8 (with or without a byte-order mark); a file that is not is read as
    Windows-1252, which is what Excel writes elsewhere, with a note. Raises UsageError when there
    is no such file or it is not text."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder: expected {expected}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file: expected {expected}") from None
    except OSError as exc:
        raise UsageError(f"{path} cannot be read ({exc.strerror or exc}): expected {expected}") from None
    if data.startswith(_ZIP):
        raise UsageError(f"{path} is a zip file or a workbook, not text: expected {expected} "
                         "(in a spreadsheet, save it as CSV UTF-8)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append((path.name, "not UTF-8: read as Windows-1252"))
        return data.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class Row:
    """One data row of a table: its cells by `header()` name, and where it is for messages."""

    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: dict[str, str]

    @property
    def where(self) -> str:
        return f"row {self.number}"

    def get(self, *names: str) -> str:
        """The first non-empty cell among these columns (names as `header()` gives them), cleaned."""
        for name in names:
            value = clean(self.cells.get(name, ""))
            if value:
                return value
        return ""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]  # header() names, in file order
    rows: list[Row]

    def has(self, *names: str) -> bool:
        return any(name in self.columns for name in names)


def read_table(path: Path, expected: str, required: tuple[str, ...], notes: Notes) -> Table:
    """A CSV file's rows. Raises UsageError unless its header has every `required` column
    (`header()` names): then it is not the export the reader expects."""
    content = read_text(path, expected, notes)
    first = content.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    rows = iter(_records(content, delimiter, notes))
    head = next(rows, None)
    if head is None or not any(cell.strip() for cell in head[1]):
        raise UsageError(f"{path} is empty: expected {expected}")
    columns = tuple(header(cell) for cell in head[1])
    missing = [name for name in required if name not in columns]
    if missing:
        found = ", ".join(shown(cell, 30) for cell in head[1][:12]) + (", …" if len(head[1]) > 12 else "")
        raise UsageError(f"{path} is not {expected}: it has no column {', '.join(missing)} (its columns: {found})")
    table = []
    for number, record in rows:
        if not any(cell.strip() for cell in record):
            continue
        cells: dict[str, str] = {}
        for name, cell in zip(columns, record, strict=False):
            if name and not cells.get(name):  # a repeated column: the first one that holds something
                cells[name] = cell
        table.append(Row(number, cells))
    return Table(columns, table)


def _records(content: str, delimiter: str, notes: Notes) -> list[tuple[int, list[str]]]:
    """(row number, cells) of each CSV record; a record csv cannot parse ends the reading, noted."""
    records: list[tuple[int, list[str]]] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(_FIELD_LIMIT)
    try:
        # newline="": line breaks inside a quoted cell are the cell's, and only CR and LF end a line.
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        while True:
            try:
                records.append((len(records) + 1, next(reader)))
            except StopIteration:
                break
            except csv.Error as exc:
                notes.append((f"row {len(records) + 1}", f"the CSV cannot be read from here on ({exc})"))
                break
    finally:
        csv.field_size_limit(limit)
    return records
