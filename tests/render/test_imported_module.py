"""A template imported `with context` is made once for the pages that give it the same values
(render/imported.py), and made again for a page that gives it other ones."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from portalgen.render import imported
from portalgen.render.tracking import Reads, TrackingEnvironment

TEMPLATES = {
    "m.html": "{% macro hi() %}[{{ who }}{{ greet() }}]{% endmacro %}\n"
              "{% macro twice(x) %}{{ hi() }}{{ x }}{% endmacro %}",
    "page.html": "{% import 'm.html' as m with context %}{{ m.twice(n) }}",
    "base.html": "{% import 'm.html' as m with context %}<{% block main %}{% endblock %}>",
    "child.html": "{% extends 'base.html' %}{% block main %}{{ m.hi() }}{% endblock %}",
    "set.html": "{% set who = 'x' %}{% macro hi() %}{{ who }}{% endmacro %}",
    "include.html": "{% macro hi() %}{% include 'part.html' %}{% endmacro %}",
    "part.html": "{{ who }}",
    "broken.html": "{% extends 'base.html' %}{% block main %}{{ oops( {% endblock %}",
    "uses_broken.html": "{% import 'broken.html' as b %}",
}


def _env() -> TrackingEnvironment:
    env = TrackingEnvironment(Path("."), loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    env.globals["greet"] = lambda: "!"
    return env


def test_a_module_is_reused_only_for_the_same_values() -> None:
    env = _env()
    page = env.get_template("page.html")
    alice, bob = "alice", "bob"
    with env.holding_templates():
        assert page.render(who=alice, n=1) == "[alice!]1"
        module = env.get_template("m.html")._imported  # type: ignore[attr-defined]
        assert module is not None
        assert page.render(who=alice, n=2) == "[alice!]2"  # the page's own values still vary
        assert env.get_template("m.html")._imported is module  # type: ignore[attr-defined]
        assert page.render(who=bob, n=3) == "[bob!]3"
        assert page.render(who=alice, n=4) == "[alice!]4"
        # A page's variable hides a global of the same name: the global is a looked-up name too.
        assert page.render(who=alice, n=5, greet=lambda: "?") == "[alice?]5"
        assert page.render(who=alice, n=6) == "[alice!]6"


def test_reads_are_recorded_on_every_page_that_reuses_the_module() -> None:
    env = _env()
    child = env.get_template("child.html")
    for who in ("a", "a"):
        reads = Reads()
        with env.recording(reads):
            assert child.render(who=who) == "<[a!]>"
        assert {"base.html", "m.html"} <= reads.templates


@pytest.mark.parametrize(("name", "reusable"), [("m.html", True), ("set.html", False), ("include.html", False),
                                                ("page.html", False), ("base.html", False)])
def test_only_a_top_level_of_macros_and_text_is_reused(name: str, reusable: bool) -> None:
    env = _env()
    found = imported.reusable(env.parse(TEMPLATES[name], name))
    assert (found is not None) == reusable
    if name == "m.html":
        assert found == ("greet", "who")


def test_preload_loads_what_the_pages_name_and_leaves_failures_to_them() -> None:
    env = _env()
    with env.holding_templates():
        env.preload({"child.html", "uses_broken.html", "missing.html"})
        assert env._held is not None
        assert {"child.html", "base.html", "m.html", "uses_broken.html"} <= set(env._held)
        assert "broken.html" not in env._held
        with pytest.raises(jinja2.TemplateSyntaxError):
            env.get_template("uses_broken.html").render()
