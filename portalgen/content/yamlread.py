"""Safe YAML reading: C loader when present, duplicate keys reported, key lines kept, bombs refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # The C loader is several times faster; the pure-Python one behaves the same.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    # type: ignore: the pure-Python loader is another class with the same interface.
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """Reports an impossible date (2026-02-30) at its line instead of a bare ValueError."""


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a real date ({exc})", node.start_mark) from exc


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

# Front matter is a handful of keys. These bounds are far above any real record and far
# below what it takes to make the parser or the build slow ("billion laughs", deep nesting).
MAX_NODES = 20_000
MAX_DEPTH = 64


# Tags of the scalars YAML turns into numbers: 4.10 becomes 4.1, 010 becomes 8.
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


@dataclass
class YamlResult:
    data: Any = None
    key_lines: dict[str, int] = field(default_factory=dict)
    # key -> the text of an unquoted number as written, for the keys of the top mapping: a text key
    # given `4.10` must be able to say what the author wrote, since the number is 4.1
    numbers: dict[str, str] = field(default_factory=dict)
    # (line, message, hint) relative to the file, 1-based lines
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)


def _bracket_depth(text: str) -> int:
    """Upper bound of flow-collection nesting, computed before the parser (whose C part recurses)."""
    depth = best = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}" and depth:
            depth -= 1
    return best


def read_yaml(text: str, line_offset: int = 0) -> YamlResult:
    """Parse one YAML document. `line_offset` maps lines back into the file (front matter)."""
    result = YamlResult()
    # Counting the brackets is enough to know that they cannot nest that deep (most front matter).
    if text.count("[") + text.count("{") > MAX_DEPTH and _bracket_depth(text) > MAX_DEPTH:
        result.errors.append(
            (None, f"YAML is nested more than {MAX_DEPTH} levels deep",
             "front matter holds flat keys and short lists; remove the nesting")
        )
        return result
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return result
        problems = _inspect(node, line_offset)
        if problems:
            result.errors.extend(problems)
            return result
        data = _plain_document(loader, node)
        result.data = loader.construct_document(node) if data is _OTHER else data
        if isinstance(node, yaml.MappingNode):
            _key_facts(node, line_offset, result)
    except yaml.MarkedYAMLError as exc:
        result.errors.append(_syntax_error(text, exc, line_offset))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        result.errors.append((None, f"YAML error: {exc}", "check the YAML syntax"))
    except RecursionError:
        result.errors.append(
            (None, "YAML is nested too deeply", "front matter holds flat keys and short lists")
        )
    finally:
        loader.dispose()
    return result


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# Scalars whose constructor is a plain function (not a generator) that only reads the node.
_SCALARS = frozenset({_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                      "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"})
_OTHER = object()


def _plain_document(loader: _Loader, node: yaml.Node) -> Any:
    """What loader.construct_document(node) makes of front matter as it nearly always is, text keys
    with scalars and lists of scalars, without its general machinery (a generator for every map
    and list, a cache of every node): a fifth of the time YAML took. _OTHER for anything else.

    Scalars are made by the loader's own constructors, in the order construct_document makes
    them (the mapping's scalars first, then each list's items), so an impossible date is the
    same error; a list met twice (an alias) is left to construct_document, which shares it.
    """
    if type(node) is not yaml.MappingNode or node.tag != _MAP:
        return _OTHER
    make = loader.yaml_constructors
    data: dict[Any, Any] = {}
    lists: list[tuple[list[Any], yaml.SequenceNode]] = []
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR:
            return _OTHER
        key = make[_STR](loader, key_node)
        if type(value_node) is yaml.ScalarNode and value_node.tag in _SCALARS:
            data[key] = make[value_node.tag](loader, value_node)
        elif (type(value_node) is yaml.SequenceNode and value_node.tag == _SEQ
              and all(id(value_node) != id(seen) for _, seen in lists)
              and all(type(item) is yaml.ScalarNode and item.tag in _SCALARS for item in value_node.value)):
            items: list[Any] = []
            data[key] = items
            lists.append((items, value_node))
        else:
            return _OTHER
    for items, seq in lists:
        items.extend(make[item.tag](loader, item) for item in seq.value)
    return data


def _syntax_error(text: str, exc: yaml.MarkedYAMLError, line_offset: int) -> tuple[int | None, str, str]:
    """(line, message, hint) for a YAML syntax error, in the author's terms where we can tell the cause."""
    mark = exc.problem_mark or exc.context_mark
    what = " ".join(s for s in (exc.context, exc.problem) if s) or "invalid YAML"
    if mark is None:
        return None, f"YAML syntax error: {what}", _yaml_hint(what)
    lines = text.split("\n")
    # YAML's own words for a tab ("found character that cannot start any token", "mapping values are
    # not allowed") never say "tab": name it, at the line where it is.
    tabbed = _tab_indented(lines, mark.line, "tab" in what)
    if tabbed is not None:
        line = tabbed + 1 + line_offset
        return (line, f"the file uses a tab to indent line {line}; YAML allows only spaces there",
                "indent with spaces instead of the tab")
    line = mark.line + 1 + line_offset
    source = lines[mark.line] if mark.line < len(lines) else ""
    here = source[mark.column:mark.column + 1]
    if "cannot start any token" in what and here in ("@", "`"):
        key, _, value = source.partition(":")
        example = f'{key.strip()}: "{value.strip()}"' if value.strip().startswith(here) else f'"{here}..."'
        return (line, f"YAML syntax error: a value cannot start with '{here}' unless it is quoted",
                f"quote it: {example}")
    return line, f"YAML syntax error: {what}", _yaml_hint(what)


