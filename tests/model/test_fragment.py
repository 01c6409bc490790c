"""Authors' Markdown fits the page: sanitised fragments are well-formed where they land, their
headings an outline under the page's own, and a link whose address was removed is only words.

Fragments are judged the way a browser reads them (html5lib), placed where the theme places
them: inside a `<div class="prose">` inside a card's `<li>` on a list page, with the card's own
content after it. A fragment that closes or splits the card, or gives the parser anything to
repair, fails.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import html5lib
import pytest
from fragment_checks import content_model_problems

from portalgen.model.fragment import well_formed
from portalgen.model.headings import outline, place_under
from portalgen.model.hrefs import clean_href
from portalgen.model.markdown import Renderer, clean

render = Renderer()

# What authors paste, and what hostile text tries: each must stay inside its card.
HOSTILE = {
    "stray list item": "<li>test</li>",
    "stray list items around text": "before <li>one</li>\n<li>two</li> after",
    "closing the page's elements": "</div></li></ul>",
    "closing then opening": "</div></li></ul><ul><li>injected card</li>",
    "stray cell": "<td>cell</td>",
    "stray row": "<tr><td>a</td></tr>",
    "stray description": "<dd>x</dd>",
    "stray term": "<dt>x</dt>",
    "stray option": "<option>o</option>",
    "description list without a term": "<dl><dd>a</dd><dt>t</dt><dd>d</dd><dt>z</dt></dl>",
    "list item in a table cell": "<ul><li><table><tr><td><li>y</li></td></tr></table></li></ul>",
    "paragraph in a paragraph": "<p><object><p>x</p></object></p>",
    "heading in a heading": "<h3><object><h4>x</h4></object></h3>",
    "link in a link": "<a href='http://a.example/'><object><a href='http://b.example/'>x</a></object></a>",
    "text in a table": "<table><caption>x</caption><tr><td>a</td></tr></table>",
    "text in a list": "<ul>text <b>x</b> <li>a</li> more</ul>",
    "list in emphasis": "<em><ul><li>a</li></ul></em>",
    "block in a preformatted block": "<pre><p>x</p></pre>",
    "block in an insertion": "<p><ins><p>x</p></ins></p>",
    "empty row": "<table><tbody><tr></tr></tbody></table>",
    "header after body": "<table><tbody><tr><td>a</td></tr></tbody><thead><tr><th>h</th></tr></thead></table>",
    "empty heading": "<h2> </h2>text",
    "list start that is no number": "<ol start='x'><li>a</li></ol>",
    "heading in a term": "<dl><dt><h2>term</h2></dt><dd>d</dd></dl>",
    "markdown list then html item": "- one\n- two\n\n<li>three</li>\n",
}

CONTEXT = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
           '<ul class="cards"><li class="card"><h3>Card</h3><div class="prose">{}</div><p class="after">after</p></li>'
           '<li class="card"><h3>Next</h3></li></ul></body></html>')


def landed(fragment: str) -> tuple[ET.Element, list[str]]:
    """The page around a fragment as a browser builds it, and what the parser had to repair."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parse(CONTEXT.format(fragment))
    return root, [f"{code} {info or ''}" for _, code, info in parser.errors]


def card_structure_problems(fragment: str) -> list[str]:
    root, errors = landed(fragment)
    problems = [f"parse error: {e}" for e in errors]
    cards = root.findall(".//ul[@class='cards']/li")
    if len(cards) != 2 or [c.get("class") for c in cards] != ["card", "card"]:
        problems.append(f"the page's list holds {[ET.tostring(c, encoding='unicode')[:80] for c in cards]}")
        return problems
    if [child.tag for child in cards[0]] != ["h3", "div", "p"]:
        problems.append(f"the card holds {[child.tag for child in cards[0]]}")
        return problems
    return problems + content_model_problems(cards[0][1])


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_fragment_never_breaks_the_card_it_lands_in(name: str) -> None:
    html = render(HOSTILE[name])
    assert card_structure_problems(html) == [], f"{HOSTILE[name]!r} -> {html!r}"


def test_the_context_check_sees_a_broken_card() -> None:
    """The judge itself: nh3's output alone is balanced, yet closes the card around it."""
    assert card_structure_problems("<li>test</li>"), "a stray li must be seen closing the card"
    assert card_structure_problems("<p><p>x</p></p>")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_authors_words_survive(name: str) -> None:
    html = render(HOSTILE[name])
    root, _ = landed(html)
    prose = root.find(".//div[@class='prose']")
    assert prose is not None
    shown = " ".join("".join(prose.itertext()).split())
    written = re.findall(r">([^<>]*\w[^<>]*)<", HOSTILE[name]) + re.findall(r"^- (.+)$", HOSTILE[name], re.MULTILINE)
    for words in written:
        assert words.strip() in shown, f"{words!r} was lost: {html!r}"


