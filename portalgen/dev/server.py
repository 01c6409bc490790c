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
- The rebuild is one function (`FullRebuild`), so an incremental one can replace it.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import secrets
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click
import jinja2
import yaml

from portalgen.content.problems import ContentError, Problem, Severity, UsageError
from portalgen.dev.watcher import Watcher
from portalgen.output import writing
from portalgen.output.writing import WriteError
from portalgen.pipeline.building import build, find_project
from portalgen.pipeline.cache import BuildCache

PREFIX = "/__portalgen/"
ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_TYPES = {"reload.js": "text/javascript; charset=utf-8", "overlay.css": "text/css; charset=utf-8"}
KEEPALIVE_SECONDS = 15.0
OVERLAY_LIMIT = 50

Rebuild = Callable[[set[str]], "Outcome"]


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The result of one build attempt: ok, or the problems that stopped it."""

    ok: bool
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    pages: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def _display_path(path: str | None, project: Path) -> str:
    if not path:
        return "templates"
    with suppress(ValueError):
        return Path(path).resolve().relative_to(project.resolve()).as_posix()
    return path


def template_problem(exc: jinja2.TemplateError, project: Path) -> Problem:
    """A template error as a problem naming the template file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(_display_path(exc.filename, project), exc.lineno,
                       f"template syntax error: {exc.message}", "fix the template and save")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem("templates", None, f"template not found: {exc.name}",
                       "add the template or fix the name in {% extends %} / {% include %}")
    # Runtime errors (e.g. an undefined variable): jinja puts the template lines in the traceback.
    where, line = "templates", None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            where, line = _display_path(name, project), lineno
    return Problem(where, line, f"template error: {exc}", "fix the template and save")


class FullRebuild:
    """Rebuild everything, whatever changed. Swap for an incremental rebuild later."""

    def __init__(self, project: Path, output: Path, drafts: bool = False):
        self.project = project
        self.output = output
        self.drafts = drafts
        self.cache = BuildCache.open(project)  # in memory across rebuilds

    def __call__(self, changed: set[str]) -> Outcome:
        started = time.perf_counter()
        try:
            result = build(self.project, self.output, drafts=self.drafts, cache=self.cache)
        except ContentError as exc:
            return Outcome(False, tuple(exc.problems), time.perf_counter() - started)
        except (UsageError, WriteError) as exc:
            where = "site" if (self.project / "content").is_dir() else "content"
            return Outcome(False, (Problem(where, None, str(exc), "fix it and save any file"),),
                           time.perf_counter() - started)
        except jinja2.TemplateError as exc:
            return Outcome(False, (template_problem(exc, self.project),), time.perf_counter() - started)
        except Exception as exc:  # a bug must not stop the server the author is looking at
            return Outcome(False, (Problem("portalgen", None, f"internal error: {type(exc).__name__}: {exc}",
                                           "this is a bug in portalgen; please report it"),),
                           time.perf_counter() - started)
        return Outcome(True, tuple(result.warnings), result.seconds, result.pages)


# --- shared state ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    build: str  # changes with every build attempt; pages carry the one they were served with
    ok: bool
    problems: tuple[Problem, ...]

    def as_json(self) -> dict[str, Any]:
        return {"build": self.build, "ok": self.ok,
                "errors": sum(1 for p in self.problems if p.severity is Severity.ERROR)}


