"""The guard's cheap test reads a file's two skeletons one after the other (less memory for a big
file): it must say exactly what reading the two joined says, so it never misses a name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portalgen.content.namefinder import NameFinder, skeletal, skeletons

NAMES = NameFinder([("Globex Retail", "globex"), ("Acme", "acme"), ("Zoë Ltd", "zoe")])
PIECES = ["Glo", "bex", " Retail", "<b>", "</b>", "<a title='", "'>", "Ac", "me", "&#71;", "&amp;", "%47",
          "Zo", "ë", "é", " Ltd", "\n", "—", "x", "<", ">", " "]


@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_one_at_a_time_finds_what_the_joined_skeletons_find(pieces: list[str]) -> None:
    data = "".join(pieces).encode("utf-8")
    assert "\n".join(skeletons(data)) == skeletal(data)
    assert NAMES.may_contain_any(skeletons(data)) == NAMES.may_contain(skeletal(data))


def test_examples() -> None:
    assert NAMES.may_contain_any(skeletons(b"<p>Glo<b></b>bex  Retail</p>"))  # only with tags removed
    assert NAMES.may_contain_any(skeletons(b"<a title='Acme'>x</a>"))  # only with tags kept
    assert not NAMES.may_contain_any(skeletons(b"<p>Globe retails</p>"))
