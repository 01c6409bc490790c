"""Sanitised HTML as text: one line for excerpts and search, plain text for e-mail, or Markdown.

The one converter for every output that is not a web page: meta descriptions and the search
index (plain_text: the words on one line), digests ("text") and the changelog export
("markdown"). plain_text has a loop of its own; all share the token grammar and the set of block
tags, which decide where words break. The HTML given here is always the sanitised output of
model/markdown.py: well-formed, attributes quoted, only a small allow-list of tags. So a regular
expression can tokenise it, which is several times faster than html.parser, and excerpts are
made for every record of every build.

Markdown is written for tools we do not control, so its text, code and links go through
render/markdown_safe.py: whatever the HTML held, no renderer makes HTML of it.
"""

from __future__ import annotations

import re

from portalgen.content.charrefs import unescape
from portalgen.render.markdown_safe import code_block, code_span, destination, md_escape, unmarked

_BLOCKS = {"p", "ul", "ol", "li", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
           "dl", "dt", "dd", "hr"}
_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)")
_ATTR = re.compile(r'([a-zA-Z][-a-zA-Z0-9]*)="([^"]*)"')
_CELLS = ("td", "th")
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
# What a browser makes of <ol start>: optional sign and digits, anything after them ignored. Longer
# numbers are out of a browser's range (and past int()'s digit limit), so the list starts at 1.
_START = re.compile(r"\s*([+-]?[0-9]{1,9})(?![0-9])")
_MARKER_ONLY = re.compile(r"\s*(?:-|-?[0-9]+\.)\s*")
_ITEM_MARKER = re.compile(r"( *)(- |-?[0-9]+\. )")


def list_start(value: str | None) -> int:
    """The first number of an ordered list from its start attribute ("²", "", "9" * 5000: 1)."""
    match = _START.match(value or "")
    return int(match[1]) if match else 1


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
        self.links: list[str | None] = []  # per open link: its Markdown destination, if "[" was written
        self.code = 0  # open <code> elements outside <pre>
        self.code_at = 0  # where in `current` the raw text of the open code span starts
        self.span_at = -1  # where in `current` the last code span is, while nothing follows it
        self.raw_span = ""  # that span's code as written

    # A block is finished text; blank lines separate blocks.
    def _flush(self) -> None:
        if self.code:
            self._close_span()
        text = "".join(self.current)
        kind, self.kind = ("pre" if self.pre else self.kind), "text"
        self.current, self.code_at, self.span_at = [], 0, -1
        if kind == "pre":
            if self.markdown:
                text = code_block(text, self._before_code())
        else:
            text = self._one_line(text, kind)
        if kind == "row" and self.markdown and text:
            text = f"| {text} |"
            if self.header_row:
                text += "\n|" + " --- |" * self.cells
        if text.strip():
            if self.quote:
                text = "\n".join("> " + line for line in text.split("\n"))
            self.blocks.append((kind, text))

    def _one_line(self, text: str, kind: str) -> str:
        """A block's words on one line (a list item keeps its indent), in Markdown starting no new list."""
        marker = _ITEM_MARKER.match(text) if kind.startswith("item") else None
        head = " " * len(marker[1]) + marker[2] if marker else ""
        words = " ".join(text[marker.end() if marker else 0:].split())
        return (head + (unmarked(words) if self.markdown else words)).rstrip()

    def _before_code(self) -> str | None:
        """The last block that is not code: a list item stays open across the code blocks inside it."""
        return next((text for kind, text in reversed(self.blocks) if kind != "pre"), None)

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
        if tag in _BLOCKS and not self._item_paragraph(tag):
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
            self.pre += 1
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "br":
            self.current.append("\n" if self.pre else " ")
        elif tag == "hr":
            self.blocks.append(("text", "---" if self.markdown else "----"))
        elif tag == "a":
            self._open_link(dict(attrs).get("href"))
        elif tag == "code":
            self._open_code()
        else:
            self._emphasis(tag)

    def _item_paragraph(self, tag: str) -> bool:
        """The first paragraph of a list item (a loose list) goes on the item's line, after its marker."""
        return (tag == "p" and self.kind.startswith("item") and not self.pre
                and bool(_MARKER_ONLY.fullmatch("".join(self.current))))

    def _open_list(self, tag: str, start: str | None) -> None:
        if not self.lists:
            self.list_number += 1
        self.lists.append([list_start(start) if tag == "ol" else None])

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

    def _open_link(self, href: str | None) -> None:
        """Markdown links only where Markdown has them: not in code, and to safe addresses."""
        target = destination(href) if href and self.markdown and not (self.pre or self.code) else None
        self.links.append(target if self.markdown else href)
        if target:
            if self.current and self.current[-1].endswith("!"):  # "![" would make the link an image
                self.current[-1] = self.current[-1][:-1] + "\\!"
            self._append("[")

    def _open_code(self) -> None:
        if not self.markdown or self.pre:
            return
        self.code += 1
        if self.code == 1:
            # Code right after code joins it: two spans side by side would run their backticks together.
            if 0 <= self.span_at == len(self.current) - 1:
                self.code_at = self.span_at
                self.current[self.code_at] = self.raw_span
            else:
                self.code_at = len(self.current)
            self.span_at = -1

    def _close_span(self) -> None:
        self.raw_span = "".join(self.current[self.code_at:])
        self.current[self.code_at:] = [code_span(self.raw_span)]
        self.span_at = self.code_at

    def _emphasis(self, tag: str) -> None:
        """Markdown's marks for bold and italics, opening or closing alike."""
        if self.markdown and not (self.pre or self.code):
            mark = _EMPHASIS.get(tag)
            if mark:
                self._append(mark)

    def _append(self, text: str) -> None:
        self.current.append(text)
        self.span_at = -1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close_link()
        elif tag == "code":
            if self.code:
                self.code -= 1
                if not self.code:
                    self._close_span()
        else:
            self._emphasis(tag)
        if tag == "pre":
            self.current = ["".join(self.current).strip("\n")]
            self._flush()
            self.pre = max(0, self.pre - 1)
        elif tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)

    def _close_link(self) -> None:
        href = self.links.pop() if self.links else None
        if self.markdown:
            if href:
                self._append(f"]({href})")
        elif href and not href.startswith("#"):
            self.current.append(f" <{href.removeprefix('mailto:')}>")

    def handle_data(self, data: str) -> None:
        if self.markdown and not (self.pre or self.code):
            self._append(md_escape(data))
        elif data:
            self.current.append(data)
            if not self.code:
                self.span_at = -1

    def result(self) -> list[tuple[str, str]]:
        self._flush()
        return self.blocks


def html_kinds(html: str, markdown: bool = False) -> list[tuple[str, str]]:
    """Sanitised HTML as (kind, text) blocks: kind "pre" for code, "item…" for lists, "row" for tables."""
    converter = _Converter("markdown" if markdown else "text")
    converter.feed(html)
    # Consecutive list items, and the rows of a table, read best as one block.
    merged: list[tuple[str, str]] = []
    for kind, text in converter.result():
        if merged and kind.startswith(("item", "row")) and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + "\n" + text)
        else:
            merged.append((kind, text))
    return merged


def html_blocks(html: str, markdown: bool = False) -> list[str]:
    """Sanitised HTML as a list of text blocks (paragraphs, list items, code blocks)."""
    return [text for _, text in html_kinds(html, markdown)]


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
