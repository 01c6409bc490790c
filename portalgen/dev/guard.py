"""What the preview server refuses: other sites' host names, slow or endless requests, too many clients.

The preview shows drafts and the error list, so it must not answer a web page that reaches it
through DNS rebinding (a name of the attacker's that now resolves to 127.0.0.1): such a request
carries the attacker's name in its Host header. Each connection gets a thread, so a client that
sends its request slowly, or many clients at once, must not be able to take them all.
"""

from __future__ import annotations

import io
import ipaddress
import socket
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How long and how many. The defaults suit a browser on the same machine; tests make them small."""

    # The whole request line and headers must arrive within this time, however slowly they drip.
    request_seconds: float = 10.0
    # A write that makes no progress for this long ends the connection. The live-reload event
    # stream writes a keep-alive every 15 s and never reads, so this bounds only a client that
    # stopped reading; it must stay above nothing the stream itself waits for.
    write_seconds: float = 30.0
    # Handler threads at once, event streams included (one per open tab); more are answered 503.
    connections: int = 64
    # Request targets longer than this are answered 414: no URL of a site comes close.
    target_bytes: int = 8192


def host_name(header: str) -> str | None:
    """The name in a Host header without its port ('[::1]:8000' is '::1'), None when malformed."""
    value = header.strip()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
    else:
        name, colon, port = value.partition(":")
        bracket, rest = "]", f"{colon}{port}"
    if not bracket or not name or (rest and not (rest[0] == ":" and rest[1:].isdigit())):
        return None
    return name.lower().rstrip(".")


def host_allowed(header: str | None, bound: str) -> bool:
    """Whether a request with this Host header may be answered by a server listening on `bound`.

    Allowed: localhost and *.localhost (browsers resolve them to loopback themselves), the name
    the server was told to listen on, and any IP address: DNS rebinding needs a name, and a page
    whose origin is an address was served by whoever has that address. No Host at all (an
    HTTP/1.0 client) is allowed too: browsers always send one.
    """
    if header is None:
        return True
    name = host_name(header)
    if name is None:
        return False
    if name == "localhost" or name.endswith(".localhost") or name == bound.lower().strip("[]"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def refusal(status: str, message: str) -> bytes:
    """A whole plain-text HTTP/1.0 response, for answers sent before a handler runs."""
    body = message.encode("utf-8")
    head = (f"HTTP/1.0 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            "Retry-After: 1\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")
    return head.encode("ascii") + body


class DeadlineReader(io.RawIOBase):
    """Reads a socket, every read ending by one deadline: a request dripping in a byte at a time
    cannot hold a thread longer than the deadline (a plain socket timeout restarts with each byte)."""

    def __init__(self, sock: socket.socket, deadline: float, write_seconds: float):
        super().__init__()
        self._sock, self._deadline, self._write_seconds = sock, deadline, write_seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._sock.settimeout(left)
        try:
            return self._sock.recv_into(buffer)
        finally:
            self._sock.settimeout(self._write_seconds)  # the response is written under its own timeout
