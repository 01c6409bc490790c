"""What a page reads while it renders: observed, not declared.

The Jinja environment notes every attribute a template reads from a model object that has an
identity (a feedback item, decision, change, customer page, tag, the model's own collections,
the portal settings), every model object handed whole to a Python function, every build-wide
value it resolves (the as-of date, the drafts flag) and every template it loads (extends,
include, import). After an edit, a page is rendered again only if one of those reads would now
give a different value. A template that reads `model.changes` depends on that whole list; one
that passes an item to a function depends on all of the item: coarser, never wrong.

Reads are keys such as ("feedback", "dark-mode", "status") or ("model", "changes"); their
values are compared by fingerprint() (render/fingerprints.py), which follows nested objects down to the next object
with an identity and stops there (that object's own reads are keys of their own).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Macro
from jinja2.utils import _PassArg, missing

from portalgen.content.records import Change, Customer, Decision, Feedback, Portal
from portalgen.model.items import ChangeItem, CustomerItem, DecisionItem, FeedbackItem, Model, TagItem
from portalgen.render import baked_words, direct_calls, escaping, imported

Key = tuple[str, ...]

# Names a page resolves that are the same on every page of a build (as opposed to page_path,
# the page's title or its own context): a fragment that reads only these can be shared.
BUILD_NAMES = frozenset({"as_of", "drafts"})
PAGE_NAMES = frozenset({"page_path", "page_title", "page_description", "canonical", "site_root"})


def identity(obj: Any) -> Key | None:
    """The key of an object the model knows by name, or None.

    A record (what its file says) has a key of its own beside its item's, so a page that shows a
    title depends on the title, not on the body written under it.
    """
    key_of = _KEY_OF.get(obj.__class__)
    return key_of(obj) if key_of is not None else None


_KINDS: dict[type, str] = {FeedbackItem: "feedback", DecisionItem: "decision", ChangeItem: "change",
                           CustomerItem: "customer", TagItem: "tag", Model: "model", Portal: "portal",
                           Feedback: "feedback:record", Decision: "decision:record", Change: "change:record",
                           Customer: "customer:record"}


def _key_function(kind: str) -> Callable[[Any], Key]:
    # Hot: called for every attribute a template reads, so each kind gets its own small function.
    if kind.endswith(":record"):
        name = kind[:-7]
        return lambda obj: (name, obj.slug, "record")
    if kind == "tag":
        return lambda obj: ("tag", obj.slug)
    if kind in ("model", "portal"):
        return lambda obj: (kind,)
    return lambda obj: (kind, obj.record.slug)


_KEY_OF: dict[type, Callable[[Any], Key]] = {cls: _key_function(kind) for cls, kind in _KINDS.items()}


def _read_key_function(kind: str) -> Callable[[Any, str], Key]:
    # Hotter still: the key of one attribute read, made in one go (no key tuple to unpack).
    if kind.endswith(":record"):
        name = kind[:-7]
        return lambda obj, attribute: (name, obj.slug, "record", attribute)
    if kind == "tag":
        return lambda obj, attribute: ("tag", obj.slug, attribute)
    if kind in ("model", "portal"):
        return lambda obj, attribute: (kind, attribute)
    return lambda obj, attribute: (kind, obj.record.slug, attribute)


_READ_KEY_OF: dict[type, Callable[[Any, str], Key]] = {cls: _read_key_function(kind) for cls, kind in _KINDS.items()}


@dataclass
class Reads:
    """What one page (or one shared fragment of pages) read while rendering."""

    keys: set[Key] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    page_specific: bool = False  # read the page's path, title or own context

    def merge(self, other: Reads) -> None:
        self.add(other.keys, other.templates, other.page_specific)

    def add(self, keys: Iterable[Key], templates: Iterable[str], page_specific: bool) -> None:
        self.keys.update(keys)
        self.templates.update(templates)
        self.page_specific = self.page_specific or page_specific


def tracks_itself(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a template global whose arguments need no recording (it records what it reads)."""
    func.__dict__["tracks_itself"] = True
    return func


# Callables whose own __call__ can carry no Jinja pass-argument mark (it is a slot wrapper), so
# Context.call's probe of it can be skipped.
_PLAIN_CALLABLES = frozenset({types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                              types.MethodWrapperType, types.BuiltinMethodType})
_FUNCTION = types.FunctionType
# Callables that can carry no attribute at all (so no mark), each with its owner in __self__.
_UNMARKABLE = frozenset({types.BuiltinFunctionType, types.MethodWrapperType, types.BuiltinMethodType})


