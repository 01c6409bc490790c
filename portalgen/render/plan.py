"""The page plan: every HTML page of the site, with its path, template, title and context.

Paths come from the URL scheme (model/urls.py). Lists are paginated so that no page grows with
the portal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from portalgen.content.records import Feedback
from portalgen.model import quarters, urls
from portalgen.model.items import ChangeItem, Credit, DecisionItem, FeedbackItem, Model, TagItem
from portalgen.model.statuses import ORDER, STATUSES
from portalgen.render import search_index, stats_page
from portalgen.render.plaintext import plain_text
from portalgen.render.spec import PER_PAGE, REDIRECT, Months, Msg, PageSpec, paginate, plural_msg, spec

ROADMAP_COLUMN = 30
ROADMAP_SHIPPED = 5  # the newest changes beside the columns; "All N changes" links to the rest
WHY_NOT = ("declined", "deferred")


def _group_by_version(changes: Sequence[ChangeItem]) -> list[tuple[str, list[ChangeItem]]]:
    """One section per version, in the order of its newest change: a page never has two sections of one name.

    Screen readers list sections by name, so a version split by a change of another (or of none)
    would show twice.
    """
    groups: dict[str, list[ChangeItem]] = {}
    for change in changes:
        groups.setdefault(change.record.version, []).append(change)
    return list(groups.items())


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


Excerpt = Callable[[str], str]  # sanitised HTML -> the first words, for a page's meta description


def excerpt(fragment: str) -> str:
    return plain_text(fragment, 200)


class Later:
    """A page whose path and template are known now, and the rest of its plan when first asked for
    (spec()): a build that knows what most pages were asked to show (pipeline/since_last.py) plans
    only those it renders, not 10,000 excerpts and every quarter's numbers."""

    __slots__ = ("_made", "_make", "path", "template")

    def __init__(self, path: str, template: str, make: Callable[[], PageSpec]):
        self.path, self.template = path, template
        self._make: Callable[[], PageSpec] | None = make
        self._made: PageSpec | None = None

    def spec(self) -> PageSpec:
        if self._made is None:
            assert self._make is not None
            self._made, self._make = self._make(), None
            assert (self._made.path, self._made.template) == (self.path, self.template)
        return self._made


Planned = PageSpec | Later


def spec_of(page: Planned) -> PageSpec:
    return page if isinstance(page, PageSpec) else page.spec()


FEEDBACK_PAGE = "feedback.html"  # the template of a feedback item's own page


def rendering_order(specs: Sequence[PageSpec]) -> list[PageSpec]:
    """The pages in the order a rendering pass takes them: the feedback items' own pages last, but
    for the 404 page.

    The theme's feedback page shows no card, and the pages around it in the plan's order (the
    feedback lists before, the decisions, changes, customers and tags after) show the same cards
    (render/pages.py Memo). A process forgets its cards some pages into a run of pages that show
    none, so in the plan's order it rendered every feedback card twice: once for the lists, again
    for the decisions after the feedback pages (10,000 cards of 24,600 at 10,000 items, a tenth of
    a cold build's rendering). The 404 page stays last: its `url` differs from every other page's,
    so the macros imported with its context are made for it alone (render/imported.py), once.
    A page's bytes and reads do not depend on when it is rendered.
    """
    not_found = urls.page("not-found")
    last = [s for s in specs if s.template == FEEDBACK_PAGE or s.path == not_found]
    return [*(s for s in specs if s.template != FEEDBACK_PAGE and s.path != not_found), *last]


def page_specs(model: Model, excerpt: Excerpt = excerpt) -> Iterator[PageSpec]:
    """Every HTML page of the site, in a fixed order. `excerpt` may remember its answers."""
    return map(spec_of, planned(model, excerpt))


def _page(later: bool, path: str, template: str, make: Callable[..., PageSpec], *args: Any) -> Planned:
    return Later(path, template, functools.partial(make, *args)) if later else make(*args)


def planned(model: Model, excerpt: Excerpt = excerpt, later: bool = False) -> Iterator[Planned]:
    """page_specs(); with `later`, the pages of records, quarters and numbers are planned when
    first asked for (Later)."""
    portal = model.portal
    yield PageSpec(urls.page("home"), "index.html", portal.title, {
        "stats": model.stats, "pairs": _latest_pairs(model), "latest_changes": model.changes[:5],
        "awaiting": [i for i in model.feedback if i.status == "heard"][:5],
    }, portal.description)
    yield from _feedback_specs(model, excerpt, later)
    yield from _decision_specs(model, excerpt, later)
    yield from _change_specs(model, excerpt, later)
    yield _roadmap_spec(model)
    yield from _customer_specs(model)
    yield from _tag_specs(model)
    # Once: the quarter pages and the stats page both show them.
    summaries = functools.cache(functools.partial(quarters.summaries, model))
    if later:
        yield from _later_quarter_specs(quarters.covered(model), summaries)
        yield Later(urls.page("stats"), "stats.html", lambda: stats_page.page_spec(model, summaries()))
    else:
        yield from _quarter_specs(summaries())
        yield stats_page.page_spec(model, summaries())
    yield from _redirect_specs(model)
    yield spec(urls.page("not-found"), "404.html", Msg("Page not found"), {}, Msg("There is nothing at this address."))


