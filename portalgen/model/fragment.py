"""Sanitised HTML made to fit the place it lands: a fragment can never reach outside itself.

nh3 decides which tags may appear, but it parses a fragment on its own, so what it returns is
balanced only in isolation. Placed on a page, a stray `<li>` closes the page's own list item
(an `li` start tag closes the open one through any `div`), a `<p>` left inside a `<p>` (after
the tag between them was removed) closes the outer one, and text left in a `<table>` is moved
out of it. Each of these changes the page around the fragment and is an error to the Nu checker.
So the sanitised fragment is read into a tree and every element is made to hold only what
HTML allows there, by the rules of the allow-list's few tags: stray list items get a list,
block elements inside phrasing are unwrapped to their text, a link inside a link or without an
address is unwrapped, stray table parts are unwrapped and what a table cannot hold moves in
front of it, as a browser would move it.

The tree is written back the way nh3 writes it (same escaping), so well-formed input comes
out byte for byte unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from html import unescape
from typing import NamedTuple

from portalgen.model.hrefs import clean_href

VOID = {"br", "hr"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements whose content is phrasing only (text, links, emphasis).
INLINE = {"em", "strong", "b", "i", "code", "kbd", "sub", "sup", "abbr"}
TRANSPARENT = {"a", "del", "ins"}  # take the content model of the place they are in
PHRASING_BLOCKS = {"p", "pre"} | HEADINGS  # blocks that hold phrasing only
TABLE_PARTS = {"thead", "tbody", "tr", "td", "th"}
_NUMBER = re.compile(r"-?[0-9]+")


class Element:
    """An element of the fragment; `attrs` is its attributes as written (` href="…" rel="…"`)."""

    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: str = "", children: list[Node] | None = None):
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node] = children if children is not None else []

    def get(self, name: str) -> str | None:
        return next((unescape(m[2] or "") for m in _ATTRIBUTE.finditer(self.attrs) if m[1] == name), None)

    def set(self, name: str, value: str | None) -> None:
        """Replace the attribute's value, or remove the attribute (None)."""
        written = "" if value is None else f' {name}="{value.translate(_ATTR)}"'
        self.attrs = _ATTRIBUTE.sub(lambda m: written if m[1] == name else m[0], self.attrs)


Node = Element | str


class Place(NamedTuple):
    """What the element being normalised may hold."""

    phrasing: bool = False  # only text and inline elements
    headings: bool = True  # headings allowed (not in dt or th)
    link: bool = False  # inside a link: another one would nest


FLOW = Place()


# A place is one of eight: each variant is made once (this runs for every element of every text).
@functools.cache
def _inline(place: Place) -> Place:
    return place._replace(phrasing=True)


@functools.cache
def _in_link(place: Place) -> Place:
    return place._replace(link=True)


@functools.cache
def _headless(place: Place) -> Place:
    return place._replace(headings=False)

# nh3 writes HTML the one way html5ever's serialiser does: every attribute value in double
# quotes (with " escaped), every "<" in text escaped, every element but br and hr closed.
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s"\'<>/=]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'\s+([^\s"\'<>/=]+)(?:="([^"]*)")?')  # one after the other: never inside a value
# Written back the same way: output stays byte for byte what nh3 wrote.
_ATTR = str.maketrans({"&": "&amp;", "\u00a0": "&nbsp;", '"': "&quot;"})


def parse(html: str) -> list[Node]:
    root = Element("#root")
    stack = [root]
    pieces = _TAG.split(html)  # text, then (slash, name, attributes, text) for each tag
    if pieces[0]:
        root.children.append(pieces[0].replace("<", "&lt;"))
    for at in range(1, len(pieces), 4):
        closing, tag, attrs, text = pieces[at:at + 4]
        if closing:
            depth = next((d for d in range(len(stack) - 1, 0, -1) if stack[d].tag == tag), 0)
            if depth:
                del stack[depth:]
        else:
            el = Element(tag, attrs)
            stack[-1].children.append(el)
            if tag not in VOID:
                stack.append(el)
        if text:
            stack[-1].children.append(text.replace("<", "&lt;"))
    return root.children


def serialise(nodes: list[Node]) -> str:
    out: list[str] = []
    _write(nodes, out)
    return "".join(out)


