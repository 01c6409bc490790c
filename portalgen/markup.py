"""Markdown to sanitised HTML. Authors are trusted to write, never to run code in a reader's browser."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import markdown
import nh3

from .loading import text_key
from .model import Records
from .parallel import pmap

if TYPE_CHECKING:
    from .caching import BuildCache

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


_WORKER_RENDERER: list[Renderer] = []


def _render_in_worker(text: str) -> str:
    # One Renderer per worker process, made on first use (a Markdown instance cannot be pickled).
    if not _WORKER_RENDERER:
        _WORKER_RENDERER.append(Renderer())
    return _WORKER_RENDERER[0](text)


def markdown_fields(records: Records) -> dict[tuple[str, str, str], str]:
    """Every Markdown text that a build may publish, by (kind, slug, field)."""
    out: dict[tuple[str, str, str], str] = {}
    for slug, fb in records.feedback.items():
        out["feedback", slug, "body"] = fb.body
    for slug, d in records.decisions.items():
        out["decision", slug, "body"] = d.body
        out["decision", slug, "workaround"] = d.workaround
    for slug, c in records.changes.items():
        out["change", slug, "body"] = c.body
    for slug, cu in records.customers.items():
        if cu.named:  # an anonymous customer's text is never rendered for publication
            out["customer", slug, "body"] = cu.body
    return out


def render_records(records: Records, cache: BuildCache | None = None,
                   jobs: int = 1) -> dict[tuple[str, str, str], str]:
    """Sanitised HTML for every Markdown field of every record; unchanged texts come from the cache."""
    texts = markdown_fields(records)
    keys = {field: text_key(text) for field, text in texts.items()}
    known = cache.html if cache is not None else {}
    missing = sorted({keys[f]: t for f, t in texts.items() if keys[f] not in known and t.strip()}.items())
    rendered = dict(zip([k for k, _ in missing], pmap(_render_in_worker, [t for _, t in missing], jobs),
                        strict=True))
    if cache is not None:
        for key, html in rendered.items():
            cache.put_html(key, html)
        cache.prune_html(set(keys.values()))
    return {f: (rendered.get(keys[f]) or known.get(keys[f], "")) if texts[f].strip() else ""
            for f in texts}
