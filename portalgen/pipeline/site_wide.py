"""The site-wide files (feeds, search index, sitemap, robots.txt, api/portal.json) as one more job of
the rendering pass.

Made after the pages, they and the guard's reading of them (~4 s of CPU at 10,000 items) kept one
core busy while the other idled. They read the model and the plan, not the pages: put last in
the list of pages to render, they are the first item this process takes from the back of it, so it
makes and reads them while a worker renders pages from the front (pipeline/parallel.py
_share_here). In one process they come last, in the list's order; serve makes them after its pages
(pipeline/session.py: made while a worker renders, they raised its peak).

Memory: they are made, read and written one at a time, into the new site folder by the process
that made them (a worker holding them all and their pickled copy, and this process receiving
them, made the tree's peak 455 MB against 380 at 10,000 items); only their digests, what the
guard found and what the memos learnt (SiteRows, spliced.Live) come back. Without a new folder
(the back buffer is brought up to date) they come back whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from portalgen.model.items import Model
from portalgen.output import guard, writing
from portalgen.pipeline import allocator, guarding
from portalgen.pipeline.output_state import page_digest
from portalgen.pipeline.site_rows import SiteRows
from portalgen.render import pages, spliced
from portalgen.render.i18n import Words
from portalgen.render.plan import Planned


@dataclass
class Made:
    """What the job sends back."""

    leaks: list[guard.Leak]
    search_rows: Any
    guard_rows: Any
    kept: set[str]
    files: dict[str, bytes] = field(default_factory=dict)  # not written
    digests: dict[str, str] = field(default_factory=dict)  # page_digest of each of files
    written: dict[str, str] = field(default_factory=dict)  # written into the new site: page_digest by path


class Job:
    """The site-wide files of one build; `known`: the live site's files read against these names
    (OutputState.read_against), which are not read again; `site`: the new site folder, if any."""

    def __init__(self, model: Model, planned: Sequence[Planned], words: Words | None, rows: SiteRows,
                 live: spliced.Live, known: Mapping[str, str], keeper: guard.Guard | None,
                 site: writing.NewSite | None):
        self.model, self.planned, self.words, self.rows = model, planned, words, rows
        self.live, self.known, self.keeper, self.site = live, known, keeper, site

    def __call__(self) -> Made:
        # Their big blocks mapped, and given back when freed (pipeline/allocator.py): in a worker,
        # heap left behind by them stayed resident through the rest of its share (~50 MB at 10,000 items).
        allocator.fixed_mmap_threshold()
        made = Made([], None, None, set())
        for path, data in pages.each_site_file(self.model, self.planned, self.words, self.rows.search, self.live):
            digest = page_digest(data)
            if self.known.get(path) != digest:  # else published and read against these names (guarding.unread)
                made.leaks += guarding.read_files(self.keeper, {path: data}, self.rows.guard)
            if self.site is not None and not made.leaks:  # a file that would leak is never written
                self.site.put(path, data)
                made.written[path] = digest
            else:
                made.files[path], made.digests[path] = data, digest
            del data
        made.search_rows, made.guard_rows = self.rows.search.state(), self.rows.guard.state()
        made.kept = set(self.live.kept)
        return made

    def adopt(self, made: Made) -> None:
        """What the memos learnt where the job ran (a worker's copies of them), into this process's."""
        self.rows.search.adopt(made.search_rows)
        self.rows.guard.adopt(made.guard_rows)
        self.live.kept.update(made.kept)
        if self.site is not None:
            self.site.written(made.written)