class TrackingContext(Context):
    """Notes the names a template resolves and the model objects it hands to Python functions."""

    environment: TrackingEnvironment

    def resolve_or_missing(self, key: str) -> Any:
        reads = self.environment.reads
        if reads is not None:
            if key in BUILD_NAMES:
                reads.keys.add(("build", key))
            elif key in PAGE_NAMES or key in self.environment.page_context:
                reads.page_specific = True
        # Context.resolve_or_missing, inlined: a page resolves some fifty names.
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            return self.parent[key]
        return missing

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # Hot: a page makes about a hundred calls (macros, url(), gettext). What Context.call does,
        # with the type of the callable looked at once instead of four attribute probes a call.
        if kwargs:
            loop_vars = kwargs.pop("_loop_vars", None)
            block_vars = kwargs.pop("_block_vars", None)
        else:
            loop_vars = block_vars = None
        if __obj.__class__ is Macro:  # records nothing itself: its body's reads are recorded as they happen
            return call_macro(__obj, __self.eval_ctx, args, kwargs)
        cls = __obj.__class__
        reads = __self.environment.reads
        if cls is _FUNCTION:
            # Most calls (url helpers, gettext, the theme's lambdas): a function has no owner, and
            # its marks, if any, are in its __dict__.
            marks = __obj.__dict__
            if reads is not None and not marks.get("tracks_itself"):
                _record_handed(reads, None, args, kwargs)
            pass_arg = marks.get("jinja_pass_arg")
        elif cls in _UNMARKABLE:  # url() is a str's method-wrapper: it has an owner, no marks
            if reads is not None:
                _record_handed(reads, __obj.__self__, args, kwargs)  # type: ignore[attr-defined]
            pass_arg = None
        else:
            if reads is not None and not getattr(__obj, "tracks_itself", False):
                _record_handed(reads, getattr(__obj, "__self__", None), args, kwargs)
            __obj, pass_arg = _pass_arg(__obj)
        if pass_arg is not None:
            __self, args = __self._passing(pass_arg, args, loop_vars, block_vars)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")

    def _passing(self, pass_arg: _PassArg, args: tuple[Any, ...], loop_vars: dict[str, Any] | None,
                 block_vars: dict[str, Any] | None) -> tuple[TrackingContext, tuple[Any, ...]]:
        """The arguments with what a pass_context (eval_context, environment) callable takes first."""
        if pass_arg is _PassArg.context:
            # as in Context.call: the active context sees variables set in loops and blocks
            context = self
            if loop_vars:
                context = context.derived(loop_vars)  # type: ignore[assignment]
            if block_vars:
                context = context.derived(block_vars)  # type: ignore[assignment]
            return context, (context, *args)
        if pass_arg is _PassArg.eval_context:
            return self, (self.eval_ctx, *args)
        return self, (self.environment, *args)


