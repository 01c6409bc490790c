"""What the dev server adds to the site's HTML pages, and the pages it answers with when site/ has none.

Every HTML response gets the reload script; after a failed rebuild it also gets an overlay listing
the problems. Both are added on the way out: the files on disk never contain them.
"""

from __future__ import annotations

import html

from portalgen.content.problems import Problem, Severity
from portalgen.dev.state import Snapshot

OVERLAY_LIMIT = 50


def overlay_html(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """The error overlay: markup only; its stylesheet is /__portalgen/overlay.css."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is not Severity.ERROR]
    count = len(errors) or len(problems)
    title = f"The site could not be rebuilt: {count} {'problem' if count == 1 else 'problems'}"
    items = []
    for problem in [*errors, *warnings][:OVERLAY_LIMIT]:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        css = "" if problem.severity is Severity.ERROR else ' class="portalgen-warning"'
        label = "" if problem.severity is Severity.ERROR else "warning: "
        fix = (f'<span class="portalgen-fix">fix: {html.escape(problem.hint)}</span>'
               if problem.hint else "")
        items.append(f"<li{css}><code>{html.escape(where)}</code>: {label}"
                     f"{html.escape(problem.message)}{fix}</li>")
    more = len(problems) - OVERLAY_LIMIT
    if more > 0:
        items.append(f"<li>… and {more} more: run <code>portalgen check</code> for the full list</li>")
    return (
        '<link rel="stylesheet" href="/__portalgen/overlay.css">'
        '<aside id="portalgen-overlay" class="portalgen-overlay" role="alert" '
        'aria-labelledby="portalgen-overlay-title"><div class="portalgen-overlay-box">'
        f'<h2 id="portalgen-overlay-title">{title}</h2>'
        "<p>You are looking at the last good version of the site. Fix the files below and save: "
        "this page reloads by itself.</p>"
        f"<ul>{''.join(items)}</ul>"
        '<button type="button" data-portalgen-dismiss>Hide</button></div></aside>'
    )


def inject(page: bytes, snap: Snapshot) -> bytes:
    """Add the reload script (and the overlay when the last build failed) before </body>."""
    snippet = ""
    if not snap.ok:
        snippet += overlay_html(snap.problems)
    snippet += f'<script src="/__portalgen/reload.js" data-build="{html.escape(snap.build)}" defer></script>'
    data = snippet.encode("utf-8")
    at = page.lower().rfind(b"</body>")
    if at == -1:
        return page + data
    return page[:at] + data + page[at:]


PLACEHOLDER = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title>No site yet</title></head>
<body><h1>The site has not been built yet</h1>
<p>portalgen could not build the site. Fix the problems listed and save: this page reloads by itself.</p>
</body></html>
"""

FALLBACK_404 = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><h1>Page not found</h1><p><a href="/">Home</a></p></body></html>
"""
