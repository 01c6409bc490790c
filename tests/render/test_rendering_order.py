"""A rendering pass takes the feedback items' own pages last, so the cards the lists make are still
known when the decisions, changes, customers and tags show them (render/plan.py rendering_order)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portalgen.pipeline import rendering
from portalgen.render import pages, plan
from portalgen.render.spec import PageSpec
from portalgen.render.theme import make_environment
from tests.helpers_content import Project, decision, feedback

ITEMS = 6


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project.minimal(tmp_path)
    slugs = []
    for n in range(ITEMS):
        project.write(f"content/feedback/item-{n}.md", feedback(f"Item {n}", who="[globex]"))
        slugs.append(f"item-{n}")
    project.write("content/decisions/items.md", decision(f"[{', '.join(slugs)}]", title="Items"))
    return project


class _Counting(pages.Memo):
    """A Memo that notes each card it renders (asked for and not known)."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.made: list[tuple[Any, ...]] = []

    def __call__(self, name: str, obj: Any, macro: Any, *args: Any) -> Any:
        known = set(self._done)
        output = super().__call__(name, obj, macro, *args)
        self.made += [key for key in self._done if key not in known]
        return output


def _cards_made(project: Project, specs: list[PageSpec], monkeypatch: pytest.MonkeyPatch
                ) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    """The cards made rendering `specs` in this order, and each page's bytes and reads."""
    env, model = make_environment(project.root), project.link()
    monkeypatch.setattr(pages, "IDLE_PAGES", 2)  # forgets as a big portal's run of feedback pages does
    memo = _Counting(env)
    out = {}
    with env.holding_templates():
        for spec in specs:
            page = pages.render_page(env, model, spec, memo)
            out[spec.path] = (page.data, sorted(page.reads.keys), sorted(page.reads.templates))
    return memo.made, out


def test_feedback_pages_go_last_but_for_the_404_and_the_rest_keeps_its_order(project: Project) -> None:
    specs = list(plan.page_specs(project.link()))
    ordered = plan.rendering_order(specs)
    assert sorted(s.path for s in ordered) == sorted(s.path for s in specs)
    assert specs[-1].path == ordered[-1].path == "404.html"
    firsts = [s for s in ordered[:-1] if s.template != plan.FEEDBACK_PAGE]
    assert firsts == [s for s in specs[:-1] if s.template != plan.FEEDBACK_PAGE]
    assert ordered[len(firsts):-1] == [s for s in specs if s.template == plan.FEEDBACK_PAGE]
    assert len(ordered) - len(firsts) - 1 == ITEMS + 2


def test_in_rendering_order_each_card_is_made_once_and_the_pages_are_the_same(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = list(plan.page_specs(project.link()))
    made_ordered, ordered = _cards_made(project, plan.rendering_order(specs), monkeypatch)
    made_planned, planned = _cards_made(project, specs, monkeypatch)
    assert ordered == planned  # bytes and reads
    assert len(made_ordered) == len(set(made_ordered))
    # The control: in the plan's order the decision's page, after the feedback pages, makes its six cards again.
    assert set(made_planned) == set(made_ordered)
    again = [key for key in set(made_planned) if made_planned.count(key) > 1]
    assert len([key for key in again if key[:2] == ("feedback_card", ("feedback", key[1][1]))
                and key[1][1].startswith("item-")]) == ITEMS


def test_a_rendering_pass_streams_the_pages_in_rendering_order(project: Project) -> None:
    env, model = make_environment(project.root), project.link()
    specs = list(plan.page_specs(model))
    streamed: list[Any] = []

    def stream(func: Any, items: Any, *, then: Any) -> None:
        streamed.extend(items)

    rendering.render(env, model, specs, None, None, stream)  # type: ignore[arg-type]
    assert streamed == plan.rendering_order(specs)
