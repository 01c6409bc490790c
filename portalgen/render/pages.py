"""Render planned pages to bytes: a pure function from (model, templates, plan) to {output path: bytes}."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from portalgen.content.loading import Mapper, serial_map
from portalgen.content.problems import Problem
from portalgen.model import urls
from portalgen.model.items import ChangeItem, DecisionItem, Model
from portalgen.render import feeds, portal_json, search_index, spliced
from portalgen.render.i18n import Words
from portalgen.render.links import ROOT, URL
from portalgen.render.spec import REDIRECT, PageSpec, say
from portalgen.render.template_errors import template_problem
from portalgen.render.tracking import Key, Reads, TrackingEnvironment, identity

if TYPE_CHECKING:
    from portalgen.render.plan import Later

IDLE_PAGES = 200  # pages in a row that asked the Memo for no fragment before it forgets them (Memo.start)


@dataclass(eq=False)
class _Fragment:
    obj: Any  # kept alive, so an id() used as its key stays unique
    # A card's text as UTF-8, and its type (Markup): a card holds a character beyond ASCII (a
    # dash, a status symbol), so as a str it takes two bytes a character, twice its UTF-8. `kind`
    # None: the output as the macro returned it (not text).
    output: Any
    kind: type[str] | None
    # What it read, as tuples: a card's set of keys took three times the memory, and a rendering
    # process keeps thousands of cards until its pass ends.
    keys: tuple[Key, ...]
    templates: tuple[str, ...]
    page_specific: bool
    page: str | None  # the page it was made for when it read that page's own values


class Memo:
    """Fragments (cards) rendered once per rendering pass and reused on every page that shows them.

    A fragment's reads count for every page that reuses it. One that read the page's own values
    (its path, say, in an overridden card) is only reused on that page.
    """

    tracks_itself = True  # its arguments are read by the fragment itself: see render/tracking.py

    def __init__(self, env: TrackingEnvironment) -> None:
        self._env = env
        self._done: dict[tuple[Any, ...], _Fragment] = {}
        self.page = ""
        self._pages = 0  # pages started (start())
        self._asked = 0  # the value of _pages when a fragment was last asked for

    def start(self, page: str) -> None:
        """A page is rendered next. The fragments are forgotten once IDLE_PAGES pages in a row asked
        for none: a process renders its share in the plan's order, the lists (which show cards)
        before the pages of single items (which show none), so a worker would otherwise keep
        every card it made (some 30 MB at 10,000 items) through thousands of pages that use none.
        A card asked for again later is rendered again, to the same text and reads."""
        self.page = page
        self._pages += 1
        if self._done and self._pages - self._asked > IDLE_PAGES:
            self._done.clear()

    def __call__(self, name: str, obj: Any, macro: Callable[..., Any], *args: Any) -> Any:
        self._asked = self._pages
        key = (name, identity(obj) or id(obj), *args)
        found = self._done.get(key)
        if found is not None and found.page in (None, self.page):
            if self._env.reads is not None:
                self._env.reads.add(found.keys, found.templates, found.page_specific)
            kind = found.kind
            return found.output if kind is None else kind(found.output.decode("utf-8", "surrogatepass"))
        with self._env.recording(Reads()) as made:
            output = macro(obj, *args)
        kind = output.__class__ if isinstance(output, str) else None
        self._done[key] = _Fragment(obj, output if kind is None else output.encode("utf-8", "surrogatepass"), kind,
                                    tuple(made.keys), tuple(made.templates), made.page_specific,
                                    self.page if made.page_specific else None)
        return output

    def clear(self) -> None:
        """Forget every fragment: the pass is over (a template's context may hold this memo longer)."""
        self._done.clear()


class TemplateFailure(Exception):
    """A template could not be rendered; carries the problem naming its file and line."""

    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem

    def __reduce__(self) -> tuple[type[TemplateFailure], tuple[Problem]]:
        return (TemplateFailure, (self.problem,))  # rebuilt in the parent when raised in a worker


@dataclass
class Rendered:
    data: bytes
    reads: Reads


def _not_found_url(model: Model) -> Callable[[str], str]:
    # 404.html is served at any depth, so relative links would break; use the site's own path.
    base_path = urlsplit(model.portal.base_url).path if model.portal.base_url else "/"
    return lambda target: base_path + urls.pretty(target)


def page_values(model: Model, spec: PageSpec) -> dict[str, Any]:
    """The page's own values besides its planned context (its fingerprint covers them too)."""
    not_found = spec.path == urls.page("not-found")
    return {
        "page_path": spec.path, "page_title": spec.title,
        "page_description": spec.description or model.portal.description or model.portal.title,
        # Absolute URL of the page for <link rel="canonical"> and og:url; only known with a
        # base_url, and never for the 404 page, which is served at any address.
        "canonical": urls.absolute(model.portal.base_url, spec.path) if model.portal.base_url and not not_found
        else "",
        "site_root": _not_found_url(model)("") if not_found else ("../" * spec.path.count("/") or "./"),
    }


def said_values(env: TrackingEnvironment, model: Model, spec: PageSpec) -> dict[str, Any]:
    """page_values with the title and description said in the portal's language.

    The page's fingerprint counts the English ones; the catalogs count through the templates'."""
    values = page_values(model, spec)
    if env.words is not None:
        if spec.title_msg is not None:
            values["page_title"] = say(env.words, spec.title_msg)
        if spec.description_msg is not None:
            values["page_description"] = say(env.words, spec.description_msg)
    return values


def render_page(env: TrackingEnvironment, model: Model, spec: PageSpec, memo: Memo | None = None) -> Rendered:
    """One page's bytes and what it read. Raises TemplateFailure for an error in a template."""
    prefix = "../" * spec.path.count("/")
    if spec.path == urls.page("not-found"):
        url, memo = _not_found_url(model), Memo(env)
    else:
        url, memo = URL, memo or Memo(env)
    memo.start(spec.path)
    reads = Reads()
    try:
        with env.recording(reads, frozenset(spec.context)):
            template = env.get_template(spec.template)
            html = template.render(portal=model.portal, model=model, url=url, memo=memo, drafts=model.drafts,
                                   as_of=model.as_of, segment_slugs=search_index.segment_slugs,
                                   **said_values(env, model, spec), **spec.context)
    except Exception as exc:
        problem = template_problem(exc, env.project)
        if problem is None:
            raise
        raise TemplateFailure(problem) from exc
    return Rendered(html.replace(ROOT, prefix).encode("utf-8"), reads)


def render_pages(env: TrackingEnvironment, model: Model, specs: list[PageSpec], pmap: Mapper = serial_map
                 ) -> dict[str, Rendered]:
    """The given pages, with what each read; one Memo, so each card is rendered once."""
    memo = Memo(env)
    with env.holding_templates():
        rendered = pmap(lambda spec: render_page(env, model, spec, memo), specs)
    return dict(zip((spec.path for spec in specs), rendered, strict=True))


def site_files(model: Model, specs: Sequence[PageSpec | Later], words: Words | None = None,
               search_rows: search_index.RowMemo | None = None, live: spliced.Live | None = None
               ) -> dict[str, bytes]:
    """The files that summarise the whole site: feeds, search index, sitemap, robots.txt, JSON.

    `words`: the portal's language (the theme environment's); English without it. `search_rows`:
    the search index's rows of earlier builds. `live`: the live site, when the model differs from
    its own only in reworded records (render/spliced.py): the feeds and sitemap that are the live
    site's are left out (named in live.kept), the search index and portal.json are the live ones
    made over."""
    return dict(each_site_file(model, specs, words, search_rows, live))


def each_site_file(model: Model, specs: Sequence[PageSpec | Later], words: Words | None = None,
                   search_rows: search_index.RowMemo | None = None, live: spliced.Live | None = None
                   ) -> Iterator[tuple[str, bytes]]:
    """site_files() one at a time: what is done with one (read, written) can go before the next is made."""
    entries = feeds.Entries(model, words)  # an entry is in the site feed, its tags' feeds and its customers'

    def keeps(path: str, items: Callable[[], list[DecisionItem | ChangeItem]]) -> bool:
        return live is not None and live.keeps(path, items)

    if not keeps(urls.SITE_FEED, lambda: [*model.decisions, *model.changes]):
        yield urls.SITE_FEED, feeds.atom(model, entries=entries)
    for tag in model.tags:
        if not keeps(path := urls.feed("tag", tag.slug), functools.partial(feeds.tag_items, tag)):
            yield path, feeds.tag_feed(model, tag, entries)
    for customer in model.customers:
        if not keeps(path := urls.feed("customer", customer.record.slug), functools.partial(feeds.customer_items,
                                                                                             customer)):
            yield path, feeds.customer_feed(model, customer, entries)
    found = spliced.search_document(model, words, live) if live is not None else None
    yield urls.SEARCH_INDEX, found if found is not None else search_index.render(model, words, search_rows)
    if model.portal.base_url and (live is None or not live.keeps_sitemap([s.path for s in specs])):
        # Neither the 404 page nor an old address (a redirect) is a page to index.
        yield urls.SITEMAP, feeds.sitemap(model, [s.path for s in specs if s.path != urls.page("not-found")
                                                  and s.template != REDIRECT])
    yield urls.ROBOTS, feeds.robots(model)
    found = spliced.portal_document(model, live) if live is not None else None
    yield urls.PORTAL_JSON, found if found is not None else portal_json.render(model)
