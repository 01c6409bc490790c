"""The preview server refuses what could read it from another site or wear it down: other host
names (DNS rebinding), requests that never finish arriving, more connections than it has threads,
absurd URLs. And a rebuild takes its turn with a `portalgen build` of the same project.

No sleeps and no timed assertions: every wait is for an event (the server closing a connection, a
status line, a callback) with a generous deadline that only matters when something is broken.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from portalgen.dev.guard import Limits, host_allowed, host_name
from portalgen.dev.rebuild import Outcome, SessionRebuild
from portalgen.dev.server import DevServer
from portalgen.output.writing import MARKER
from portalgen.pipeline.lock import build_lock

DEADLINE = 30.0  # seconds; only reached when something is wrong
HOME = b"<html><body>the preview's home page</body></html>"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose site is already there: these tests are about the server, not the build."""
    root = tmp_path / "portal"
    (root / "content").mkdir(parents=True)
    site = root / "site"
    site.mkdir()
    (site / MARKER).write_bytes(b"")
    (site / "index.html").write_bytes(HOME)
    return root


def serving(project: Path, **limits: float) -> DevServer:
    return DevServer(project, port=0, log=False, rebuild=lambda changed: Outcome(True), limits=Limits(**limits))


@pytest.fixture
def server(project: Path) -> Iterator[DevServer]:
    with serving(project) as dev:
        yield dev


def address(dev: DevServer) -> tuple[str, int]:
    assert dev.httpd is not None
    return dev.httpd.server_name, dev.httpd.server_port


def raw(dev: DevServer, request: bytes) -> bytes:
    """Send bytes as they are; everything the server answers until it closes the connection."""
    with closing(socket.create_connection(address(dev), timeout=DEADLINE)) as sock:
        sock.sendall(request)
        return read_all(sock)


def read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def get(dev: DevServer, target: str = "/", host: str | None = "localhost") -> tuple[int, bytes]:
    head = f"GET {target} HTTP/1.0\r\n" + (f"Host: {host}\r\n" if host is not None else "") + "\r\n"
    answer = raw(dev, head.encode("latin-1"))
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2]


# --- Host header: DNS rebinding ------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example",
                                  "127.0.0.1.nip.io", "", "[::1", "localhost:http", "::1"])
def test_other_host_names_are_refused(server: DevServer, host: str) -> None:
    for target in ("/", "/index.html", "/__portalgen/problems", "/__portalgen/events"):
        status, body = get(server, target, host)
        assert status == 403, (host, target)
        assert body.startswith(b"403 Forbidden: the portalgen preview answers only to localhost")
        assert b"<" not in body and HOME not in body


@pytest.mark.parametrize("host", ["localhost", "localhost:{port}", "LOCALHOST.", "127.0.0.1:{port}",
                                  "[::1]:{port}", "[::1]", "portal.localhost:{port}", "192.168.1.20:{port}", None])
def test_loopback_names_addresses_and_no_host_are_served(server: DevServer, host: str | None) -> None:
    status, body = get(server, "/", host.format(port=address(server)[1]) if host else None)
    assert status == 200 and b"the preview's home page" in body


def test_an_absolute_form_target_names_the_host_too(server: DevServer) -> None:
    assert get(server, "http://evil.example/index.html", "localhost")[0] == 403
    assert get(server, f"http://localhost:{address(server)[1]}/index.html", "localhost")[0] == 200


def test_the_name_given_to_listen_on_is_accepted() -> None:
    assert host_allowed("preview.lan:8000", "preview.lan")
    assert not host_allowed("other.lan:8000", "preview.lan")
    assert host_name("[::1]:8000") == "::1" and host_name("Example.ORG.") == "example.org"
    assert host_name("a:b") is None and host_name("[::1]x") is None


