"""A template imported `with context` (base.html's `{% import "macros.html" as m with context %}`)
made once for the pages that would each make the same module, instead of once a page.

Making the module runs its top level again for every page: a new context (the page's variables
copied, the globals' ChainMap walked twice) and a new Macro object and closure for each of its
twenty-odd macros, a tenth of the time a page takes to render. Its output depends only on:
- its code (the module is kept on the Template object, which Jinja replaces when the file changes);
- the values of the names its compiled code looks up in the context (it resolves no other name),
  compared by identity;
- nothing else, when its top level only defines macros and writes fixed text (no `set`, no call,
  no include or import, no block, nothing that reaches the context itself): see `reusable`.
A page whose values are the same objects as the last page's gets the same module. What a macro
reads is recorded when it is called, on the page that calls it (render/tracking.py records into
the environment's current reads, not the context's), so reuse changes no page's reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.utils import missing

# Nodes that would let the top level or a macro see more of the page than its named lookups,
# or make the module differ between two makings from the same values.
_REACHING = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Block,
             nodes.ContextReference, nodes.DerivedContextReference, nodes.EvalContextModifier,
             nodes.ScopedEvalContextModifier)


@dataclass(frozen=True)
class Parsed:
    """What a template's tree tells, kept with the template made of it."""

    lookups: tuple[str, ...] | None  # reusable()
    references: tuple[str, ...]  # the templates it names (TrackingEnvironment.preload)


def parsed(tree: nodes.Template) -> Parsed:
    return Parsed(reusable(tree), tuple(name for name in meta.find_referenced_templates(tree) if name is not None))


def dumps(facts: Parsed) -> bytes:
    """`facts` as one line (JSON escapes a newline in a name), kept beside a template's compiled code
    (pipeline/compiled.py): a template loaded compiled is not parsed, so its facts come from there."""
    return json.dumps([facts.lookups, facts.references], separators=(",", ":")).encode()


def loads(line: bytes | memoryview) -> Parsed | None:
    """What dumps() wrote, or None for anything else."""
    try:
        lookups, references = json.loads(bytes(line))
    except (ValueError, TypeError):
        return None
    if not (lookups is None or _names(lookups)) or not _names(references):
        return None
    return Parsed(None if lookups is None else tuple(lookups), tuple(references))


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(name, str) for name in value)


def reusable(tree: nodes.Template) -> tuple[str, ...] | None:
    """The names a module made from `tree` looks up, when its making can be reused; else None."""
    for node in tree.body:
        if isinstance(node, nodes.Macro):
            continue
        if isinstance(node, nodes.Output) and all(isinstance(n, nodes.TemplateData) for n in node.nodes):
            continue
        return None  # a top level that computes something (a `set`, a call, a loop)
    if any(True for _ in tree.find_all(_REACHING)) or tree.environment is None:
        return None
    names = _Lookups(tree.environment)
    names.visit(tree)
    return tuple(sorted(names.found))


class _Lookups(CodeGenerator):
    """Every name the compiled code resolves from the context: jinja2.meta's
    find_undeclared_variables leaves out the environment's globals, which a page's own variables
    can hide, so they are counted here too."""

    def __init__(self, environment: jinja2.Environment):
        super().__init__(environment, "<introspection>", "<introspection>")
        self.found: set[str] = set()

    def write(self, x: str) -> None:
        pass  # only the frames' lookups are wanted, not the code

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        for action, param in frame.symbols.loads.values():
            if action == "resolve":
                self.found.add(param)


class Made:
    """The last module made from one template, and the values it was made from."""

    __slots__ = ("module", "values")

    def __init__(self, values: tuple[Any, ...], module: jinja2.environment.TemplateModule):
        self.values, self.module = values, module


def values_of(names: tuple[str, ...], vars: Mapping[str, Any], locals: Mapping[str, Any] | None
              ) -> tuple[Any, ...]:
    """What each name resolves to in a module made from `vars` and `locals` (runtime.new_context:
    a local that is not `missing` wins)."""
    if not locals:
        return tuple(vars.get(name, missing) for name in names)
    found = []
    for name in names:
        value = locals.get(name, missing)
        found.append(vars.get(name, missing) if value is missing else value)
    return tuple(found)


def same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