def _feedback_specs(model: Model, excerpt: Excerpt, later: bool) -> Iterator[Planned]:
    """The list of all feedback, one list per status, and one page per item."""
    counts = {key: 0 for key in ORDER}
    by_status: dict[str, list[FeedbackItem]] = {key: [] for key in ORDER}
    for item in model.feedback:
        counts[item.status] += 1
        by_status[item.status].append(item)
    filters = {"filter_tags": [(t.slug, t.name) for t in model.tags],
               "filter_segments": search_index.all_segments(model), "card_prototype": _card_prototype()}
    for pager in paginate(model.feedback, urls.folder("feedback")):
        yield spec(pager.path(pager.number), "feedback_list.html", Msg("What you said"),
                   {"pager": pager, "counts": counts, "current_status": None, **filters},
                   Msg("Every piece of feedback we have heard, with what happened to it."))
    for key in ORDER:
        status = STATUSES[key]
        for pager in paginate(by_status[key], urls.status(key)):
            headline = Msg(status.headline)
            yield spec(pager.path(pager.number), "feedback_list.html",
                       Msg("Feedback: %(status)s", (("status", headline),)),
                       {"pager": pager, "counts": counts, "current_status": status, **filters},
                       Msg("Feedback with the status “%(status)s”.", (("status", headline),)))
    for item in model.feedback:
        yield _page(later, item.url, FEEDBACK_PAGE, feedback_page, item, excerpt)


def feedback_page(item: FeedbackItem, excerpt: Excerpt = excerpt) -> PageSpec:
    described = item.record.quote or excerpt(item.body_html)
    fallback = Msg("Feedback heard on %(date)s", (("date", item.record.date.isoformat()),))
    return PageSpec(item.url, FEEDBACK_PAGE, item.record.title, {"item": item}, described or fallback.english(),
                    description_msg=None if described else fallback)


def decision_page(decision: DecisionItem, excerpt: Excerpt = excerpt) -> PageSpec:
    headline = Msg(STATUSES[decision.record.outcome].headline)
    said = excerpt(decision.body_html)
    description = Msg("%(headline)s. %(excerpt)s", (("headline", headline), ("excerpt", said))) if said else \
        Msg("%(headline)s.", (("headline", headline),))
    return PageSpec(decision.url, "decision.html", decision.record.title, {"decision": decision},
                    description.english(), description_msg=description)


def change_page(change: ChangeItem, excerpt: Excerpt = excerpt) -> PageSpec:
    described = excerpt(change.body_html)
    fallback = Msg("Shipped on %(date)s", (("date", change.record.date.isoformat()),))
    return PageSpec(change.url, "change.html", change.record.title, {"change": change}, described or fallback.english(),
                    description_msg=None if described else fallback)


def _decision_specs(model: Model, excerpt: Excerpt, later: bool) -> Iterator[Planned]:
    """The list of decisions, one page per decision, and the list of every No and Not now."""
    for pager in paginate(model.decisions, urls.folder("decisions")):
        yield spec(pager.path(pager.number), "decision_list.html", Msg("What we decided"), {"pager": pager},
                   Msg("Every decision we took on your feedback, and why."))
    for decision in model.decisions:
        yield _page(later, decision.url, "decision.html", decision_page, decision, excerpt)
    why_not = [d for d in model.decisions if d.record.outcome in WHY_NOT]
    for pager in paginate(why_not, urls.folder("why-not")):
        yield spec(pager.path(pager.number), "why_not.html", Msg("Why not"), {"pager": pager},
                   Msg("Every No and Not now, with our reasons and what you can do instead."))


def _change_specs(model: Model, excerpt: Excerpt, later: bool) -> Iterator[Planned]:
    for pager in paginate(model.changes, urls.folder("changes")):
        yield spec(pager.path(pager.number), "change_list.html", Msg("What we did"),
                   {"pager": pager, "versions": _group_by_version(pager.items)},
                   Msg("The changelog: what shipped, and who asked for it."))
    for change in model.changes:
        yield _page(later, change.url, "change.html", change_page, change, excerpt)


def _roadmap_spec(model: Model) -> PageSpec:
    current = [d for d in model.decisions if _is_current(d)]
    columns = []
    for key in ("under-review", "planned", "in-progress"):
        decisions = [d for d in current if d.record.outcome == key]
        columns.append((STATUSES[key], decisions[:ROADMAP_COLUMN], len(decisions)))
    return spec(urls.page("roadmap"), "roadmap.html", Msg("Roadmap"),
                {"columns": columns, "shipped": model.changes[:ROADMAP_SHIPPED],
                 "shipped_total": len(model.changes)},
                Msg("What we are considering, what is planned, what is being built and what just shipped."))


