"""The guard decodes JSON and script escapes before it reads: its fast path for the escapes every
portal.json is full of must decode exactly as the general expression does."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from portalgen.output.guard import _SCRIPT_ESCAPE, _unescape_script


def reference(text: str) -> str:
    """The escapes decoded one by one, left to right, by the expression alone."""
    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return chr(int(match.group(1), 16))
        return " " if match.group(2) in "nrtbf" else match.group(2)
    return _SCRIPT_ESCAPE.sub(one, text)


PIECES = ["\\", "\\\\", "\\u003c", "\\u003C", "\\u003e", "\\u0026", "\\u005c", "\\u0047", "\\n", "\\t", '\\"',
          "\\u00", "u003c", "n", '"', "<", "Glo", "bex", " ", "\n", "é"]


@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_the_fast_path_decodes_as_the_expression_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _unescape_script(text) == reference(text)


def test_examples() -> None:
    portal_json = '{"t": "\\u003cp\\u003eGlobex\\nRetail\\u003c/p\\u003e"}'
    assert _unescape_script(portal_json) == '{"t": "<p>Globex Retail</p>"}'
    assert _unescape_script("\\\\u0047lobex") == "\\u0047lobex"  # an escaped backslash, then letters
    assert _unescape_script("\\u005cu0047") == "\\u0047"  # decoded once, not twice
    assert _unescape_script("a\\u0047lobex\\u003c") == "aGlobex<"
