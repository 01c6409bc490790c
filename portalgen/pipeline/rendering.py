"""Pages rendered across worker processes and put away as they arrive.

A site of 10,000 items is about 280 MB of pages, and each page read thousands of keys: held
until the end of rendering, in the workers and again in this process, they were most of a
build's memory. Instead each worker reads its pages with the output guard as it renders them
and sends them in small batches; this process numbers each page's reads into the next
dependency record at once and writes its bytes into the new site folder (when the site is
written whole), so only a batch of pages is in memory at a time. A page that would publish a
protected name is never written: the build then fails, and the new folder is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from portalgen.content.problems import ContentError
from portalgen.model.items import Model
from portalgen.output import guard, writing
from portalgen.pipeline import allocator, collector, site_wide
from portalgen.pipeline.dependencies import Update
from portalgen.pipeline.output_state import page_digest
from portalgen.render import pages, plan
from portalgen.render.spec import PageSpec
from portalgen.render.tracking import TrackingEnvironment

COLLECT_AFTER = 400  # pages in a rendering pass after which its cycles are collected at once

# One page from a worker: its path, its bytes and reads, what the guard found in it.
Result = tuple[str, pages.Rendered, list[guard.Leak]]
Job = PageSpec | site_wide.Job  # a page, or the site-wide files


class Stream(Protocol):
    """pipeline/parallel.pmap_forked: `then` runs in this process on each result as it arrives."""

    def __call__(self, func: Callable[[Job], Result | site_wide.Made], items: Sequence[Job], /, *,
                 then: Callable[[Result | site_wide.Made], None]) -> Any: ...


class Outlet:
    """Where rendered pages go: their reads into `deps`, their bytes into `site` (or, updating the
    back buffer, kept in `files`)."""

    def __init__(self, site: writing.NewSite | None, deps: Update, page_fps: Mapping[str, str]):
        self.site, self.deps, self.page_fps = site, deps, page_fps
        self.files: dict[str, bytes] = {}  # pages not written yet
        self.digests: dict[str, str] = {}  # page_digest of those of files whose digest was made already
        self.written: dict[str, str] = {}  # page -> page_digest of the bytes written
        self.leaks: list[guard.Leak] = []
        self.count = 0  # pages
        self.site_wide = 0  # site-wide files (pipeline/site_wide.py)

    def take(self, result: Result) -> None:
        path, page, found = result
        self.count += 1
        self.deps.add(path, self.page_fps[path], page.reads)
        if found or self.leaks:  # the build fails: nothing more is written
            self.leaks += found[: max(0, guard.CAP - len(self.leaks))]
        elif self.site is not None:
            self.site.put(path, page.data)
            if path.endswith(".html"):
                self.written[path] = page_digest(page.data)
        else:
            self.files[path] = page.data

    def take_files(self, made: site_wide.Made) -> None:
        """The site-wide files, read by the guard already, and those written already."""
        self.site_wide += len(made.files) + len(made.written)
        self.written.update(made.written)
        self.leaks += made.leaks[: max(0, guard.CAP - len(self.leaks))]
        for path, data in made.files.items():
            if self.leaks:
                return
            if self.site is not None:
                self.site.put(path, data)
                self.written[path] = made.digests[path]
            else:
                self.files[path], self.digests[path] = data, made.digests[path]


def render(env: TrackingEnvironment, model: Model, specs: Sequence[PageSpec], keeper: guard.Guard | None,
           outlet: Outlet, stream: Stream, wide: site_wide.Job | None = None, wide_last: bool = False) -> None:
    """Render `specs` (one Memo per worker, so each card is rendered once), each page read by
    `keeper` where it is rendered, into `outlet`; and `wide`, the site-wide files, last (this process
    takes the last items first: it makes them while a worker renders pages), or with `wide_last` in this
    process after the pages."""
    memo = pages.Memo(env)

    def one(job: Job) -> Result | site_wide.Made:
        if isinstance(job, site_wide.Job):
            return job()
        page = pages.render_page(env, model, job, memo)
        return job.path, page, keeper.check_file(job.path, page.data) if keeper is not None else []

    def take(result: Result | site_wide.Made) -> None:
        if isinstance(result, site_wide.Made):
            assert wide is not None
            wide.adopt(result)
            outlet.take_files(result)
        else:
            outlet.take(result)

    try:
        with env.holding_templates():  # forked workers hold their own copies
            env.preload({spec.template for spec in specs})  # compiled once, before the workers fork
            ordered = plan.rendering_order(specs)  # cards shown by one page are reused by the next
            stream(one, [*ordered, wide] if wide is not None and not wide_last else ordered, then=take)
    except pages.TemplateFailure as exc:
        raise ContentError([exc.problem]) from exc
    finally:
        # The cards rendered here (a CLI build renders a share in this process) go now, before the
        # site-wide files are made and read, not when the collector finds the cycles of Jinja's
        # contexts that hold the memo. (malloc_trim after it: 4 MB less, seconds more system time.)
        memo.clear()
        # Jinja's contexts and macros of the pages rendered here are left in reference cycles; freed
        # now, their memory is reused by the site-wide files and the guard's reading of them (the
        # peak of a cold build's memory once the pages are made) instead of growing the heap. A
        # pass of a few pages (an edit) leaves little, and a collection would walk what is not frozen.
        if len(specs) >= COLLECT_AFTER:
            collector.collect_cycles()
        # From here on, big blocks freed go back to the system (pipeline/allocator.py): the site-wide
        # files and the guard's copies of them are made and dropped after the pages.
        allocator.fixed_mmap_threshold()
    if wide is not None and wide_last:
        take(wide())
