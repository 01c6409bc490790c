"""Markdown to sanitised HTML. Authors are trusted to write, never to run code in a reader's browser.

Markdown is parsed by cmark-gfm (GitHub's C implementation of CommonMark, the one that shows
authors a preview of the very same text in their pull requests). It runs in linear time on
any input, which a pure-Python parser does not: Python-Markdown, used before, took minutes on
a 50 KB body of unclosed tags or brackets, so one pasted or hostile record could stall every
build. Raw HTML passes through cmark untouched and is then cleaned by nh3, an allow-list
sanitiser: nh3 is the one place that decides what reaches a reader.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import TYPE_CHECKING

import nh3
from cmarkgfm import cmark

from .loading import text_key
from .model import Records
from .parallel import pmap

if TYPE_CHECKING:
    from .caching import BuildCache

# GitHub's extensions minus tagfilter and tasklist: nh3 removes script/style/iframe and form
# controls outright, rather than showing their source as text.
EXTENSIONS = ("table", "strikethrough", "autolink")
_OPTIONS = cmark.Options.CMARK_OPT_UNSAFE  # keep raw HTML and every URL for nh3 to judge

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "b", "i", "code", "pre", "kbd", "del", "ins", "sub", "sup",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"},
                      "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Version of the Markdown pipeline; part of the build cache key.
PIPELINE_VERSION = (f"2:cmark-gfm {version('cmarkgfm')}:{','.join(EXTENSIONS)}:"
                    f"nh3 {getattr(nh3, '__version__', '')}")

_HEADING = re.compile(r"<(/?)h([1-6])\b")


def sanitise(html: str) -> str:
    """The allow-list: only the tags, attributes and URL schemes above survive."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def to_html(text: str) -> str:
    """CommonMark + GitHub tables, strikethrough and autolinks; raw HTML kept (not yet safe)."""
    # Lone surrogates cannot be encoded for the C parser; the loaders strip them, but be sure.
    text = text.encode("utf-8", "replace").decode("utf-8")
    try:
        return cmark.markdown_to_html_with_extensions(text, options=_OPTIONS, extensions=list(EXTENSIONS))
    except ValueError:  # cmark could not build a document: show the text, escaped, rather than fail
        return "<pre>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</pre>"


class Renderer:
    """Markdown text -> sanitised HTML with headings shifted below the page's own h1 and h2."""

    def __init__(self, heading_shift: int = 2):
        self._shift = heading_shift

    def __call__(self, text: str) -> str:
        if not text.strip():
            return ""
        clean = sanitise(to_html(text))
        # Bodies sit under the page's h1 and a section h2, so their headings start at h3.
        return _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + self._shift)}", clean)


_WORKER_RENDERER: list[Renderer] = []


def _render_in_worker(text: str) -> str:
    # One Renderer per worker process, made on first use.
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
    # HTML from the cache folder is cleaned again: the folder sits in the project, where a pull
    # request could plant one, and nothing from a file may reach a page unsanitised.
    return {f: (rendered.get(keys[f]) or sanitise(known.get(keys[f], ""))) if texts[f].strip() else ""
            for f in texts}
