"""HTML character references decoded the way html.unescape decodes them, whatever their length.

html.unescape turns the digits of a numeric reference into an int, and Python refuses to convert
more than 4,300 digits (sys.int_info.str_digits_check_threshold), so "&#" and 5,000 digits in a
title stopped every verb with a ValueError. A reference longer than any code point can be is
shortened first to one that html.unescape maps to U+FFFD, as it maps every out-of-range one.
"""

from __future__ import annotations

import html
import re

# A numeric reference as html.unescape reads it: leading zeros, then the digits that carry the value.
_NUMERIC = re.compile(r"&#(?:([xX])0*([0-9a-fA-F]+)|0*([0-9]+))")
_MAX_DIGITS = 8  # 0x10FFFF has six hex digits and 1114111 seven decimal ones; more is out of range
_OUT_OF_RANGE = "&#x110000"


def _shorten(match: re.Match[str]) -> str:
    digits = match[2] or match[3]
    if len(digits) > _MAX_DIGITS:
        return _OUT_OF_RANGE
    return f"&#x{digits}" if match[1] else f"&#{digits}"


def unescape(text: str) -> str:
    """html.unescape(text), without its ValueError on references with thousands of digits."""
    if "&#" not in text:
        return html.unescape(text)
    return html.unescape(_NUMERIC.sub(_shorten, text))
