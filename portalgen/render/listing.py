"""`portalgen list` (portalgen.model.listing) as a table for a terminal or as JSON for scripts.

Internal: it names anonymous customers, so it is printed for the team and never written into site/.
"""

from __future__ import annotations

import json
from typing import Any

from portalgen.content.problems import printable
from portalgen.model.listing import Row

FORMATS = ("table", "json")
_COLUMNS = ("KIND", "SLUG", "DATE", "STATUS", "FLAGS", "TAGS", "TITLE")


def as_dict(row: Row) -> dict[str, Any]:
    """One row with the keys scripts rely on: kind, slug, title, date (YYYY-MM-DD or null), status,
    tags, draft, private, path. Keys are only ever added, never renamed."""
    return {"kind": row.kind, "slug": row.slug, "title": row.title,
            "date": row.date.isoformat() if row.date else None, "status": row.status, "tags": list(row.tags),
            "draft": row.draft, "private": row.private, "path": row.path}


def _cells(row: Row) -> tuple[str, ...]:
    flags = ",".join(flag for flag, on in (("draft", row.draft), ("private", row.private)) if on)
    return (row.kind, row.slug, row.date.isoformat() if row.date else "-", row.status, flags or "-",
            ",".join(row.tags) or "-", row.title)


def table(rows: list[Row]) -> str:
    """Aligned columns, the title last so a long one only makes its own line long."""
    if not rows:
        return ""
    cells = [_COLUMNS, *(tuple(printable(c) for c in _cells(r)) for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_COLUMNS) - 1)]
    return "".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)) + "  " + line[-1] + "\n"
                   for line in cells)


def render(rows: list[Row], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps([as_dict(r) for r in rows], ensure_ascii=False, indent=2) + "\n"
    return table(rows)