def _customer_specs(model: Model) -> Iterator[PageSpec]:
    yield spec(urls.page("customers"), "customer_list.html", Msg("Thank you"),
               {"customers": model.customers}, Msg("The advisory board members who shaped the product."))
    for customer in model.customers:
        name = (("name", customer.record.name),)
        described = Msg("What %(name)s raised, what we decided and what shipped.", name)
        yield PageSpec(customer.url, "customer.html", customer.record.name,
                       {"customer": customer, "feed": (urls.feed("customer", customer.record.slug),
                                                       Msg("What %(name)s asked for", name))},
                       described.english(), description_msg=described)


def _tag_specs(model: Model) -> Iterator[PageSpec]:
    yield spec(urls.page("tags"), "tag_list.html", Msg("Themes"), {"tags": model.tags},
               Msg("Feedback grouped by theme."))
    for tag in model.tags:
        for pager in paginate(tag.feedback, tag.url.removesuffix("index.html")):
            name = (("name", tag.name),)
            yield spec(pager.path(pager.number), "tag.html", Msg("Theme: %(name)s", name),
                       {"tag": tag, "pager": pager,
                        "feed": (urls.feed("tag", tag.slug), Msg("Theme %(name)s", name))},
                       plural_msg("%(num)s piece of feedback on %(name)s, and what happened to it.",
                                  "%(num)s pieces of feedback on %(name)s, and what happened to them.",
                                  len(tag.feedback), name))


def _quarter_specs(summaries: list[quarters.QuarterSummary]) -> Iterator[PageSpec]:
    """quarters/index.html, then one page per quarter, newest first."""
    yield _quarter_list(summaries)
    for summary in reversed(summaries):
        yield _quarter_page(summary)


def _later_quarter_specs(covered: list[quarters.Quarter],
                         summaries: Callable[[], list[quarters.QuarterSummary]]) -> Iterator[Later]:
    """_quarter_specs(summaries()), each page planned when first asked for: `covered`, the quarters
    summaries() has a summary of (quarters.covered), says their paths."""
    yield Later(urls.page("quarters"), "quarter_list.html", lambda: _quarter_list(summaries()))
    for n in reversed(range(len(covered))):
        yield Later(urls.quarter(covered[n].key), "quarter.html",
                    functools.partial(lambda n: _quarter_page(summaries()[n]), n))


def _quarter_list(summaries: list[quarters.QuarterSummary]) -> PageSpec:
    return spec(urls.page("quarters"), "quarter_list.html", Msg("Quarter by quarter"),
                {"summaries": list(reversed(summaries))},
                Msg("What we heard, decided and shipped, quarter by quarter."))


def _quarter_page(summary: quarters.QuarterSummary) -> PageSpec:
    q = summary.quarter
    # Each list shows at most PER_PAGE cards, so no page grows with the portal; numbers count everything.
    return spec(urls.quarter(q.key), "quarter.html", Msg("You said, we did: %(quarter)s", (("quarter", q),)),
                {"summary": summary, "limit": PER_PAGE},
                Msg("What we heard, what we decided and what we shipped in %(months)s.", (("months", Months(q)),)))


def _redirect_specs(model: Model) -> Iterator[PageSpec]:
    """A page at each old address (`aliases:`) of a published record, sending the reader on.

    Only what has a page gets one: customers are in the model only when named, so an anonymous
    customer's old slug is never published.
    """
    groups: tuple[tuple[str, Sequence[Any]], ...] = (
        ("feedback", model.feedback), ("decision", model.decisions), ("change", model.changes),
        ("customer", model.customers))
    for kind, items in groups:
        for item in items:
            for alias in item.record.aliases:
                yield spec(urls.record(kind, alias), REDIRECT, Msg("This page has moved"),
                           {"item": item, "kind": kind}, Msg("This page has moved."))


def _card_prototype() -> FeedbackItem:
    """A feedback card with every part a filtered card can show, and nothing from the content.

    The list pages carry it in a <template>; filters.js clones its markup and fills it in, so
    cards made in the browser are the same markup as the macro's.
    """
    record = Feedback(slug="-card", path="", title="", date=date(2000, 1, 1), customers=(), source="", tags=(),
                      quote="", duplicate_of="", draft=False, public=True, body="")
    # Its links lead to real pages, so that link checkers reading the <template> find nothing broken.
    item = FeedbackItem(record, urls.page("feedback"), "", status="under-review")
    item.credit = Credit([], [("", 1)])
    item.tags = [TagItem("card", "card", urls.page("tags"), [])]
    return item