def _tab_indented(lines: list[str], index: int, said_tab: bool) -> int | None:
    """The index of the line whose indentation holds a tab: the error's own line, or (when YAML
    said "tab") the nearest such line above it."""
    def tabbed(i: int) -> bool:
        return 0 <= i < len(lines) and "\t" in lines[i][: len(lines[i]) - len(lines[i].lstrip(" \t"))]
    if tabbed(index):
        return index
    if said_tab:
        return next((i for i in range(min(index, len(lines) - 1), -1, -1) if tabbed(i)), None)
    return None


def _key_facts(node: yaml.MappingNode, line_offset: int, result: YamlResult) -> None:
    """The line of each top-level key, and the written text of each unquoted number under one."""
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = str(key_node.value)
            result.key_lines.setdefault(key, key_node.start_mark.line + 1 + line_offset)
            # Plain style is None from the pure-Python loader and '' from the C one.
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag in _NUMBER_TAGS and not value_node.style:
                result.numbers[key] = value_node.value


def _yaml_hint(what: str) -> str:
    if "is not a real date" in what:
        return "write a date that exists as YYYY-MM-DD, e.g. 2026-02-28"
    if "mapping values are not allowed" in what:
        return "quote values that contain ': ' (e.g. title: \"Exports: CSV\")"
    if "could not find expected ':'" in what:
        return "each line of front matter is 'key: value'; quote values that span lines"
    return "check quoting and indentation on that line"


def _inspect(root: yaml.Node, line_offset: int) -> list[tuple[int | None, str, str]]:
    """Find duplicate keys and refuse alias expansion bombs, without recursing in Python."""
    errors: list[tuple[int | None, str, str]] = []
    expanded = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        expanded += 1
        if expanded > MAX_NODES:
            return [(None, f"YAML expands to more than {MAX_NODES} values (aliases or size)",
                     "remove anchors/aliases (&name, *name); front matter should be small")]
        if depth > MAX_DEPTH:
            return [(node.start_mark.line + 1 + line_offset,
                     f"YAML is nested more than {MAX_DEPTH} levels deep",
                     "front matter holds flat keys and short lists; remove the nesting")]
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    key = key_node.value
                    line = key_node.start_mark.line + 1 + line_offset
                    if key in seen:
                        errors.append((line, f"duplicate key '{key}' (first set on line {seen[key]})",
                                       "keep one of them; YAML would silently use the last"))
                    else:
                        seen[key] = line
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
    return errors
