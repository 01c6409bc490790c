"""Any spreadsheet saved as CSV, read with a map from portalgen's fields to its column headers:
`--map title=Summary,date=Created,from=Company,tags=Theme,status=State,body=Details,id=Key`.

Headers are matched ignoring case, spaces and a byte-order mark; `,`, `;`, tab and `|` delimiters are
recognised. Without a map, columns named like a field (or a usual synonym: Summary, Created,
Company, Description …) are used. A row that cannot become an idea is listed as "row N: why",
N being the spreadsheet's row number (the header is row 1).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from pathlib import Path

from portalgen.content.importing.ideas import Idea, Person, Reading
from portalgen.content.importing.values import month_first, parse_count, parse_date, split_tags, status_of
from portalgen.content.problems import UsageError

FIELDS = {
    "title": "a short summary (required)",
    "date": "when it was said (required)",
    "id": "a key that stays the same in every export: makes re-imports update, not duplicate",
    "body": "the longer text",
    "from": "the organisation (customer) who said it",
    "author": "the person who said it",
    "email": "the person's e-mail (private)",
    "segment": "the customer's segment",
    "tags": "themes, separated by , ; or |",
    "status": "open, planned, in progress, declined, deferred, completed, duplicate …",
    "response": "the answer: the reasoning of the decision",
    "responded": "when the answer was given",
    "votes": "a number of votes",
    "version": "the release it shipped in",
    "duplicate_of": "the id of the original, for duplicates",
    "url": "where the row came from (private)",
}
_GUESSES = {
    "title": ("title", "summary", "subject", "idea", "name", "feature", "request"),
    "date": ("date", "created", "created at", "created on", "submitted", "date created", "timestamp"),
    "id": ("id", "key", "number", "ref", "reference", "ticket"),
    "body": ("body", "description", "details", "detail", "text", "content", "notes"),
    "from": ("from", "company", "customer", "organisation", "organization", "account", "client"),
    "author": ("author", "requester", "requested by", "submitted by", "created by", "reporter"),
    "email": ("email", "e-mail", "email address"),
    "tags": ("tags", "tag", "theme", "themes", "labels", "category", "area"),
    "status": ("status", "state", "stage"),
    "response": ("response", "reply", "answer", "reason", "resolution"),
    "votes": ("votes", "vote count", "upvotes", "score"),
    "version": ("version", "release", "milestone"),
    "segment": ("segment", "industry", "sector", "market"),
}


_CELL_LIMIT = 64 * 1024 * 1024


def parse_map(text: str | None) -> dict[str, str]:
    """`title=Summary,date=Created` → {"title": "Summary", "date": "Created"} (UsageError when wrong)."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        field, sep, header = part.partition("=")
        field = field.strip().casefold().replace("-", "_")
        if not sep or not header.strip():
            raise UsageError(f"--map: '{part.strip()}' is not FIELD=Header, e.g. --map title=Summary,date=Created")
        if field not in FIELDS:
            raise UsageError(f"--map: '{field}' is not a field portalgen imports; use one of: " + ", ".join(FIELDS))
        mapping[field] = header.strip()
    return mapping


def _norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").replace("_", " ").split()).casefold()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = _decode(path.read_bytes()).replace("\x00", "")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    sample = text[:16384]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(max(csv.field_size_limit(), _CELL_LIMIT))  # a cell may hold a pasted document
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not header:
                if any(cell.strip() for cell in row):
                    header = row
                continue
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise UsageError(f"{path.name}: cannot read it as CSV after line {reader.line_num}: {exc}") from exc
    if not header:
        raise UsageError(f"{path} is empty: expected a header row, then one row per idea")
    return header, rows


def _columns(header: list[str], mapping: Mapping[str, str], path: Path) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(_norm(name), position)
    columns: dict[str, int] = {}
    for field, name in mapping.items():
        if _norm(name) not in index:
            raise UsageError(f"--map {field}={name}: {path.name} has no column '{name}'; its columns are: "
                             + ", ".join(repr(h.strip()) for h in header))
        columns[field] = index[_norm(name)]
    for field, guesses in _GUESSES.items():
        if field not in columns:
            found = next((index[g] for g in guesses if g in index and index[g] not in columns.values()), None)
            if found is not None:
                columns[field] = found
    for needed in ("title", "date"):
        if needed not in columns:
            raise UsageError(f"{path.name}: which column holds the {needed}? Say it with --map {needed}=Header; "
                             "its columns are: " + ", ".join(repr(h.strip()) for h in header))
    return columns


def read(path: Path, mapping: Mapping[str, str] | None = None) -> Reading:
    header, rows = _rows(path)
    columns = _columns(header, mapping or {}, path)

    def cell(row: list[str], field: str) -> str:
        position = columns.get(field)
        return row[position].strip() if position is not None and position < len(row) else ""

    dates_month_first = month_first([cell(row, f) for _, row in rows for f in ("date", "responded")])
    reading = Reading()
    for line, row in rows:
        where = f"row {line}"
        title = cell(row, "title")
        if not title:
            reading.unmapped.append((where, f"no title in column '{header[columns['title']].strip()}'"))
            continue
        created = parse_date(cell(row, "date"), dates_month_first)
        if created is None:
            shown = cell(row, "date")
            reading.unmapped.append((where, f"'{shown}' is not a date I can read" if shown else "no date"))
            continue
        word = cell(row, "status")
        status = status_of(word)
        if status is None:
            reading.unmapped.append((where, f"status '{word}' is not one I know; imported as open"))
            status = "open"
        votes_text = cell(row, "votes")
        votes = parse_count(votes_text) if votes_text else None
        if votes_text and votes is None:
            reading.unmapped.append((where, f"votes '{votes_text}' is not a whole number; left out"))
        author = _person(cell(row, "from"), cell(row, "author"), cell(row, "email"), cell(row, "segment"))
        key = cell(row, "id") or "t-" + hashlib.sha256(f"{title}\n{created}".encode()).hexdigest()[:12]
        reading.ideas.append(Idea(
            source="csv", id=key, title=title, body=cell(row, "body"), created=created, author=author,
            tags=split_tags(cell(row, "tags")), votes=votes, status=status, response=cell(row, "response"),
            responded=parse_date(cell(row, "responded"), dates_month_first), duplicate_of=cell(row, "duplicate_of"),
            version=cell(row, "version"), url=cell(row, "url"), where=where))
    return reading


def _person(organisation: str, name: str, email: str, segment: str) -> Person | None:
    key = email.casefold() or name.casefold() or organisation.casefold()
    if not key:
        return None
    return Person(key=key, name=name, organisation=organisation, email=email, segment=segment)
