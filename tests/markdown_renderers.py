"""The Markdown renderers other tools use, and what the HTML they make of portalgen's Markdown may hold.

The changelog export and the Markdown digest are rendered by tools we do not control. The judges:
Python-Markdown as it comes (no fenced code: a ``` fence is text to it), Python-Markdown with the
extensions sites usually turn on, and a CommonMark renderer (markdown-it-py, GitHub's flavour of
Markdown is CommonMark's superset). Their HTML is parsed by html5lib, like a browser would.

Imported by tests/render/test_markdown_safe.py and tests/suites/hostile/test_markdown_exports.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import html5lib
import markdown
import pytest

try:
    from markdown_it import MarkdownIt
except ImportError:  # the `test` extra installs it; without it the CommonMark cases skip, saying so
    MarkdownIt = None

Renderer = Callable[[str], str]

RENDERERS: dict[str, Renderer | None] = {
    "python-markdown": markdown.markdown,
    "python-markdown+extensions": lambda text: markdown.markdown(text, extensions=["fenced_code", "tables"]),
    "commonmark": MarkdownIt("commonmark").render if MarkdownIt else None,
}


def renderer_params() -> list[object]:
    """pytest parameters, one per renderer; a missing one is a visible skip, never a silent pass."""
    return [pytest.param(name, marks=pytest.mark.skip(reason="markdown-it-py is not installed (pip install "
                                                            "-e '.[test]')") if render is None else (),
                         id=name)
            for name, render in RENDERERS.items()]


def render(name: str, text: str) -> ET.Element:
    """The Markdown rendered by one renderer, parsed like a browser does: the <body> element."""
    to_html = RENDERERS[name]
    assert to_html is not None
    root = html5lib.parse(to_html(text), treebuilder="etree", namespaceHTMLElements=False)
    body = root.find("body")
    assert body is not None
    return body


# What Markdown itself makes: anything else in the HTML came from raw HTML in the Markdown.
MARKDOWN_TAGS = {"body", "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "hr", "br",
                 "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
MARKDOWN_ATTRIBUTES = {"href", "title", "start", "align", "style"}  # style: text-align of table cells
SAFE_SCHEMES = ("http", "https", "mailto")
# A URL's scheme as a browser finds it, after dropping leading C0 controls and spaces, and tabs and
# line breaks anywhere; without one the URL is relative.
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def live_html(body: ET.Element) -> list[str]:
    """Every element, attribute and link in rendered Markdown that Markdown syntax cannot make."""
    found = []
    for el in body.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag and tag not in MARKDOWN_TAGS:
            found.append(f"<{tag}> element")
        for name, value in el.attrib.items():
            if tag == "code" and name == "class" and re.fullmatch(r"language-\S+", value):
                continue  # a fence's info string, to extensions that read fences
            if name.lower().startswith("on") or name not in MARKDOWN_ATTRIBUTES:
                found.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "style" and not re.fullmatch(r"text-align: ?(left|right|center);?", value):
                found.append(f"<{tag} style={value[:60]!r}>")
        href = el.get("href")
        scheme = _SCHEME.match(re.sub(r"[\t\n\r]", "", href).lstrip("".join(map(chr, range(33))))) if href else None
        if href and scheme and scheme[1].lower() not in SAFE_SCHEMES:
            found.append(f"<a href={href[:60]!r}>: not http, https, mailto or relative")
    return found


def code_texts(body: ET.Element) -> list[str]:
    """The text of every <code> element, in order."""
    return ["".join(el.itertext()) for el in body.iter("code")]


def visible_text(body: ET.Element) -> str:
    return " ".join("".join(body.itertext()).split())
