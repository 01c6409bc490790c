"""words() folds ASCII text in bytes (readertext._ascii_words), not with the expression and
split() it stands for: for any ASCII text both must give exactly the same words. A short text
loses its marks character by character (readertext._without_marks), a long one by _marks():
both ways remove exactly the same characters."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from portalgen.content.readertext import _SEPARATORS, _SHORT, _marks, _without_marks, decode, words


def reference(text: str) -> str:
    """words() of ASCII text as it was written first: the expression, then split and join."""
    return " ".join(_SEPARATORS.sub(" ", decode(text).lower()).split())


ASCII = st.text(st.characters(max_codepoint=127), max_size=60)
PIECES = st.lists(st.sampled_from(["Globex", " ", "  ", "\t", "\n", "\x0b", "\x1c", "\x1f", "_", "-", "<b>",
                                   "&amp;", "%20", "ACME", "r2d2", "Z", "9", "\x00", "\x7f", "..."]), max_size=16)


@given(ASCII)
def test_any_ascii_text_folds_as_the_expression_does(text: str) -> None:
    assert words(text) == reference(text)


@given(PIECES)
def test_runs_of_separators_fold_as_the_expression_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert words(text) == reference(text)


def test_examples() -> None:
    assert words("  Globex_RETAIL -- r2d2\t\n") == "globex retail r2d2"
    assert words("___") == ""
    assert words("") == ""
    assert words("a" + " " * 1000 + "b") == "a b"


def test_short_texts_lose_the_marks_the_expression_removes() -> None:
    """Every code point, one at a time (a text of one character is short): removed character by
    character exactly when _marks() matches it. (Control: a category set without Cf keeps U+200B.)"""
    kept = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF
            and (_without_marks(chr(c)) == "") != bool(_marks().fullmatch(chr(c)))]
    assert kept == []
    assert _without_marks("a\u200bb") == "ab" and _without_marks("e\u0301") == "e"


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=_SHORT + 1, max_size=_SHORT + 40))
def test_long_and_short_texts_fold_alike(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text)
    assert _without_marks(decomposed) == "".join(_without_marks(c) for c in decomposed)
