"""The guard's cheap test reads a file's two skeletons one after the other (less memory for a big
file): it must say exactly what reading the two joined says, so it never misses a name."""

from __future__ import annotations

import re
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from portalgen.content import namefinder
from portalgen.content.namefinder import _NON_ASCII, NameFinder, _fold_run, skeletal, skeletons
from portalgen.content.readertext import decode

NAMES = NameFinder([("Globex Retail", "globex"), ("Acme", "acme"), ("Zoë Ltd", "zoe")])
PIECES = ["Glo", "bex", " Retail", "<b>", "</b>", "<a title='", "'>", "Ac", "me", "&#71;", "&amp;", "%47",
          "Zo", "ë", "é", " Ltd", "\n", "—", "x", "<", ">", " "]


@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_one_at_a_time_finds_what_the_joined_skeletons_find(pieces: list[str]) -> None:
    data = "".join(pieces).encode("utf-8")
    assert b"\n".join(skeletons(data)).decode("latin-1") == skeletal(data)
    assert NAMES.may_contain_any(skeletons(data)) == NAMES.may_contain(skeletal(data))


def test_examples() -> None:
    assert NAMES.may_contain_any(skeletons(b"<p>Glo<b></b>bex  Retail</p>"))  # only with tags removed
    assert NAMES.may_contain_any(skeletons(b"<a title='Acme'>x</a>"))  # only with tags kept
    assert not NAMES.may_contain_any(skeletons(b"<p>Globe retails</p>"))


# --- skeletons() against what they stand for -------------------------------------------------------

def reference(data: bytes) -> list[bytes]:
    """skeletons() as their definition reads, one step at a time: every entity and percent-escape
    decoded, letters beyond ASCII folded, then the letters with tags kept and with tags removed."""
    data = decode(data.decode("utf-8", "replace")).encode("utf-8")
    data = _NON_ASCII.sub(_fold_run, data)
    letters = re.compile(rb"[^a-z0-9\x80-\xff]+")
    return [letters.sub(b"", form.lower()) for form in (data, re.sub(rb"<[^>]*>", b"", data))]


BITS = [*PIECES, "<", ">", "<<", ">>", "<p", "a>", "&nbsp;", "&#39;", "&quot;", "&amp;", "&#x27;", "&amp;lt;",
        "&lt;", "&gt;", "&lt", "&ltx;", "&gt;&lt;", "&amp;gt;", "&&lt;", "&#60;",
        "%3C", "&#37;47", "&&#39;#71;", "Ä", "ß", "\u200b", "·", "\xff", "&status", "%"]


@given(st.lists(st.sampled_from(BITS), max_size=16), st.booleans())
def test_skeletons_are_what_they_stand_for(pieces: list[str], big: bool) -> None:
    """Pages (tags cut at their brackets, or read by the expression when a bracket is astray) and big
    files (read as they always were) alike."""
    data = "".join(pieces).encode("utf-8")
    with patch.object(namefinder, "_BIG", 0 if big else namefinder._BIG):
        assert list(skeletons(data)) == reference(data)


def test_a_separator_entity_is_no_letter() -> None:
    """`O&#39;Brien` is O'Brien to a reader (markupsafe writes every apostrophe so): its skeleton
    holds "obrien", not "o39brien"; &nbsp; and &amp; between words likewise."""
    names = NameFinder([("O'Brien Logistics", "obrien"), ("Acme Retail", "acme")])
    for data in (b"<p>O&#39;Brien Logistics</p>", b"<p>Acme&nbsp;Retail</p>", b"<p>Acme &amp; Retail</p>",
                 b"<p>Acme&quot;Retail</p>", b"<a title='Acme&#x27;Retail'>x</a>"):
        assert names.may_contain_any(skeletons(data)), data
    assert not names.may_contain_any(skeletons(b"<p>Acme&nbsp;Retain, O&#39;Brine Logistics</p>"))
