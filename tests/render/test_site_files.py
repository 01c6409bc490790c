"""The fast paths of the files that summarise the site: feeds from strings, plain_text's own loop,
portal.json one record per line. Each is held to what it replaced: ElementTree's bytes, the
converter's words, the same JSON data."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from portalgen.model.items import Model
from portalgen.render import feeds, portal_json, search_index
from portalgen.render.plaintext import html_to_text, plain_text

try:  # tests/ as a plain folder on sys.path, or as a package
    from helpers_content import PORTAL, Project, decision, feedback
except ModuleNotFoundError:  # pragma: no cover
    from tests.helpers_content import PORTAL, Project, decision, feedback

A = "{http://www.w3.org/2005/Atom}"
HOSTILE = ['a & b', '<p>x</p>', 'say "hi"', "it's", "line\nbreak", "cr\r\nlf", "tab\there", "]]>", "&amp;",
           "\u2028\u2029", "café ☕ \U0001F600", "", " ", "\x85"]
TITLE = "Fish & chips <b>\"quoted\"</b> \u2028 </script><!-- end"


def _model(tmp_path: Path, base_url: bool = True) -> Model:
    project = Project.minimal(tmp_path)
    if not base_url:
        project.write("content/portal.yaml", PORTAL.replace('base_url: "https://feedback.example.com/"\n', ""))
    project.write("content/feedback/hostile.md", feedback(json.dumps(TITLE), "2026-01-15", "[acme]",
                                                          "tags: [UI, 'R&D']\n"))
    project.write("content/decisions/hostile-planned.md", decision("[hostile]", when="2026-02-10",
                                                                   title=json.dumps(TITLE), body="A < B & C > D.\n"))
    return project.link()


# --- feeds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_feed_escaping_is_elementtrees(text: str) -> None:
    element = ET.Element("t")
    element.text = text
    assert ET.tostring(element, encoding="unicode") == (f"<t>{feeds.xml_text(text)}</t>" if text else "<t />")
    assert ET.tostring(ET.Element("t", {"a": text}), encoding="unicode") == f'<t a="{feeds.xml_attr(text)}" />'


@pytest.mark.parametrize("base_url", [True, False], ids=["base_url", "relative"])
def test_shared_entries_make_the_same_feeds(tmp_path: Path, base_url: bool) -> None:
    """An entry rendered for one feed is reused in feeds at other depths: links stay right."""
    model = _model(tmp_path, base_url)
    entries = feeds.Entries(model)
    shared = [feeds.atom(model, entries=entries), *(feeds.tag_feed(model, t, entries) for t in model.tags),
              *(feeds.customer_feed(model, c, entries) for c in model.customers)]
    alone = [feeds.atom(model), *(feeds.tag_feed(model, t) for t in model.tags),
             *(feeds.customer_feed(model, c) for c in model.customers)]
    assert len(shared) > 2 and shared == alone


def test_feeds_carry_hostile_text_intact(tmp_path: Path) -> None:
    model = _model(tmp_path)
    feed = ET.fromstring(feeds.tag_feed(model, next(t for t in model.tags if t.name == "R&D")))
    assert feed.findtext(A + "title") == f"{model.portal.title}: R&D"
    [entry] = feed.findall(A + "entry")
    assert entry.findtext(A + "title") == f"Decision: {TITLE}"
    assert "<p>A &lt; B &amp; C &gt; D.</p>" in entry.findtext(A + "content", "")


def test_sitemap_is_well_formed(tmp_path: Path) -> None:
    model = _model(tmp_path)
    root = ET.fromstring(feeds.sitemap(model, ["b/index.html", "index.html", "a&b/index.html"]))
    assert [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")] == [
        "https://feedback.example.com/a&b/", "https://feedback.example.com/b/", "https://feedback.example.com/"]


# --- plain_text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("html", "words"), [
    ("<p>One</p><p>two</p>", "One two"),
    ("<p>in<strong>line</strong> <em>marks</em> do not break words</p>", "inline marks do not break words"),
    ("<p>a<br>b<br />c</p>", "a b c"),
    ('<ul><li>first</li><li>second<ul><li>inner</li></ul></li></ul><ol start="3"><li>third</li></ol>',
     "first second inner third"),
    ('<p>see <a href="https://x.example/">the docs</a> or <a href="mailto:a@b.example">mail</a></p>',
     "see the docs or mail"),
    ("<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
     "A B 1 2"),
    ("<blockquote><p>quoted</p></blockquote><hr><pre><code>x  =\n  1</code></pre>", "quoted x = 1"),
    ("<dl><dt>term</dt><dd>meaning</dd></dl><h3>Head</h3>tail", "term meaning Head tail"),
    ("<p>&lt;p&gt; &amp; caf&eacute;&nbsp;bar</p>", "<p> & café bar"),
    ("<P>Upper</P><P>case</P>", "Upper case"),
    ("", ""),
])
def test_plain_text_words(html: str, words: str) -> None:
    assert plain_text(html) == words


def test_plain_text_is_cut_at_a_word() -> None:
    text = plain_text("<p>" + "word " * 100 + "</p>", 42)
    assert len(text) <= 42 and text.endswith("word…")


def test_plain_text_has_the_words_of_the_text_mode() -> None:
    """Where the text mode adds nothing of its own (markers, link targets, rules), both agree."""
    rng = random.Random(3)
    pieces = ["<p>", "</p>", "<h3>", "</h3>", "<strong>", "</strong>", "<em>", "</em>", "<code>", "</code>",
              "<br>", "<pre>", "</pre>", "<dl>", "<dt>", "</dt>", "<dd>", "</dd>", "</dl>", "word", "two words",
              " ", "\n", "\xa0", "&amp;", "&lt;b&gt;", "&nbsp;", "x&y", "é"]
    for _ in range(2000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert plain_text(html) == " ".join(html_to_text(html).split()), html


# --- portal.json ----------------------------------------------------------------------------------


def test_portal_json_is_one_record_per_line(tmp_path: Path) -> None:
    model = _model(tmp_path)
    text = portal_json.render(model).decode("utf-8")
    document = portal_json.build_document(model)
    assert json.loads(text) == json.loads(json.dumps(document))
    records = [line.removesuffix(",") for line in text.splitlines() if line.startswith("  {")]
    assert len(records) == sum(len(v) for v in document.values() if isinstance(v, list))
    assert all(isinstance(json.loads(r), dict) for r in records)


def test_portal_json_stays_embeddable(tmp_path: Path) -> None:
    text = portal_json.render(_model(tmp_path)).decode("utf-8")
    assert not set(text) & set("<>&\u2028\u2029")
    assert any(f["title"] == TITLE for f in json.loads(text)["feedback"])


# --- search index ---------------------------------------------------------------------------------

def test_search_rows_joined_are_the_index_json_makes(tmp_path: Path) -> None:
    """The index made from rows (keyed, then reused from an earlier build) is the one made whole."""
    model = _model(tmp_path)
    whole = f"window.PORTALGEN_SEARCH={search_index.safe_json(search_index.build_document(model))};\n".encode()
    assert whole.startswith(b"window.PORTALGEN_SEARCH={") and b"\\u003c" in whole
    cold = search_index.RowMemo(None)  # a cold build: no rows kept yet, and none keyed
    assert search_index.render(model) == search_index.render(model, rows=cold) == whole
    assert cold.kept() == {} and not cold.asked
    keyed = search_index.RowMemo({})
    assert search_index.render(model, rows=keyed) == whole
    again = search_index.RowMemo(keyed.used)
    assert search_index.render(model, rows=again) == whole
    assert again.used == keyed.used and len(keyed.used) == len(search_index.build_document(model)["i"])


def test_a_search_row_is_made_again_when_what_it_shows_changes(tmp_path: Path) -> None:
    model = _model(tmp_path)
    kept = search_index.RowMemo({})
    search_index.render(model, rows=kept)
    item = model.feedback[0]
    item.body_html = "<p>Something else entirely</p>"  # as an edit of the body would make it
    assert search_index.render(model, rows=search_index.RowMemo(kept.used)) == search_index.render(model)
    assert b"Something else entirely" in search_index.render(model, rows=search_index.RowMemo(kept.used))


def test_portal_json_made_by_record_is_the_document_made_whole(tmp_path: Path) -> None:
    """render() writes record by record what dumps_embeddable() writes of the whole document."""
    model = _model(tmp_path)
    whole = (portal_json.dumps_embeddable(portal_json.build_document(model)) + "\n").encode("utf-8")
    assert portal_json.render(model) == whole
    model.changes = []  # an empty list of records is written as [] on its line
    whole = (portal_json.dumps_embeddable(portal_json.build_document(model)) + "\n").encode("utf-8")
    assert b' "changes": [],\n' in whole
    assert portal_json.render(model) == whole
