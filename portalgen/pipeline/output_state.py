"""What the build cache knows about one output folder, and the decisions that follow from it.

The site in the output folder is the one the cache describes only if its marker file is the very
file that build wrote (device, inode, mtime). The marker's bytes are constant: nothing derived
from the input, private files included, is published in it. Besides the live site, a back buffer
(an older complete site in the cache folder) lets an edit write only what changed and still swap
the whole site in atomically.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portalgen.content.problems import Problem, Severity
from portalgen.output import writing
from portalgen.pipeline import allocator
from portalgen.pipeline.cache import BackBuffer, BuildCache, OutputEntry

if TYPE_CHECKING:  # imported by a build that renders, not by one that finds its site up to date
    from portalgen.pipeline.back_listing import BackListing
    from portalgen.pipeline.dependencies import Dependencies
    from portalgen.render.spliced import Live


class OutputState:
    def __init__(self, out: Path, cache: BuildCache | None, list_back: bool = False):
        self.out = out
        self.cache = cache
        self.live_marker = writing.marker_id(out) if out.is_dir() else ""
        entry = cache.outputs.get(str(out)) if cache is not None else None
        self.entry: OutputEntry | None = (
            entry if entry and self.live_marker and entry.get("marker") == self.live_marker else None)
        self._deps: Dependencies | None = None
        self._basis = ""  # what this build's site-wide files are made from besides the records (live())
        self.back = (cache.folder / "back" / hashlib.sha256(str(out).encode()).hexdigest()[:16]
                     if cache is not None and cache.folder is not None else None)
        # `list_back`: a CLI build, whose other core idles until it renders, lists the back buffer meanwhile
        self._listing = self._list_back() if list_back else None

    def up_to_date(self, digest: str) -> bool:
        """Nothing that the build reads has changed since it made the live site."""
        if self.entry is None or self.entry.get("digest") != digest:
            return False
        writing.clean_stray(self.out)  # but a build killed since then may have left its temporary folder
        return True

    @property
    def warnings(self) -> list[Problem]:
        """The warnings of the build that made the live site."""
        if self.entry is None:
            return []
        return [_problem(w) for w in self.entry.get("warnings", [])]

    @property
    def guarded_for(self) -> str | None:
        """The names the live site was read against by the output guard (pipeline/guarding.py)."""
        return None if self.entry is None else self.entry.get("guard")

    def read_against(self, key: str) -> Mapping[str, str]:
        """The digests (page_digest) of the live site's files, by path, when the output guard read
        that site against the names of `key` (guarding.key); else nothing. The same bytes at the
        same path, read against the same names, get the same verdict: they need no second reading."""
        if self.entry is None or self.entry.get("guard") != key:
            return {}
        return self.entry.get("pages", {})

    def live(self, touched: Collection[tuple[str, ...]] | None, same_names: bool, basis: str) -> Live:
        """The live site to take this build's site-wide files from (render/spliced.py), when its model
        differs from the one that site was made on only in the records `touched` names (kind, slug), the
        output guard read it against the same names (`same_names`) and its site-wide files were made on
        the same `basis` (spliced.basis: the day, portal settings, words and drafts flag); else one
        that knows nothing (Live.touched None), and the site-wide files are made whole."""
        from portalgen.render import spliced  # a build that finds its site up to date needs none of it

        self._basis = basis
        if (touched is None or not same_names or self.entry is None or self.entry.get("wide") != basis
                or any(len(key) != 2 or key[0] not in spliced.KINDS for key in touched)):
            return spliced.Live(self.out, None, {}, page_digest)
        return spliced.Live(self.out, frozenset((str(key[0]), str(key[1])) for key in touched),
                            self.entry.get("pages", {}), page_digest)

    @property
    def base_url(self) -> str | None:
        return None if self.entry is None else self.entry.get("base_url")

    @property
    def dependencies(self) -> Dependencies:
        """What each page of the live site read when it was rendered (nothing without a live site)."""
        if self._deps is None:
            from portalgen.pipeline.dependencies import Dependencies

            saved = self.cache.deps(str(self.out)) if self.entry is not None and self.cache is not None else None
            self._deps = Dependencies.load(saved)
        return self._deps

    def _back_state(self, reuse: Collection[str]) -> BackBuffer | None:
        """The back buffer's record, when this build can bring it up to date instead of writing a whole site."""
        return self._trusted_back() if reuse else None

    def _trusted_back(self) -> BackBuffer | None:
        """The back buffer's record, when the back buffer is the very folder it describes."""
        back_state = None if self.entry is None else self.entry.get("back")
        if (self.entry is not None and self.back is not None and back_state and back_state.get("marker")
                and writing.marker_id(self.back) == back_state["marker"]):
            return back_state
        return None

    def _list_back(self) -> BackListing | None:
        if self.back is None or self._trusted_back() is None:
            return None
        from portalgen.pipeline.back_listing import BackListing  # forks: not imported by a build found up to date

        return BackListing(self.back)

    def release(self, reuse: Collection[str]) -> None:
        """For a session that never saves (serve), once it knows what it reuses of the live site and
        before it renders the rest: the cache's contents read from disk go now, not after rendering
        (the session holds what it uses of them), and with no page reused, what the live site's pages
        read too (a full re-render, as after a build under another date: ~11 MB at 10,000 items) and
        the search index's rows (~10 MB, made after the pages: encoded again, as after a cold build).
        The memory freed goes back to the system before the render workers fork: left in malloc's
        heap, the pages this process wrote into again were copied, one copy for each process
        (next-day serve after edit builds at 10,000 items, 12 MB of its peak)."""
        from portalgen.pipeline.site_rows import SEARCH  # imported by a build that renders, as live()'s

        if self.cache is not None:
            self.cache.let_go()
            if not reuse and self.cache.memo(SEARCH) is not None:
                self.cache.put_memo(SEARCH, {})  # keyed, none known (render/search_index.py RowMemo)
        if self._deps is not None:
            self._deps._saved = {}  # the cache's form of its pages, kept for a save that never comes
        if not reuse and self._deps is not None:
            self._deps.pages.clear()  # this state's own copy of the record: nothing else holds its pages
        allocator.trim()

    def new_site(self, reuse: Collection[str]) -> writing.NewSite | None:
        """The folder to write pages into as they are rendered, when the site will be written whole;
        None when the back buffer will be brought up to date (from pages kept in memory) instead."""
        return writing.NewSite(self.out) if self._back_state(reuse) is None else None

    def write(self, files: Mapping[str, bytes], static: Mapping[str, Path], reuse: Collection[str],
              site: writing.NewSite | None = None, digests: Mapping[str, str] | None = None) -> None:
        """Swap in the new site: through the back buffer when it is trustworthy, else written whole
        (into `site`, when pages were written into it already). `digests`: page_digest of some of `files`."""
        back_state = self._back_state(reuse) if site is None else None
        if back_state is not None and self.entry is not None and self.back is not None:
            live, old_back = self.entry.get("pages", {}), back_state.get("pages", {})
            same = {path for path in reuse if path in live and old_back.get(path) == live[path]}
            held = writing.BackRecord(old_back, self._listing.result() if self._listing is not None else None)
            if writing.update_back(self.back, self.out, files, static, reuse, same, digests, held):
                return
        keep_old = self.back if self.live_marker else None
        if site is not None:
            site.finish(files, static, reuse, keep_old)
        else:
            writing.write_site(self.out, files, static, reuse, keep_old=keep_old)

    def remember(self, digest: str, files: Mapping[str, bytes], reuse: Collection[str], deps: Dependencies | None,
                 warnings: list[Problem], base_url: str | None, guarded_for: str,
                 written: Mapping[str, str] | None = None) -> None:
        """Record the site just swapped in (with what its pages read, when `deps` is to be saved);
        the site that was live is now the back buffer, when it was kept. `written`: the digests
        (page_digest) of the pages written as they were rendered, which are not in `files`. What
        its site-wide files were made from besides the records is what live() was told (render/spliced.py).
        `written` may hold the digests of some of `files` too, made already (not made again)."""
        if self.cache is None:
            return
        live = {} if self.entry is None else self.entry.get("pages", {})
        # A digest of each file's bytes: the back buffer holds the same page when the digests agree,
        # and a site-wide file (feed, search index, portal.json) with the same digest need not be
        # read by the guard again (read_against).
        pages = {path: live[path] for path in reuse if path in live}
        made = written or {}
        pages.update(made)
        pages.update((path, page_digest(data)) for path, data in files.items() if path not in made)
        kept: BackBuffer | None = None
        if self.entry and self.back is not None and writing.marker_id(self.back) == self.live_marker:
            kept = {"marker": self.live_marker, "pages": live}
        self.cache.outputs[str(self.out)] = {
            "digest": digest, "marker": writing.marker_id(self.out), "pages": pages, "back": kept,
            "base_url": base_url, "guard": guarded_for, "wide": self._basis,
            "warnings": [[w.path, w.line, w.message, w.hint, w.severity.value] for w in warnings]}
        if deps is not None:
            self.cache.set_deps(str(self.out), deps.dump())
            self._forget_gone_sites()
        self.cache.dirty = True

    def _forget_gone_sites(self) -> None:
        """Forget the other output folders whose site was removed or replaced since its build (their
        marker is not the one recorded): their entries can never be used again, and what their pages
        read (17 MB at 10,000 items) was read by every build, a moved project's old site/ for good."""
        assert self.cache is not None
        for other in [path for path, entry in self.cache.outputs.items()
                      if path != str(self.out) and writing.marker_id(Path(path)) != entry.get("marker")]:
            del self.cache.outputs[other]
            self.cache.set_deps(other, None)


def page_digest(data: bytes) -> str:
    """What the cache remembers of a page's bytes: the back buffer holds the same page when they agree.
    SHA-256, not BLAKE2: with the CPU's SHA instructions it reads 1.5 GB/s to BLAKE2b's 1.0 (a one-edit
    build digests the 25 MB of site-wide files twice, a cold build the whole 290 MB site at 10,000 items)."""
    return hashlib.sha256(data).hexdigest()[:24]


def _problem(saved: list[Any]) -> Problem:
    """A warning as remembered in the cache: [path, line, message, hint, severity]."""
    return Problem(saved[0], saved[1], saved[2], saved[3], Severity(saved[4]))
