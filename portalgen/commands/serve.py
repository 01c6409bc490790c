"""`portalgen serve`: the live preview (the server itself is portalgen.dev)."""

from __future__ import annotations

from pathlib import Path

import click

from portalgen.commands.options import PROJECT
from portalgen.pipeline.building import find_project


@click.command()
@PROJECT
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep the loopback default unless others must see the preview. "
                   "Requests must name localhost, an IP address or this host (a defence against DNS rebinding).")
@click.option("--drafts", is_flag=True, help="Include draft records, marked as drafts.")
def serve(path: Path | None, port: int, host: str, drafts: bool) -> None:
    """Build into PATH/site, serve it, rebuild on every change and reload the open pages.

    Content errors do not stop the server: it keeps the last good site and shows the problems
    on every page until the file is fixed. Ctrl-C stops it.
    """
    # Imported here so that only serve pays for loading the HTTP server and the file watcher.
    from portalgen.dev.server import serve as run_server

    run_server(find_project(path), host=host, port=port, drafts=drafts)
