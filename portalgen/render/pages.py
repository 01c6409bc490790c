"""Map the linked model to pages: a pure function from (model, templates) to {output path: bytes}."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2

from portalgen.content.loading import Mapper, serial_map
from portalgen.model import quarters
from portalgen.model.items import ChangeItem, DecisionItem, FeedbackItem, Model
from portalgen.model.statuses import ORDER, STATUSES
from portalgen.render import feeds, portal_json, search_index, stats_page

PER_PAGE = 50  # list pages are paginated so no page grows with the portal
ROADMAP_COLUMN = 30
WHY_NOT = ("declined", "deferred")


@dataclass(frozen=True)
class Pager:
    items: Sequence[Any]
    number: int
    count: int
    base: str  # folder of page 1, e.g. "feedback/"
    total: int

    def path(self, number: int) -> str:
        return f"{self.base}index.html" if number == 1 else f"{self.base}page/{number}/index.html"

    @property
    def prev(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.count else None


def paginate(items: Sequence[Any], base: str, per_page: int = PER_PAGE) -> Iterator[Pager]:
    count = max(1, math.ceil(len(items) / per_page))
    for number in range(1, count + 1):
        chunk = items[(number - 1) * per_page : number * per_page]
        yield Pager(chunk, number, count, base, len(items))


@dataclass(frozen=True)
class PageSpec:
    path: str
    template: str
    title: str
    context: dict[str, Any]
    description: str = ""


def _group_by_version(changes: Sequence[ChangeItem]) -> list[tuple[str, list[ChangeItem]]]:
    groups: list[tuple[str, list[ChangeItem]]] = []
    for change in changes:
        version = change.record.version
        if groups and groups[-1][0] == version:
            groups[-1][1].append(change)
        else:
            groups.append((version, [change]))
    return groups


def _is_current(decision: DecisionItem) -> bool:
    """On the roadmap: the latest word on at least one item that has not shipped yet."""
    return any(i.latest_decision is decision and i.status == decision.record.outcome for i in decision.feedback)


def _latest_pairs(model: Model, limit: int = 6) -> list[tuple[FeedbackItem, Any]]:
    pairs = []
    for item in model.feedback:
        if item.duplicate_of is None and item.status != "heard":
            answer = item.changes[-1] if item.changes else item.decisions[-1]
            pairs.append((item, answer))
    pairs.sort(key=lambda p: (-p[1].record.date.toordinal(), p[0].record.slug))
    return pairs[:limit]


def page_specs(model: Model) -> Iterator[PageSpec]:
    """Every HTML page of the site, in a fixed order."""
    portal = model.portal
    yield PageSpec("index.html", "index.html", portal.title, {
        "stats": model.stats, "pairs": _latest_pairs(model), "latest_changes": model.changes[:5],
        "awaiting": [i for i in model.feedback if i.status == "heard"][:5],
    }, portal.description)

    counts = {key: 0 for key in ORDER}
    by_status: dict[str, list[FeedbackItem]] = {key: [] for key in ORDER}
    for item in model.feedback:
        counts[item.status] += 1
        by_status[item.status].append(item)
    filters = {"filter_tags": [(t.slug, t.name) for t in model.tags],
               "filter_segments": search_index.all_segments(model)}
    for pager in paginate(model.feedback, "feedback/"):
        yield PageSpec(pager.path(pager.number), "feedback_list.html", "What you said",
                       {"pager": pager, "counts": counts, "current_status": None, **filters},
                       "Every piece of feedback we have heard, with what happened to it.")
    for key in ORDER:
        status = STATUSES[key]
        for pager in paginate(by_status[key], f"feedback/status/{key}/"):
            yield PageSpec(pager.path(pager.number), "feedback_list.html",
                           f"Feedback: {status.headline}", {"pager": pager, "counts": counts,
                                                            "current_status": status, **filters},
                           f"Feedback with the status “{status.headline}”.")
    for item in model.feedback:
        yield PageSpec(item.url, "feedback.html", item.record.title, {"item": item},
                       item.record.quote or _excerpt(item.body_html)
                       or f"Feedback heard on {item.record.date.isoformat()}")

    for pager in paginate(model.decisions, "decisions/"):
        yield PageSpec(pager.path(pager.number), "decision_list.html", "What we decided", {"pager": pager},
                       "Every decision we took on your feedback, and why.")
    for decision in model.decisions:
        headline = STATUSES[decision.record.outcome].headline
        yield PageSpec(decision.url, "decision.html", decision.record.title, {"decision": decision},
                       f"{headline}. {_excerpt(decision.body_html)}".strip())
    why_not = [d for d in model.decisions if d.record.outcome in WHY_NOT]
    for pager in paginate(why_not, "why-not/"):
        yield PageSpec(pager.path(pager.number), "why_not.html", "Why not", {"pager": pager},
                       "Every No and Not now, with our reasons and what you can do instead.")

    for pager in paginate(model.changes, "changes/"):
        yield PageSpec(pager.path(pager.number), "change_list.html", "What we did",
                       {"pager": pager, "versions": _group_by_version(pager.items)},
                       "The changelog: what shipped, and who asked for it.")
    for change in model.changes:
        yield PageSpec(change.url, "change.html", change.record.title, {"change": change},
                       _excerpt(change.body_html) or f"Shipped on {change.record.date.isoformat()}")

    current = [d for d in model.decisions if _is_current(d)]
    columns = []
    for key in ("under-review", "planned", "in-progress"):
        decisions = [d for d in current if d.record.outcome == key]
        columns.append((STATUSES[key], decisions[:ROADMAP_COLUMN], len(decisions)))
    yield PageSpec("roadmap/index.html", "roadmap.html", "Roadmap",
                   {"columns": columns, "shipped": model.changes[:10]},
                   "What we are considering, what is planned, what is being built and what just shipped.")

    yield PageSpec("customers/index.html", "customer_list.html", "Thank you",
                   {"customers": model.customers}, "The advisory board members who shaped the product.")
    for customer in model.customers:
        yield PageSpec(customer.url, "customer.html", customer.record.name,
                       {"customer": customer, "feed": (feeds.customer_feed_path(customer),
                                                       f"What {customer.record.name} asked for")},
                       f"What {customer.record.name} raised, what we decided and what shipped.")

    yield PageSpec("tags/index.html", "tag_list.html", "Themes", {"tags": model.tags},
                   "Feedback grouped by theme.")
    for tag in model.tags:
        for pager in paginate(tag.feedback, f"tags/{tag.slug}/"):
            yield PageSpec(pager.path(pager.number), "tag.html", f"Theme: {tag.name}",
                           {"tag": tag, "pager": pager, "feed": (feeds.tag_feed_path(tag), f"Theme {tag.name}")},
                           f"{len(tag.feedback)} pieces of feedback on {tag.name}, and what happened to them.")

    yield from quarters.page_specs(model)
    yield from stats_page.page_specs(model)
    yield PageSpec("404.html", "404.html", "Page not found", {}, "There is nothing at this address.")


def _excerpt(fragment: str) -> str:
    return search_index.plain_text(fragment, 200)


# Links are rendered as ROOT + site path, and ROOT becomes the page's "../" prefix once the
# page is done. A card then renders to the same text on every page, so it is rendered once per
# build instead of once per list it appears in. ROOT cannot come from content: control
# characters are stripped from every input.
ROOT = "\x00root\x00/"


class Memo:
    """Rendered fragments for one rendering pass, keyed by what they show."""

    def __init__(self) -> None:
        self._done: dict[tuple, Any] = {}

    def __call__(self, name: str, obj: Any, macro: Callable[..., Any], *args: Any) -> Any:
        key = (name, id(obj), *args)
        if key not in self._done:
            self._done[key] = (obj, macro(obj, *args))  # keep obj alive so its id stays unique
        return self._done[key][1]


def _not_found_url(model: Model) -> Callable[[str], str]:
    # 404.html is served at any depth, so relative links would break; use the site's own path.
    base_path = urlsplit(model.portal.base_url).path if model.portal.base_url else "/"
    return lambda target: base_path + target.removesuffix("index.html")


def render_page(env: jinja2.Environment, model: Model, spec: PageSpec, memo: Memo | None = None) -> bytes:
    template = env.get_template(spec.template)
    prefix = "../" * spec.path.count("/")
    if spec.path == "404.html":
        url, memo = _not_found_url(model), Memo()
        root = url("")
    else:
        url, memo = ROOT.__add__, memo or Memo()
        root = prefix or "./"
    # Absolute URL of the page for <link rel="canonical"> and og:url; only known with a base_url,
    # and never for the 404 page, which is served at any address.
    canonical = feeds.absolute(model, spec.path) if model.portal.base_url and spec.path != "404.html" else ""
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
    pages["feed.xml"] = feeds.atom(model)
    for tag in model.tags:
        pages[feeds.tag_feed_path(tag)] = feeds.tag_feed(model, tag)
    for customer in model.customers:
        pages[feeds.customer_feed_path(customer)] = feeds.customer_feed(model, customer)
    pages[search_index.PATH] = search_index.render(model)
    if model.portal.base_url:
        html_pages = [spec.path for spec in (specs if specs is not None else page_specs(model))]
        pages["sitemap.xml"] = feeds.sitemap(model, [p for p in html_pages if p != "404.html"])
    pages["robots.txt"] = feeds.robots(model)
    pages["api/portal.json"] = portal_json.render(model)
    return pages
