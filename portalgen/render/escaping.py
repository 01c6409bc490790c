"""A cheaper `escape` for compiled templates: the same text, without markupsafe's probes.

Every `{{ value }}` of an autoescaping template is `escape(value)`, some 130 a page. markupsafe's
escape builds its Markup through Markup.__new__, which asks the already escaped text for an
`__html__` it cannot have; a Markup value it escapes again into a copy of itself. Here a plain
string is escaped by markupsafe's own escaper and wrapped directly, a Markup value is kept as it
is (already safe, and immutable), and anything else goes to markupsafe.escape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

from portalgen.render import imported

_wrap = str.__new__
# markupsafe's C escaper of a plain string (what markupsafe.escape uses for one); without it,
# markupsafe.escape itself.
_escape_inner: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)


def escape(value: Any, /) -> Markup:
    """markupsafe.escape, the same Markup for every value."""
    cls = type(value)  # as markupsafe: a proxy's __class__ may name the proxied type
    if cls is str and _escape_inner is not None:
        return _wrap(Markup, _escape_inner(value))
    if cls is Markup:
        return value  # type: ignore[no-any-return]
    return markupsafe.escape(value)


def markup(text: str) -> Markup:
    """Markup(text), for the plain string a macro's body returns."""
    return _wrap(Markup, text) if type(text) is str else Markup(text)


class Template(jinja2.Template):
    """A template whose compiled code escapes with `escape` above, and whose module imported with
    a page's context is made again only for a page that would see other values (render/imported.py)."""

    # What render/imported.py learnt parsing it (None when it was not parsed here); the last
    # module made of it.
    parsed: imported.Parsed | None = None
    _imported: imported.Made | None = None

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment, namespace: MutableMapping[str, Any],
                        globals: MutableMapping[str, Any]) -> jinja2.Template:
        # The compiled module imported jinja2.runtime.escape (markupsafe's) into this namespace;
        # its functions look the name up here when they run.
        namespace["escape"] = escape
        template = super()._from_namespace(environment, namespace, globals)
        assert isinstance(template, Template)
        take = getattr(environment, "take_parsed", None)  # what render/tracking.py learnt parsing it
        template.parsed = take(template.name) if take is not None else None
        return template

    def new_context(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> jinja2.runtime.Context:
        # Template.new_context with the globals as one dict: Jinja's ChainMap of the template's and
        # the environment's globals is walked in Python twice a context (copied into the page's
        # variables, its names into a set), a dict in C. The same mapping, made once a rendering pass.
        flat = getattr(self.environment, "flat_globals", None)
        return jinja2.runtime.new_context(self.environment, self.name, self.blocks, vars, shared,
                                          flat(self) if flat is not None else self.globals, locals)

    def make_module(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> jinja2.environment.TemplateModule:
        names = self.parsed.lookups if self.parsed is not None else None
        if names is None or not shared or vars is None:
            return super().make_module(vars, shared, locals)
        values = imported.values_of(names, vars, locals)
        made = self._imported
        if made is not None and imported.same(made.values, values):
            return made.module
        module = super().make_module(vars, shared, locals)
        self._imported = imported.Made(values, module)
        return module
