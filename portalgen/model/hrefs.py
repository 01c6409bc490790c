"""Link addresses in authors' text, made into valid URLs or refused.

nh3 checks a link's scheme, not its shape: `http://exa mple.com/a b` passes, and the Nu checker
rejects the page. A browser would percent-encode what a URL cannot hold and follow the link, so
the same is done here; an address no browser could follow (a host with a space or an unclosed
`[`) is refused, and the link is shown as its words alone.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# What a URL's path, query or fragment cannot hold as it stands (the Nu checker's reading of the
# URL standard): spaces, controls, a few ASCII marks, brackets; a `%` that starts no escape.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\"<>\[\\\]^`{|}]|%(?![0-9A-Fa-f]{2})")
# The scheme and host, left as they are: brackets belong there (an IPv6 address) and only there.
_AUTHORITY = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//[^/?#]*")
# Characters no host name holds (the URL standard's forbidden host code points, and `%`).
_BAD_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match[0].encode("utf-8"))


def clean_href(value: str | None) -> str | None:
    """The address as a valid URL, or None when it cannot be one (the link is then unwrapped)."""
    url = (value or "").strip(" \t\n\f\r")
    authority = _AUTHORITY.match(url)
    start = authority.end() if authority else 0
    head, mark, fragment = url[start:].partition("#")
    url = url[:start] + _UNSAFE.sub(_escape, head) + mark + _UNSAFE.sub(_escape, fragment.replace("#", "%23"))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme in ("http", "https") or url.startswith("//"):
        host = parts.hostname or ""
        bracketed = parts.netloc.rpartition("@")[2].startswith("[")  # an IPv6 address, checked by urlsplit
        if _UNSAFE.search(parts.netloc.replace("[", "").replace("]", "")) or (
                not bracketed and (_BAD_HOST.search(host) or "" in host.removesuffix(".").split("."))):
            return None
    return url or None