# --- absurd URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "status"), [
    ("/a" * 10_000, 414),  # 10,000 path segments
    ("/" + "x" * 100_000, 414),  # a request line of 100 KB
    ("/" + "a" * 5_000, 404),  # one segment longer than a file name can be
    ("/a/" * 2_500, 404),  # a path longer than the file system takes
    ("/%2e%2e/" * 1_000, 404),
    ("/__portalgen/events?page=" + "/a" * 10_000, 414),
])
def test_deep_and_long_urls_get_404_or_414(server: DevServer, target: str, status: int,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert get(server, target)[0] == status
    assert get(server, "/")[0] == 200, "and the server goes on"
    assert "internal error" not in capsys.readouterr().err


def test_too_many_headers_get_431(server: DevServer) -> None:
    answer = raw(server, b"GET / HTTP/1.0\r\nHost: localhost\r\n" + b"X-A: b\r\n" * 200 + b"\r\n")
    assert answer.startswith(b"HTTP/1.0 431 ")


# --- slow clients and many clients ---------------------------------------------------------------


def test_an_idle_connection_is_closed(project: Path) -> None:
    with serving(project, request_seconds=0.3) as dev, \
            closing(socket.create_connection(address(dev), timeout=DEADLINE)) as sock:
        assert sock.recv(1) == b"", "the server closes a connection that sends nothing"


def test_a_request_dripping_in_is_closed_at_the_deadline(project: Path) -> None:
    """A header line whenever the server has been quiet for 50 ms: each read gets bytes in time,
    but the request never ends. The deadline is for the whole request, so it ends all the same."""
    with serving(project, request_seconds=0.5) as dev, \
            closing(socket.create_connection(address(dev), timeout=DEADLINE)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        sock.settimeout(0.05)
        for _ in range(int(DEADLINE / 0.05)):
            try:
                assert sock.recv(1) == b"", "the server answered a request that never ended"
                break  # closed by the server
            except TimeoutError:
                try:
                    sock.sendall(b"X-Slow: yes\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    break
        else:
            pytest.fail("a request dripping in held its connection past the deadline")


def test_the_live_reload_stream_outlives_the_request_deadline(project: Path) -> None:
    with serving(project, request_seconds=0.3) as dev, \
            closing(socket.create_connection(address(dev), timeout=DEADLINE)) as stream, \
            closing(socket.create_connection(address(dev), timeout=DEADLINE)) as idle:
        stream.sendall(b"GET /__portalgen/events HTTP/1.0\r\nHost: localhost\r\n\r\n")
        received = b""
        while b"event: hello" not in received:
            received += stream.recv(4096)
        assert idle.recv(1) == b"", "the request deadline has passed"  # the clock of this test
        dev.state.publish(Outcome(True))
        while b"event: reload" not in received:
            chunk = stream.recv(4096)
            assert chunk, "the event stream was closed"
            received += chunk


def test_connections_over_the_limit_get_503_until_one_ends(project: Path) -> None:
    with serving(project, connections=2, request_seconds=DEADLINE) as dev:
        holders = [socket.create_connection(address(dev), timeout=DEADLINE) for _ in range(2)]
        try:
            with closing(socket.create_connection(address(dev), timeout=DEADLINE)) as extra:
                answer = read_all(extra)
            assert answer.startswith(b"HTTP/1.0 503 Service Unavailable\r\n"), answer[:80]
            assert b"too many connections" in answer
        finally:
            holders.pop().close()
        try:
            # The slot is free once the handler thread has seen the close: ask until it has.
            status = get(dev)[0]
            for _ in range(10_000):
                if status != 503:
                    break
                status = get(dev)[0]
            assert status == 200
        finally:
            for sock in holders:
                sock.close()


# --- taking turns with `portalgen build` -------------------------------------------------------------


def test_a_rebuild_waits_for_a_build_of_the_project(tmp_path: Path, helpers) -> None:
    project = helpers.copy_example(tmp_path / "portal")
    waited = threading.Event()
    rebuild = SessionRebuild(project, project / "site", waiting=waited.set)
    outcome: list[Outcome] = []
    with build_lock(project):  # as `portalgen build` holds it while it builds
        thread = threading.Thread(target=lambda: outcome.append(rebuild(set())))
        thread.start()
        assert waited.wait(DEADLINE), "the rebuild did not wait for the lock"
        assert not outcome and not (project / "site").exists()
    thread.join(DEADLINE)
    assert outcome and outcome[0].ok, outcome
    assert (project / "site" / "index.html").is_file()
