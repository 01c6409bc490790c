"""`portalgen serve`: build into PROJECT/site, serve it on loopback, rebuild and reload on every save.

- The site is built with the same atomic writer as `portalgen build`. A request sees either the
  whole old site or the whole new one.
- Only files inside site/ are ever served, whatever the URL says; 404.html answers anything else.
- HTML responses get `<script src="/__portalgen/reload.js" defer>` injected on the way out (the
  files on disk never contain it). The script listens to Server-Sent Events on
  /__portalgen/events and reloads the page when the server has a newer build.
- When a rebuild fails, the server keeps the last good site and every HTML page carries an
  overlay listing the problems (`path:line: message`). Its stylesheet is served as a file, so
  the pages' Content-Security-Policy (`style-src 'self'`, `script-src 'self'`) still holds.
- The rebuild (`SessionRebuild`, in dev/rebuild.py) keeps the build in memory and re-renders only what an
  edit reaches, the pages open in a browser first (they reload as soon as they are ready).
"""

from __future__ import annotations

import errno
import signal
import threading
from collections.abc import Collection
from contextlib import suppress
from pathlib import Path
from typing import Any

import click

from portalgen.content.problems import Severity, UsageError, printable
from portalgen.dev.guard import Limits
from portalgen.dev.httpd import DevHTTPServer
from portalgen.dev.paths import base_path
from portalgen.dev.rebuild import Outcome, Rebuild, SessionRebuild, internal_error
from portalgen.dev.state import SiteState
from portalgen.dev.watcher import QUIET, Watcher
from portalgen.output import writing
from portalgen.pipeline.building import find_project
from portalgen.render.template_errors import display_path

# How long the rest of a rebuild waits for the browsers it told to reload to fetch their page.
FETCH_WAIT = 0.25


def _say(message: str, colour: str | None = None) -> None:
    # Paths and names in messages come from files: their control characters are shown, not obeyed.
    click.secho(printable(message), fg=colour, err=True)


def _changed_summary(paths: set[str], project: Path) -> str:
    names = sorted(display_path(p, project) for p in paths)
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