@dataclass
class SiteState:
    """What the server currently shows, and a condition to wake event-stream listeners."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    generation: int = 0
    outcome: Outcome = field(default_factory=lambda: Outcome(True))
    closing: bool = False
    listeners: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        shown = () if self.outcome.ok else self.outcome.problems
        return Snapshot(f"{self.token}-{self.generation}", self.outcome.ok, shown)

    def publish(self, outcome: Outcome) -> Snapshot:
        with self._cond:
            self.outcome = outcome
            self.generation += 1
            self._cond.notify_all()
            return self._snapshot()

    def wait(self, seen: int, timeout: float) -> tuple[int, Snapshot] | None:
        """Wait until the generation differs from `seen` (or timeout); None when closing."""
        with self._cond:
            self._cond.wait_for(lambda: self.closing or self.generation != seen, timeout)
            if self.closing:
                return None
            return self.generation, self._snapshot()

    def close(self) -> None:
        with self._cond:
            self.closing = True
            self._cond.notify_all()

    @contextmanager
    def listening(self) -> Iterator[int]:
        with self._cond:
            self.listeners += 1
            seen = self.generation
        try:
            yield seen
        finally:
            with self._cond:
                self.listeners -= 1
                self._cond.notify_all()

    def wait_listeners_gone(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.listeners == 0, timeout)


# --- paths ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    location: str


def resolve_request(site: Path, target: str) -> Path | Redirect | None:
    """Map a request target to a file inside `site`, a redirect to the folder URL, or None.

    None for anything that is missing, hidden, outside the site or not plainly a path:
    `..` in any form (decoded once; never normalised away), NUL bytes, backslashes, invalid
    UTF-8. Symlinks are resolved and must stay inside the site.
    """
    if target.startswith(("http://", "https://")):  # absolute-form request target
        target = urllib.parse.urlsplit(target).path or "/"
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    root = site.resolve()
    try:
        real = root.joinpath(*parts).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    if real != root and not real.is_relative_to(root):
        return None
    if real.is_dir():
        if not decoded.endswith("/"):
            # Rebuilt from the checked parts, so '//host' can never become an off-site redirect.
            return Redirect("/" + "".join(urllib.parse.quote(p) + "/" for p in parts))
        real = real / "index.html"
    return real if real.is_file() else None


def content_type(path: Path) -> str:
    kind = {".html": "text/html", ".xml": "application/xml", ".json": "application/json",
            ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
            ".txt": "text/plain", ".webmanifest": "application/manifest+json"}.get(path.suffix.lower())
    kind = kind or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind.endswith(("json", "xml"))
    return f"{kind}; charset=utf-8" if textual else kind


# --- injection ------------------------------------------------------------------------------


def overlay_html(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """The error overlay: markup only; its stylesheet is /__portalgen/overlay.css."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is not Severity.ERROR]
    count = len(errors) or len(problems)
    title = f"The site could not be rebuilt: {count} {'problem' if count == 1 else 'problems'}"
    items = []
    for problem in [*errors, *warnings][:OVERLAY_LIMIT]:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        css = "" if problem.severity is Severity.ERROR else ' class="portalgen-warning"'
        label = "" if problem.severity is Severity.ERROR else "warning: "
        fix = (f'<span class="portalgen-fix">fix: {html.escape(problem.hint)}</span>'
               if problem.hint else "")
        items.append(f"<li{css}><code>{html.escape(where)}</code>: {label}"
                     f"{html.escape(problem.message)}{fix}</li>")
    more = len(problems) - OVERLAY_LIMIT
    if more > 0:
        items.append(f"<li>… and {more} more: run <code>portalgen check</code> for the full list</li>")
    return (
        '<link rel="stylesheet" href="/__portalgen/overlay.css">'
        '<aside id="portalgen-overlay" class="portalgen-overlay" role="alert" '
        'aria-labelledby="portalgen-overlay-title"><div class="portalgen-overlay-box">'
        f'<h2 id="portalgen-overlay-title">{title}</h2>'
        "<p>You are looking at the last good version of the site. Fix the files below and save: "
        "this page reloads by itself.</p>"
        f"<ul>{''.join(items)}</ul>"
        '<button type="button" data-portalgen-dismiss>Hide</button></div></aside>'
    )


def inject(page: bytes, snap: Snapshot) -> bytes:
    """Add the reload script (and the overlay when the last build failed) before </body>."""
    snippet = ""
    if not snap.ok:
        snippet += overlay_html(snap.problems)
    snippet += f'<script src="/__portalgen/reload.js" data-build="{html.escape(snap.build)}" defer></script>'
    data = snippet.encode("utf-8")
    at = page.lower().rfind(b"</body>")
    if at == -1:
        return page + data
    return page[:at] + data + page[at:]


PLACEHOLDER = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title>No site yet</title></head>
<body><h1>The site has not been built yet</h1>
<p>portalgen could not build the site. Fix the problems listed and save: this page reloads by itself.</p>
</body></html>
"""

FALLBACK_404 = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><h1>Page not found</h1><p><a href="/">Home</a></p></body></html>
"""


# --- HTTP -----------------------------------------------------------------------------------


class DevHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files of the site, the dev endpoints under /__portalgen/, nothing else."""

    server: DevHTTPServer
    server_version = "portalgen-serve"
    sys_version = ""

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(PREFIX):
            self._dev_endpoint(path[len(PREFIX):])
            return
        snap = self.server.state.snapshot()  # before reading the file: never newer than it
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute-form request target
            parts = urllib.parse.urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        base = self.server.base_path
        if base != "/" and target.startswith(base):
            # Also serve the site under base_url's path, where 404.html's links point.
            target = "/" + target[len(base):]
        found = resolve_request(self.server.site, target)
        if isinstance(found, Redirect):
            query = target.split("?", 1)[1] if "?" in target else ""
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found.location + (f"?{query}" if query else ""))
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return
        if found is not None:
            try:
                self._file(HTTPStatus.OK, found, found.read_bytes(), snap)
                return
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                pass  # removed by a rebuild between resolving and reading: it is missing now
            except PermissionError:
                self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"403 Forbidden\n")
                return
        self._not_found(snap)

    def _not_found(self, snap: Snapshot) -> None:
        page = self.server.site / "404.html"
        try:
            body = page.read_bytes()
        except OSError:
            body = None
        if body is None and not self.server.site.is_dir():
            self._file(HTTPStatus.SERVICE_UNAVAILABLE, Path("placeholder.html"), PLACEHOLDER, snap)
            return
        self._file(HTTPStatus.NOT_FOUND, Path("404.html"), body or FALLBACK_404, snap)

    def _file(self, status: HTTPStatus, path: Path, body: bytes, snap: Snapshot) -> None:
        kind = content_type(path)
        if kind.startswith("text/html"):
            body = inject(body, snap)
        self._send(status, kind, body)

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dev_endpoint(self, name: str) -> None:
        state = self.server.state
        if name == "events":
            self._events()
        elif name in ASSET_TYPES:
            self._send(HTTPStatus.OK, ASSET_TYPES[name], (ASSETS / name).read_bytes())
        elif name == "problems":
            snap = state.snapshot()
            data = {**snap.as_json(), "problems": [
                {"path": p.path, "line": p.line, "message": p.message, "hint": p.hint,
                 "severity": p.severity.value, "text": p.format()} for p in snap.problems]}
            self._send(HTTPStatus.OK, "application/json; charset=utf-8",
                       json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
        else:
            self._not_found(state.snapshot())

    def _events(self) -> None:
        """Server-Sent Events: `hello` with the current build, then `reload` after every build."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        if self.command == "HEAD":
            return
        with state.listening() as seen:
            try:
                self._event("hello", state.snapshot(), retry=True)
                while True:
                    news = state.wait(seen, KEEPALIVE_SECONDS)
                    if news is None:
                        return  # the server is stopping
                    generation, snap = news
                    if generation == seen:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        continue
                    seen = generation
                    self._event("reload", snap)
            except OSError:
                return  # the browser went away

    def _event(self, name: str, snap: Snapshot, retry: bool = False) -> None:
        text = "retry: 1000\n" if retry else ""
        text += f"event: {name}\ndata: {json.dumps(snap.as_json())}\n\n"
        self.wfile.write(text.encode("utf-8"))
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Path, state: SiteState):
        self.site = site
        self.state = state
        self.base_path = "/"  # the path of portal.yaml's base_url, e.g. /portal/
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, DevHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name, which can hang offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        click.secho(f"internal error while answering a request: {type(exc).__name__}: {exc}",
                    fg="red", err=True)


# --- the server -----------------------------------------------------------------------------


def _say(message: str, colour: str | None = None) -> None:
    click.secho(message, fg=colour, err=True)


def _changed_summary(paths: set[str], project: Path) -> str:
    names = sorted(_display_path(p, project) for p in paths)
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
                 quiet: float = 0.1, rebuild: Rebuild | None = None, log: bool = True):
        self.project = find_project(project)
        # A preview with drafts never goes into site/, so it cannot be deployed by mistake.
        self.output = self.project / (".portalgen-cache/preview" if drafts else "site")
        self.host = host
        self.port = port
        self.drafts = drafts
        self.log = log
        self.rebuild: Rebuild = rebuild or FullRebuild(self.project, self.output, drafts)
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
        writing.check_output(self.output, self.project)  # refuse to replace a folder we did not make
        try:
            self.httpd = DevHTTPServer((self.host, self.port), self.output, self.state)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {self.port} on {self.host} is already in use: stop the other "
                                 "server, or pass --port with another number (0 picks a free one)") from exc
            raise UsageError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from exc
        try:
            # Watch first: a save during a long first build is not lost, it rebuilds right after.
            self.watcher.start()
            with self._build_lock:
                outcome = self.rebuild(set())
                self._update_base_path()
                self.state.publish(outcome)
            self._report(outcome, initial=True)
        except BaseException:
            self.watcher.stop()
            self.httpd.server_close()
            raise
        return self

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

    def _on_change(self, paths: set[str]) -> None:
        if self.log:
            _say(f"↻ {_changed_summary(paths, self.project)} changed; rebuilding…")
        with self._build_lock:
            self.rebuilding = True
            try:
                outcome = self.rebuild(paths)
            except Exception as exc:  # a custom rebuild's bug: show it, keep serving
                outcome = Outcome(False, (Problem("portalgen", None, f"internal error: {type(exc).__name__}: "
                                                  f"{exc}", "this is a bug in portalgen; please report it"),))
            finally:
                self.rebuilding = False
            self._update_base_path()
            self.state.publish(outcome)
        self._report(outcome)

    def _update_base_path(self) -> None:
        """The path part of base_url: 404.html links there, so the dev server answers there too."""
        base = "/"
        content = self.project / "content"
        settings = content / "portal.yaml"
        if not settings.exists():
            settings = content / "portal.yml"
        try:
            data = yaml.safe_load(settings.read_text("utf-8"))
            url = data.get("base_url") if isinstance(data, dict) else None
            if isinstance(url, str):
                path = urllib.parse.urlsplit(url.strip()).path or "/"
                base = path if path.endswith("/") else path + "/"
        except (OSError, ValueError, yaml.YAMLError):
            pass
        if self.httpd is not None:
            self.httpd.base_path = base

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
        _say("\nStopping…")
        server.close()
        _say("Stopped.")
    finally:
        server.close()  # also after an error or a second Ctrl-C; does nothing the second time
        for signum, handler in previous.items():
            signal.signal(signum, handler)
