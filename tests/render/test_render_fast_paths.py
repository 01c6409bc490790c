"""The render fast paths (render/tracking.py's TrackingContext.call, render/escaping.py, the theme's
gettext) give what plain Jinja gives, and record what a page reads as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import pytest
from markupsafe import Markup

from portalgen.model.items import TagItem
from portalgen.render import escaping
from portalgen.render.theme import make_environment
from portalgen.render.tracking import Reads, TrackingEnvironment

TEMPLATES = {
    "macros.html": "{% macro pair(a, b='B') %}[{{ a }}|{{ b }}]{% endmacro %}"
                   "{% macro wrap() %}<{{ caller() }}>{% endmacro %}"
                   "{% macro rest(a) %}{{ a }}{{ varargs|join(',') }}{{ kwargs|dictsort|join(',') }}{% endmacro %}",
    "page.html": "{% import 'macros.html' as m %}"
                 "{{ m.pair(1, 2) }}{{ m.pair('<x>') }}{{ m.pair(a=3) }}{{ m.pair(4, b='&') }}"
                 "{% call m.wrap() %}in{% endcall %}{{ m.rest(1, 2, 3, k='v') }}"
                 "{% for i in [1, 2] %}{% set j = i * 10 %}{{ seen() }}{{ m.pair(i) }}{% endfor %}"
                 "{{ obj('<o>') }}{{ env_name() }}{{ ev() }}{{ stop() }}|{{ '<s>' }}{{ safe }}{{ 7 }}{{ none }}",
}


@jinja2.pass_context
def _seen(context: Any) -> str:
    return str(context.get("j"))  # set in the loop: Context.call derives the context for it


class _Callable:
    @jinja2.pass_context
    def __call__(self, context: Any, text: str) -> str:
        return f"{text}:{context.get('safe')}"


def _stop() -> str:
    raise StopIteration


def _values() -> dict[str, Any]:
    return {"seen": _seen, "obj": _Callable(), "env_name": jinja2.pass_environment(lambda env: type(env).__name__[:4]),
            "ev": jinja2.pass_eval_context(lambda ctx: str(ctx.autoescape)), "stop": _stop,
            "safe": Markup("<i>safe</i>"), "none": None}


@pytest.fixture
def ours(tmp_path: Path) -> Iterator[TrackingEnvironment]:
    env = TrackingEnvironment(tmp_path, loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    with env.recording(Reads()):
        yield env


def test_calls_and_escaping_render_as_plain_jinja(ours: TrackingEnvironment) -> None:
    theirs = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    ours_text = ours.get_template("page.html").render(_values())
    theirs_text = theirs.get_template("page.html").render(_values())
    assert ours_text == theirs_text.replace("Envi", "Trac")  # the environment's own class name differs
    assert "[1|2][&lt;x&gt;|B][3|B][4|&amp;]<in>12,3(&#39;k&#39;, &#39;v&#39;)" in ours_text
    assert "10[1|B]20[2|B]" in ours_text  # the loop variable reached the pass_context function


@pytest.mark.parametrize("value", ["plain <&>\"'", "", Markup("<b>&amp;</b>"), 42, 1.5, True, None,
                                   type("S", (str,), {})("sub<str>"), type("H", (), {"__html__": lambda s: "<h>"})()])
def test_escape_is_markupsafes(value: Any) -> None:
    ours, theirs = escaping.escape(value), markupsafe.escape(value)
    assert type(ours) is Markup and ours == theirs


def test_a_model_object_handed_to_a_function_is_still_recorded(tmp_path: Path) -> None:
    env = TrackingEnvironment(tmp_path, autoescape=True)
    tag = TagItem("speed", "Speed", "tags/speed/", [])
    reads = Reads()
    with env.recording(reads):
        env.from_string("{{ f(t) }}{{ f(x=t) }}{% for i in [1] %}{{ f(t) }}{% endfor %}").render(
            f=lambda t=None, x=None: "", t=tag)
    assert reads.keys == {("tag", "speed", "*")}


def test_a_message_without_values_is_the_same_each_time_and_a_bad_one_fails_each_time(tmp_path: Path) -> None:
    env = make_environment(tmp_path, "de")
    template = env.from_string("{% for m in ['Menu', 'Menu', 'Not in the catalog'] %}{{ _(m) }}|{% endfor %}")
    assert template.render() == "Menü|Menü|Not in the catalog|"
    bad = env.from_string("{{ _(m) }}")
    for _ in range(2):
        with pytest.raises(ValueError):
            bad.render(m="50% %(")
