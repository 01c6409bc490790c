"""The url helpers' calls compiled to call them directly (render/direct_calls.py): the same text and the
same reads as through Context.call, which they skip only for the helpers themselves with plain arguments."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from portalgen.model import urls
from portalgen.model.items import TagItem
from portalgen.render import direct_calls
from portalgen.render.links import ROOT, URL
from portalgen.render.tracking import Reads, TrackingContext, TrackingEnvironment

PAGE = ("{{ url(urls.page('home')) }}|{% for k in ['feedback', 'tags'] %}{{ url(urls.page(k)) }},{% endfor %}|"
        "{{ url(urls.feed('tag', t.slug)) }}|{{ urls.listing('feedback/', n) }}|{{ url(urls.SITE_FEED) }}|"
        "{% block b %}{{ url(urls.static('a.css')) }}{% endblock %}|{% macro m(p) %}{{ url(p) }}{% endmacro %}"
        "{{ m(t.url) }}")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The callables a template hands to Context.call."""
    seen: list[Any] = []
    through = TrackingContext.call

    def counting(self: TrackingContext, obj: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(obj)
        return through(self, obj, *args, **kwargs)

    monkeypatch.setattr(TrackingContext, "call", counting)
    yield seen


def _render(env: jinja2.Environment, source: str, **values: Any) -> tuple[str, Reads]:
    reads = Reads()
    with env.recording(reads):  # type: ignore[attr-defined]
        text = env.from_string(source).render(url=URL, urls=urls, **values)
    return text, reads


def _jinjas(tmp_path: Path) -> TrackingEnvironment:
    """The same environment compiling as Jinja does (every call through Context.call): the control."""
    env = TrackingEnvironment(tmp_path, autoescape=True)
    env.code_generator_class = jinja2.compiler.CodeGenerator
    return env


def test_the_url_helpers_are_called_directly_with_the_same_text_and_reads(tmp_path: Path, calls: list[Any]) -> None:
    tag = TagItem("speed", "Speed", "tags/speed/index.html", [])
    ours_text, ours_reads = _render(TrackingEnvironment(tmp_path, autoescape=True), PAGE, t=tag, n=2)
    ours_calls = list(calls)
    calls.clear()
    theirs_text, theirs_reads = _render(_jinjas(tmp_path), PAGE, t=tag, n=2)
    assert ours_text == theirs_text
    assert ours_text.startswith(f"{ROOT}index.html|{ROOT}feedback/index.html,{ROOT}tags/index.html,|"
                                f"{ROOT}tags/speed/feed.xml|feedback/page/2/index.html|{ROOT}feed.xml|")
    assert ours_reads == theirs_reads == Reads({("tag", "speed", "slug"), ("tag", "speed", "url")})
    assert len(calls) == 14  # control: Jinja's code calls each through Context.call
    assert ours_calls == []  # the macro, called by position, is called directly too


def test_a_model_object_handed_to_a_helper_is_still_recorded(tmp_path: Path, calls: list[Any]) -> None:
    # An f-string prints what it is handed: a model object is read, so its call goes through Context.call.
    tag = TagItem("speed", "Speed", "tags/speed/index.html", [])
    text, reads = _render(TrackingEnvironment(tmp_path, autoescape=True),
                          "{{ urls.feed('tag', t) }}{{ urls.static(t.slug ~ '') }}", t=tag)
    assert ("tag", "speed", "*") in reads.keys
    assert calls == [urls.feed]
    assert text.startswith("tags/")


def test_a_url_of_the_pages_own_goes_through_context_call(tmp_path: Path, calls: list[Any]) -> None:
    # The 404 page's url (render/pages.py) or a project's own `url`: not the helper, so not called directly.
    tag = TagItem("speed", "Speed", "tags/speed/index.html", [])

    def url(target: Any) -> str:
        return "/" + str(target)

    reads = Reads()
    env = TrackingEnvironment(tmp_path, autoescape=True)
    with env.recording(reads):
        text = env.from_string("{{ url(t) }}|{{ urls.page('home') }}").render(url=url, urls=_Urls(), t=tag)
    assert calls[0] is url and reads.keys == {("tag", "speed", "*")}
    assert text.startswith("/TagItem(") and text.endswith("|other")


class _Urls:
    def page(self, name: str) -> str:
        return "other"


def test_every_direct_helper_is_a_function_of_urls_that_takes_no_keyword_only() -> None:
    for name in direct_calls.HELPERS:
        helper = getattr(urls, name)
        assert inspect.isfunction(helper) and helper.__module__ == urls.__name__
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in inspect.signature(helper).parameters.values())
