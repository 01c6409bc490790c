"""The model of one run and the pages it asks for, planned (and fingerprinted) when first asked for.

A kept session under `serve` asks first for the pages open in a browser: a record's own page can
be planned alone, and the fingerprints of the others are only made when the rest of the run gets
to them.
"""

from __future__ import annotations

from collections.abc import Callable

from portalgen.model.items import Model
from portalgen.render.spec import PageSpec


class LazyFingerprints(dict[str, str]):
    """What each page is asked to show (pipeline/dependencies.py), worked out when first asked for:
    the pages open in a browser are checked before the others' fingerprints are made."""

    def __init__(self, make: Callable[[PageSpec], str], specs: dict[str, PageSpec]):
        super().__init__()
        self._make, self._specs = make, specs

    def __missing__(self, path: str) -> str:
        spec = self._specs[path]  # KeyError for a page the plan does not have, as a dict would
        found = self[path] = self._make(spec)
        return found

    def get(self, path: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self[path] if path in self._specs else default

    def __contains__(self, path: object) -> bool:
        return path in self._specs

    def spec(self, path: str) -> PageSpec | None:
        return self._specs.get(path)

    def complete(self) -> dict[str, str]:
        return {path: self[path] for path in self._specs}


class Plan:
    """The model of one run and the pages it asks for, planned when first asked for.

    The pages open in a browser are asked for first: a record's own page can be planned alone
    (`early`), so the whole plan waits until they are rendered.
    """

    def __init__(self, model: Model, specs: Callable[[], list[PageSpec]], page_fp: Callable[[PageSpec], str],
                 early: Callable[[str], PageSpec | None] = lambda path: None, known: dict[str, str] | None = None):
        self.model = model
        self._make, self._page_fp, self._early, self._known = specs, page_fp, early, known or {}
        self._specs: list[PageSpec] | None = None
        self._fps: LazyFingerprints | None = None

    @property
    def specs(self) -> list[PageSpec]:
        if self._specs is None:
            self._specs = self._make()
        return self._specs

    @property
    def fps(self) -> LazyFingerprints:
        if self._fps is None:
            self._fps = LazyFingerprints(self._page_fp, {spec.path: spec for spec in self.specs})
            self._fps.update((path, fp) for path, fp in self._known.items() if path in self._fps)
        return self._fps

    def spec(self, path: str) -> PageSpec | None:
        """One page's plan, without planning the rest when it is a record's own page."""
        if self._specs is None:
            found = self._early(path)
            if found is not None:
                return found
        return self.fps.spec(path)
