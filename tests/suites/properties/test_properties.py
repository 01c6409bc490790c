"""Property-based tests (hypothesis): whatever the front matter and the body hold, loading and
checking either gives a record or clean problems naming the file, never an exception; and
whatever a body holds, its HTML is sanitised.

Example counts are bounded so the whole file runs in seconds.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import html5lib
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portalgen.content import leaks, validating
from portalgen.content.files import read_text
from portalgen.content.frontmatter import parse_record
from portalgen.content.loading import LoadResult
from portalgen.content.problems import Problem, Problems
from portalgen.content.slugs import SLUG_RE, slugify
from portalgen.model.markdown import ALLOWED_TAGS, Renderer

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# YAML-representable values of every type front matter can hold, nested a little.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.dates(), st.datetimes(),
    st.sampled_from(["2026-02-30", "yes", "no", "on", "~", "null", "0x1F", "1e3", ".inf", "[", "{", "&a", "*a",
                     "!!python/object", "<script>", "named", "private", "draft", "acme", "---", "..."]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=4)),
    max_leaves=12)
KEYS = ["title", "date", "from", "source", "tags", "quote", "duplicate_of", "draft", "visibility", "private",
        "feedback", "outcome", "priority", "workaround", "revisit", "decisions", "version", "name", "segment",
        "credit", "url", "joined", "people", "base_url", "contact", "language", "stale_after_days", "credit_default"]
front_matter = st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=12)), values, max_size=10)
KINDS = [("feedback", "content/feedback/x.md"), ("decision", "content/decisions/x.md"),
         ("change", "content/changes/x.md"), ("customer", "content/customers/x.yaml"),
         ("portal", "content/portal.yaml")]


def _through_validation(kind: str, rel: str, text: str) -> list[Problem]:
    """Parse one file and validate it (with the leak lint), as check does. Must never raise."""
    record, found = parse_record(kind, rel, "x", text)
    for problem in found:
        assert problem.path == rel and problem.message, problem
    portal = record if kind == "portal" else None
    records = [record] if record is not None and kind != "portal" else []
    typed, problems = validating.validate(LoadResult(portal, records, Problems(list(found))))
    problems.extend(leaks.lint(typed))
    for problem in problems.items:
        assert isinstance(problem.message, str) and problem.message
        assert problem.line is None or problem.line >= 1
    return problems.items


def _wrap(rel: str, yaml_text: str, body: str = "") -> str:
    return yaml_text if rel.endswith(".yaml") else f"---\n{yaml_text}---\n{body}"


@FAST
@given(st.sampled_from(KINDS), front_matter, st.text(max_size=200))
def test_any_front_matter_values_load_or_give_clean_problems(kind_rel, data, body) -> None:
    kind, rel = kind_rel
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return
    _through_validation(kind, rel, _wrap(rel, text, body))


@FAST
@given(st.sampled_from(KINDS), st.text(max_size=300))
def test_any_text_as_front_matter_loads_or_gives_clean_problems(kind_rel, text) -> None:
    kind, rel = kind_rel
    _through_validation(kind, rel, _wrap(rel, text, "Body\n"))


yamlish = st.text(alphabet=string.printable + "é→🦊\u2028\ufeff", max_size=300)


@FAST
@given(st.sampled_from(KINDS), yamlish)
def test_yaml_like_text_loads_or_gives_clean_problems(kind_rel, text) -> None:
    """Printable text is far more likely than random text to look like YAML and hit the parser deep."""
    kind, rel = kind_rel
    _through_validation(kind, rel, _wrap(rel, text, "Body\n"))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_in_a_file_read_or_give_clean_problems(tmp_path_factory, data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("bytes")) / "x.md"
    path.write_bytes(b"---\ntitle: T\n---\n" + data)
    problems = Problems()
    text = read_text(path, "content/feedback/x.md", problems)
    assert (text is None) == bool(problems.errors)
    if text is not None:
        assert "\r" not in text and "\x00" not in text
        _through_validation("feedback", "content/feedback/x.md", text)


RENDER = Renderer()


def _tags(html: str) -> set[str]:
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return {el.tag for el in tree.iter() if isinstance(el.tag, str)} - {"DOCUMENT_FRAGMENT"}


markdownish = st.text(alphabet=st.sampled_from(list("<>/=\"'`*_[]()!#-+.:&;| \n\tabcjsvnox12é")), max_size=300)


@FAST
@given(st.one_of(st.text(max_size=300), markdownish))
def test_any_body_renders_to_sanitised_html(body: str) -> None:
    html = RENDER(body)
    assert isinstance(html, str)
    assert _tags(html) <= ALLOWED_TAGS, html
    assert "<script" not in re.sub(r"\s", "", html.lower())
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for el in tree.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), html
            if name in ("href", "src"):
                assert not re.match(r"\s*(javascript|vbscript|data):", value, re.I), html
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", html)


@FAST
@given(st.text(max_size=200))
def test_slugify_is_always_a_safe_path_segment(text: str) -> None:
    slug = slugify(text)
    assert SLUG_RE.fullmatch(slug) or re.fullmatch(r"t-[0-9a-f]{10}", slug), (text, slug)
    assert "/" not in slug and "." not in slug and "\\" not in slug and len(slug) <= 80
    assert slugify(text) == slug  # stable
