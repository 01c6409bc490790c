"""Text as a reader sees it, in one form the leak lint and the output guard both compare.

A name is the same name to a reader whatever bytes spell it: `Glob&#101;x`, `Globex%20Retail`,
`GLOBEX_RETAIL`, `Glo<span></span>bex`, `İstanbul`, `Zürich` / `Zurich`, a name with zero-width
or Unicode tag characters inside. Both sides of every comparison (the protected names and the
published text) go through `words()`, so what matters is only that the folding is the same.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from urllib.parse import unquote

# Unicode's Default_Ignorable_Code_Point, and the format characters (Cf) that render as nothing.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
# Anything that is not a letter or a digit separates words: `_` too, which \w counts as a letter.
_SEPARATORS = re.compile(r"[\W_]+")
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
# A character reference with more digits than any code point has: html.unescape would convert
# it with int(), which refuses strings of thousands of digits.
_HUGE_REFERENCE = re.compile(r"&#(?:[xX][0-9a-fA-F]{7,}|[0-9]{8,});?")
_SPACELESS = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")


@functools.cache
def _marks() -> re.Pattern[str]:
    """Combining marks (accents, once NFKD has split them off) and format characters. Outside
    planes 0, 1 and 14 Unicode assigns none, so only those are read (once, when first needed)."""
    codes = [c for c in itertools.chain(range(0x20000), range(0xE0000, 0xE1000))
             if unicodedata.category(chr(c)) in ("Mn", "Me", "Cf")]
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                                    for a, b in ranges) + "]")


def decode(text: str) -> str:
    """Entities and percent-encoding decoded (twice: `%2520` is still a space to a browser's
    address bar after one more click)."""
    if "&" in text:
        text = html.unescape(_HUGE_REFERENCE.sub("\ufffd", text))
    for _ in range(2):
        if "%" not in text:
            break
        text = unquote(text, errors="replace")
    return text


def without_markup(text: str) -> str:
    """The text a browser shows: tags and comments removed without a trace, as `Glo<b></b>bex`
    shows `Globex`."""
    return _TAG.sub("", text) if "<" in text else text


def words(text: str) -> str:
    """`text` decoded and folded (NFKC, case folded, accents and invisible characters removed),
    as lower-case words separated by single spaces."""
    text = decode(text)
    if text.isascii():
        return _ascii_words(text)
    text = unicodedata.normalize("NFKC", _IGNORABLE.sub("", text)).casefold()
    text = _without_marks(unicodedata.normalize("NFKD", text))
    return " ".join(_SEPARATORS.sub(" ", unicodedata.normalize("NFC", text)).split())


_MARK_CATEGORIES = frozenset(("Mn", "Me", "Cf"))  # what _marks() matches
_SHORT = 64  # characters: a shorter text is looked at one character at a time


def _without_marks(text: str) -> str:
    """`text` without what _marks() matches. A short text (a dash or a name of a page the output guard
    folds, a name the lint folds) is looked at character by character: making _marks() reads every
    code point of three planes (0.04-0.09 s), which a build after an edit paid for a few dashes."""
    if len(text) <= _SHORT:
        return "".join(c for c in text if unicodedata.category(c) not in _MARK_CATEGORIES)
    return _marks().sub("", text)


# Every byte but a lower-case ASCII letter or digit becomes a space (_SEPARATORS, in ASCII).
_ASCII_SEPARATORS = bytes(c if chr(c).isascii() and chr(c).isalnum() and not chr(c).isupper() else 32
                          for c in range(256))


def _ascii_words(text: str) -> str:
    """words() of ASCII text: `" ".join(_SEPARATORS.sub(" ", text.lower()).split())` in bytes, at
    memory speed. The expression's sub and split hold a string object per word at once: for the
    guard's reading of portal.json (18 MB at 10,000 items) some 180 MB, the peak of serve's
    memory, against two or three copies of the text here (and a fourth of the time)."""
    data = text.encode("ascii").lower().translate(_ASCII_SEPARATORS)
    while b"  " in data:  # each pass halves every run of spaces
        data = data.replace(b"  ", b" ")
    return data.strip(b" ").decode("ascii")


def spaceless(folded: str) -> bool:
    """Whether the folded text is in a script written without spaces between words (Chinese,
    Japanese, Thai, Lao, Khmer, Myanmar): a name in it is found inside longer runs of letters."""
    return _SPACELESS.search(folded) is not None
