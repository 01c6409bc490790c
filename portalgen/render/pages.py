"""Render planned pages to bytes: a pure function from (model, templates, plan) to {output path: bytes}."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urlsplit

import jinja2

from portalgen.content.loading import Mapper, serial_map
from portalgen.model import urls
from portalgen.model.items import Model
from portalgen.render import feeds, portal_json, search_index
from portalgen.render.plan import page_specs
from portalgen.render.spec import PageSpec

# Links are rendered as ROOT + site path, and ROOT becomes the page's "../" prefix once the
# page is done. A card then renders to the same text on every page, so it is rendered once per
# build instead of once per list it appears in. ROOT cannot come from content: control
# characters are stripped from every input.
ROOT = "\x00root\x00/"


class Memo:
    """Rendered fragments for one rendering pass, keyed by what they show."""

    def __init__(self) -> None:
        self._done: dict[tuple[Any, ...], tuple[Any, Any]] = {}  # key -> (obj, fragment)

    def __call__(self, name: str, obj: Any, macro: Callable[..., Any], *args: Any) -> Any:
        key = (name, id(obj), *args)
        if key not in self._done:
            self._done[key] = (obj, macro(obj, *args))  # keep obj alive so its id stays unique
        return self._done[key][1]


def _not_found_url(model: Model) -> Callable[[str], str]:
    # 404.html is served at any depth, so relative links would break; use the site's own path.
    base_path = urlsplit(model.portal.base_url).path if model.portal.base_url else "/"
    return lambda target: base_path + urls.pretty(target)


def render_page(env: jinja2.Environment, model: Model, spec: PageSpec, memo: Memo | None = None) -> bytes:
    template = env.get_template(spec.template)
    prefix = "../" * spec.path.count("/")
    not_found = spec.path == urls.page("not-found")
    if not_found:
        url, memo = _not_found_url(model), Memo()
        root = url("")
    else:
        url, memo = ROOT.__add__, memo or Memo()
        root = prefix or "./"
    # Absolute URL of the page for <link rel="canonical"> and og:url; only known with a base_url,
    # and never for the 404 page, which is served at any address.
    canonical = urls.absolute(model.portal.base_url, spec.path) if model.portal.base_url and not not_found else ""
    html = template.render(
        portal=model.portal, model=model, page_path=spec.path, page_title=spec.title,
        page_description=spec.description or model.portal.description or model.portal.title,
        url=url, memo=memo, drafts=model.drafts, as_of=model.as_of, canonical=canonical,
        site_root=root, segment_slugs=search_index.segment_slugs, **spec.context,
    )
    return html.replace(ROOT, prefix).encode("utf-8")


def render_site(env: jinja2.Environment, model: Model, pmap: Mapper = serial_map, specs: list[PageSpec] | None = None,
                skip: Collection[str] = ()) -> dict[str, bytes]:
    """All generated files of the site except the theme's static assets and the pages in `skip`."""
    todo = [spec for spec in (specs if specs is not None else page_specs(model)) if spec.path not in skip]
    memo = Memo()
    rendered = pmap(lambda spec: render_page(env, model, spec, memo), todo)
    pages = dict(zip((spec.path for spec in todo), rendered, strict=True))
    pages[urls.SITE_FEED] = feeds.atom(model)
    for tag in model.tags:
        pages[urls.feed("tag", tag.slug)] = feeds.tag_feed(model, tag)
    for customer in model.customers:
        pages[urls.feed("customer", customer.record.slug)] = feeds.customer_feed(model, customer)
    pages[urls.SEARCH_INDEX] = search_index.render(model)
    if model.portal.base_url:
        html_pages = [spec.path for spec in (specs if specs is not None else page_specs(model))]
        pages[urls.SITEMAP] = feeds.sitemap(model, [p for p in html_pages if p != urls.page("not-found")])
    pages[urls.ROBOTS] = feeds.robots(model)
    pages[urls.PORTAL_JSON] = portal_json.render(model)
    return pages
