"""The URL scheme: where every record, list, feed and asset lives in the published site.

One module answers it, relative and absolute, for the model (each item's `url`), the page plan,
templates (the `urls` global), feeds, api/portal.json, the search index (which hands the URL
patterns to the theme's JavaScript) and digests. Paths are site-relative POSIX paths to the
output file ("feedback/x/index.html"); links show them "pretty" (without index.html).
"""

from __future__ import annotations

from urllib.parse import quote

from portalgen.content.kinds import KINDS

INDEX = "index.html"
NOT_FOUND = "404.html"
SITE_FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
PORTAL_JSON = "api/portal.json"
SEARCH_INDEX = "search/index.js"

# Record pages live in a folder named like the content folder of their kind; tags have their own.
_FOLDERS = {**{name: kind.folder for name, kind in KINDS.items()}, "tag": "tags"}

# The site's own pages, by name (the names base.html's navigation uses for aria-current).
_PAGES = {
    "home": INDEX, "feedback": "feedback/", "roadmap": "roadmap/", "changes": "changes/",
    "why-not": "why-not/", "quarters": "quarters/", "stats": "stats/", "decisions": "decisions/",
    "customers": "customers/", "tags": "tags/", "not-found": NOT_FOUND,
}


def folder(name: str) -> str:
    """The folder of a list page: 'feedback/', 'why-not/'; listing() turns it into page paths."""
    found = _PAGES[name]
    return found if found.endswith("/") else ""


def page(name: str) -> str:
    """A page of the site by name: page('feedback') is 'feedback/index.html'."""
    found = _PAGES[name]
    return found + "index.html" if found.endswith("/") else found


def record(kind: str, slug: str) -> str:
    """The page of one record or tag: record('decision', 'x') is 'decisions/x/index.html'."""
    return f"{_FOLDERS[kind]}/{slug}/index.html"


def status(key: str) -> str:
    """The folder listing the feedback with one status."""
    return f"feedback/status/{key}/"


def listing(base: str, number: int = 1) -> str:
    """Page `number` of a paginated list whose first page is in folder `base`."""
    return f"{base}index.html" if number == 1 else f"{base}page/{number}/index.html"


def quarter(key: str) -> str:
    return f"quarters/{key}/index.html"


def feed(kind: str, slug: str) -> str:
    """The Atom feed of one tag or one customer, beside its page."""
    return f"{_FOLDERS[kind]}/{slug}/feed.xml"


def version_anchor(version: str) -> str:
    """The id of a version's section on the changelog pages ('version-4.4'); any version gets its own.

    Percent-encoding keeps it free of spaces (which an id may not hold) and one-to-one, and a link's
    fragment written the same way finds it.
    """
    version = version.strip()
    return "version-" + quote(version, safe="") if version else "other-changes"


def static(name: str) -> str:
    return f"static/{name}"


def pretty(path: str) -> str:
    """The address a reader sees: folders, not index.html."""
    return path.removesuffix("index.html")


def absolute(base_url: str | None, path: str) -> str:
    """The public URL of an output file: pretty, and absolute when base_url is known."""
    return (base_url or "") + pretty(path)


def relative(from_page: str, target: str) -> str:
    """Link from one output file to another, relative, so the site works under any sub-path.

    Both are site-relative POSIX paths: climbing out of the page's folders is enough, and much
    cheaper than posixpath.relpath on every link of every page.
    """
    return "../" * from_page.count("/") + target


def patterns() -> dict[str, str]:
    """Record URLs as patterns for the theme's JavaScript ({slug} is replaced), by search-index kind."""
    return {"f": record("feedback", "{slug}"), "d": record("decision", "{slug}"),
            "c": record("change", "{slug}"), "t": record("tag", "{slug}")}
