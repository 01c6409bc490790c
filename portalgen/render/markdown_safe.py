"""Markdown for other tools: text, code and links written so that no Markdown renderer makes HTML of them.

The changelog export and the Markdown digest are read by tools we do not control: GitHub and most
others follow CommonMark, Python-Markdown runs without extensions in many places. Whatever an author
wrote, every one of them must show it as text:

- Text: `<`, `>` and `&` become character references. A backslash is no escape before `<` to
  Python-Markdown, which passes `\\<img onerror=…>` on as live HTML; `&lt;` is text to every renderer.
  Markdown's own marks (backslash, backtick, `*`, `_`, brackets) are backslash-escaped, and line
  breaks become spaces, so a title cannot start a block of its own.
- Code: inline code in a code span whose backticks outnumber the longest run of backticks inside
  (the CommonMark rule, which Python-Markdown follows too). Code blocks are indented, not fenced:
  Python-Markdown without its fenced_code extension reads a ``` fence as text and passes the HTML in
  it on. After a list item the indent is deep enough to be code inside that item for both renderers
  (CommonMark counts from the item's text, Python-Markdown from four spaces).
- Links: only http, https, mailto and relative ones; the destination is percent-encoded, so it holds
  no space, parenthesis, bracket, angle bracket, quote, backslash or backtick to break out with.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_SPECIAL = re.compile(r"[\\`*_\[\]]")
_REFERENCES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# Every line break str.splitlines() knows: CommonMark and Python-Markdown end lines at CR and LF only,
# other tools split where Python does.
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_BACKTICKS = re.compile(r"`+")
LINK_SCHEMES = ("http", "https", "mailto")
# Kept as they are in a destination: what URLs need (reserved characters, `%` of existing escapes) and
# no renderer reads as Markdown there. quote() encodes the rest, non-ASCII included (as UTF-8).
_URL_SAFE = "/:?#@!$&*+,;=%~"
# What opens a list at the start of a line, in CommonMark or in Python-Markdown.
_BULLET = re.compile(r"[-+*](?=[ \t]|$)")
_ORDERED = re.compile(r"[0-9]{1,9}(?=[.)](?:[ \t]|$))")
# A list item's line: quote marks, the indent, the marker ("> > 12. text": "> > ", "", "12. ").
_ITEM = re.compile(r"((?:> ?)*)( *)(- |\d+\. )")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written, on one line: no emphasis, link, code, HTML or new block."""
    text = _LINE_BREAKS.sub(" ", text)
    text = _SPECIAL.sub(lambda m: "\\" + m[0], text)
    return re.sub(r"[<>&]", lambda m: _REFERENCES[m[0]], text)


def unmarked(text: str) -> str:
    """Text that starts a line without starting a list, a fence or a heading: after "- x", "* x" or
    "1. x" code blocks would be read as the item's text, and "~~~" would make code of all that follows."""
    if _BULLET.match(text) or text.startswith("#"):
        return "\\" + text
    if text.startswith("~~~"):  # Python-Markdown shows a backslash before "~": a reference is text to both
        return "&#126;" + text[1:]
    number = _ORDERED.match(text)
    return f"{number[0]}\\{text[number.end():]}" if number else text


def code_span(code: str) -> str:
    """Inline code shown exactly (whitespace-only code is left as spaces: `` ` ` `` reads oddly)."""
    if not code.strip():
        return code
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(code)), default=0) + 1)
    # CommonMark drops one space at each end, and a backtick next to the fence would lengthen it.
    padded = f" {code} " if code[0] in "` " or code[-1] in "` " else code
    return f"{fence}{padded}{fence}"


def code_block(code: str, previous: str | None = None) -> str:
    """A code block, indented; `previous` is the Markdown block before it (a list item needs more)."""
    indent = " " * _indent_after(previous)
    # Every line is indented, whichever line break ends the one before: a renderer that reads a lone CR
    # as a line break would otherwise see the rest of that line as text outside the block.
    return "\n".join(indent + line if line.strip() else "" for line in _LINE_BREAKS.split(code))


def _indent_after(previous: str | None) -> int:
    if not previous:
        return 4
    last = previous.rsplit("\n", 1)[-1]
    item = _ITEM.match(last)
    if not item:
        return 4
    return max(8, len(item[2]) + len(item[3]) + 4)


def destination(href: str) -> str | None:
    """A link destination that cannot break out of `(...)`, or None for a scheme we do not link to."""
    href = href.strip()
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:  # an unbalanced "[" in the host part, say
        return None
    if scheme and scheme not in LINK_SCHEMES:
        return None
    return quote(href, safe=_URL_SAFE)


def link(text: str, href: str | None) -> str:
    """[text](destination), or the text alone when the address is unsafe or missing; text is Markdown."""
    target = destination(href) if href else None
    return f"[{text}]({target})" if target else text


def autolink(url: str) -> str:
    """<url> for an address shown as itself, or the address as escaped text when it cannot be a link."""
    target = destination(url)
    return f"<{target}>" if target and urlsplit(target).scheme else md_escape(url)
