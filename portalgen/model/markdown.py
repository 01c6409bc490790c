"""Markdown to sanitised HTML. Authors are trusted to write, never to run code in a reader's browser.

Markdown is Python-Markdown (the project's chosen parser) with fenced code and tables. Its
inline patterns can take super-linear time on hostile input (thousands of unclosed brackets),
so each document gets a time budget: a body that cannot be rendered within it is reported as
a content error naming the file, instead of stalling the build. Raw HTML passes through the
parser and is then cleaned by nh3, an allow-list sanitiser: nh3 is the one place that decides
what reaches a reader.

HTML kept in the build cache between builds is HTML this module sanitised: see render_texts for
why it is not sanitised a second time, and what the cache must match for it to be used.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Mapping
from functools import cache
from typing import Protocol

import markdown
import nh3

from portalgen.content.files import strip_controls
from portalgen.content.frontmatter import RawRecord
from portalgen.content.kinds import KINDS
from portalgen.content.loading import Mapper, serial_map, text_key
from portalgen.content.problems import Problems
from portalgen.content.records import Records
from portalgen.model import mdquick
from portalgen.model.budget import TooSlow, Watchdog, check_weight
from portalgen.model.fragment import well_formed
from portalgen.model.headings import outline
from portalgen.model.versions import installed_version

Field = tuple[str, str, str]  # (kind, slug, field name)


class HtmlStore(Protocol):
    """Sanitised HTML kept between builds, by digest of its Markdown (the build cache)."""

    def html_under(self, policy: str) -> dict[str, str]:
        """The HTML kept, when it was made under `policy` (policy()); else none, and the store
        forgets what it kept and keeps what is put in from now on under `policy`."""
        ...

    def put_html(self, key: str, html: str) -> None: ...
    def prune_html(self, live: set[str]) -> None: ...


EXTENSIONS = ("fenced_code", "tables", "sane_lists")
TIME_BUDGET = 3.0  # seconds per document; real bodies take milliseconds

ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "b", "i", "code", "pre", "kbd", "del", "ins", "sub", "sup",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"},
                      "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"


def sanitise(html: str) -> str:
    """The allow-list: only the tags, attributes and URL schemes above survive.

    Control characters go too: a character reference such as &#11; decodes to one, and the
    HTML is also published inside Atom feeds, where XML forbids them.
    """
    return strip_controls(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                                    link_rel=LINK_REL, strip_comments=True))


@cache
def policy() -> str:
    """A digest of what decides the HTML this module makes, besides portalgen's own code: the
    versions of nh3 (the sanitiser; each release pins its ammonia) and Python-Markdown, what nh3
    is told (the allow-list above), the Markdown extensions and the nesting limit. HTML kept in
    the build cache is used only when it was made under the same policy (render_texts)."""
    versions = [(name, getattr(module, "__version__", None), installed_version(name)) for name, module in
                (("nh3", nh3), ("markdown", markdown))]  # the module's own word, and its metadata's
    said = repr((versions, sorted(ALLOWED_TAGS),
                 sorted((tag, sorted(names)) for tag, names in ALLOWED_ATTRIBUTES.items()), sorted(URL_SCHEMES),
                 LINK_REL, "strip_comments", EXTENSIONS, MAX_NESTING))
    return hashlib.sha256(said.encode()).hexdigest()[:32]


def clean(html: str) -> str:
    """Sanitised, then well-formed wherever it lands (model/fragment.py): what a page may hold."""
    return well_formed(sanitise(html))


# HTML nested deeper than this is never prose, and costs the sanitiser (html5ever) time that
# grows with the square of the depth: 40,000 nested quotes (">>>>…", 40 KB) took it 4 s, and
# the time budget cannot interrupt native code.
MAX_NESTING = 100
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")  # attributes are not parsed: it may only over-count
# Void elements never open a level; these close themselves when a sibling starts.
_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
         "colgroup", "caption", "rb", "rt", "rp"}


def too_deep(html: str, limit: int = MAX_NESTING) -> bool:
    """Whether elements nest more than `limit` levels deep (one linear scan, stops early)."""
    depth = 0
    for match in _TAG.finditer(html):
        if match[2].lower() in _FLAT:
            continue
        if match[1]:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def _parser() -> markdown.Markdown:
    # Made from their modules, as Python-Markdown makes a built-in one it finds no entry point
    # for: given by name, each would first have it read the entry points of every installed
    # package (importlib.metadata), which cost a one-edit build more than its Markdown.
    extensions = [importlib.import_module(f"markdown.extensions.{name}").makeExtension() for name in EXTENSIONS]
    md = markdown.Markdown(extensions=extensions, output_format="html")
    mdquick.install(md)  # the same output, without trying every inline pattern on plain prose
    return md


class Renderer:
    """Markdown text -> sanitised HTML, its headings an outline below the page's h1 and h2.

    One Markdown instance, reset between documents (building one per document is slow).
    Raises TooSlow when a document exceeds the time budget.
    """

    def __init__(self, heading_shift: int = 2, budget: float = TIME_BUDGET):
        self._md = _parser()
        self._shift = heading_shift
        self._budget = budget
        self._watchdog = Watchdog()

    def to_html(self, text: str) -> str:
        """Markdown to HTML, raw HTML kept (not yet safe)."""
        self._md.reset()
        try:
            with self._watchdog.budget(self._budget):
                try:
                    return self._md.convert(text)
                except RecursionError as exc:
                    raise TooSlow from exc
        except BaseException:
            # An interrupted conversion leaves the block parser's state behind (inside a list,
            # say), which reset() keeps: every later text would lose its paragraphs and links.
            self._md = _parser()
            raise

    def __call__(self, text: str) -> str:
        if not text.strip():
            return ""
        html = self.to_html(text)
        if too_deep(html):  # the sanitiser (native code, beyond the time budget) is quadratic in depth
            raise TooSlow(f"nests HTML more than {MAX_NESTING} levels deep", "quotes, lists or tags nested "
                          "that deep are never prose: flatten them")
        check_weight(html)
        safe = sanitise(html)
        # Making it well-formed is Python code again, so it runs on a budget too. Bodies sit under
        # the page's h1 and a section h2, so their headings start at h3.
        with self._watchdog.budget(self._budget):
            return outline(well_formed(safe), self._shift + 1)


_WORKER_RENDERER: list[Renderer] = []


def _render_in_worker(text: str) -> str | TooSlow:
    """Sanitised HTML, or why the document is over its budget."""
    # One Renderer per worker process, made on first use (a Markdown instance cannot be pickled).
    if not _WORKER_RENDERER:
        _WORKER_RENDERER.append(Renderer())
    try:
        return _WORKER_RENDERER[0](text)
    except TooSlow as exc:
        return exc


def speculate(raw: RawRecord) -> dict[str, object]:
    """The HTML of a record's Markdown texts, by text_key, rendered where the record was just parsed
    (content/loading.py: after): a cold build's worker has the text at hand, and no second set of
    workers has to be started and sent every text after the check. The texts are taken as
    checking will give them; one that comes out otherwise is rendered after the check as before.
    Customers' texts wait for the check: an anonymous customer's are never rendered at all."""
    kind = KINDS.get(raw.kind)
    made: dict[str, object] = {}
    for name in kind.markdown if kind is not None and kind.name != "customer" else ():
        value = raw.body.strip("\n") if name == "body" else raw.data.get(name)
        text = strip_controls(value).strip() if isinstance(value, str) and name != "body" else value
        if isinstance(text, str) and text.strip():
            made[text_key(text)] = _render_in_worker(text)
    return made


def _refusal(name: str, exc: TooSlow) -> tuple[str, str]:
    """Message and fix for a text that cannot be rendered within its budget."""
    if str(exc):
        return (f"'{name}' is too costly to render: it {exc}", exc.hint)
    return (f"'{name}' takes more than {TIME_BUDGET:g} s to render as Markdown",
            "simplify it: thousands of unclosed brackets or tags make Markdown very slow")


def markdown_fields(records: Records) -> dict[Field, str]:
    """Every Markdown text that a build may publish, by (kind, slug, field)."""
    out: dict[Field, str] = {}
    for kind in KINDS.values():
        for slug, record in kind.table(records).items():
            if kind.name == "customer" and not record.named:
                continue  # an anonymous customer's text is never rendered for publication
            for name in kind.markdown:
                out[kind.name, slug, name] = getattr(record, name)
    return out


def render_texts(texts: Mapping[Field, str], trusted: Mapping[str, str], store: HtmlStore | None = None,
                 pmap: Mapper = serial_map, problems: Problems | None = None,
                 records: Records | None = None, ready: Mapping[str, object] | None = None,
                 keys: Mapping[Field, str] | None = None) -> dict[str, str]:
    """Sanitised HTML, by digest of the Markdown, for the texts not yet in `trusted`.

    `trusted` holds HTML this process sanitised itself. `store` holds HTML an earlier build
    sanitised (the build cache, pipeline/cache.py), taken as it is, not sanitised again, because:
    - the cache folder sits in the project, where a pull request could plant one, but every cache
      file is signed with a key kept outside the project (pipeline/signing.py), and a file whose
      signature does not verify is ignored before it is read: a planted, copied or tampered file
      gives nothing. A file that verifies was written by this user's portalgen, which puts in it
      only what this function made: sanitised HTML. (The parsed front matter in the same file is
      trusted the same way, and would do more harm: a private record made public.)
    - what the sanitiser made then is what it would make now: the cache file's name holds a digest
      of portalgen's code (this allow-list and the steps after nh3 included), and its HTML is used
      only when made under the same policy() (nh3's and Python-Markdown's versions, nh3's options).
    tests/suites/hostile/test_build_safety.py holds planted, tampered and foreign-policy caches to that.
    `ready` holds what this build's workers rendered already (speculate): sanitised HTML, or
    TooSlow. The rest is rendered, across `pmap`. `keys`: each text's text_key, when the caller has them.
    """
    keys = keys if keys is not None else {field: text_key(text) for field, text in texts.items()}
    need = {keys[f]: t for f, t in texts.items() if t.strip() and keys[f] not in trusted}
    known = store.html_under(policy()) if store is not None else {}
    fresh = {key: known[key] for key in need if key in known}
    ready = ready or {}
    results = {key: made for key in sorted(need)
               if key not in fresh and isinstance(made := ready.get(key), str | TooSlow)}
    missing = sorted((key, text) for key, text in need.items() if key not in fresh and key not in results)
    results.update(zip([k for k, _ in missing], pmap(_render_in_worker, [t for _, t in missing]), strict=True))
    rendered = {k: html for k, html in results.items() if isinstance(html, str)}
    if problems is not None and records is not None and len(rendered) < len(results):
        for kind, slug, name in texts:
            refused = results.get(keys[kind, slug, name], "")
            if isinstance(refused, TooSlow):
                problems.error(KINDS[kind].table(records)[slug].path, None, *_refusal(name, refused))
    if store is not None:
        for key, html in rendered.items():
            store.put_html(key, html)
        store.prune_html(set(keys.values()))
    return fresh | rendered


def render_records(records: Records, cache: HtmlStore | None = None, pmap: Mapper = serial_map,
                   problems: Problems | None = None) -> dict[Field, str]:
    """Sanitised HTML for every Markdown field of every record; unchanged texts come from the cache."""
    texts = markdown_fields(records)
    html = render_texts(texts, {}, cache, pmap, problems, records)
    return {f: html.get(text_key(t), "") if t.strip() else "" for f, t in texts.items()}
