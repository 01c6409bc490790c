"""Python-Markdown, not trying a pattern on text that holds nothing it could match.

The inline step tries each of its fourteen patterns on every run of text, a few Python calls
each, and plain prose (most paragraphs) matches none: the step was 40% of the time Markdown
took (4,700 bench texts: 2.2 s CPU with it, 1.2 s without). Each pattern needs one of a few
characters to match at all; where they are absent, trying it would find nothing and change
nothing, so it is not tried. The output is the same, byte for byte (tests/model/test_mdquick.py
compares it with the full step's on random Markdown, the CommonMark examples and XSS payloads).

The same goes for four block steps whose test searches every line of a block for a character
that prose rarely holds (a table's "|", a heading's "#", a rule's "-", "_" or "*", a quote's
">"): a block without it is not handed to the search.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

import markdown
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

# The patterns this skip knows, as Python-Markdown 3.11 writes them, and what each needs
# somewhere in the text to match: backtick "`" (or "\\" before one), escape "\\", links,
# references and images "[", autolink, automail and html "<", linebreak two spaces before a
# line end, entity "&", emphasis "*" or "_". Another version or extension that changes any of
# them keeps the full step (slower, never different).
KNOWN_PATTERNS = {
    "backtick": r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)",
    "escape": r"\\(.)",
    "reference": r"(?<!\!)\[",
    "link": r"(?<!\!)\[",
    "image_link": r"\!\[",
    "image_reference": r"\!\[",
    "short_reference": r"(?<!\!)\[",
    "short_image_ref": r"\!\[",
    "autolink": r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>",
    "automail": r"<([^<> !]+@[^@<> ]+)>",
    "linebreak": r"  \n",
    "html": (r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|"""
             r"""[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|"""
             r"""!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""),
    "entity": r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)",
    "em_strong": r"\*|_",
}
# What each pattern needs in the text, from where the search starts, to match at all (both
# alternatives of backtick look for a "`"; the others begin with what is written here).
NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("![",),
    "image_reference": ("![",), "short_reference": ("[",), "short_image_ref": ("![",), "autolink": ("<",),
    "automail": ("<",), "linebreak": ("  \n",), "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"),
}
_NEEDED = re.compile(r"[`\\\[<&*_]|  \n")  # any of them


class QuickInline(InlineProcessor):
    """InlineProcessor that tries a pattern only on text holding what the pattern needs.

    The loop is the base class's own (markdown/treeprocessors.py, __handleInline), with the
    patterns taken once per text instead of once per step (Registry's indexing sorts each
    time), and a pattern skipped exactly where trying it would find nothing: a pattern that
    finds nothing answers (data, False, 0), as the skip does.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._patterns: list[Any] = []
        self._in_order: list[re.Pattern[str]] = []
        self._needs = {id(md.inlinePatterns[name]): re.compile("|".join(map(re.escape, need)))
                       for name, need in NEEDS.items()}

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # The patterns sorted by priority, as the base class indexes them, once per document.
        self._patterns = list(self.inlinePatterns)
        self._in_order = [self._needs[id(pattern)] for pattern in self._patterns]
        return super().run(tree, ancestors)

    # The name the base class calls its own private method by (Python mangles `__handleInline`).
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, AtomicString) or _NEEDED.search(data) is None:
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        patterns, needs = self._patterns, self._in_order
        start = 0
        count = len(patterns)
        while patternIndex < count:
            if needs[patternIndex].search(data, start) is None:
                matched, start = False, 0
            else:
                data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


# Block steps whose test needs a character in the block: (class, the expression its test
# searches, as Python-Markdown 3.11 writes it; what the block must hold for it to match). A
# table's test splits the first line on "|"; with none there is one cell and no border: no table.
BLOCK_TESTS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "table": ("TableProcessor", None, ("|",)),
    "hashheader": ("HashHeaderProcessor",
                   r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)", ("#",)),
    "hr": ("HRProcessor",
           r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))(?P=atomicgroup)[ ]*$",
           ("-", "_", "*")),
    "quote": ("BlockQuoteProcessor", r"(^|\n)[ ]{0,3}>[ ]?(.*)", (">",)),
}


def _tested(need: re.Pattern[str], test: Callable[[Any, str], bool], parent: Any, block: str) -> bool:
    return need.search(block) is not None and test(parent, block)


def quick_tests(md: markdown.Markdown) -> list[str]:
    """Give the block steps of BLOCK_TESTS that are as known a test that first looks for what it
    needs; the names of those given one."""
    given = []
    steps = md.parser.blockprocessors
    for name, (kind, source, needs) in BLOCK_TESTS.items():
        if name not in steps:
            continue
        step = steps[name]
        if type(step).__name__ != kind or not type(step).__module__.startswith("markdown."):
            continue
        found = getattr(step, "SEARCH_RE", None) or getattr(step, "RE", None)
        if source is not None and getattr(found, "pattern", None) != source:
            continue
        need = re.compile("|".join(map(re.escape, needs)))
        setattr(step, "test", functools.partial(_tested, need, step.test))  # noqa: B010 (mypy: a method)
        given.append(name)
    return given


def install(md: markdown.Markdown) -> None:
    """Put QuickInline in place of `md`'s inline step, when its patterns are exactly the known ones
    (an extension adding a pattern with other needs keeps the full step)."""
    quick_tests(md)
    if not knows(md):
        return
    # The step keeps its place among the tree processors (Registry says priorities only privately).
    steps = md.treeprocessors._priority  # type: ignore[attr-defined]
    priority = next(item.priority for item in steps if item.name == "inline")
    md.treeprocessors.register(QuickInline(md), "inline", priority)


def knows(md: markdown.Markdown) -> bool:
    """Whether `md`'s inline patterns are exactly the ones this skip knows the needs of."""
    patterns = md.inlinePatterns
    return len(patterns) == len(KNOWN_PATTERNS) and all(
        name in patterns and getattr(patterns[name], "compiled_re", None) is not None
        and patterns[name].compiled_re.pattern == source for name, source in KNOWN_PATTERNS.items())
