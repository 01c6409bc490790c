"""Text forms of what the portal shows as HTML: sanitised bodies to plain text or Markdown, credits to words.

Used by outputs that are not web pages (digests, the changelog, reports). The HTML given here is
always the sanitised output of markup.py, so only its small allow-list of tags needs handling.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from portalgen.model.items import Credit

_BLOCKS = {"p", "ul", "ol", "li", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
           "dl", "dt", "dd", "hr"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written (no accidental emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


class _Converter(HTMLParser):
    def __init__(self, markdown: bool):
        super().__init__(convert_charrefs=True)
        self.markdown = markdown
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol"):
            if not self.lists:
                self.list_number += 1
            start = dict(attrs).get("start")
            self.lists.append([int(start) if tag == "ol" and start and start.isdigit() else
                               (1 if tag == "ol" else None)])
        elif tag == "tr":
            self.kind, self.cells, self.header_row = "row", 0, False
        elif tag in ("td", "th"):
            if self.cells:
                self.current.append(" | ")
            self.cells += 1
            self.header_row = self.header_row or tag == "th"
        elif tag == "li":
            self.kind = f"item{self.list_number}"
            depth = max(0, len(self.lists) - 1)
            state = self.lists[-1] if self.lists else [None]
            if state[0] is None:
                marker = "- "
            else:
                marker = f"{state[0]}. "
                state[0] += 1
            self.current.append("  " * depth + marker)
        elif tag == "pre":
            self.pre += 1
            if self.markdown:
                self.current.append("```\n")
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "br":
            self.current.append("\n" if self.pre else " ")
        elif tag == "hr":
            self.blocks.append(("text", "---" if self.markdown else "----"))
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
            if self.markdown:
                self.current.append("[")
        elif self.markdown and not self.pre:
            mark = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}.get(tag)
            if mark:
                self.current.append(mark)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            href = self.links.pop() if self.links else None
            if self.markdown:
                self.current.append(f"]({href})" if href else "]")
            elif href and not href.startswith("#"):
                self.current.append(f" <{href.removeprefix('mailto:')}>")
        elif self.markdown and not self.pre:
            mark = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}.get(tag)
            if mark:
                self.current.append(mark)
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
    converter = _Converter(markdown)
    converter.feed(html)
    converter.close()
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


def first_paragraph(html: str, markdown: bool = False) -> str:
    """The first block of a body, on one line."""
    blocks = html_blocks(html, markdown)
    return " ".join(blocks[0].split()) if blocks else ""


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def credit_text(credit: Credit, escape: bool = False) -> str:
    """'Acme, Globex and 2 customers in Healthcare': named customers by name, anonymous ones by segment.

    Worded like the theme's customer_names macro. Only public information goes in: a Credit never
    holds an anonymous customer's name.
    """
    names = [md_escape(c.name) if escape else c.name for c in credit.named]
    anonymous = []
    for segment, count in credit.anonymous:
        label = segment and (md_escape(segment) if escape else segment)
        anonymous.append(f"{count} customer{'' if count == 1 else 's'}" + (f" in {label}" if label else ""))
    if names and anonymous:
        return ", ".join(names) + " and " + _join(anonymous)
    return _join(names or anonymous)
