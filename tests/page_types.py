"""The page types of the example portal, for browser tests that look at one page of each kind.

A type is a fixed page, or a pattern: then the richest page (the largest file) that matches it, so
a test sees the page with the most on it.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGE_TYPES: dict[str, str] = {
    "home": "index.html",
    "feedback-list": "feedback/index.html",
    "status": "feedback/status/shipped/index.html",
    "feedback": r"feedback/(?!status/|page/)[^/]+/index\.html",
    "decision-list": "decisions/index.html",
    "decision": r"decisions/(?!page/)[^/]+/index\.html",
    "why-not": "why-not/index.html",
    "change-list": "changes/index.html",
    "change": r"changes/(?!page/)[^/]+/index\.html",
    "roadmap": "roadmap/index.html",
    "customer-list": "customers/index.html",
    "customer": r"customers/[^/]+/index\.html",
    "tag-list": "tags/index.html",
    "tag": r"tags/[^/]+/index\.html",
    "quarters": "quarters/index.html",
    "quarter": r"quarters/[^/]+/index\.html",
    "stats": "stats/index.html",
    "404": "404.html",
}


def pick(site: Path, pattern: str) -> str:
    """The site-relative path of the page a type names in a built site."""
    if (site / pattern).is_file():
        return pattern
    matches = [p for p in site.rglob("index.html") if re.fullmatch(pattern, p.relative_to(site).as_posix())]
    assert matches, f"no page matches {pattern}"
    return max(matches, key=lambda p: (p.stat().st_size, p.as_posix())).relative_to(site).as_posix()


def pages(site: Path) -> dict[str, str]:
    """Every page type's page in a built site."""
    return {kind: pick(site, pattern) for kind, pattern in PAGE_TYPES.items()}
