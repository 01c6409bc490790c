"""Markdown to sanitised HTML. Authors are trusted to write, never to run code in a reader's browser."""

from __future__ import annotations

import re

import markdown
import nh3

from .model import Records

EXTENSIONS = ["fenced_code", "tables", "sane_lists"]

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "b", "i", "code", "pre", "kbd", "del", "ins", "sub", "sup",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"},
                      "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Version of the Markdown pipeline; part of the build cache key.
PIPELINE_VERSION = f"1:{markdown.__version__}:{nh3.__version__ if hasattr(nh3, '__version__') else ''}"

_HEADING = re.compile(r"<(/?)h([1-6])\b")


class Renderer:
    """One Markdown instance, reset between documents (building one per document is slow)."""

    def __init__(self, heading_shift: int = 2):
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        self._shift = heading_shift

    def __call__(self, text: str) -> str:
        if not text.strip():
            return ""
        self._md.reset()
        html = self._md.convert(text)
        clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                          link_rel="noopener noreferrer nofollow", strip_comments=True)
        # Bodies sit under the page's h1 and a section h2, so their headings start at h3.
        return _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + self._shift)}", clean)


def render_records(records: Records, render: Renderer | None = None) -> dict[tuple[str, str, str], str]:
    """Sanitised HTML for every Markdown field of every record."""
    render = render or Renderer()
    out: dict[tuple[str, str, str], str] = {}
    for slug, fb in records.feedback.items():
        out["feedback", slug, "body"] = render(fb.body)
    for slug, d in records.decisions.items():
        out["decision", slug, "body"] = render(d.body)
        out["decision", slug, "workaround"] = render(d.workaround)
    for slug, c in records.changes.items():
        out["change", slug, "body"] = render(c.body)
    for slug, cu in records.customers.items():
        if cu.named:  # an anonymous customer's text is never rendered for publication
            out["customer", slug, "body"] = render(cu.body)
    return out
