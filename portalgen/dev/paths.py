"""Request paths to files: only files inside site/ are ever served, whatever the URL says."""

from __future__ import annotations

import mimetypes
import urllib.parse
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Redirect:
    location: str


def output_path(target: str) -> str:
    """The site-relative output file a request path names: '/feedback/x/' is 'feedback/x/index.html'."""
    path = urllib.parse.unquote(target.split("#", 1)[0].split("?", 1)[0], errors="replace").lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


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
    try:
        return _file_or_folder(real, decoded, parts)
    except OSError:  # a name too long for the file system, say: nothing is there
        return None


def _file_or_folder(real: Path, decoded: str, parts: list[str]) -> Path | Redirect | None:
    if real.is_dir():
        if not decoded.endswith("/"):
            # Rebuilt from the checked parts, so '//host' can never become an off-site redirect.
            return Redirect("/" + "".join(urllib.parse.quote(p) + "/" for p in parts))
        real = real / "index.html"
    return real if real.is_file() else None


def base_path(base_url: str | None) -> str:
    """The path part of base_url, e.g. /portal/ ("/" without one).

    404.html links there, so the dev server answers there too.
    """
    if not base_url:
        return "/"
    path = urllib.parse.urlsplit(base_url.strip()).path or "/"
    return path if path.endswith("/") else path + "/"


def content_type(path: Path) -> str:
    kind = {".html": "text/html", ".xml": "application/xml", ".json": "application/json",
            ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
            ".txt": "text/plain", ".webmanifest": "application/manifest+json"}.get(path.suffix.lower())
    kind = kind or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind.endswith(("json", "xml"))
    return f"{kind}; charset=utf-8" if textual else kind
