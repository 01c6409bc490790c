"""words() folds ASCII text in bytes (readertext._ascii_words), not with the expression and
split() it stands for: for any ASCII text both must give exactly the same words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portalgen.content.readertext import _SEPARATORS, decode, words


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
