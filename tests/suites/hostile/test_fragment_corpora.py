"""Every text of the public corpora, rendered and placed in a card the way why-not/ places a
reasoning, stays inside its card: the browser (html5lib) repairs nothing, the card holds exactly
its own four children, the fragment follows HTML's content model, and the Nu HTML Checker finds
no error on the pages (issue 13, part 5: "Sanitised fragments must be well-formed in the place
they land").

The texts: 6,613 XSS payloads, the 652 CommonMark spec examples and the release sections of five
real changelogs (../shared/corpora, or PORTALGEN_CORPORA; skipped when absent). Rendering them
all and running the checker takes tens of seconds, so the test is marked slow.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import html5lib
import judges
import pytest
from fragment_checks import content_model_problems
from repo_paths import SHARED_CORPORA

from portalgen.model.headings import place_under
from portalgen.model.markdown import Renderer

CORPORA = Path(os.environ.get("PORTALGEN_CORPORA") or SHARED_CORPORA)
PER_PAGE = 250
CARD = ["h3", "h4", "div", "p"]


def corpus_texts() -> list[tuple[str, str]]:
    """(where, Markdown) for every XSS payload, CommonMark example and release section of a real changelog."""
    if not (CORPORA / "xss_payloads.txt").is_file():
        pytest.skip(f"the public corpora are not in {CORPORA} (set PORTALGEN_CORPORA)")
    texts = [(f"xss payload {n + 1}", p)
             for n, p in enumerate((CORPORA / "xss_payloads.txt").read_text(encoding="utf-8").splitlines())]
    spec = json.loads((CORPORA / "commonmark_spec.json").read_text(encoding="utf-8"))
    texts += [(f"CommonMark example {e['example']}", e["markdown"]) for e in spec]
    for log in sorted((CORPORA / "changelogs").iterdir()):
        sections = re.split(r"\n(?=## )", log.read_text(encoding="utf-8"))
        texts += [(f"{log.name} section {n}", s) for n, s in enumerate(sections[:80])]
    return texts


def corpus_pages(texts: list[tuple[str, str]]) -> Iterator[tuple[list[str], str]]:
    """Pages of PER_PAGE cards, each holding one rendered text under the card's h4."""
    render = Renderer()
    for start in range(0, len(texts), PER_PAGE):
        batch = texts[start:start + PER_PAGE]
        cards = "".join(f'<li class="card"><h3>{n}</h3><h4>Our reasons</h4><div class="prose">'
                        f'{place_under(render(text), 4)}</div><p class="after">after</p></li>\n'
                        for n, (_, text) in enumerate(batch))
        yield [where for where, _ in batch], (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>cards</title></head><body><main>'
            f'<h1>Cards</h1><h2>Texts</h2><ul class="cards">\n{cards}</ul></main></body></html>\n')


def card_problems(wheres: list[str], page: str) -> list[str]:
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parse(page)
    problems = [f"{wheres[0]}…: parse error {code} {info or ''}" for _, code, info in parser.errors]
    cards = root.findall(".//ul[@class='cards']/li")
    if len(cards) != len(wheres):
        return [*problems, f"{wheres[0]}…: {len(cards)} cards for {len(wheres)} texts"]
    for where, card in zip(wheres, cards, strict=True):
        if [child.tag for child in card] != CARD:
            problems.append(f"{where}: the card holds {[child.tag for child in card]}")
        else:
            problems += [f"{where}: {p}" for p in content_model_problems(card[2])]
    return problems


@pytest.mark.slow
def test_every_corpus_text_stays_inside_its_card_and_the_nu_checker_agrees(tmp_path: Path) -> None:
    texts = corpus_texts()
    assert len(texts) > 7000
    problems: list[str] = []
    files = []
    for number, (wheres, page) in enumerate(corpus_pages(texts)):
        problems += card_problems(wheres, page)
        files.append(tmp_path / f"cards-{number:02d}.html")
        files[-1].write_text(page, encoding="utf-8")
    assert problems == []
    errors = judges.nu_messages(files)
    assert [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in errors] == []
