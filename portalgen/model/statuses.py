"""The derived status of a feedback item and how the default theme words it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    key: str
    label: str  # short badge text
    headline: str  # the portal's sentence for it
    symbol: str  # shown beside the colour, so colour is never the only signal


STATUSES: dict[str, Status] = {s.key: s for s in (
    Status("heard", "Heard", "We heard you — decision pending", "○"),
    Status("under-review", "Considering", "Considering", "◔"),
    Status("planned", "Planned", "Yes — planned", "◑"),
    Status("in-progress", "Being built", "Yes — being built", "◕"),
    Status("shipped", "Shipped", "Shipped", "●"),
    Status("already-available", "Already possible", "Already possible", "✓"),
    Status("deferred", "Not now", "Not now", "⏸"),
    Status("declined", "No", "No — here's why", "✕"),
)}

# The order lists and filters use: open questions first, then answers.
ORDER = tuple(STATUSES)
