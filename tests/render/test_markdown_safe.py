"""Markdown for other tools (render/markdown_safe.py, and plaintext's Markdown mode): text stays text.

Every case is rendered by each judge of tests/markdown_renderers.py (Python-Markdown with and without
extensions, CommonMark) and parsed with html5lib: what the author wrote must come back as text, code
as code, and links only to http, https, mailto or relative addresses.
"""

from __future__ import annotations

import re

import pytest
from markdown_renderers import code_texts, live_html, render, renderer_params, visible_text

from portalgen.model.markdown import Renderer
from portalgen.render.changelog import summary
from portalgen.render.markdown_safe import code_block, code_span, destination, link, md_escape, unmarked
from portalgen.render.plaintext import html_blocks, html_to_text, list_start

RENDERERS = renderer_params()
MARKDOWN = Renderer()  # one: each holds a watchdog thread
HOSTILE_TEXT = '<img src=x onerror=alert(1)> &lt;script&gt; & *a* _b_ `c` [d](javascript:e) \\ <!-- x -->'


def body_markdown(source: str) -> str:
    """A record body as the exports write it: Markdown -> sanitised HTML -> Markdown for other tools."""
    return html_to_text(MARKDOWN(source), markdown=True)


def test_md_escape_writes_references_and_marks() -> None:
    assert md_escape("<b> & *a* _b_ `c` [d] \\") == "&lt;b&gt; &amp; \\*a\\* \\_b\\_ \\`c\\` \\[d\\] \\\\"
    assert md_escape("one\ntwo\r\nthree\rfour\u2028five") == "one two three four five"


@pytest.mark.parametrize("name", RENDERERS)
def test_escaped_text_reads_as_written(name: str) -> None:
    for line in (HOSTILE_TEXT, "- a list?", "1. a list?", "# a heading?", "> a quote?", "~~~"):
        body = render(name, unmarked(md_escape(line)))
        assert live_html(body) == [] and body.find(".//a") is None
        assert visible_text(body) == " ".join(line.split()), line


@pytest.mark.parametrize("code", ["plain", "a`b", "``", "`starts", "ends`", "x ``` y ` z", " spaced ", "<img src=x>",
                                  "\\", "a\\`b"])
@pytest.mark.parametrize("name", RENDERERS)
def test_a_code_span_outruns_every_backtick_run_inside(name: str, code: str) -> None:
    span = code_span(code)
    fence = re.match("`+", span)
    assert fence and len(fence[0]) > max((len(run) for run in re.findall("`+", code)), default=0)
    body = render(name, f"before {span} after")
    assert live_html(body) == []
    assert [c.strip() for c in code_texts(body)] == [code.strip()]


CODE = "<div onclick=alert(1)>\n```\n~~~\n- not a list\n    <img src=x onerror=alert(1)>"


@pytest.mark.parametrize("before", [None, "A paragraph.", "- an item", "1. an item", "- outer\n  - inner",
                                    "> - quoted item"])
@pytest.mark.parametrize("name", RENDERERS)
def test_a_code_block_stays_code_wherever_it_follows(name: str, before: str | None) -> None:
    block = code_block(CODE, before)
    body = render(name, (before + "\n\n" if before else "") + block + "\n\nAfter.")
    assert live_html(body) == []
    codes = code_texts(body)
    assert len(codes) == 1, codes
    # Inside a list item CommonMark keeps the indent past the item's own: whitespace may differ.
    assert codes[0].split() == CODE.split()


@pytest.mark.parametrize("name", RENDERERS)
def test_body_code_comes_back_as_code(name: str) -> None:
    source = ("Intro `a``b` and ``` `` ``` here.\n\n- item\n\n    ```\n    <b onclick=x>in item</b>\n    ```\n\n"
              "````\n```\n<script>alert(1)</script>\n```\n````\n\n> quoted:\n>\n>     <i onmouseover=x>q</i>\n")
    html = MARKDOWN(source)
    wanted = [c.split() for c in re.findall(r"<code>(.*?)</code>", html.replace("\n", " "))]
    body = render(name, html_to_text(html, markdown=True))
    assert live_html(body) == []
    assert [c.split() for c in code_texts(body)] == [[w.replace("&lt;", "<").replace("&gt;", ">")
                                                      .replace("&amp;", "&") for w in c] for c in wanted]


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>", "vbscript:x",
                                  "file:///etc/passwd", "https://[oops"])
def test_links_only_to_safe_schemes(href: str) -> None:
    assert destination(href) is None
    assert link("text", href) == "text"


def test_link_destinations_are_percent_encoded() -> None:
    assert destination("https://e.example/a)<img src=x onerror=alert(1)>") == (
        "https://e.example/a%29%3Cimg%20src=x%20onerror=alert%281%29%3E")
    assert destination("mailto:ana@example.com?subject=Hi there") == "mailto:ana@example.com?subject=Hi%20there"
    assert destination("../a b/[c]`d`\\e\"f'g") == "../a%20b/%5Bc%5D%60d%60%5Ce%22f%27g"
    assert destination("https://x/ü?q=a&b=%41#top") == "https://x/%C3%BC?q=a&b=%41#top"


@pytest.mark.parametrize("name", RENDERERS)
def test_the_reported_link_cannot_break_out(name: str) -> None:
    text = body_markdown('See <a href="https://e.example/a)<img src=x onerror=alert(1)>">here</a>.')
    body = render(name, text)
    assert live_html(body) == []
    [a] = body.iter("a")
    assert (a.text, a.get("href")) == ("here", "https://e.example/a%29%3Cimg%20src=x%20onerror=alert%281%29%3E")


@pytest.mark.parametrize("value, start", [("3", 3), ("²", 1), ("", 1), ("9" * 5000, 1), ("-2", -2), (" 7x", 7),
                                          ("٣", 1), (None, 1)])
def test_odd_list_starts_are_read_like_a_browser_reads_them(value: str | None, start: int) -> None:
    assert list_start(value) == start
    attribute = "" if value is None else f' start="{value}"'
    assert html_to_text(f"<ol{attribute}><li>a</li><li>b</li></ol>") == f"{start}. a\n{start + 1}. b"
    assert summary(f"<p>Steps:</p><ol{attribute}><li>a</li></ol>") == "Steps: a."


def test_a_loose_list_keeps_its_text_on_the_marker_line() -> None:
    html = MARKDOWN("- one\n\n- two\n\n    more\n")
    assert html_blocks(html) == ["- one\n- two", "more"]


@pytest.mark.parametrize("name", RENDERERS)
def test_a_code_block_first_is_a_code_span_in_the_changelog(name: str) -> None:
    line = summary(MARKDOWN("```\n<img src=x onerror=alert(1)> `x`\n```\n"))
    body = render(name, f"- **Entry**: {line}")
    assert live_html(body) == []
    assert code_texts(body) == ["<img src=x onerror=alert(1)> `x`"]
