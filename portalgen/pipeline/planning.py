"""The model of one run and the pages it asks for, planned (and fingerprinted) when first asked for.

A kept session under `serve` asks first for the pages open in a browser: a record's own page can
be planned alone, and the fingerprints of the others are only made when the rest of the run gets
to them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping

from portalgen.model.items import Model
from portalgen.render import plan
from portalgen.render.spec import PageSpec


def _nothing(path: str) -> PageSpec | None:
    return None


class LazyFingerprints(dict[str, str]):
    """What each page is asked to show (pipeline/dependencies.py), worked out when first asked for:
    the pages open in a browser are checked before the others' fingerprints are made."""

    def __init__(self, make: Callable[[PageSpec], str], specs: dict[str, plan.Planned]):
        super().__init__()
        self._make, self._specs = make, specs

    def __missing__(self, path: str) -> str:
        spec = plan.spec_of(self._specs[path])  # KeyError for a page the plan does not have, as a dict would
        found = self[path] = self._make(spec)
        return found

    def get(self, path: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self[path] if path in self._specs else default

    def __contains__(self, path: object) -> bool:
        return path in self._specs

    def spec(self, path: str) -> PageSpec | None:
        found = self._specs.get(path)
        return plan.spec_of(found) if found is not None else None

    def complete(self) -> dict[str, str]:
        return {path: self[path] for path in self._specs}

    def replaced(self, make: Callable[[PageSpec], str], fresh: Mapping[str, PageSpec]) -> LazyFingerprints:
        """The same pages, with `make` for what is not known yet, and those of `fresh` planned again:
        the others keep the fingerprints already made."""
        specs = dict(self._specs)
        specs.update(fresh)
        made = LazyFingerprints(make, specs)
        dict.update(made, self)
        for path in fresh:
            dict.pop(made, path, None)
        return made


class Plan:
    """The model of one run and the pages it asks for, planned when first asked for.

    The pages open in a browser are asked for first: a record's own page can be planned alone
    (`early`), so the whole plan waits until they are rendered.
    """

    def __init__(self, model: Model, specs: Callable[[], list[plan.Planned]], page_fp: Callable[[PageSpec], str],
                 early: Callable[[str], PageSpec | None] = _nothing, known: dict[str, str] | None = None):
        self.model = model
        self._make: Callable[[], list[plan.Planned]] | None = specs
        self._early: Callable[[str], PageSpec | None] | None = early
        self._page_fp, self._known = page_fp, known or {}
        self._planned: list[plan.Planned] | None = None
        self._specs: list[PageSpec] | None = None
        self._fps: LazyFingerprints | None = None
        self._fps_from: Callable[[], LazyFingerprints] | None = None

    @property
    def planned(self) -> list[plan.Planned]:
        """Every page, in the site's order: some perhaps planned only when first asked for (plan.Later)."""
        if self._planned is None:
            assert self._make is not None
            self._planned = self._make()
            self._make = self._early = None  # what they held (an older plan) may go
        return self._planned

    @property
    def specs(self) -> list[PageSpec]:
        """Every page planned."""
        if self._specs is None:
            self._specs = list(map(plan.spec_of, self.planned))
        return self._specs

    def pending(self, done: Collection[str]) -> list[PageSpec]:
        """The plans of the pages not in `done`: a page left to plan later is planned now."""
        return [plan.spec_of(page) for page in self.planned if page.path not in done]

    @property
    def fps(self) -> LazyFingerprints:
        if self._fps is None:
            if self._fps_from is not None:
                self.specs  # noqa: B018 (planned first: the plan it is made from may then go)
                self._fps, self._fps_from = self._fps_from(), None
            else:
                self._fps = LazyFingerprints(self._page_fp, {page.path: page for page in self.planned})
                self._fps.update((path, fp) for path, fp in self._known.items() if path in self._fps)
                self._known = {}
        return self._fps

    def spec(self, path: str) -> PageSpec | None:
        """One page's plan, without planning the rest when it is a record's own page."""
        if self._planned is None:
            assert self._early is not None
            found = self._early(path)
            if found is not None:
                return found
        return self.fps.spec(path)

    def replanned(self, fresh: dict[str, PageSpec], page_fp: Callable[[PageSpec], str]) -> Plan:
        """The same pages for the same model, but those in `fresh` planned again (a reworded
        record's own page): the others keep their plan and their fingerprint. Nothing is copied
        before it is asked for: the page open in a browser is found without it."""
        fresh = {path: spec for path, spec in fresh.items() if self.spec(path) is not None}
        def early(path: str) -> PageSpec | None:
            found = fresh.get(path)
            return found if found is not None else self.spec(path)

        made = Plan(self.model, lambda: [fresh.get(spec.path, spec) for spec in self.specs], page_fp, early)
        made._fps_from = lambda: self.fps.replaced(page_fp, fresh)
        return made


def record_pages(model: Model, excerpt: plan.Excerpt) -> Callable[[str], PageSpec | None]:
    """The plan of a feedback item's, decision's or change's own page, by its path, alone (the
    addresses are listed when first asked for)."""
    pages: dict[str, Callable[[], PageSpec]] = {}

    def early(path: str) -> PageSpec | None:
        if not pages:
            for item in model.feedback:
                pages[item.url] = functools.partial(plan.feedback_page, item, excerpt)
            for decision in model.decisions:
                pages[decision.url] = functools.partial(plan.decision_page, decision, excerpt)
            for change in model.changes:
                pages[change.url] = functools.partial(plan.change_page, change, excerpt)
        make = pages.get(path)
        return make() if make is not None else None

    return early
