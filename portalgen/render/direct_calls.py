"""Templates' calls of the url helpers compiled to call them directly, not through Context.call.

Some forty-five of a page's ninety calls are `url(...)` and `urls.<helper>(...)`. Through
TrackingContext.call (render/tracking.py) each costs a call of its own that looks at the callee
and notes every model object handed to it (any of it may be read). The helpers read nothing of
the model from a string or a number: `url` is the links' ROOT's str.__add__ (render/links.py),
the urls.* helpers format or look up their arguments (model/urls.py). A model object handed to
one would be read (an f-string prints it), so the direct call is taken only when the callee is
the helper itself (by identity, at run time: a page's context may name something else `url`) and
every argument is a str or an int; any other call goes through Context.call as Jinja compiles it.
So a page records the same reads either way, and renders the same text.

`url(urls.page(key))` compiles to (a name or expression for each `…`):

    (t_1(t_2) if (t_1 := …url…, t_2 := (t_3(t_4) if (t_5 := …urls…, t_3 := (t_5.page if t_5 is
     direct_urls else environment.getattr(t_5, 'page')), t_4 := …key…) and t_5 is direct_urls
     and t_4.__class__ in direct_plain else context.call(t_3, t_4))) and t_1 is direct_url and
     t_2.__class__ in direct_plain else context.call(t_1, t_2))

The callee and the arguments are evaluated once, in Jinja's order, into temporaries (the tuple
of assignments); the module itself is no object whose attribute reads are recorded.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst

from portalgen.model import urls
from portalgen.render.links import URL

# What the compiled code compares with: imported by each compiled template (visit_Template).
URLS = urls
PLAIN = frozenset({str, int})
# The urls helpers that make a str from str and int arguments and nothing else.
HELPERS = frozenset({"folder", "page", "record", "status", "listing", "quarter", "feed", "version_anchor",
                     "static", "pretty", "absolute", "relative"})
__all__ = ["PLAIN", "URL", "URLS", "DirectCalls"]

_IMPORT = ("from portalgen.render.direct_calls import URL as direct_url, URLS as direct_urls, "
           "PLAIN as direct_plain\nfrom portalgen.render.tracking import call_macro as direct_macro")


class DirectCalls(CodeGenerator):
    """Jinja's code generator, with the url helpers' calls compiled as the module docstring shows."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self.writeline(_IMPORT)
        super().visit_Template(node, frame)

    @optimizeconst
    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if (forward_caller or node.kwargs or node.dyn_args or node.dyn_kwargs or self.environment.is_async
                or self.environment.sandboxed):
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        helper = _helper(node)
        func = self.temporary_identifier()
        args = [self.temporary_identifier() for _ in node.args]
        owner = self.temporary_identifier() if helper else ""
        self.write(f"({func}({', '.join(args)})" if helper is not None else
                   f"(direct_macro({func}, context.eval_ctx, ({''.join(a + ', ' for a in args)}))")
        self.write(" if (")
        if helper:  # urls.<helper>: the module's attribute read directly (it records nothing)
            self.write(f"{owner} := ")
            self.visit(node.node.node, frame)  # type: ignore[attr-defined]
            self.write(f", {func} := ({owner}.{helper} if {owner} is direct_urls else "
                       f"environment.getattr({owner}, {helper!r}))")
        else:
            self.write(f"{func} := ")
            self.visit(node.node, frame)
        for name, arg in zip(args, node.args, strict=True):
            self.write(f", {name} := ")
            self.visit(arg, frame)
        self.write(",) and ")
        if helper is None:  # a macro: what Context.call would do with it (it records nothing itself)
            self.write(f"{func}.__class__ is Macro")
        else:
            self.write(f"{owner} is direct_urls" if helper else f"{func} is direct_url")
            for name, arg in zip(args, node.args, strict=True):
                if not (isinstance(arg, nodes.Const) and arg.value.__class__ in PLAIN):  # a literal is known now
                    self.write(f" and {name}.__class__ in direct_plain")
        self.write(f" else context.call({func}")
        for name in args:
            self.write(f", {name}")
        extra = _extra(frame)
        for key, value in extra.items():
            self.write(f", {key}={value}")
        self.write("))")


def _helper(node: nodes.Call) -> str | None:
    """'' for a call of `url`, the helper's name for one of `urls.<helper>`, None for any other."""
    callee: Any = node.node
    if isinstance(callee, nodes.Name) and callee.name == "url" and callee.ctx == "load":
        return ""
    if (isinstance(callee, nodes.Getattr) and isinstance(callee.node, nodes.Name) and callee.node.name == "urls"
            and callee.node.ctx == "load" and callee.attr in HELPERS):
        return str(callee.attr)
    return None


def _extra(frame: Frame) -> dict[str, str]:
    """The keywords Jinja's visit_Call hands Context.call inside a loop or a block (no caller here)."""
    extra = {}
    if frame.loop_frame:
        extra["_loop_vars"] = "_loop_vars"
    if frame.block_frame:
        extra["_block_vars"] = "_block_vars"
    return extra
