"""The quick inline step (model/mdquick.py) gives Python-Markdown's own output, byte for byte."""

from __future__ import annotations

import json
import random

import markdown
import pytest
from corpora import corpus

from portalgen.model import mdquick
from portalgen.model.markdown import EXTENSIONS, _parser

# Everything an inline pattern reacts to, and the block syntax around it.
_PIECES = ["a", "b", " ", "  ", "\n", "\n\n", "`", "``", "\\", "[", "]", "(", ")", "!", "<", ">", "&", ";",
           "*", "**", "_", "__", "#", "-", "1.", "|", ":", "@", "http://x.org", "&amp;", "&#11;", "<b>",
           "</b>", "<!--", "-->", "    ", "\t", ">", "```", "~~~", "é", "\x02", "\x03", "wzxhzdk:0", "x@y.z",
           "---", "***", "___", "- - -", "\n# ", "## x ##", "\n> ", "| a | b |\n|---|:-:|\n", "|", "\\|", "=="]


def _full() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")


def _both(texts: list[str]) -> None:
    full, quick = _full(), _parser()
    assert isinstance(quick.treeprocessors["inline"], mdquick.QuickInline)
    for text in texts:
        full.reset()
        quick.reset()
        assert quick.convert(text) == full.convert(text), repr(text)


def test_the_quick_step_is_in_place() -> None:
    """Fails when Python-Markdown's inline patterns change (a new version): check NEEDS against the
    new patterns and the loop against InlineProcessor.__handleInline, then update KNOWN_PATTERNS."""
    assert mdquick.knows(_full())
    assert isinstance(_parser().treeprocessors["inline"], mdquick.QuickInline)
    assert mdquick.quick_tests(_full()) == list(mdquick.BLOCK_TESTS)


def test_an_unknown_pattern_keeps_the_full_step() -> None:
    md = markdown.Markdown(extensions=[*EXTENSIONS, "abbr"])
    md.inlinePatterns.register(md.inlinePatterns["link"], "another", 5)
    mdquick.install(md)
    assert not isinstance(md.treeprocessors["inline"], mdquick.QuickInline)


def test_random_markdown_renders_the_same() -> None:
    rng = random.Random(11)
    texts = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 60))) for _ in range(4000)]
    _both([*texts, "Plain prose.\n\nMore prose\nover two lines.", "a  \nb", "x `code` y\n- a\n- b `c`"])


def test_commonmark_spec_examples_render_the_same() -> None:
    examples = json.loads(corpus("commonmark_spec.json").read_text(encoding="utf-8"))
    _both([example["markdown"] for example in examples])


def test_xss_payloads_render_the_same() -> None:
    lines = corpus("xss_payloads.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    _both(lines + ["\n\n".join(lines[i : i + 7]) for i in range(0, len(lines), 7)])


@pytest.mark.parametrize("text", ["<p>x</p>\n\ny *z*", "[a]: http://x\n\n[a] and ![a]", "a_b_c *d* __e__"])
def test_stashed_html_and_references_render_the_same(text: str) -> None:
    _both([text])