def test_a_stray_list_item_gets_a_list_of_its_own() -> None:
    assert render("<li>test</li>") == "<ul><li>test</li></ul>"
    assert render("<dd>x</dd>") == "x"  # a description without its list means nothing: its words stay


def test_text_a_table_cannot_hold_moves_in_front_of_it_as_a_browser_moves_it() -> None:
    html = render("<table><caption>x</caption><tr><td>a</td></tr></table>")
    assert html == "x<table><tbody><tr><td>a</td></tr></tbody></table>"


@pytest.mark.parametrize("text", ["[x](javascript:alert(1))", "<a href='javascript:alert(1)'>x</a>",
                                  "<a href=' vbscript:msgbox(1)'>x</a>", "<a>x</a>", "<a href='http://[::1'>x</a>",
                                  "<a href='https://../'>x</a>", "<a href='http://exa mple.com/'>x</a>"])
def test_a_link_whose_address_was_removed_is_only_its_words(text: str) -> None:
    html = render(text)
    assert "<a" not in html and "x" in html, html


def test_a_link_without_words_is_dropped_and_a_link_keeps_its_title() -> None:
    assert "<a" not in render("[](https://example.com/)")
    html = render('<a title="see href here" href="https://example.com/a b">words</a>')
    assert html == ('<p><a title="see href here" href="https://example.com/a%20b" '
                    'rel="noopener noreferrer nofollow">words</a></p>')


@pytest.mark.parametrize(("value", "expected"), [
    ("https://example.com/a?b=c&d=e#f", "https://example.com/a?b=c&d=e#f"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com/%zz#a#b", "https://example.com/%25zz#a%23b"),
    ("http://[::1]:8080/a[b]", "http://[::1]:8080/a%5Bb%5D"),
    ("mailto:a b@example.com", "mailto:a%20b@example.com"),
    ("../x y", "../x%20y"),
    ("https://exa mple.com/", None), ("http://[::1", None), ("https://../", None), ("http://a..b/", None),
    ("https://example.com:port/", None), ("http://", None), ("", None), (None, None),
])
def test_addresses_are_made_valid_or_refused(value: str | None, expected: str | None) -> None:
    assert clean_href(value) == expected


@pytest.mark.parametrize(("markdown", "levels"), [
    ("##### deep heading\n\ntext", [3]),
    ("# top heading\n\n### skip\n\ntext", [3, 4]),
    ("### a\n\n# b\n\n### c\n\n###### d", [3, 3, 4, 5]),
    ("# one\n\n## two\n\n### three\n\n#### four\n\n##### five\n\n###### six", [3, 4, 5, 6, 6, 6]),
    ("## a\n\n#### b\n\n## c\n\n###### d", [3, 4, 3, 4]),
])
def test_headings_are_an_outline_under_the_page(markdown: str, levels: list[int]) -> None:
    html = render(markdown)
    root, _ = landed(html)
    found = [int(el.tag[1]) for el in root.iter() if el.tag in ("h1", "h2", "h4", "h5", "h6")
             or (el.tag == "h3" and el.text not in ("Card", "Next"))]
    assert found == levels, html


def test_a_fragment_is_placed_under_any_heading_of_the_page() -> None:
    html = outline("<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4>")
    assert html == "<h3>a</h3><h4>b</h4><h5>c</h5><h6>d</h6>"
    assert place_under(html, 2) == html
    assert place_under(html, 1) == "<h2>a</h2><h3>b</h3><h4>c</h4><h5>d</h5>"
    assert place_under(html, 4) == "<h5>a</h5><h6>b</h6><h6>c</h6><h6>d</h6>"
    assert place_under("<p>&lt;h2&gt; is text</p>", 4) == "<p>&lt;h2&gt; is text</p>"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_cleaning_again_changes_nothing(name: str) -> None:
    """HTML read back from the build cache is cleaned again: a rendered text must come back as it was."""
    html = render(HOSTILE[name])
    assert clean(html) == html
    assert well_formed(html) == html


def test_well_formed_html_comes_back_byte_for_byte() -> None:
    html = render("A *b* [c](https://example.com/?a=1&b=2 \"t\") &amp; d&nbsp;e \"q\"\n\n| a | b |\n|---|---|\n"
                  "| 1 | 2 |\n\n1. x\n2. y\n\n> quote\n\n```\n<code> & \n```\n")
    assert well_formed(html) == html
    assert "&amp;" in html and "&lt;code&gt;" in html

