"""render/tracking.py's fingerprint(): values that differ get different fingerprints (the encoding
says each value's type and where it ends), equal values the same, whatever the path taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

import pytest
from markupsafe import Markup

from portalgen.content.records import Customer
from portalgen.render.fingerprints import Seen, fingerprint, whole


@dataclass
class _Pair:
    a: Any
    b: Any


@dataclass
class _One:
    a: Any


class _Size(IntEnum):
    BIG = 2


DIFFERENT: list[Any] = [
    "", "a", "ab", "abc", "1", 1, 1.0, True, False, None, 0, "0", "None", "True", "n", "bT", "i1;",
    date(2024, 1, 2), "2024-01-02", Markup("a"), Markup("<b>"), "<b>",
    [], ["a"], ["ab", "c"], ["a", "bc"], ["a", "b", "c"], [["a"], "b"], ["a", ["b"]], [None], [[]],
    {}, {"a": 1}, {"a": "1"}, {"b": 1}, {"a": 1, "b": 2}, {"a1": 2}, {1: "a"},
    {"a"}, frozenset({"a", "b"}), {"ab"},
    _Pair("ab", "c"), _Pair("a", "bc"), _Pair(["a"], "b"), _One("abc"), _One(_One("a")),
    "x" * 23, "x" * 24, "x" * 100, "x" * 101, ["x" * 50], ["x" * 50, ""],
    "s1:a", "[1:s1:a", "\x1f", "a\x1fs:b",
]


def test_different_values_have_different_fingerprints() -> None:
    made = [fingerprint(value) for value in DIFFERENT]
    assert len(set(made)) == len(made), [v for v, f in zip(DIFFERENT, made, strict=True) if made.count(f) > 1]


def _test_id(value: Any) -> str:
    """repr, but a set's members sorted: test ids must not follow the process's string hashing
    (pytest-xdist's workers must collect the same ids)."""
    if isinstance(value, (set, frozenset)):
        return f"{type(value).__name__}({sorted(value)!r})"
    return repr(value)


@pytest.mark.parametrize("value", DIFFERENT, ids=_test_id)
def test_equal_values_have_equal_fingerprints(value: Any) -> None:
    import copy
    assert fingerprint(copy.deepcopy(value)) == fingerprint(value)


def test_subclasses_of_plain_types_are_their_plain_value() -> None:
    class Text(str):
        pass

    assert fingerprint(Text("abc")) == fingerprint("abc")
    assert fingerprint(_Size.BIG) == fingerprint("2")
    assert fingerprint([Text("a")]) == fingerprint(["a"])


def test_a_tuple_shows_what_a_list_shows() -> None:
    assert fingerprint(("a", "b")) == fingerprint(["a", "b"])


def test_dict_order_does_not_count_but_keys_do() -> None:
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})
    assert fingerprint({"ab": "c"}) != fingerprint({"a": "bc"})


def test_whole_walks_every_field() -> None:
    assert whole(_Pair("a", "b")) != whole(_Pair("a", "c"))
    assert whole(_Pair("ab", "c")) != whole(_Pair("a", "bc"))
    assert whole(_Pair("a", "b")) == fingerprint(_Pair("a", "b"))


def test_a_fingerprint_is_short() -> None:
    assert all(len(fingerprint(value)) <= 40 for value in DIFFERENT)
    assert len(fingerprint("x" * 10_000)) == 24


def _customer(slug: str, name: str) -> Customer:
    return Customer(slug=slug, path=f"content/customers/{slug}.md", name=name, segment="enterprise",
                    credit="named", url="", joined=None, people=(), body="")


def test_a_memo_of_walked_records_changes_no_fingerprint() -> None:
    """Records inside a value are walked; a memo (what dependencies.py hands down for one page's
    keys) encodes each once and must say what walking says, also for a different record later."""
    acme, globex = _customer("acme", "Acme"), _customer("globex", "Globex")
    value = [{"by": acme}, {"by": acme}, {"by": globex}]
    seen: Seen = {}
    assert fingerprint(value, seen) == fingerprint(value)
    assert fingerprint([acme], seen) == fingerprint([acme])
    renamed = _customer("acme", "Acme Corp")
    assert fingerprint([renamed], seen) == fingerprint([renamed]) != fingerprint([acme])