def _record_handed(reads: Reads, owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A model object handed to a Python function (or the owner of the method called): the
    function may read any of it."""
    key_of = _KEY_OF
    make = key_of.get(owner.__class__)
    if make is not None:
        reads.keys.add((*make(owner), "*"))
    for arg in (*args, *kwargs.values()) if kwargs else args:
        make = key_of.get(arg.__class__)
        if make is not None:
            reads.keys.add((*make(arg), "*"))


def _pass_arg(obj: Callable[..., Any]) -> tuple[Callable[..., Any], _PassArg | None]:
    """The callable to call and what it takes first, as Context.call finds them."""
    if obj.__class__ in _PLAIN_CALLABLES:  # a function's own __call__ is a slot wrapper: no mark
        return obj, getattr(obj, "jinja_pass_arg", None)
    own_call = getattr(obj, "__call__", None)  # noqa: B004 (Context.call's own test, kept as it is)
    if own_call is not None and getattr(own_call, "jinja_pass_arg", None) is not None:
        obj = own_call
    return obj, getattr(obj, "jinja_pass_arg", None)


def call_macro(macro: Macro, eval_ctx: EvalContext, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None
               ) -> Any:
    """Macro.__call__ for the common case (arguments given by position, those left out taking
    their defaults, no caller, no varargs): its body straight away; any other case goes through
    Macro.__call__. Templates' code calls it directly for a call by position (render/direct_calls.py)."""
    count = macro._argument_count
    given = len(args)
    if (kwargs or given > count or macro.caller or macro.catch_kwargs or macro.catch_varargs
            or macro._environment.is_async):
        return macro.__call__(eval_ctx, *args, **(kwargs or {}))  # a macro takes the eval context first
    if given < count:  # as Macro.__call__: an argument left out is `missing`, which its body defaults
        args = (*args, *(missing,) * (count - given))
    try:
        rv = macro._func(*args)
    except StopIteration:  # as Context.call turns it
        return macro._environment.undefined("value was undefined because a callable raised a"
                                            " StopIteration exception")
    return escaping.markup(rv) if eval_ctx.autoescape else rv


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that records, while `recording()`, what templates read."""

    context_class = TrackingContext
    template_class = escaping.Template
    code_generator_class: type[CodeGenerator] = direct_calls.DirectCalls  # url helpers called directly

    def __init__(self, project: Path, **options: Any) -> None:
        super().__init__(**options)
        self.project = project  # template errors name files relative to it
        self.reads: Reads | None = None
        self.page_context: frozenset[str] = frozenset()
        self.words: Any = None  # the portal's i18n.Words, set by theme.make_environment
        self._held: dict[str, jinja2.Template] | None = None  # see holding_templates()
        self._flat: dict[jinja2.Template, dict[str, Any]] = {}  # see flat_globals()
        self._parsed: tuple[str | None, imported.Parsed] | None = None  # see take_parsed()

    @contextmanager
    def recording(self, reads: Reads, page_context: frozenset[str] | None = None) -> Iterator[Reads]:
        """Record into `reads` (nested calls record a fragment, then add it to the outer reads)."""
        outer, outer_names = self.reads, self.page_context
        self.reads = reads
        if page_context is not None:
            self.page_context = page_context
        try:
            yield reads
        finally:
            self.reads, self.page_context = outer, outer_names
            if outer is not None:
                outer.merge(reads)

    @contextmanager
    def holding_templates(self) -> Iterator[None]:
        """Load each template once for the pages rendered meanwhile (a rendering pass).

        A page loads three templates or more (its own, the one it extends, the macros it
        imports), and Jinja asks the file system whether each is up to date every time; within
        one pass a template is the same file for every page, so it is asked once. Nested: the
        outer hold goes on. A new pass loads again, so an edited template is seen by the next.
        """
        if self._held is not None:
            yield
            return
        self._held, self._flat = {}, {}
        try:
            yield
        finally:
            self._held, self._flat = None, {}

    def flat_globals(self, template: jinja2.Template) -> MutableMapping[str, Any]:
        """A template's globals (its own over the environment's, a ChainMap) as one dict, made once a
        rendering pass (escaping.Template.new_context): nothing sets a global while pages render."""
        if self._held is None:
            return template.globals
        flat = self._flat.get(template)
        if flat is None:
            flat = self._flat[template] = dict(template.globals)
        return flat

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        self._parsed = None
        tree = super()._parse(source, name, filename)
        # One environment speaks one language: its fixed strings are translated once, here.
        tree = baked_words.bake(tree, self.words.translations) if self.words is not None else tree
        self._parsed = (name, imported.parsed(tree))  # taken by the Template made of it next
        return tree

    def take_parsed(self, name: str | None) -> imported.Parsed | None:
        """What render/imported.py learnt of the template `name`, parsed last (escaping.Template)."""
        parsed, self._parsed = self._parsed, None
        return parsed[1] if parsed is not None and parsed[0] == name else None

    def parsed_now(self, name: str) -> imported.Parsed | None:
        """What take_parsed(name) would give, left for it: the bytecode cache keeps it beside the
        code compiled from the same parse (pipeline/compiled.py)."""
        parsed = self._parsed
        return parsed[1] if parsed is not None and parsed[0] == name else None

    def give_parsed(self, name: str, facts: imported.Parsed) -> None:
        """The facts of the template `name` loaded compiled, not parsed: its Template takes them as
        it would those of a parse."""
        self._parsed = (name, facts)

    def preload(self, names: Iterable[str]) -> None:
        """Load the templates `names` and those they name (extends, import, include) into the
        templates held for this pass, before the rendering processes are forked: each then
        inherits them compiled instead of compiling them again. One that fails to load is left
        for the page that loads it, which reports it."""
        assert self._held is not None, "only while templates are held"
        todo, seen = list(names), set()
        outer, self.reads = self.reads, None  # loading here is no page's read
        try:
            while todo:
                name = todo.pop()
                if name in seen:
                    continue
                seen.add(name)
                try:
                    template = self.get_template(name)
                except Exception:  # the page that loads it raises it again, as its own
                    continue
                parsed = getattr(template, "parsed", None)
                if parsed is not None:
                    todo.extend(parsed.references)
        finally:
            self.reads = outer

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Hot: a page reads some hundred attributes. Environment.getattr, inlined.
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                value = obj[attribute]
            except (TypeError, LookupError, AttributeError):
                value = self.undefined(obj=obj, name=attribute)
        reads = self.reads
        if reads is not None:
            read_key = _READ_KEY_OF.get(obj.__class__)
            if read_key is not None:
                reads.keys.add(read_key(obj, attribute))
        return value

    def getitem(self, obj: Any, argument: str | Any) -> Any:
        value = super().getitem(obj, argument)
        reads = self.reads
        if reads is not None and isinstance(argument, str):
            key = identity(obj)
            if key is not None:
                reads.keys.add((*key, argument))
        return value

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        if not isinstance(name, str):
            return super().get_template(name, parent, globals)
        if parent is not None:
            name = self.join_path(name, parent)
        if self.reads is not None:
            self.reads.templates.add(name)
        held = self._held
        if held is None or globals:
            return super().get_template(name, None, globals)
        template = held.get(name)
        if template is None:  # a template that fails to load is asked again: it raises again
            template = held[name] = super().get_template(name)
        return template
