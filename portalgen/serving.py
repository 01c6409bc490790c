"""`portalgen serve`: build, then serve site/ on loopback, never a file outside it."""

from __future__ import annotations

import functools
import http.server
import posixpath
import urllib.parse
from pathlib import Path

import click

from .building import build
from .problems import ContentError


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the site folder only; 404.html for anything missing."""

    def translate_path(self, path: str) -> str:
        site = Path(self.directory).resolve()
        path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        parts = [p for p in posixpath.normpath("/" + path).split("/") if p and p not in (".", "..")]
        target = site.joinpath(*parts).resolve() if parts else site
        if target != site and site not in target.parents:
            return str(site / "__outside__")
        return str(target)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature from the base class
        pass


def serve(project: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False) -> None:
    output = project / "site"
    try:
        result = build(project, output, drafts=drafts)
        click.secho(f"✓ built {result.pages} pages in {result.seconds:.2f} s", fg="green", err=True)
    except ContentError as exc:
        for problem in exc.problems:
            click.secho(problem.format(), fg="red", err=True)
        if not output.is_dir():
            raise
    handler = functools.partial(SiteHandler, directory=str(output))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        click.secho(f"Serving {output} at http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("\nStopped.", err=True)
