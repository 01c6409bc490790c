"""Fider's CSV export of posts (Site settings → Export), read into the neutral form.

Columns, one row per post: `number, title, description, created_at, created_by, votes_count,
comments_count, status, responded_by, responded_at, response, original_number, original_title,
tags` (older versions write `total_votes` and `total_comments`, and statuses capitalised). Fider
names the author only (no e-mail, no company), so each author is one person keyed by that name.

Statuses: open, planned, started (in progress), completed, declined, duplicate (of
`original_number`) and deleted (read as deleted: the writer skips it and reports it). The staff
response is the reasoning and `responded_at` its date; `responded_by` is staff, not a customer,
and is not read.
"""

from __future__ import annotations

from pathlib import Path

from portalgen.content.importing import cells
from portalgen.content.importing.ideas import Idea, Person, Reading, Status

SOURCE = "fider"
EXPECTED = "Fider's CSV export of posts (columns number, title, description, status, …)"
REQUIRED = ("number", "title", "status")

STATUSES: dict[str, Status] = {
    "open": "open",
    "planned": "planned",
    "started": "in-progress",
    "completed": "completed",
    "declined": "declined",
    "duplicate": "duplicate",
    "deleted": "deleted",
}


def read(path: Path) -> Reading:
    """Every post of a Fider export; rows without a number or a title are unmapped."""
    reading = Reading()
    table = cells.read_table(path, EXPECTED, REQUIRED, reading.unmapped)
    seen: dict[str, str] = {}  # number → where it was first read
    for row in table.rows:
        idea = _idea(row, reading.unmapped)
        if idea is None:
            continue
        if idea.id in seen:
            reading.unmapped.append((row.where, f"post #{idea.id} again (first in {seen[idea.id]}): left out"))
            continue
        seen[idea.id] = row.where
        reading.ideas.append(idea)
    return reading


def _idea(row: cells.Row, notes: cells.Notes) -> Idea | None:
    raw_number = row.get("number")
    if not raw_number:
        notes.append((row.where, "no number: a Fider post always has one"))
        return None
    try:
        number = str(cells.to_int(raw_number))
    except (ValueError, OverflowError):
        notes.append((row.where, f"number {cells.shown(raw_number)} is not a post number"))
        return None
    where = f"post #{number}"
    title = cells.one_line(row.get("title"))
    if not title:
        notes.append((f"{where} ({row.where})", "no title"))
        return None
    status, duplicate_of = _status(row, number, where, notes)
    author = cells.one_line(row.get("createdby"))
    return Idea(
        source=SOURCE,
        id=number,
        title=title,
        body=row.get("description"),
        created=cells.date_cell(row.get("createdat"), where, "created_at", notes),
        author=Person(key=author, name=author) if author else None,
        tags=cells.split_list(row.get("tags")),
        votes=cells.int_cell(row.get("votescount", "totalvotes"), where, "votes_count", notes),
        status=status,
        response=row.get("response"),
        responded=cells.date_cell(row.get("respondedat"), where, "responded_at", notes),
        duplicate_of=duplicate_of,
        where=where,
    )


def _status(row: cells.Row, number: str, where: str, notes: cells.Notes) -> tuple[Status, str]:
    """The post's status, and the number of its original when it is a duplicate."""
    written = cells.one_line(row.get("status"))
    status = STATUSES.get(written.casefold()) if written else "open"
    if status is None:
        notes.append((where, f"status {cells.shown(written)} read as open"))
        return "open", ""
    if status != "duplicate":
        return status, ""
    original = row.get("originalnumber")
    try:
        duplicate_of = str(cells.to_int(original)) if original else ""
    except (ValueError, OverflowError):
        duplicate_of = ""
    if not duplicate_of or duplicate_of == number:
        notes.append((where, f"duplicate of {cells.shown(original) if original else 'no post'}: read as open"))
        return "open", ""
    return "duplicate", duplicate_of
