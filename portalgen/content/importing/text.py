"""Imported text as a record can hold it: one clean line for a title, a name or a tag; a body
without control characters and of a size a record file can take.

Exports carry NULs, escape sequences, lone surrogates (JSON's "\\ud800") and line separators in
any field; none of them belongs in a YAML value or on a page.
"""

from __future__ import annotations

import re
import unicodedata

MAX_BODY = 200_000  # characters; a record file may hold 1 MiB

# A "fill in:" marker in a comment is portalgen's own placeholder, which check refuses to publish:
# in imported text it is somebody's words, so its hyphen becomes a non-breaking one.
_MARKER = re.compile(r"(fill)[ -](in[ \t]*:)", re.IGNORECASE)


def one_line(text: str) -> str:
    """Text on one line: control characters, lone surrogates and line breaks become spaces, runs of
    spaces one."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in text)
    return _MARKER.sub("\\1\u2011\\2", " ".join(kept.split()))


def markdown(text: str) -> str:
    """A body as a record can hold it: line breaks normalised, control characters (NUL …) removed,
    and cut at MAX_BODY characters, saying so."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")).strip()
    text = _MARKER.sub("\\1\u2011\\2", text)
    if len(text) > MAX_BODY:
        text = text[:MAX_BODY].rstrip() + "\n\n*(cut short on import)*"
    return text