class DevServer:
    """The dev server: builds, serves site/, watches the sources and rebuilds on change.

    Use `start()` then `serve_forever()` (the CLI), or as a context manager, which serves from a
    background thread (tests, benchmarks):

        with DevServer(project, port=0) as server:
            urllib.request.urlopen(server.url)
    """

    def __init__(self, project: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
                 quiet: float = QUIET, rebuild: Rebuild | None = None, log: bool = True, limits: Limits | None = None):
        self.project = find_project(project)
        # A preview with drafts never goes into site/, so it cannot be deployed by mistake.
        self.output = self.project / (".portalgen-cache/preview" if drafts else "site")
        self.host = host
        self.port = port
        self.drafts = drafts
        self.log = log
        self.limits = limits
        self.rebuild: Rebuild = rebuild or SessionRebuild(self.project, self.output, drafts, self._waiting)
        self.state = SiteState()
        self.watcher = Watcher(self.project, self._on_change, quiet=quiet)
        self.httpd: DevHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._build_lock = threading.Lock()  # one build at a time: they share the temporary folder
        self.rebuilding = False

    @property
    def url(self) -> str:
        assert self.httpd is not None, "start() the server first"
        host = self.httpd.server_name
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.httpd.server_port}/"

    def start(self) -> DevServer:
        """Bind the port (first, to fail fast), build once, start watching."""
        try:
            writing.check_output(self.output, self.project)  # refuse to replace a folder we did not make
            self.httpd = self._listen()
        except BaseException:
            self.watcher.stop()  # watchdog's inotify reader runs from the watcher's construction on
            raise
        try:
            # Watch first: a save during a long first build is not lost, it rebuilds right after.
            self.watcher.start()
            with self._build_lock:
                outcome = self.rebuild(set())
                self._publish(outcome)
            self._report(outcome, initial=True)
        except BaseException:
            self.watcher.stop()
            self.httpd.server_close()
            raise
        return self

    def _listen(self) -> DevHTTPServer:
        try:
            return DevHTTPServer((self.host, self.port), self.output, self.state, self.limits)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {self.port} on {self.host} is already in use: stop the other "
                                 "server, or pass --port with another number (0 picks a free one)") from exc
            raise UsageError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from exc

    def serve_forever(self) -> None:
        assert self.httpd is not None
        self.httpd.serve_forever(poll_interval=0.25)

    def __enter__(self) -> DevServer:
        self.start()
        assert self.httpd is not None
        self._thread = threading.Thread(target=self.serve_forever, name="portalgen-http", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop watching (letting a running rebuild finish), end event streams, close the socket."""
        if self._stopped:
            return
        self._stopped = True
        if self.rebuilding and self.log:
            _say("Waiting for the rebuild in progress to finish…")
        self.watcher.stop()
        self.state.close()
        if self.httpd is not None:
            if self._thread is not None:
                self.httpd.shutdown()
                self._thread.join()
            self.state.wait_listeners_gone(2.0)
            self.httpd.server_close()

    def _waiting(self) -> None:
        if self.log:
            _say("waiting for another build of this project to finish…", "yellow")

    def _on_change(self, paths: set[str]) -> None:
        if self.log:
            _say(f"↻ {_changed_summary(paths, self.project)} changed; rebuilding…")
        with self._build_lock:
            self.rebuilding = True
            shown: set[str] = set()
            try:
                outcome = self._rebuild(paths, shown)
            except Exception as exc:  # a custom rebuild's bug: show it, keep serving
                outcome = Outcome(False, (internal_error(exc),))
            finally:
                self.rebuilding = False
                if self.httpd is not None:
                    self.httpd.fresh = {}  # site/ has them all now (or the old site still stands)
            self._publish(outcome, skip=shown if outcome.ok else ())
        self._report(outcome)

    def _rebuild(self, paths: set[str], shown: set[str]) -> Outcome:
        """Rebuild; an incremental rebuild hands over the open pages first, and they reload at once."""
        if not isinstance(self.rebuild, SessionRebuild) or self.httpd is None:
            return self.rebuild(paths)
        httpd, open_pages = self.httpd, self.state.open()

        def ready(pages: dict[str, bytes]) -> None:
            httpd.hand_over(pages)
            shown.update(open_pages)
            self.state.publish(Outcome(True), only=open_pages)
            httpd.wait_fetched(FETCH_WAIT)

        return self.rebuild(paths, first=open_pages, on_first=ready)

    def _publish(self, outcome: Outcome, skip: Collection[str] = ()) -> None:
        """Show a build's outcome (to every page but those in `skip`, already shown); after a successful
        one, also serve the site under its base_url's path. A failed build keeps the previous path,
        as it keeps the previous site.
        """
        if outcome.ok and self.httpd is not None:
            self.httpd.base_path = base_path(outcome.base_url)
        self.state.publish(outcome, skip=skip)

    def _report(self, outcome: Outcome, initial: bool = False) -> None:
        if not self.log:
            return
        if outcome.ok:
            for problem in outcome.problems:
                _say(problem.format(), "yellow")
            if outcome.pages == 0:  # the build found the site up to date
                _say(f"✓ site is up to date ({outcome.seconds:.2f} s)", "green")
            else:
                verb = "built" if initial else "rebuilt"
                _say(f"✓ {verb} {outcome.pages} pages in {outcome.seconds:.2f} s", "green")
            return
        for problem in outcome.problems:
            _say(problem.format(), "red" if problem.severity is Severity.ERROR else "yellow")
        count = len(outcome.errors) or len(outcome.problems)
        still = ("still serving the last good site" if (self.output / "index.html").is_file()
                 else "nothing to serve yet")
        _say(f"✗ {count} {'problem' if count == 1 else 'problems'}: {still}, with the problems shown "
             "on every page; fix and save to rebuild", "red")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(project: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False) -> None:
    """Run the dev server in the foreground until Ctrl-C (or SIGTERM); stop cleanly."""
    server = DevServer(project, host=host, port=port, drafts=drafts)
    main_thread = threading.current_thread() is threading.main_thread()
    previous: dict[int, Any] = {}
    if main_thread:
        # SIGINT too: a shell starting `portalgen serve &` from a script ignores it otherwise.
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        _say(f"Serving {server.output} at {server.url}  (drafts {'shown' if drafts else 'hidden'}; "
             "Ctrl-C to stop)", "cyan")
        _say("Watching content/ and templates/ for changes.")
        if host not in ("127.0.0.1", "::1", "localhost"):
            _say(f"warning: listening on {host}: other machines on the network can see this site"
                 + (", drafts included" if drafts else ""), "yellow")
        with suppress(KeyboardInterrupt):
            server.serve_forever()
        click.echo(err=True)  # below the ^C the terminal echoed
        _say("Stopping…")
        server.close()
        _say("Stopped.")
    finally:
        server.close()  # also after an error or a second Ctrl-C; does nothing the second time
        for signum, handler in previous.items():
            signal.signal(signum, handler)
