"""The derived status of a feedback item and how the default theme words it."""

from __future__ import annotations

from dataclasses import dataclass


def N_(text: str) -> str:
    """Marks a string for the catalogs (pybabel extract) without translating it: the model is in
    English, and the theme and render/ say it in the portal's language (`_(status.label)`)."""
    return text


@dataclass(frozen=True)
class Status:
    key: str
    label: str  # short badge text
    headline: str  # the portal's sentence for it
    symbol: str  # shown beside the colour, so colour is never the only signal
    after_badge: str = ""  # what the headline adds right after the badge, when it starts with the label


STATUSES: dict[str, Status] = {s.key: s for s in (
    Status("heard", N_("Heard"), N_("We heard you — decision pending"), "○"),
    Status("under-review", N_("Considering"), N_("Considering"), "◔"),
    Status("planned", N_("Planned"), N_("Yes — planned"), "◑"),
    Status("in-progress", N_("Being built"), N_("Yes — being built"), "◕"),
    Status("shipped", N_("Shipped"), N_("Shipped"), "●"),
    Status("already-available", N_("Already possible"), N_("Already possible"), "✓"),
    Status("deferred", N_("Not now"), N_("Not now"), "⏸"),
    Status("declined", N_("No"), N_("No — here's why"), "✕", N_("— here's why")),
)}

# The order lists and filters use: open questions first, then answers.
ORDER = tuple(STATUSES)