def _write(nodes: list[Node], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.tag in VOID:
            out.append(f"<{node.tag}{node.attrs}>")
        else:
            out.append(f"<{node.tag}{node.attrs}>")
            _write(node.children, out)
            out.append(f"</{node.tag}>")


def text_of(nodes: list[Node]) -> str:
    """The words of the nodes (text is kept as written: character references undecoded)."""
    return "".join(n if isinstance(n, str) else text_of(n.children) for n in nodes)


def _words(nodes: list[Node]) -> bool:
    return bool(unescape(text_of(nodes)).strip())


def _blank(node: Node) -> bool:
    return isinstance(node, str) and not node.strip()


def well_formed(html: str) -> str:
    """The fragment, with every element where HTML allows it (see the module's docstring)."""
    if "<" not in html:
        return html
    return serialise(normalise(parse(html), FLOW))


def normalise(nodes: list[Node], place: Place) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        else:
            out.extend(_element(node, place))
    return out if place.phrasing else _list_stray_items(out)


def _element(el: Element, place: Place) -> list[Node]:
    """What stands in the place of `el`: itself normalised, its content unwrapped, or nothing."""
    tag = el.tag
    if tag == "a":
        return _link(el, place)
    if tag in TRANSPARENT:
        el.children = normalise(el.children, place)
        return [el]
    if tag == "br":
        return [el]
    if tag in INLINE:
        el.children = normalise(el.children, _inline(place))
        return [el]
    if place.phrasing:  # a block where only phrasing may stand: keep its words, apart
        return [*normalise(el.children, place), " "]
    if tag in HEADINGS:
        return _heading(el, place)
    return _block(el, place)


def _link(el: Element, place: Place) -> list[Node]:
    href = clean_href(el.get("href"))
    if place.link or href is None:
        return normalise(el.children, place)  # unwrapped to its words: an <a> without href is no link
    inner = normalise(el.children, _in_link(place))
    if not _words(inner):
        return inner  # a link with no words has no name to read out
    if href != el.get("href"):
        el.set("href", href)
    el.children = inner
    return [el]


def _heading(el: Element, place: Place) -> list[Node]:
    inner = normalise(el.children, _inline(place))
    if not place.headings:  # dt and th may not hold headings: keep the words
        return inner
    if not _words(inner):
        return []  # an empty heading is a hole in the outline
    el.children = inner
    return [el]


def _block(el: Element, place: Place) -> list[Node]:
    tag = el.tag
    if tag in PHRASING_BLOCKS:
        el.children = normalise(el.children, _inline(place))
    elif tag in ("ul", "ol"):
        _list(el, place)
    elif tag == "dl":
        return _definitions(el, place)
    elif tag == "table":
        return _table(el, place)
    elif tag in TABLE_PARTS or tag in ("dt", "dd"):
        return normalise(el.children, place)  # outside its table or list it means nothing
    elif tag != "hr":  # li (wrapped by the caller), blockquote
        el.children = normalise(el.children, place)
    if tag == "ol" and not _NUMBER.fullmatch(el.get("start") or "0"):
        el.set("start", None)
    return [el]


def _runs(nodes: list[Node], member: Callable[[Node], bool]) -> list[tuple[bool | None, list[Node]]]:
    """Maximal runs of members and of others; blank text between two of a kind joins their run."""
    runs: list[tuple[bool | None, list[Node]]] = []
    pending: list[Node] = []
    for node in nodes:
        if _blank(node):
            pending.append(node)
            continue
        kind = member(node)
        if runs and runs[-1][0] is kind:
            runs[-1][1].extend([*pending, node])
        else:
            if pending:
                runs.append((None, pending))
            runs.append((kind, [node]))
        pending = []
    if pending:
        runs.append((None, pending))
    return runs


def _is(*tags: str) -> Callable[[Node], bool]:
    return lambda node: isinstance(node, Element) and node.tag in tags


def _list_stray_items(nodes: list[Node]) -> list[Node]:
    """Runs of list items outside a list go into a list of their own."""
    if not any(_is("li")(n) for n in nodes):
        return nodes
    out: list[Node] = []
    for is_item, run in _runs(nodes, _is("li")):
        out.extend([Element("ul", "", run)] if is_item else run)
    return out


def _wrap_runs(children: list[Node], keep: tuple[str, ...], wrapper: str) -> list[Node]:
    """Children of a container that may hold only `keep` elements: anything else goes into a `wrapper`."""
    out: list[Node] = []
    for kept, run in _runs(children, _is(*keep)):
        out.extend([Element(wrapper, "", run)] if kept is False else run)
    return out


def _list(el: Element, place: Place) -> None:
    items = _wrap_runs(el.children, ("li",), "li")
    for item in items:
        if isinstance(item, Element):
            item.children = normalise(item.children, place)
    el.children = items


def _definitions(el: Element, place: Place) -> list[Node]:
    """A dl holds groups of terms then descriptions: it starts with a dt and ends with a dd."""
    parts = _wrap_runs(el.children, ("dt", "dd"), "dd")
    for part in parts:
        if isinstance(part, Element):
            part.children = normalise(part.children, place if part.tag == "dd" else _headless(place))
    tags = [p.tag if isinstance(p, Element) else "" for p in parts]
    first = next((i for i, t in enumerate(tags) if t == "dt"), len(parts))
    last = max((i for i, t in enumerate(tags) if t == "dd" and i > first), default=-1)
    if last < 0:  # no description follows a term: no list, only words
        return _unwrap_all(parts)
    el.children = parts[first:last + 1]
    return [*_unwrap_all(parts[:first]), el, *_unwrap_all(parts[last + 1:])]


def _unwrap_all(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.extend([node] if isinstance(node, str) else node.children)
    return out


def _table(el: Element, place: Place) -> list[Node]:
    """Rows in row groups, cells in rows; whatever else sits in the table moves in front of it."""
    before: list[Node] = []
    groups: list[Element] = []

    def cell(c: Element) -> bool:
        c.children = normalise(c.children, place if c.tag == "td" else _headless(place))
        if c.tag == "th" and not _words(c.children):
            c.tag = "td"  # a header cell without words names no column
        return True

    def group(g: Element) -> bool:
        if not _sort(g, ("tr",), before, lambda row: _sort(row, ("td", "th"), before, cell)):
            return False  # an empty row, or row group, is an error to the Nu checker
        if groups:
            g.tag = "tbody"  # only the first row group may be the head
        groups.append(g)
        return True

    has_rows = _sort(el, ("thead", "tbody"), before, group)
    moved = normalise(before, place)
    return [*moved, el] if has_rows else moved


def _sort(parent: Element, keep: tuple[str, ...], before: list[Node], fix: Callable[[Element], bool]) -> bool:
    """Children that are `keep` elements (and `fix` accepts) stay; blank text stays; anything else
    goes to `before`. Whether an element stayed."""
    kept: list[Node] = []
    for child in parent.children:
        if isinstance(child, Element) and child.tag in keep:
            if fix(child):
                kept.append(child)
        elif _blank(child):
            kept.append(child)
        else:
            before.append(child)
    parent.children = kept
    return any(isinstance(k, Element) for k in kept)
