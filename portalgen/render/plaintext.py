"""Sanitised HTML as text: one line for excerpts and search, plain text for e-mail, or Markdown.

The one converter for every output that is not a web page: meta descriptions and the search
index (plain_text: the words on one line), digests ("text") and the changelog export
("markdown"). plain_text has a loop of its own; all share the token grammar and the set of block
tags, which decide where words break. The HTML given here is always the sanitised output of
model/markdown.py: well-formed, attributes quoted, only a small allow-list of tags. So a regular
expression can tokenise it, which is several times faster than html.parser, and excerpts are
made for every record of every build.
"""

from __future__ import annotations

import re
from html import unescape

_BLOCKS = {"p", "ul", "ol", "li", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
           "dl", "dt", "dd", "hr"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)")
_ATTR = re.compile(r'([a-zA-Z][-a-zA-Z0-9]*)="([^"]*)"')
_CELLS = ("td", "th")
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}


def md_escape(text: str) -> str:
    """Text that Markdown shows as written (no accidental emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


class _Converter:
    def __init__(self, mode: str):
        self.markdown = mode == "markdown"
        self.blocks: list[tuple[str, str]] = []  # (kind, text): kind "row" and "item" blocks merge
        self.current: list[str] = []
        self.kind = "text"
        self.list_number = 0  # which top-level list items belong to, so separate lists stay apart
        self.cells = 0  # cells so far in the current table row
        self.header_row = False
        self.lists: list[list[int | None]] = []  # per open list: [next number or None for bullets]
        self.pre = 0
        self.quote = 0
        self.links: list[str | None] = []

    # A block is finished text; blank lines separate blocks.
    def _flush(self) -> None:
        text = "".join(self.current)
        kind, self.kind = self.kind, "text"
        self.current = []
        if not self.pre:
            indent = len(text) - len(text.lstrip(" ")) if kind.startswith("item") else 0
            text = " " * indent + " ".join(text.split())
        if kind == "row" and self.markdown and text:
            text = f"| {text} |"
            if self.header_row:
                text += "\n|" + " --- |" * self.cells
        if text.strip():
            if self.quote:
                text = "\n".join("> " + line for line in text.split("\n"))
            self.blocks.append((kind, text))

    def feed(self, html: str) -> None:
        for match in _TOKEN.finditer(html):
            if match[4] is not None:
                self.handle_data(unescape(match[4]))
            elif match[1]:
                self.handle_endtag(match[2].lower())
            else:
                attrs = [(k.lower(), unescape(v)) for k, v in _ATTR.findall(match[3])]
                self.handle_starttag(match[2].lower(), attrs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str]]) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol"):
            self._open_list(tag, dict(attrs).get("start"))
        elif tag == "tr":
            self.kind, self.cells, self.header_row = "row", 0, False
        elif tag in _CELLS:
            self._open_cell(tag)
        elif tag == "li":
            self._open_item()
        elif tag == "pre":
            self._open_pre()
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "br":
            self.current.append("\n" if self.pre else " ")
        elif tag == "hr":
            self.blocks.append(("text", "---" if self.markdown else "----"))
        elif tag == "a":
            self._open_link(dict(attrs).get("href"))
        else:
            self._emphasis(tag)

    def _open_list(self, tag: str, start: str | None) -> None:
        if not self.lists:
            self.list_number += 1
        self.lists.append([int(start) if tag == "ol" and start and start.isdigit() else
                           (1 if tag == "ol" else None)])

    def _open_cell(self, tag: str) -> None:
        if self.cells:
            self.current.append(" | ")
        self.cells += 1
        self.header_row = self.header_row or tag == "th"

    def _open_item(self) -> None:
        self.kind = f"item{self.list_number}"
        depth = max(0, len(self.lists) - 1)
        state = self.lists[-1] if self.lists else [None]
        if state[0] is None:
            marker = "- "
        else:
            marker = f"{state[0]}. "
            state[0] += 1
        self.current.append("  " * depth + marker)

    def _open_pre(self) -> None:
        self.pre += 1
        if self.markdown:
            self.current.append("```\n")

    def _open_link(self, href: str | None) -> None:
        self.links.append(href)
        if self.markdown:
            self.current.append("[")

    def _emphasis(self, tag: str) -> None:
        """Markdown's marks for bold, italics and code, opening or closing alike."""
        if self.markdown and not self.pre:
            mark = _EMPHASIS.get(tag)
            if mark:
                self.current.append(mark)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            href = self.links.pop() if self.links else None
            if self.markdown:
                self.current.append(f"]({href})" if href else "]")
            elif href and not href.startswith("#"):
                self.current.append(f" <{href.removeprefix('mailto:')}>")
        else:
            self._emphasis(tag)
        if tag == "pre":
            self.current = ["".join(self.current).rstrip("\n")]
            if self.markdown:
                self.current.append("\n```")
            self._flush()
            self.pre = max(0, self.pre - 1)
        elif tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)

    def handle_data(self, data: str) -> None:
        if self.markdown and not self.pre:
            data = md_escape(data)
        self.current.append(data)

    def result(self) -> list[tuple[str, str]]:
        self._flush()
        return self.blocks


def html_blocks(html: str, markdown: bool = False) -> list[str]:
    """Sanitised HTML as a list of text blocks (paragraphs, list items, code blocks)."""
    converter = _Converter("markdown" if markdown else "text")
    converter.feed(html)
    # Consecutive list items, and the rows of a table, read best as one block.
    merged: list[tuple[str, str]] = []
    for kind, text in converter.result():
        if merged and kind.startswith(("item", "row")) and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + "\n" + text)
        else:
            merged.append((kind, text))
    return [text for _, text in merged]


def html_to_text(html: str, markdown: bool = False) -> str:
    """Sanitised HTML as plain text (or light Markdown), blocks separated by a blank line."""
    return "\n\n".join(html_blocks(html, markdown))


def plain_text(html: str, limit: int | None = None) -> str:
    """Readable plain text on one line, whitespace collapsed, cut at a word with '…' past `limit`.

    The words of the text mode without its list markers, link targets, rules or quote marks. It
    has a loop of its own, several times faster than the converter: it runs for every record's
    search entry and meta description on every build. Only where words break matters on one
    line, and the converter breaks them at blocks, line breaks and table cells.
    """
    parts: list[str] = []
    cells = 0  # cells so far in the current row: the converter separates cells, not a row's first
    for end, tag, _, data in _TOKEN.findall(html):
        if data:
            parts.append(unescape(data))
            continue
        tag = tag.lower()
        if tag in _BLOCKS:
            parts.append(" ")
            if tag == "tr" and not end:
                cells = 0
        elif end:
            continue
        elif tag == "br":
            parts.append(" ")
        elif tag in _CELLS:
            if cells:
                parts.append(" ")
            cells += 1
    text = " ".join("".join(parts).split())
    return truncate(text, limit) if limit else text


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + "…"
