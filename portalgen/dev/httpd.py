"""HTTP: files of site/, the dev endpoints under /__portalgen/ (reload events, assets, problems)."""

from __future__ import annotations

import io
import json
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click

from portalgen.content.problems import printable
from portalgen.dev.guard import DeadlineReader, Limits, host_allowed, refusal
from portalgen.dev.overlay import FALLBACK_404, PLACEHOLDER, inject
from portalgen.dev.paths import Redirect, content_type, output_path, resolve_request
from portalgen.dev.state import SiteState, Snapshot

PREFIX = "/__portalgen/"
ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_TYPES = {"reload.js": "text/javascript; charset=utf-8", "overlay.css": "text/css; charset=utf-8"}
KEEPALIVE_SECONDS = 15.0


class DevHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files of the site, the dev endpoints under /__portalgen/, nothing else."""

    server: DevHTTPServer
    server_version = "portalgen-serve"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        limits = self.server.limits
        self.rfile.close()  # read through the deadline instead
        reader = DeadlineReader(self.connection, time.monotonic() + limits.request_seconds, limits.write_seconds)
        self.rfile = io.BufferedReader(reader)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._acceptable():
            return
        path = self.path.split("?", 1)[0]
        if path.startswith(PREFIX):
            self._dev_endpoint(path[len(PREFIX):])
            return
        target = self._site_target()
        page = output_path(target)
        snap = self.server.state.snapshot(page)  # before reading the file: never newer than it
        fresh = self.server.fresh.get(page)
        if fresh is not None:  # rendered ahead of the rest of a rebuild: site/ does not have it yet
            self._file(HTTPStatus.OK, Path(page), fresh, snap)
            self.server.fetched(page)
            return
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

    def _acceptable(self) -> bool:
        """Answer 403 to another site's name (DNS rebinding), 414 to an absurdly long target."""
        host = self.headers.get("Host")
        if self.path.startswith(("http://", "https://")):  # absolute-form: its authority is the host asked for
            host = urllib.parse.urlsplit(self.path).netloc
        if not host_allowed(host, self.server.bound_name):
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8",
                       b"403 Forbidden: the portalgen preview answers only to localhost, 127.0.0.1 and [::1] "
                       b"(or the name given to --host), so that pages of other sites cannot read it.\n")
            return False
        if len(self.path) > self.server.limits.target_bytes:
            self._send(HTTPStatus.REQUEST_URI_TOO_LONG, "text/plain; charset=utf-8", b"414 URI Too Long\n")
            return False
        return True

    def _site_target(self) -> str:
        """The request target as a path of the site: absolute-form and base_url's path removed."""
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute-form request target
            parts = urllib.parse.urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        base = self.server.base_path
        if base != "/" and target.startswith(base):
            # Also serve the site under base_url's path, where 404.html's links point.
            target = "/" + target[len(base):]
        return target

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
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        shown = query.get("page", [""])[0]
        base = self.server.base_path
        if base != "/" and shown.startswith(base):
            shown = "/" + shown[len(base):]
        page = output_path(shown) if shown else ""
        with state.listening(page) as seen:
            try:
                snap = state.snapshot(page)
                self._event("hello", snap, retry=True)
                told = snap.build
                while True:
                    news = state.wait_page(page, seen, KEEPALIVE_SECONDS)
                    if news is None:
                        return  # the server is stopping
                    generation, snap = news
                    if generation == seen:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        continue
                    seen = generation
                    if snap.build != told:  # not when this page was already told (rendered ahead)
                        told = snap.build
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

    def __init__(self, address: tuple[str, int], site: Path, state: SiteState, limits: Limits | None = None):
        self.site = site
        self.state = state
        self.limits = limits or Limits()
        self.bound_name = address[0]  # as given: a name stays a name, where server_name is its address
        self._slots = threading.BoundedSemaphore(self.limits.connections)
        self.base_path = "/"  # the path of portal.yaml's base_url, e.g. /portal/; set by each good build
        self.fresh: dict[str, bytes] = {}  # pages a rebuild rendered ahead of writing site/
        self._awaited: set[str] = set()  # of those, the ones no browser has fetched since
        self._all_fetched = threading.Event()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, DevHandler)

    def hand_over(self, pages: dict[str, bytes]) -> None:
        """Serve these pages from memory from now on, until the rebuild that made them is written."""
        self._all_fetched.clear()
        self.fresh, self._awaited = dict(pages), set(pages)
        if not pages:
            self._all_fetched.set()

    def fetched(self, page: str) -> None:
        self._awaited.discard(page)
        if not self._awaited:
            self._all_fetched.set()

    def wait_fetched(self, timeout: float) -> None:
        """Give the browsers that were told to reload a moment to fetch their page before the rest of
        the rebuild takes the interpreter (the server's threads share it with the rebuild)."""
        self._all_fetched.wait(timeout)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name, which can hang offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread per connection, up to the limit; beyond it a 503, from the accepting thread."""
        if not self._slots.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        # Cut short: the message may quote a request path of any length.
        click.secho(f"internal error while answering a request: {type(exc).__name__}: {printable(str(exc)[:300])}",
                    fg="red", err=True)


def _refuse(request: socket.socket) -> None:
    """503 to a connection over the limit, without waiting on it: a client that does not read loses it."""
    try:
        request.setblocking(False)
        with suppress(BlockingIOError):
            request.recv(65536)  # what it sent already, so that closing does not reset the connection
        request.send(refusal("503 Service Unavailable", "503: too many connections to the preview; retry\n"))
    except OSError:
        pass
