"""A project's build, kept: run once by `portalgen build`, and again after every edit under `serve`.

Each stage keeps what it made, keyed by what it was made from: the raw record of each file, the
check of each raw record, the names found in each text, the HTML of each Markdown text, the
excerpt of each body, what each page read. A run after an edit re-reads only the files that
changed, re-checks only their records, renders only their Markdown, and renders only the pages
whose inputs changed; the pages open in a browser come first. A fresh session makes exactly
what a cold build makes, because a cold build is a fresh session.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Collection
from datetime import date
from pathlib import Path

from portalgen.content import leaks, loading, validating
from portalgen.content.files import source_reader
from portalgen.content.kinds import KINDS
from portalgen.content.loading import LoadResult, Mapper, serial_map, text_key
from portalgen.content.problems import ContentError, Problems
from portalgen.content.records import Records
from portalgen.model import linking, markdown
from portalgen.model.items import FeedbackItem, Model
from portalgen.output import writing
from portalgen.pipeline import collector, compiled, current, guarding, parallel, patch, reload, rendering, since_last
from portalgen.pipeline.cache import BuildCache
from portalgen.pipeline.clock import Clock, Progress, build_date
from portalgen.pipeline.dependencies import Dependencies, page_fingerprint
from portalgen.pipeline.kept_records import KeptRecords
from portalgen.pipeline.output_state import OutputState
from portalgen.pipeline.planning import Plan, record_pages
from portalgen.pipeline.result import BuildResult
from portalgen.pipeline.site_rows import SiteRows
from portalgen.pipeline.site_wide import Job as SiteWide
from portalgen.pipeline.world import World
from portalgen.render import i18n, pages, plan, spliced, theme
from portalgen.render.plaintext import plain_text
from portalgen.render.spec import PageSpec
from portalgen.render.theme_folders import theme_dirs
from portalgen.render.tracking import TrackingEnvironment, identity

# Serve renders fewer pages here (the open ones are shown already): forked workers copy ~80 MB each at 10k.
KEPT_FORK = 1000


class Session:
    def __init__(self, root: Path, out: Path, drafts: bool = False, jobs: int = 1,
                 cache: BuildCache | None = None, persist: bool = True, today: Callable[[], date] = build_date):
        self.root, self.out, self.drafts, self.jobs = root, out, drafts, jobs
        self.cache = cache
        self.persist = persist  # save the cache after each run (the CLI); serve keeps it in memory
        self.today = today  # asked once per run: a session kept over midnight builds for the new day
        self.as_of = date.min  # the day of the current run
        self.loaded: LoadResult | None = None
        self._kept = KeptRecords(cache)  # the parsed records, for a later reload of everything
        self._checked = validating.Memo()
        self._names = leaks.Memo()
        self._guarded_for: str | None = None  # the names the site written last was read against
        self._html: dict[str, str] = {}  # sanitised in this process, by digest of the Markdown
        self._excerpts: dict[str, str] = {}
        self.deps: Dependencies | None = None  # what the pages of the current site read
        self._made = ""  # the marker of the site this session swapped in last (writing.marker_id)
        self.plan: Plan | None = None
        self._records: Records | None = None  # what self.plan was made from
        self._env: tuple[tuple[tuple[tuple[Path, tuple[str, ...]], ...], str], TrackingEnvironment] | None = None
        self._index: tuple[Model, dict[tuple[str, ...], object]] | None = None
        # The model self.deps came from, and the key prefixes an edit patched in since (None: unpatched).
        self._deps_for: Model | None = None
        self._touched: set[tuple[str, ...]] | None = None
        self._pages: tuple[Model, Callable[[str], PageSpec | None]] | None = None  # see _record_page

    @property
    def pmap(self) -> Mapper:
        return functools.partial(parallel.pmap, jobs=self.jobs) if self.jobs > 1 else serial_map

    # --- stages ------------------------------------------------------------------------------------

    def load(self, changed: Collection[str] | None, clock: Clock) -> LoadResult:
        if self.loaded is None or changed is None or not reload.can_patch(self.root, changed):
            store = self.cache if self.persist else self._kept
            # With no HTML kept anywhere (a cold build), the workers that parse the records render
            # their Markdown too: one set of workers, and no text sent to another set after the check.
            cold = not self._html and (self.cache is None or not self.cache.html)
            # The CLI takes unchanged files' records without reading them (their stat says so), checks those it parses
            # there (_recall_checks); a kept session reloads all only after a change that needs it (keeps no digests).
            texts, checks = (self.cache, validating.early_checks) if self.persist and self.cache else (None, None)
            self.loaded = loading.load(self.root, store, self.pmap, markdown.speculate if cold else None, texts, checks)
        else:
            self.loaded = reload.patch(self.loaded, self.root, changed, self._kept)
        if not self.persist:
            # The parsed records are kept: the files' texts (the CLI's digest) and the cache's records go.
            self.loaded.files.clear()
            if self.cache is not None:
                self.cache.records.clear()
        clock.lap("load")
        return self.loaded

    def check(self, loaded: LoadResult, strict: bool, clock: Clock) -> tuple[Records, Problems]:
        self._recall_checks(loaded)
        records, problems = validating.validate(loaded, self._checked, self.as_of)
        delta = self._checked.delta
        since = (delta.base, delta.keys) if delta is not None and delta.now is records else None
        problems.extend(leaks.lint(records, self._names, source_reader(self.root), since))
        self._remember_checks()
        problems.extend(i18n.problems(self.root, records.portal.language))
        clock.lap("validate")
        if problems.errors or (strict and problems.warnings):  # "writes nothing" includes the cache
            raise ContentError(problems.sorted())
        return records, problems

    def _recall_checks(self, loaded: LoadResult) -> None:
        """A fresh process (the CLI) takes what an earlier one checked from the disk cache (typed records, the texts
        the leak lint found naming nobody), and the checks the load's workers made (LoadResult.checked)."""
        if self.persist and self.cache is not None:
            self._checked.texts = loaded.files
            self._checked.stored = validating.joined(self.cache.checked_records(), loaded.checked)
            self._names.texts, self._names.clean = loaded.files, self.cache.clean_texts()

    def _remember_checks(self) -> None:
        if self.persist and self.cache is not None:
            self.cache.put_checked_records(self._checked.portal_digest(), self._checked.checked_now)
            self.cache.put_clean_texts(self._names.names_digest(), self._names.cleared)

    def link(self, records: Records, problems: Problems, clock: Clock, ready: dict[str, object] | None = None) -> Model:
        """`ready`: the HTML the load's workers rendered already (LoadResult.made)."""
        texts = markdown.markdown_fields(records)
        keys = {field: text_key(text) for field, text in texts.items()}  # each digest made once
        ready = ready if ready is not None else {}
        fresh = markdown.render_texts(texts, self._html, self.cache, self.pmap, problems, records, ready, keys)
        ready.clear()  # what was used is in self._html now
        self._html.update(fresh)
        clock.lap("markdown")
        if problems.errors:
            raise ContentError(problems.sorted())
        html = {field: self._html.get(keys[field], "") if text.strip() else "" for field, text in texts.items()}
        self._forget(set(keys.values()))
        model = linking.link(records, lambda kind, slug, name: html.get((kind, slug, name), ""),
                             drafts=self.drafts, as_of=self.as_of)
        clock.lap("link")
        return model

    def _forget(self, live: set[str]) -> None:
        if len(self._html) > 2 * len(live) + 64:  # edits leave old texts behind; drop them now and then
            self._html = {k: v for k, v in self._html.items() if k in live}
            self._excerpts.clear()

    def excerpt(self, fragment: str) -> str:
        found = self._excerpts.get(fragment)
        if found is None:
            found = self._excerpts[fragment] = plain_text(fragment, 200)
        return found

    def reword(self, records: Records, problems: Problems, clock: Clock) -> Plan | None:
        """The last plan with reworded records put in (pipeline/patch.py); None when the edit needs a link."""
        self._touched = None
        if self.plan is None or self._records is None:
            return None
        delta = self._checked.delta
        changed = patch.reworded(self._records, records, delta.between(self._records, records) if delta else None)
        if changed is None:
            return None
        texts = {(kind, r.slug, name): getattr(r, name) for kind, r in changed for name in KINDS[kind].markdown}
        self._html.update(markdown.render_texts(texts, self._html, self.cache, self.pmap, problems, records))
        clock.lap("markdown")
        if problems.errors:
            raise ContentError(problems.sorted())

        def html(kind: str, slug: str, name: str) -> str:
            text = texts[kind, slug, name]
            return self._html.get(text_key(text), "") if text.strip() else ""

        model = self.plan.model
        statuses = patch.outcome_changed(self._records, changed)
        fingerprinted, self._deps_for = self._deps_for, None  # the model changes now; a failed run leaves it so
        touched: list[patch.Item] = []
        index = self._index[1] if self._index is not None and self._index[0] is model else None
        moved: dict[int, tuple[FeedbackItem, str]] = {}
        items = patch.apply(model, changed, html, self.as_of, touched, index, moved)
        if items is None:
            return None
        if fingerprinted is model:
            self._touched = {(identity(item) or ())[:2] for item in touched} | ({("model",)} if statuses else set())
        if statuses:
            model.stats = patch.restat(model.stats, moved)
        if self._index is not None and self._index[0] is model:
            for item in items:  # the index of the model's objects points at the new records
                self._index[1][(*(identity(item) or ()), "record")] = item.record
        clock.lap("link")
        page_fp = functools.partial(self._page_fp, model)
        if statuses:  # lists, counts and the roadmap move: plan again, after the open pages
            return Plan(model, self._planner(model), page_fp, self._record_page(model))
        made = self.plan.replanned(patch.replan(items, self.excerpt), page_fp)
        clock.lap("plan pages")
        return made

    def _planner(self, model: Model, later: bool = False) -> Callable[[], list[plan.Planned]]:
        return lambda: list(plan.planned(model, self.excerpt, later))

    def _record_page(self, model: Model) -> Callable[[str], PageSpec | None]:
        """The plan of a record's own page, alone (planning.record_pages), kept with the model: an
        edit patched into it keeps its items, and their addresses."""
        if self._pages is None or self._pages[0] is not model:
            self._pages = (model, record_pages(model, self.excerpt))
        return self._pages[1]

    @staticmethod
    def _page_fp(model: Model, spec: PageSpec) -> str:
        return page_fingerprint(spec.template, spec.context, pages.page_values(model, spec))

    def environment(self, language: str = i18n.SOURCE) -> TrackingEnvironment:
        """The Jinja environment, kept while the theme folders hold the same files and the portal's
        words are the same: compiling the templates again for every edit would cost more than the
        edit. Jinja reloads a template whose file changed, but not one that a new override now hides:
        a file added or removed starts anew. A new language or a reworded string does too (the
        catalogs' digest is part of every template's fingerprint, so every page says it anew)."""
        dirs = tuple((d, tuple(sorted(str(p) for p in d.rglob("*")))) for d in theme_dirs(self.root)[:-1])
        key = (dirs, i18n.words_for(language, self.root).digest)
        if self._env is None or self._env[0] != key:
            self._env = (key, compiled.kept(theme.make_environment(self.root, language), self.cache))
        return self._env[1]

    def make_plan(self, model: Model, clock: Clock, known: dict[str, str] | None = None) -> Plan:
        """`known`: the fingerprints of pages whose plan is known to be as it was (planned when rendered)."""
        made = Plan(model, self._planner(model, later=known is not None), functools.partial(self._page_fp, model),
                    self._record_page(model), known)
        if self.persist:
            made.planned  # noqa: B018 (a CLI build plans at once, so its phase clock says what it costs)
            clock.lap("plan pages")
        return made

    def _link_plan(self, records: Records, problems: Problems, clock: Clock, ready: dict[str, object],
                   since: since_last.Since | None) -> Plan:
        """The model linked and planned; with what is known `since` the live site was made."""
        model = self.link(records, problems, clock, ready)
        self._touched = since.touched() if since is not None else None
        return self.make_plan(model, clock, since.known_pages(model) if since is not None else None)

    def _world(self, model: Model, previous: Dependencies | None) -> World:
        """What the keys pages read say now: after an edit patched into the model (or records only
        reworded since `previous`, since_last.py), from what it touched; else as self.deps or `previous` said."""
        # An edit that only reworded records keeps the model's objects: so is their index.
        if self._index is None or self._index[0] is not model:
            self._index = (model, World.index_of(model))
        return World(model, self._index[1], previous or self.deps, self._touched)

    # --- a run ---------------------------------------------------------------------------------------

    def run(self, changed: Collection[str] | None = None, strict: bool = False, progress: Progress | None = None,
            first: Collection[str] = (), on_first: Callable[[dict[str, bytes]], None] | None = None,
            known: tuple[str, Clock] | None = None) -> BuildResult:
        """Build (again) after `changed` paths changed (None: anything may have). Raises ContentError
        with every problem, before writing anything, when the content has errors.

        Pages in `first` (those open in a browser) are rendered before the others and handed to
        `on_first` as soon as they are, so a reload can be sent while the rest is finished.
        `known` is the input digest of a CLI build that found its site out of date, and its clock.
        """
        # The collector runs less often during the run; what the stages froze (collector.settle)
        # is its again at the end. The CLI's build() opened the scope already; serve's rebuilds open it here.
        with collector.fewer_collections():
            result, clock = self._run(changed, strict, progress, first, on_first, known)
            if clock is None:  # nothing to do
                return result
            # Saved once the run's references (site files, pages' reads) are gone: marshal copies the whole cache.
            if self.cache is not None and self.persist:
                self.deps = self._deps_for = self._index = self._pages = None  # kept for a next run that never comes
                self.cache.save()
            elif self.cache is not None:
                self.cache.let_go()  # what the site's pages read is self.deps now; the rest is kept too
            clock.lap("save cache")
            result.seconds = time.perf_counter() - clock.started
            return result

    def _run(self, changed: Collection[str] | None, strict: bool, progress: Progress | None,
             first: Collection[str], on_first: Callable[[dict[str, bytes]], None] | None,
             known: tuple[str, Clock] | None) -> tuple[BuildResult, Clock | None]:
        """The run up to the cache's saving; the clock when the cache is to be saved, None when the
        site was up to date."""
        digest, clock = known if known is not None else ("", Clock(progress))
        state = OutputState(self.out, self.cache, list_back=self.persist and self.jobs > 1)
        self.as_of = self.today()
        if self.persist and known is None:  # the dev server knows what changed; a CLI build looks at everything
            digest = current.digest(self.root, self.cache, self.drafts, self.as_of)
            clock.lap("digest")
            if (done := current.result(state, digest, strict, clock)) is not None:
                return done, None
        records, problems, made, basis, since = self._read_and_link(state, changed, strict, clock)
        model = made.model
        env = self.environment(model.portal.language)
        template_fp = functools.cache(functools.partial(theme.template_fingerprint, env))
        world = self._world(model, since.deps if since is not None else None)
        # A `portalgen build` beside `serve` may have replaced the site since this session made it:
        # what the session knows of that site's pages is then not about the pages there.
        kept = self.deps if state.live_marker == self._made else None
        deps = kept if kept is not None else state.dependencies
        early = self._render_first(env, made, deps, world, template_fp, first, on_first, records)
        reuse = deps.reusable(world, made.fps, template_fp)
        if kept is None and state.entry is None:
            reuse = set()  # no live site to copy unchanged pages from
        if not self.persist and kept is None:
            state.release(reuse)  # serve keeps what it uses of the cache read from disk
        clock.lap("dependencies")
        site = state.new_site(reuse)
        outlet = rendering.Outlet(site, deps.updater(world), made.fps)
        for path, page in early.items():  # read by the guard already
            outlet.take((path, page, []))
        self._touched = self._touched if kept is not None or since is not None else None  # else not the live's
        try:
            files, static, guarded_for, left = self._publish(state, records, env, made, outlet, reuse,
                                                             kept is not None, clock)
        except BaseException:
            if site is not None:
                site.discard()
            raise
        self._made = writing.marker_id(self.out)
        clock.lap("write")
        self.deps = outlet.deps.finish(reuse, template_fp)
        self.deps.basis, self._deps_for = basis if self.persist else None, model
        warnings = problems.sorted()
        state.remember(digest, files, reuse | left, self.deps if self.persist else None, warnings,
                       model.portal.base_url, guarded_for, outlet.written | outlet.digests)
        self.plan, self._records, self._guarded_for = made, records, guarded_for
        return BuildResult(self.out, outlet.count + len(reuse), outlet.site_wide + outlet.count
                           + len(static) + len(reuse) + len(left), time.perf_counter() - clock.started, warnings,
                           rendered=outlet.count, phases=clock.phases, base_url=model.portal.base_url), clock

    def _read_and_link(self, state: OutputState, changed: Collection[str] | None, strict: bool, clock: Clock
                       ) -> tuple[Records, Problems, Plan, object, since_last.Since | None]:
        with collector.paused(self.persist):  # a CLI build, first or after an edit
            loaded = self.load(changed, clock)
            collector.settle()
            asked = since_last.ask(state.dependencies if self.persist and self.plan is None else None,
                                   loaded, self._checked, self.as_of, self.drafts)
            records, problems = self.check(loaded, strict, clock)
            ready, basis = loaded.made, since_last.basis(loaded.files, self.as_of, self.drafts, self._checked.project)
            since = asked.since(records) if asked is not None else None
            if self.persist:  # the raw records would be kept through rendering, the peak of memory, for no next run
                self.loaded, self._checked = None, validating.Memo()
            collector.settle()
            made = self.reword(records, problems, clock) or self._link_plan(records, problems, clock, ready, since)
        return records, problems, made, basis, since

    def _publish(self, state: OutputState, records: Records, env: TrackingEnvironment, made: Plan,
                 outlet: rendering.Outlet, reuse: set[str], kept: bool, clock: Clock
                 ) -> tuple[dict[str, bytes], dict[str, Path], str, set[str]]:
        """Render the pages not reused into `outlet`, read what else is published with the output
        guard, and swap the new site in. Returns the files not written as pages were rendered, the theme's
        static files, the key of the names the guard protected and the feeds left as live (render/spliced.py)."""
        model, keeper = made.model, guarding.reader(records, self._names.finder(records))
        done = reuse | set(outlet.deps.rendered)  # and the open pages, rendered first
        rows = SiteRows(self.cache, guarding.key(records))
        guarded_for, before = rows.guard.key, self._guarded_for if kept else state.guarded_for
        live = state.live(self._touched, before == guarded_for, spliced.basis(model, env.words, self.drafts))
        # The site-wide files, read by the guard, in the rendering pass (pipeline/site_wide.py); what the live site
        # published, read against the same names (the kept pages' too), is not read again.
        wide = SiteWide(model, made.planned, env.words, rows, live, known := state.read_against(guarded_for), keeper,
                        outlet.site)
        # A CLI build and serve's first render a share here too: one worker fewer copying the model's pages (serve's
        # first-build peak). Later rebuilds leave pages to workers (this process answers the browser). serve makes the
        # site-wide files here after the pages (made while a worker renders: its next-day peak 403 -> 430 MB).
        here, fork = self.persist or self.plan is None, parallel.MIN_ITEMS if self.persist else KEPT_FORK
        rendering.render(env, model, made.pending(done), keeper, outlet, functools.partial(
            parallel.pmap_forked, jobs=self.jobs, min_items=fork, here=here), wide, wide_last=not self.persist)
        files, static = outlet.files, theme.static_files(self.root)
        clock.lap("render")
        # Read here: the theme's files, and kept pages read against other names (thousands: forked readers for them).
        again = before != guarded_for and bool(reuse)
        guarding.check(records, {}, static,
                       reuse if before != guarded_for else guarding.unread_names(reuse | live.kept, known),
                       self.out if before != guarded_for else None,
                       (functools.partial(parallel.pmap_forked, jobs=self.jobs, min_items=2), self.jobs)
                       if again else None, pages_read=(keeper, outlet.leaks), rows=rows.guard)
        rows.keep()
        clock.lap("guard")
        state.write(files, static, reuse | live.kept, outlet.site, outlet.digests)  # and the live site's feeds
        return files, static, guarded_for, live.kept

    def _render_first(self, env: TrackingEnvironment, made: Plan, deps: Dependencies, world: World,
                      template_fp: Callable[[str], str], first: Collection[str],
                      on_first: Callable[[dict[str, bytes]], None] | None,
                      records: Records) -> dict[str, pages.Rendered]:
        """The open pages that changed, rendered and handed over before anything else is looked at."""
        if on_first is None:
            return {}
        specs = {path: spec for path in first if (spec := made.spec(path)) is not None}
        fps = {path: self._page_fp(made.model, spec) for path, spec in specs.items()}
        stale = set(deps.stale(list(specs), world, fps, template_fp))
        try:
            early = pages.render_pages(env, made.model, [spec for path, spec in specs.items() if path in stale])
        except pages.TemplateFailure as exc:
            raise ContentError([exc.problem]) from exc
        shown = {path: page.data for path, page in early.items()}
        # A preview too shows only what may be published.
        guarding.check(records, shown, {}, (), None,
                       pages_read=(guarding.reader(records, self._names.finder(records)), ()))
        on_first(shown)
        return early
