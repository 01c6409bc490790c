"""yamlread's quick construction of plain front matter makes what PyYAML's own construct_document makes."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import yaml
from corpora import corpus

from portalgen.content import yamlread


def _both(text: str) -> tuple[Any, Any] | None:
    """(quick, full) for a YAML text, or None when the quick path leaves it to the full one."""
    loader = yamlread._Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if node is None:
        return None
    outcomes = []
    for make in (yamlread._plain_document, lambda lo, n: lo.construct_document(n)):
        loader = yamlread._Loader("")
        try:
            outcomes.append(make(loader, node))
        except yaml.YAMLError as exc:
            outcomes.append(("error", str(exc)))
    quick, full = outcomes
    return None if quick is yamlread._OTHER else (quick, full)


def _same(text: str) -> bool:
    both = _both(text)
    if both is None:
        return False
    quick, full = both
    # repr: types and order count (True is not 1, a date is not its text), and nan equals itself
    assert repr(quick) == repr(full), text
    return True


_KEYS = ["title", "date", "tags", "from", "x", "'q'", '"d"', "1", "~", "<<", "? k", "!!str k"]
_VALUES = ["Plain text", "2026-02-28", "2026-02-30", "2026-02-28 10:00:00", "4.10", "010", "0x1f", ".nan", "-.inf",
           "yes", "no", "true", "~", "null", "", '"quoted: yes"', "'single'", "[a, b, 3, 2026-01-01]", "[]",
           "[2026-02-31]", "[[1]]", "{a: 1}", "&x [1, 2]", "*x", "&y text", "*y", "!!str 12", "!!binary aGk=",
           "|\n  block\n  text", ">\n  folded", "- a\n  - b", "\n  - c\n  - d", "!custom x"]


def test_random_front_matter_is_made_the_same() -> None:
    rng = random.Random(11)
    taken = 0
    for _ in range(3000):
        lines = [f"{rng.choice(_KEYS)}{n}: {rng.choice(_VALUES)}" for n in range(rng.randint(1, 6))]
        taken += _same("\n".join(lines))
    assert taken > 300  # the quick path was tried, not left to the full one every time


def test_an_impossible_date_is_the_same_error() -> None:
    """construct_document makes a mapping's scalars before its lists' items: the first error said is the same."""
    both = _both("a: [2026-02-30]\nb: 2026-02-31")
    assert both is not None
    quick, full = both
    assert quick == full and "2026-02-31" in quick[1]


@pytest.mark.parametrize("text", ["a: &x [1]\nb: *x", "<<: {a: 1}\nb: 2", "a: {b: 1}", "- a\n- b", "plain", "1: a"])
def test_other_yaml_is_left_to_pyyaml(text: str) -> None:
    assert _both(text) is None


def test_yaml_test_suite_is_made_the_same() -> None:
    cases = json.loads(corpus("yaml_test_suite.json").read_text(encoding="utf-8"))
    taken = sum(_same(case["yaml"]) for case in cases)
    assert taken > 10
