"""Authors' headings fitted under the page's own: levels by rank, never skipping one.

A body's headings sit below a heading of the page (a section's h2 on a decision's page, a
card's h4 on why-not/). Authors write `#####` for a small heading and `#` then `###` when they
like the look, so their levels are read as an outline only: the first heading, and every one
as high as the highest above it, gets the fragment's top level, and each deeper heading is at
most one below the heading it follows. Sanitised fragments are kept with their top level at
`TOP` (under a section's h2); a template places them under another level with `place_under`.
"""

from __future__ import annotations

import re

TOP = 3  # where a fragment's headings start as rendered, cached and published in portal.json
_HEADING = re.compile(r"<(/?)h([1-6])\b")  # text never holds a raw "<": sanitised HTML escapes it


def outline(html: str, top: int = TOP) -> str:
    """Headings renumbered by rank from `top`, each at most one level below the one before."""
    if "<h" not in html:
        return html
    open_levels: list[tuple[int, int]] = []  # (author's level, new level) of the headings above
    current = top

    def renumber(match: re.Match[str]) -> str:
        nonlocal current
        if match[1]:
            return f"</h{current}"
        level = int(match[2])
        while open_levels and open_levels[-1][0] >= level:
            open_levels.pop()
        current = min(6, open_levels[-1][1] + 1 if open_levels else top)
        open_levels.append((level, current))
        return f"<h{current}"

    return _HEADING.sub(renumber, html)


def place_under(html: str, level: int) -> str:
    """A fragment (headings from TOP, as `outline` leaves them) for a place under an h`level`."""
    shift = level + 1 - TOP
    if not shift or "<h" not in html:
        return html
    return _HEADING.sub(lambda m: f"<{m[1]}h{max(1, min(6, int(m[2]) + shift))}", html)
