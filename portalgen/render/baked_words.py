"""Translate the theme's fixed strings once, when a template is compiled, instead of on every page.

A theme template says `_('Roadmap')` some forty times per page; through Jinja's newstyle
gettext each one is two context calls, a catalog lookup and a Markup round trip, which was a
third of the time spent rendering a page. A Jinja environment serves one language (its
catalogs are fixed when it is made, and a new catalog makes a new environment), so a call whose
message is a literal always gives the same text: it is compiled as that text.

The result is what gettext gives at run time for a message without values: the translation,
marked safe when the template autoescapes. A message with values stays a call (the theme's
gettext writes numbers the locale's way, render/theme.py), and so does one the catalog cannot
format (a stray `%`), to fail at run time with its line as before. ngettext depends on its number
and stays a call.
"""

from __future__ import annotations

from typing import Protocol

from jinja2 import nodes
from jinja2.visitor import NodeTransformer

GETTEXT_NAMES = frozenset({"_", "gettext"})


class Catalog(Protocol):
    def gettext(self, message: str) -> str: ...


class _Baker(NodeTransformer):
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)  # values given to a message may hold messages of their own
        callee, args = node.node, node.args
        if not (isinstance(callee, nodes.Name) and callee.name in GETTEXT_NAMES and len(args) == 1
                and isinstance(args[0], nodes.Const) and isinstance(args[0].value, str)
                and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        try:
            text = self.catalog.gettext(args[0].value) % {}
        except (KeyError, ValueError, TypeError):
            return node
        return nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=node.lineno), lineno=node.lineno)


def bake(tree: nodes.Template, catalog: Catalog) -> nodes.Template:
    """The template with every `_('literal')` replaced by its translation."""
    baked = _Baker(catalog).visit(tree)
    assert isinstance(baked, nodes.Template)
    return baked
