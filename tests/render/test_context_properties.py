"""A page's dependencies are what its template reads from objects with an identity (render/tracking.py)
and the fields of its context (render/fingerprints.py). A *property* of a context object without
an identity is neither: if it reads an item's attributes in Python, an edit to them leaves every
page that shows it stale (quarter pages once did, with QuarterSummary.statuses). So the context
objects of every page of the example portal may only have properties that read their own plain
fields; anything worked out from the model is a field."""

from __future__ import annotations

import dataclasses
from typing import Any

from repo_paths import REPO

from portalgen.render import plan
from portalgen.render.tracking import identity

try:  # tests/ as a plain folder on sys.path, or as a package
    from helpers_content import Project
except ModuleNotFoundError:  # pragma: no cover
    from tests.helpers_content import Project

# Each reads only fields of its own object that hold plain values (numbers, dates, text).
PLAIN = {
    ("Pager", "prev"), ("Pager", "next"),
    ("Quarter", "key"), ("Quarter", "label"), ("Quarter", "start"), ("Quarter", "end"),
    ("Credit", "anonymous_total"),
}


def _classes(value: Any, found: set[type], seen: set[int]) -> None:
    """The classes of the dataclasses without an identity in `value`, down to objects with one."""
    if id(value) in seen or identity(value) is not None:
        return
    seen.add(id(value))
    if isinstance(value, dict):
        for item in value.values():
            _classes(item, found, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _classes(item, found, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.add(type(value))
        for field in dataclasses.fields(value):
            _classes(getattr(value, field.name), found, seen)


def test_context_objects_have_no_property_that_reads_the_model(tmp_path: Any) -> None:
    project = Project(tmp_path)
    for path in (REPO / "content").rglob("*"):
        if path.is_file():
            project.write(str(path.relative_to(REPO)), path.read_bytes())
    found: set[type] = set()
    pages = 0
    for spec in plan.page_specs(project.link()):
        pages += 1
        _classes(spec.context, found, set())
    assert pages > 50 and {"QuarterSummary", "Pager", "Credit"} <= {cls.__name__ for cls in found}
    properties = {(cls.__name__, name) for cls in found for klass in cls.__mro__
                  for name, attribute in vars(klass).items() if isinstance(attribute, property)}
    assert properties <= PLAIN, f"make these fields (see this file's docstring): {sorted(properties - PLAIN)}"
