"""Markdown meant for other tools stays text there: `portalgen export changelog` and `digest --format md`.

Whatever a record says, the Markdown these write must not turn into live HTML when GitHub,
Python-Markdown or any CommonMark renderer shows it: no element Markdown syntax cannot make, no event
handler, no link but http, https, mailto or relative ones (tests/markdown_renderers.py judges). The
commands are run as a user runs them, on a small portal holding hostile bodies and titles; then the
XSS corpus and the CommonMark spec examples go through the same writers as bodies, titles and links.
"""

from __future__ import annotations

import functools
import json

import pytest
from corpora import corpus
from helpers_content import Project, change, decision
from markdown_renderers import code_texts, live_html, render, renderer_params, visible_text

from portalgen.model.budget import TooSlow
from portalgen.model.markdown import Renderer
from portalgen.render.changelog import summary
from portalgen.render.markdown_safe import link, md_escape
from portalgen.render.plaintext import html_to_text

RENDERERS = renderer_params()
MARKDOWN = Renderer()  # one: each holds a watchdog thread
PAYLOAD_LINK = '<a href="https://e.example/a)<img src=x onerror=alert(1)>">here</a>'
ENCODED_LINK = "https://e.example/a%29%3Cimg%20src=x%20onerror=alert%281%29%3E"
HOSTILE_TITLE = "Faster <img src=x onerror=alert(2)> `exports` [x](javascript:alert(3))"
CHANGE_BODY = f"""See {PAYLOAD_LINK} for `a``b` and <b onclick="alert(4)">bold</b>.

- first <script>alert(5)</script>
- second

```
<iframe src="javascript:alert(6)"></iframe>
```
"""
DECISION_BODY = """Because:

1. one
2. two

    ````
    ```<svg onload=alert(7)>
    ````

> <div onmouseover="alert(8)">quoted</div>
"""


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, helpers) -> dict[str, str]:
    """The changelog and a digest of a small portal with hostile bodies and titles, written by the CLI."""
    root = tmp_path_factory.mktemp("markdown-exports")
    project = Project.minimal(root)
    project.write("content/changes/dark-mode-shipped.md",
                  change(title=json.dumps(HOSTILE_TITLE), body=CHANGE_BODY,
                         extra="version: '2.0 <b>beta</b>'\ndecisions: [dark-mode-planned]\n"))
    project.write("content/decisions/dark-mode-planned.md", decision(body=DECISION_BODY))
    written = {}
    for name, args in {"changelog": ["export", "changelog"], "digest": ["digest", "acme", "--format", "md"]}.items():
        out = root / f"{name}.md"
        result = helpers.run_cli(*args, root, "-o", out)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        written[name] = out.read_text(encoding="utf-8")
    return written


@pytest.mark.parametrize("export", ["changelog", "digest"])
@pytest.mark.parametrize("name", RENDERERS)
def test_exports_of_hostile_records_render_as_text(exports: dict[str, str], export: str, name: str) -> None:
    body = render(name, exports[export])
    assert live_html(body) == []
    # The reported payload: a link to the encoded address, the <img> inside it never an element.
    assert [(a.text, a.get("href")) for a in body.iter("a") if a.text == "here"] == [("here", ENCODED_LINK)]
    text = visible_text(body)
    assert "Faster <img src=x onerror=alert(2)> `exports` [x](javascript:alert(3))" in text
    if export == "changelog":
        # without a base_url the version heading is plain text: no brackets of a link label left showing
        assert "2.0 <b>beta</b>" in text and "[2.0" not in text and "a``b" in code_texts(body)
    else:
        codes = code_texts(body)
        assert any('<iframe src="javascript:alert(6)"></iframe>' in c for c in codes), codes
        assert any("```<svg onload=alert(7)>" in c for c in codes), codes
        assert "quoted" in text  # the sanitiser dropped the <div> and its handler before any export


@functools.cache
def exported(payload: str) -> str:
    """One payload through every writer of the exports: as a body, a title, link text and an address."""
    try:
        html = MARKDOWN(payload)
    except TooSlow:
        html = ""  # the build refuses such a body with a content error: nothing is exported
    return "\n".join([
        f"### {md_escape(payload)}", "",
        f"- **{md_escape(payload)}**: {summary(html)} {link('More', 'https://portal.example.org/' + payload)}", "",
        "Why:", "",  # the digest puts a body after a paragraph of its own, never straight after a list
        html_to_text(html, markdown=True), "",
        f"Read more: {link(md_escape(payload), payload)}", "", "---", "",
    ])


def check_batches(payloads: list[str], name: str, size: int = 400) -> list[str]:
    found = []
    for start in range(0, len(payloads), size):
        batch = payloads[start:start + size]
        if live_html(render(name, "\n".join(exported(p) for p in batch))):  # name the payloads, one by one
            found += [f"{p!r}: {live_html(render(name, exported(p)))}" for p in batch
                      if live_html(render(name, exported(p)))]
    return found


def xss_payloads() -> list[str]:
    lines = corpus("xss_payloads.txt").read_text(encoding="utf-8").split("\n")
    payloads = [line for line in lines if line.strip()]
    assert len(payloads) == 6613
    return payloads


@pytest.mark.parametrize("name", RENDERERS)
def test_a_tenth_of_the_xss_corpus_stays_text_in_markdown_exports(name: str) -> None:
    found = check_batches(xss_payloads()[::10], name)
    assert found == [], f"{len(found)} payloads came back live, e.g.\n" + "\n".join(found[:20])


@pytest.mark.slow  # about 20 s for each renderer
@pytest.mark.parametrize("name", RENDERERS)
def test_the_whole_xss_corpus_stays_text_in_markdown_exports(name: str) -> None:
    found = check_batches(xss_payloads(), name)
    assert found == [], f"{len(found)} payloads came back live, e.g.\n" + "\n".join(found[:20])


@pytest.mark.parametrize("name", RENDERERS)
def test_commonmark_spec_examples_stay_text_in_markdown_exports(name: str) -> None:
    examples = json.loads(corpus("commonmark_spec.json").read_text(encoding="utf-8"))
    found = check_batches([e["markdown"] for e in examples], name, size=100)
    assert found == [], f"{len(found)} examples came back live, e.g.\n" + "\n".join(found[:20])
