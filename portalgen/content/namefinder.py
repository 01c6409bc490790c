"""Finding many protected names at once in folded text (readertext.words), whole words only.

One Aho-Corasick automaton (ahocorasick-rs, the Rust aho-corasick crate) holds every name and every allowed
phrase, so a text is read once however many customers a board has. A name matches as whole
words: ` globex retail ` inside ` ... ` padded text. A name in a script written without spaces
between words (Chinese, Japanese, Thai, ...) matches anywhere, as a reader would find it. A hit
that lies inside an allowed phrase ("next quarter" when a customer is called Next) is not one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick_rs

from portalgen.content.readertext import decode, spaceless, words

T = TypeVar("T")
_ALLOWED = -1

_LETTERS = bytes(range(ord("0"), ord("9") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_NOT_LETTERS = bytes(c for c in range(256) if c not in _LETTERS)  # separators beyond ASCII too
_NOT_ASCII_LETTERS = bytes(c for c in range(128) if c not in _LETTERS)  # keeps folded letters beyond ASCII
_ASCII = bytes(range(128))
# bytes.translate(_LOWER, _KEEP_UPPER[drop]) is .lower().translate(None, drop): it deletes before it
# maps, so the upper-case letters are kept from deletion and mapped to lower case.
_LOWER = bytes.maketrans(bytes(range(ord("A"), ord("Z") + 1)), bytes(range(ord("a"), ord("z") + 1)))
_KEEP_UPPER = {drop: bytes(c for c in drop if not ord("A") <= c <= ord("Z"))
               for drop in (_NOT_LETTERS, _NOT_ASCII_LETTERS)}
# _KEEP_UPPER that keeps the tags' brackets too: skeletons() cuts the tags out after one translate.
_KEEP_UPPER_AND_BRACKETS = {drop: keep.translate(None, b"<>") for drop, keep in _KEEP_UPPER.items()}
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"<>")
# A file this big (portal.json, 18 MB at 10,000 items) is reduced as it always was, with the fewest
# copies at once (its reading is the peak of a build's memory); a page, with the fewest passes.
_BIG = 1 << 20
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_TAG = re.compile(rb"<[^>]*>")
# An entity or a percent-escape that could spell a letter or a tag; the ones every page has
# (&amp; &quot; &#39; ...) only ever stand for separators.
_ENTITY = re.compile(rb"&(?!(?:amp|quot|apos|nbsp|#3[49]|#x2[27]);)[#a-zA-Z]")
_PERCENT = re.compile(rb"%[0-9a-fA-F]{2}")
_SEPARATOR_ENTITY = re.compile(rb"&(?:amp|quot|apos|nbsp|#3[49]|#x2[27]);")  # those _ENTITY passes over



@dataclass(frozen=True)
class Hit(Generic[T]):
    start: int  # in the folded text
    end: int
    owner: T


class NameFinder(Generic[T]):
    def __init__(self, names: Iterable[tuple[str, T]], allowed: Iterable[str] = ()):
        self.owners: list[list[T]] = []
        self.longest = 0  # the most letters in a name's skeleton (output/guard_rows.py)
        patterns: list[str] = []
        self._found: list[tuple[int, int]] = []  # per pattern: the name's index (or _ALLOWED), its length
        letters: list[bytes] = []
        index: dict[str, int] = {}
        for name, owner in names:
            folded = words(name)
            if len(folded.replace(" ", "")) < 2:
                continue  # a one-letter name would match everywhere and names nobody
            if folded not in index:
                index[folded] = len(self.owners)
                self.owners.append([])
                patterns.append(_pattern(folded))
                self._found.append((index[folded], len(folded)))
                letters.append(skeleton(folded).encode("latin-1"))
                self.longest = max(self.longest, len(letters[-1]))
            if owner not in self.owners[index[folded]]:
                self.owners[index[folded]].append(owner)
        for phrase in allowed:
            folded = words(phrase)
            if folded and folded not in index:
                patterns.append(_pattern(folded))
                self._found.append((_ALLOWED, len(folded)))
        self.empty = not self.owners
        if not self.empty:
            # The library picks its implementation by the patterns' number and size (a DFA for a few,
            # a contiguous NFA for many): a board's thousands of names never make a huge table.
            self._automaton = ahocorasick_rs.AhoCorasick(patterns)
            self._skeletons = ahocorasick_rs.BytesAhoCorasick(letters)

    def find(self, folded: str) -> list[Hit[T]]:
        """Every protected name in `folded` (the output of words()), outside the allowed phrases."""
        if self.empty or not folded:
            return []
        padded = f" {folded} "
        found: list[tuple[int, int, int]] = []
        allowed: list[tuple[int, int]] = []
        for pattern, _, end in self._automaton.find_matches_as_indexes(padded, overlapping=True):
            index, length = self._found[pattern]
            last = end - 1 if padded[end - 1] != " " else end - 2  # the name's last letter in `padded`
            first = last - length + 1
            if index == _ALLOWED:
                allowed.append((first, last + 1))
            else:
                found.append((first, last + 1, index))
        hits: list[Hit[T]] = []
        for start, end, index in found:
            if any(a <= start and end <= b for a, b in allowed):
                continue
            if any(a <= start and end <= b and (a, b) != (start, end) for a, b, _ in found):
                continue  # "marrowby home" inside "marrowby home goods": one name, said once
            hits.extend(Hit(start - 1, end - 1, owner) for owner in self.owners[index])
        return hits

    def may_contain_any(self, skeletal: Iterable[str | bytes]) -> bool:
        """may_contain() of any of several texts (skeletons() of one file), stopping at the first."""
        return any(map(self.may_contain, skeletal))

    def may_contain(self, skeletal: str | bytes) -> bool:
        """Whether some name's letters appear, in order and together, in a text's skeleton (bytes,
        or the str skeletal() makes of them): a cheap test that never misses (separators, and so
        word boundaries, are ignored)."""
        if self.empty:
            return False
        if isinstance(skeletal, str):
            skeletal = skeletal.encode("latin-1")
        return bool(self._skeletons.find_matches_as_indexes(skeletal))


def _pattern(folded: str) -> str:
    return folded if spaceless(folded) else f" {folded} "


def skeleton(folded: str) -> str:
    """The letters and digits of folded text alone, as the bytes of UTF-8 read one per character:
    the form a whole page can be reduced to at the speed of bytes.translate."""
    return folded.replace(" ", "").encode("utf-8").decode("latin-1")


def skeletal(data: bytes) -> str:
    """The letters and digits of a file, lower case, in order, twice: with every tag removed
    (`Glo<b></b>bex`) and with tags kept (attribute values); entities and percent-encoding decoded."""
    return "\n".join(part.decode("latin-1") for part in skeletons(data))


def skeletons(data: bytes) -> Iterator[bytes]:
    """skeletal()'s two skeletons, as bytes (a byte a character), one at a time: with tags kept,
    then with tags removed. A name's skeleton has no line break, so searching each alone finds
    what searching skeletal() finds; made one after the other, a big file (portal.json, 18 MB at
    10,000 items) never has both and their join in memory at once."""
    # (`in` first: it finds a byte at memory speed, the expressions at a fifth of that; most pages
    # hold neither `%` nor `&`.)
    if (b"%" in data and _PERCENT.search(data)) or (b"&" in data and _ENTITY.search(data) and _ENTITY.search(
            data.replace(b"&lt;", b"&amp;").replace(b"&gt;", b"&amp;"))):
        data = decode(data.decode("utf-8", "replace")).encode("utf-8")
    elif b"&" in data:
        # Every entity is one of the few every page may have, decoded here as decode() would: &lt; and
        # &gt; (a page that shows code) are brackets, which can make a tag; the rest each stand for
        # one separator, so their letters are not the text's (`O&#39;Brien` is O'Brien, whose
        # skeleton is "obrien", not "o39brien"). Neither replacement can make a new entity.
        data = _SEPARATOR_ENTITY.sub(b"", data.replace(b"&lt;", b"<").replace(b"&gt;", b">"))
    drop = _NOT_LETTERS
    if not data.isascii() and not _only_separators(data.translate(None, _ASCII)):
        data = _NON_ASCII.sub(_fold_run, data)  # letters beyond ASCII: folded as the lint folds them
        drop = _NOT_ASCII_LETTERS
    if len(data) >= _BIG:
        # Lower case and letters in one pass (no lower-case copy of the whole file beside it); a tag
        # is the same span of bytes in either case.
        keep_upper = _KEEP_UPPER[drop]
        yield data.translate(_LOWER, keep_upper)
        yield _TAG.sub(b"", data).translate(_LOWER, keep_upper)
        return
    # A page: lower case, letters and the tags' brackets in one pass. A tag spans the same letters
    # there as in the file (what lies between its brackets decides nothing to _TAG).
    marked = data.translate(_LOWER, _KEEP_UPPER_AND_BRACKETS[drop])
    brackets = marked.translate(None, _NOT_BRACKETS)
    if brackets != b"<>" * (len(brackets) // 2):  # a bracket that opens or closes no tag: rare
        yield marked.translate(None, b"<>")
        yield _TAG.sub(b"", marked).translate(None, b"<>")
        return
    # Every tag closed before the next opens (any page portalgen renders): cut at both brackets, the
    # pieces are text, tag, text, ..., text, and the text pieces joined are the text without its
    # tags, with no expression match per tag (6 M tags in a site of 10,000 items).
    pieces = marked.replace(b">", b"<").split(b"<")
    kept, bare = b"".join(pieces), b"".join(pieces[::2])
    del pieces, marked
    yield kept
    yield bare


def _only_separators(non_ascii: bytes) -> bool:
    """Whether a file's characters beyond ASCII are all punctuation and symbols (the dashes, dots
    and status symbols every page has), which fold to no letter: then they can simply be dropped."""
    return all(map(_separator, set(non_ascii.decode("utf-8", "replace"))))


@functools.lru_cache(maxsize=4096)
def _separator(char: str) -> bool:
    return unicodedata.category(char)[0] in "PSZ" and not words(char)


def _fold_run(match: re.Match[bytes]) -> bytes:
    return _folded(match.group())


@functools.lru_cache(maxsize=8192)
def _folded(run: bytes) -> bytes:
    return skeleton(words(run.decode("utf-8", "replace"))).encode("latin-1")
