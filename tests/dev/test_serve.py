"""`portalgen serve`: the real dev server on a free loopback port, over real HTTP.

No sleeps and no timed assertions: every wait is for an event (a Server-Sent Event, a rebuild
callback, a process exit) with a generous deadline that only matters when something is broken.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from repo_paths import REPO

from portalgen.content.files import is_ignored as is_editor_temp
from portalgen.content.problems import Problem, Severity, UsageError
from portalgen.dev.overlay import inject, overlay_html
from portalgen.dev.paths import Redirect, resolve_request
from portalgen.dev.rebuild import Outcome, SessionRebuild
from portalgen.dev.server import DevServer
from portalgen.dev.state import Snapshot
from portalgen.dev.watcher import Debouncer, relevant_path
from portalgen.pipeline.building import build

DEADLINE = 30.0  # seconds; only reached when something is wrong
STARTUP = 180.0  # seconds for a server process to build and start; only reached when something is wrong

EDIT = "content/feedback/2025/q4/dark-mode.md"
EDIT_URL = "feedback/dark-mode/"
LONE = "content/feedback/2026/q4/goal-lines-on-charts.md"  # referenced by no other record
LONE_URL = "feedback/goal-lines-on-charts/"
DRAFT_URL = "feedback/path-analysis-sankey/"


# --- helpers --------------------------------------------------------------------------------


def make_project(tmp_path: Path) -> Path:
    """A portal project holding a copy of the example content (never the original)."""
    root = tmp_path / "portal"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    (tmp_path / "secret.txt").write_text("TOP-SECRET-OUTSIDE-THE-PROJECT\n")
    (root / "private-notes.txt").write_text("TOP-SECRET-IN-THE-PROJECT\n")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """One server for the tests that only read."""
    with DevServer(make_project(tmp_path_factory.mktemp("shared")), port=0, log=False) as dev:
        yield dev


class Recorder:
    """A rebuild that records what changed and signals each finished build."""

    def __init__(self, project: Path, drafts: bool = False):
        self.inner = SessionRebuild(project, project / "site", drafts)
        self.calls: queue.Queue[set[str]] = queue.Queue()

    def __call__(self, changed: set[str]) -> Outcome:
        outcome = self.inner(changed)
        self.calls.put(changed)
        return outcome

    def until(self, wanted: str) -> list[set[str]]:
        """Every batch of changes up to the first that names a path ending in `wanted`."""
        batches = []
        while True:
            batch = self.calls.get(timeout=DEADLINE)
            batches.append(batch)
            if any(p.endswith(wanted) for p in batch):
                return batches


@pytest.fixture
def server(project: Path) -> Iterator[DevServer]:
    with DevServer(project, port=0, log=False) as dev:
        yield dev


def fetch(url: str, path: str = "", method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send `path` exactly as given (no client-side normalisation of '..' or '%2e')."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=DEADLINE)
    try:
        conn.putrequest(method, path or "/", skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def page(url: str, path: str) -> str:
    status, _, body = fetch(url, "/" + path)
    assert status == 200, (path, status)
    return body.decode("utf-8")


class EventStream:
    """A Server-Sent Events client on a raw socket; events arrive on a queue."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=DEADLINE)
        self.sock.sendall(f"GET /__portalgen/events HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        self.status_line = self.file.readline().decode()
        self.headers: dict[str, str] = {}
        while (line := self.file.readline().decode().strip()):
            key, _, value = line.partition(":")
            self.headers[key.strip().lower()] = value.strip()
        self.events: queue.Queue[tuple[str, dict] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.file:
                line = raw.decode("utf-8").rstrip("\n")
                if not line:
                    if data:
                        self.events.put((name, json.loads(data)))
                    name, data = "message", ""
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
        except (OSError, ValueError):
            pass
        self.events.put(None)

    def next(self) -> tuple[str, dict] | None:
        return self.events.get(timeout=DEADLINE)

    def wait(self, name: str, **expected: object) -> dict:
        while True:
            event = self.next()
            assert event is not None, f"event stream ended while waiting for {name}"
            if event[0] == name and all(event[1].get(k) == v for k, v in expected.items()):
                return event[1]

    def close(self) -> None:
        with suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(DEADLINE)

    def __enter__(self) -> EventStream:
        self.wait("hello")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def replace_text(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# --- paths: nothing outside site/ -----------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    site = root / "site"
    (site / "feedback" / "x").mkdir(parents=True)
    (site / "static").mkdir()
    (site / "index.html").write_text("<html><body>home</body></html>")
    (site / "feedback" / "x" / "index.html").write_text("<p>x</p>")
    (site / "static" / "style.css").write_text("body{}")
    (site / ".portalgen-site").write_text("marker")
    (root / "content").mkdir()
    (root / "content" / "portal.yaml").write_text("title: secret\n")
    (site / "static" / "escape").symlink_to(root / "content")
    (site / "static" / "leak.yaml").symlink_to(root / "content" / "portal.yaml")
    return site


@pytest.mark.parametrize("target", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd", "//etc/passwd",
    "/static/..%2f..%2fcontent/portal.yaml", "/static/%2e%2e%2f%2e%2e%2fcontent%2fportal.yaml",
    "/static/..\\..\\content\\portal.yaml", "/static/..%5c..%5ccontent%5cportal.yaml",
    "/%252e%252e/content/portal.yaml", "/..", "/.", "/static/../../content/portal.yaml",
    "/.portalgen-site", "/static/escape/portal.yaml", "/static/leak.yaml", "/index.html%00.css",
    "/%ff%fe", "/etc/passwd", "http://evil.example/../content/portal.yaml", "*", "",
    "/static/style.css/..", "/feedback/x/index.html/../../../content/portal.yaml",
])
def test_resolve_never_leaves_the_site(site: Path, target: str) -> None:
    found = resolve_request(site, target)
    if isinstance(found, Path):
        assert found.resolve().is_relative_to(site.resolve())
        assert not found.name.startswith(".")
    elif isinstance(found, Redirect):
        assert found.location.startswith("/") and not found.location.startswith("//")
    else:
        assert found is None


def test_resolve_maps_urls_to_files(site: Path) -> None:
    assert resolve_request(site, "/") == site.resolve() / "index.html"
    assert resolve_request(site, "/index.html?x=1#top") == site.resolve() / "index.html"
    assert resolve_request(site, "/feedback/x/") == site.resolve() / "feedback/x/index.html"
    assert resolve_request(site, "/feedback/x") == Redirect("/feedback/x/")
    assert resolve_request(site, "//feedback") == Redirect("/feedback/")  # never '//host'
    assert resolve_request(site, "/static/style.css") == site.resolve() / "static/style.css"
    assert resolve_request(site, "/feedback/") is None  # a folder without index.html: no listing
    assert resolve_request(site, "/missing") is None


# --- injection and overlay ------------------------------------------------------------------


def test_inject_adds_the_script_before_body_end() -> None:
    snap = Snapshot("abc-1", True, ())
    out = inject(b"<html><body><p>hi</p></BODY></html>", snap).decode()
    assert out == ('<html><body><p>hi</p><script src="/__portalgen/reload.js" data-build="abc-1" defer>'
                   "</script></BODY></html>")
    assert inject(b"no body", snap).endswith(b"</script>")


def test_overlay_lists_problems_escaped_and_without_inline_styles() -> None:
    problems = (Problem("content/feedback/a.md", 3, "'title': <script>alert(1)</script>", "fix & save"),
                Problem("content/feedback/b.md", None, "odd key", "", Severity.WARNING))
    markup = overlay_html(problems)
    assert "content/feedback/a.md:3</code>: &#x27;title&#x27;: &lt;script&gt;" in markup
    assert "<script>" not in markup and "style=" not in markup and "<style" not in markup
    assert 'href="/__portalgen/overlay.css"' in markup
    assert "1 problem" in markup and "warning: odd key" in markup
    many = overlay_html(tuple(Problem(f"f{i}.md", 1, "bad") for i in range(80)))
    assert "and 30 more" in many


# --- watching -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [".dark-mode.md.swp", "dark-mode.md.swx", "dark-mode.md~", "4913", "5036",
                                  "#dark-mode.md#", ".#dark-mode.md", "dark-mode.md___jb_tmp___",
                                  "dark-mode.md___jb_old___", "x.md.crswap", "x.tmp", ".DS_Store"])
def test_editor_temp_files_are_ignored(tmp_path: Path, name: str) -> None:
    assert is_editor_temp(name)
    assert not relevant_path(tmp_path / "content" / "feedback" / name, tmp_path)


def test_relevant_paths(tmp_path: Path) -> None:
    assert relevant_path(tmp_path / "content/feedback/a.md", tmp_path)
    assert relevant_path(tmp_path / "content/customers/a.yaml", tmp_path)
    assert relevant_path(tmp_path / "content/portal.yaml", tmp_path)
    assert relevant_path(tmp_path / "content/feedback/2027", tmp_path, is_directory=True)
    assert relevant_path(tmp_path / "content", tmp_path, is_directory=True)
    assert relevant_path(tmp_path / "templates/static/style.css", tmp_path)
    assert not relevant_path(tmp_path / "content/feedback/sedAb12x", tmp_path)
    assert not relevant_path(tmp_path / "site/index.html", tmp_path)
    assert not relevant_path(tmp_path / ".site.tmp-123/index.html", tmp_path)
    assert not relevant_path(tmp_path.parent / "elsewhere.md", tmp_path)
    assert relevant_path(tmp_path / "content/feedback/2026/q1/a.md", tmp_path)
    assert not relevant_path(tmp_path / "content/feedback/2026/4913", tmp_path)
    assert not relevant_path(tmp_path / "content/feedback/.git/x.md", tmp_path)


def test_debouncer_turns_a_burst_into_one_call() -> None:
    calls: queue.Queue[set[str]] = queue.Queue()
    debouncer = Debouncer(calls.put, quiet=0.3, max_wait=30).start()
    try:
        for i in range(50):
            debouncer.add([f"f{i % 10}.md"])
        assert calls.get(timeout=DEADLINE) == {f"f{i}.md" for i in range(10)}
        assert calls.empty()
    finally:
        debouncer.stop()
    assert not debouncer.alive


def test_debouncer_keeps_changes_made_during_a_call() -> None:
    calls: list[set[str]] = []
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow(paths: set[str]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            started.set()
            release.wait(DEADLINE)
        else:
            done.set()

    debouncer = Debouncer(slow, quiet=0.05).start()
    try:
        debouncer.add(["a.md"])
        assert started.wait(DEADLINE)
        debouncer.add(["b.md"])  # while the first rebuild runs
        release.set()
        assert done.wait(DEADLINE)
        assert calls == [{"a.md"}, {"b.md"}]
    finally:
        debouncer.stop()


# --- the server -----------------------------------------------------------------------------


def test_serves_pages_with_the_reload_script(shared: DevServer) -> None:
    status, headers, body = fetch(shared.url, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    html = body.decode()
    assert html.count('<script src="/__portalgen/reload.js"') == 1
    assert html.index("/__portalgen/reload.js") < html.rindex("</body>")
    assert "portalgen-overlay" not in html
    assert "A dark theme for long monitoring sessions" in page(shared.url, EDIT_URL)
    # The files on disk are exactly what `portalgen build` writes: nothing injected.
    on_disk = (shared.project / "site" / "index.html").read_bytes()
    assert b"__portalgen" not in on_disk
    assert int(headers["content-length"]) == len(body)


def test_static_files_and_dev_assets(shared: DevServer) -> None:
    status, headers, body = fetch(shared.url, "/static/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and b"__portalgen" not in body
    status, headers, body = fetch(shared.url, "/__portalgen/reload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in body and b"/__portalgen/events" in body
    status, headers, _ = fetch(shared.url, "/__portalgen/overlay.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    status, _, body = fetch(shared.url, "/__portalgen/problems")
    assert status == 200 and json.loads(body)["ok"] is True
    assert fetch(shared.url, "/__portalgen/nope")[0] == 404
    status, headers, body = fetch(shared.url, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    assert fetch(shared.url, "/api/portal.json")[1]["content-type"] == "application/json; charset=utf-8"


def test_missing_pages_get_404_html(shared: DevServer) -> None:
    status, headers, body = fetch(shared.url, "/feedback/no-such-thing/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body and b"/__portalgen/reload.js" in body


def test_folder_urls_redirect_to_the_slash_form(shared: DevServer) -> None:
    status, headers, _ = fetch(shared.url, "/feedback/dark-mode?ref=x")
    assert status == 301 and headers["location"] == "/feedback/dark-mode/?ref=x"


@pytest.mark.parametrize("target", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd",
    "/static/..%2f..%2fcontent/portal.yaml", "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
    "/%2e%2e/private-notes.txt", "/../private-notes.txt", "/..%5cprivate-notes.txt",
    "/.portalgen-site", "/%2e%2e%2f%2e%2e%2fsecret.txt", "/%252e%252e/content/portal.yaml",
])
def test_traversal_never_serves_files_outside_the_site(shared: DevServer, target: str) -> None:
    status, _, body = fetch(shared.url, target)
    assert status in (400, 404)
    for secret in (b"TOP-SECRET", b"root:", b"credit_default", b"This folder is generated"):
        assert secret not in body


def test_absolute_form_request_target(shared: DevServer) -> None:
    host = urlsplit(shared.url).netloc
    status, _, body = fetch(shared.url, f"http://{host}/../private-notes.txt")
    assert status == 404 and b"TOP-SECRET" not in body
    assert fetch(shared.url, f"http://{host}/feedback/dark-mode/")[0] == 200


def test_build_output_never_contains_the_reload_script(project: Path) -> None:
    build(project, drafts=True)
    for path in (project / "site").rglob("*"):
        if path.is_file():
            assert b"__portalgen" not in path.read_bytes(), path


def test_events_endpoint(shared: DevServer) -> None:
    stream = EventStream(shared.url)
    try:
        assert " 200 " in stream.status_line
        assert stream.headers["content-type"].startswith("text/event-stream")
        name, data = stream.next()
        assert name == "hello" and data["ok"] is True
        assert f'data-build="{data["build"]}"' in page(shared.url, "")
    finally:
        stream.close()


def test_edit_sends_reload_and_serves_the_new_text(server: DevServer, project: Path) -> None:
    with EventStream(server.url) as events:
        replace_text(project / EDIT, "finds\nthe white background tiring", "finds the NEW-TEXT-ONE tiring")
        data = events.wait("reload", ok=True)
        html = page(server.url, EDIT_URL)
        assert "NEW-TEXT-ONE" in html
        assert f'data-build="{data["build"]}"' in html
        # and again: the server keeps watching
        replace_text(project / EDIT, "NEW-TEXT-ONE", "NEW-TEXT-TWO")
        events.wait("reload", ok=True)
        assert "NEW-TEXT-TWO" in page(server.url, EDIT_URL)


def test_broken_file_shows_overlay_then_fix_restores(server: DevServer, project: Path) -> None:
    original = (project / EDIT).read_text("utf-8")
    with EventStream(server.url) as events:
        replace_text(project / EDIT, "date: 2025-12-15", "date: 2025-12-45")
        data = events.wait("reload", ok=False)
        assert data["errors"] >= 1
        for path in ("", EDIT_URL, "changes/"):
            status, _, body = fetch(server.url, "/" + path)
            html = body.decode()
            assert status == 200, "the last good site is still served"
            assert 'id="portalgen-overlay"' in html
            assert f"<code>{EDIT}:3</code>" in html
            assert "is not a real date" in html
        assert "A dark theme for long monitoring sessions" in page(server.url, EDIT_URL)
        status, _, body = fetch(server.url, "/feedback/nothing-here/")
        assert status == 404 and b"portalgen-overlay" in body
        problems = json.loads(fetch(server.url, "/__portalgen/problems")[2])
        assert problems["ok"] is False
        assert any(p["path"] == EDIT and p["line"] == 3 for p in problems["problems"])
        assert any(p["text"].startswith(f"{EDIT}:3: error:") for p in problems["problems"])

        (project / EDIT).write_text(original.replace("tiring", "FIXED-AND-BACK"), "utf-8")
        events.wait("reload", ok=True)
        html = page(server.url, EDIT_URL)
        assert "FIXED-AND-BACK" in html and "portalgen-overlay" not in html
        assert json.loads(fetch(server.url, "/__portalgen/problems")[2])["problems"] == []


def test_atomic_replace_save(server: DevServer, project: Path) -> None:
    """VS Code / JetBrains / vim (backupcopy=no): write a temporary file, rename it over the original."""
    target = project / EDIT
    with EventStream(server.url) as events:
        text = target.read_text("utf-8").replace("tiring", "ATOMIC-SAVE")
        temp = target.with_name(target.name + ".tmp.12345")
        temp.write_text(text, "utf-8")
        os.replace(temp, target)
        events.wait("reload", ok=True)
        assert "ATOMIC-SAVE" in page(server.url, EDIT_URL)


def test_vim_style_save_with_backup_rename(project: Path) -> None:
    """vim's default on Linux: rename the original to x~, write a new x, delete x~; plus 4913 and .swp."""
    recorder = Recorder(project)
    target = project / EDIT
    with DevServer(project, port=0, log=False, rebuild=recorder) as dev:
        recorder.calls.get(timeout=DEADLINE)  # the initial build
        with EventStream(dev.url) as events:
            swap = target.with_name("." + target.name + ".swp")
            swap.write_bytes(b"vim swap")
            probe = target.with_name("4913")
            probe.write_bytes(b"")
            probe.unlink()
            backup = target.with_name(target.name + "~")
            text = target.read_text("utf-8").replace("tiring", "VIM-SAVE")
            os.rename(target, backup)
            target.write_text(text, "utf-8")
            backup.unlink()
            swap.unlink()
            batches = recorder.until(target.name)
            events.wait("reload", ok=True)
            assert "VIM-SAVE" in page(dev.url, EDIT_URL)
    for batch in batches:
        for path in batch:
            assert not is_editor_temp(Path(path).name), batch


def test_delete_add_and_rename_records(server: DevServer, project: Path) -> None:
    lone = project / LONE
    text = lone.read_text("utf-8")
    with EventStream(server.url) as events:
        assert fetch(server.url, "/" + LONE_URL)[0] == 200
        lone.unlink()
        events.wait("reload", ok=True)
        assert fetch(server.url, "/" + LONE_URL)[0] == 404

        added = project / "content/feedback/2026/q4/goal-lines-again.md"
        added.write_text(text.replace("title: ", "title: ADDED ", 1), "utf-8")
        events.wait("reload", ok=True)
        assert "ADDED" in page(server.url, "feedback/goal-lines-again/")

        os.rename(added, added.with_name("renamed-goal-lines.md"))
        events.wait("reload", ok=True)
        assert fetch(server.url, "/feedback/goal-lines-again/")[0] == 404
        assert "ADDED" in page(server.url, "feedback/renamed-goal-lines/")


def test_folder_moved_in_and_deleted(server: DevServer, project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "2027"
    outside.mkdir()
    text = (project / LONE).read_text("utf-8").replace("title: ", "title: FROM-A-FOLDER ", 1)
    (outside / "folder-item.md").write_text(text, "utf-8")
    with EventStream(server.url) as events:
        os.rename(outside, project / "content/feedback/2027")
        events.wait("reload", ok=True)
        assert "FROM-A-FOLDER" in page(server.url, "feedback/folder-item/")
        shutil.rmtree(project / "content/feedback/2027")
        events.wait("reload", ok=True)
        assert fetch(server.url, "/feedback/folder-item/")[0] == 404


def test_content_folder_replaced_is_watched_again(server: DevServer, project: Path) -> None:
    """A branch switch or a restore can replace content/ itself; the new folder is watched."""
    content = project / "content"
    with EventStream(server.url) as events:
        os.rename(content, project / "content-old")
        events.wait("reload", ok=False)  # no content/ at all: the overlay says so
        assert "<code>content</code>: no content/ folder" in page(server.url, "")
        shutil.copytree(project / "content-old", content)
        events.wait("reload", ok=True)
        replace_text(project / EDIT, "tiring", "IN-THE-NEW-FOLDER")
        while "IN-THE-NEW-FOLDER" not in page(server.url, EDIT_URL):
            events.wait("reload", ok=True)


def test_template_override_errors_show_in_overlay(server: DevServer, project: Path) -> None:
    templates = project / "templates"
    with EventStream(server.url) as events:
        templates.mkdir()
        (templates / "404.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n'
                                            "{% endblock %}\n", "utf-8")
        data = events.wait("reload", ok=False)
        html = page(server.url, "")
        assert "<code>templates/404.html:3</code>: template syntax error" in html
        shutil.rmtree(templates)
        events.wait("reload", ok=True)
        assert "portalgen-overlay" not in page(server.url, "")
    assert data["errors"] == 1


def test_site_is_also_served_under_the_base_url_path(tmp_path: Path) -> None:
    from portalgen.commands.init import init_project

    root = tmp_path / "fresh"
    init_project(root, base_url="https://acme.github.io/cab-portal/")
    with DevServer(root, port=0, log=False) as dev:
        assert "Export reports to CSV" in page(dev.url, "cab-portal/feedback/export-reports-to-csv/")
        assert "Export reports to CSV" in page(dev.url, "feedback/export-reports-to-csv/")
        status, _, body = fetch(dev.url, "/cab-portal/no-such-page/")
        assert status == 404
        assert b'href="/cab-portal/feedback/"' in body  # 404.html links by base_url path...
        assert fetch(dev.url, "/cab-portal/feedback/")[0] == 200  # ...and those links work
        assert fetch(dev.url, "/cab-portal/../content/portal.yaml")[0] == 404


def test_base_url_path_follows_good_builds_only(project: Path) -> None:
    settings = project / "content" / "portal.yaml"
    with DevServer(project, port=0, log=False) as dev, EventStream(dev.url) as events:
        replace_text(settings, "https://feedback.lumen-analytics.example/", "https://acme.example/moved")
        events.wait("reload", ok=True)
        assert fetch(dev.url, "/moved/" + EDIT_URL)[0] == 200
        # A failed build keeps the last good path, as it keeps the last good site.
        replace_text(project / EDIT, "date: 2025-12-15", "date: someday")
        events.wait("reload", ok=False)
        replace_text(settings, "https://acme.example/moved", "https://acme.example/broken/")
        events.wait("reload", ok=False)
        assert fetch(dev.url, "/moved/" + EDIT_URL)[0] == 200
        assert fetch(dev.url, "/broken/" + EDIT_URL)[0] == 404


def test_drafts_are_shown_and_marked_only_with_drafts(project: Path) -> None:
    with DevServer(project, port=0, log=False) as dev:
        assert fetch(dev.url, "/" + DRAFT_URL)[0] == 404
    with DevServer(project, port=0, drafts=True, log=False) as dev:
        html = page(dev.url, DRAFT_URL)
        assert "Draft — not published" in html
        assert "this build includes drafts" in html
    # The preview never lands in site/, so deploying site/ cannot publish a draft.
    assert not (project / "site" / DRAFT_URL.strip("/")).exists()
    assert (project / ".portalgen-cache" / "preview" / DRAFT_URL.strip("/")).is_dir()


def test_first_build_failing_without_a_site_then_fixed(project: Path) -> None:
    replace_text(project / EDIT, "date: 2025-12-15", "date: someday")
    with DevServer(project, port=0, log=False) as dev, EventStream(dev.url) as events:
        status, _, body = fetch(dev.url, "/")
        assert status == 503
        assert f"<code>{EDIT}:3</code>".encode() in body and b"/__portalgen/reload.js" in body
        replace_text(project / EDIT, "date: someday", "date: 2025-12-15")
        events.wait("reload", ok=True)
        assert "portalgen-overlay" not in page(dev.url, EDIT_URL)


def test_a_crashing_rebuild_is_shown_and_the_server_keeps_going(project: Path) -> None:
    real = SessionRebuild(project, project / "site")
    calls = []

    def flaky(changed: set[str]) -> Outcome:
        calls.append(changed)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return real(changed)

    with DevServer(project, port=0, log=False, rebuild=flaky) as dev, EventStream(dev.url) as events:
        replace_text(project / EDIT, "tiring", "FIRST-TRY")
        events.wait("reload", ok=False)
        assert "internal error: RuntimeError: boom" in page(dev.url, EDIT_URL)
        replace_text(project / EDIT, "FIRST-TRY", "SECOND-TRY")
        events.wait("reload", ok=True)
        assert "SECOND-TRY" in page(dev.url, EDIT_URL)


def test_port_in_use_is_a_clear_usage_error(project: Path) -> None:
    before = set(threading.enumerate())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match=f"port {port} .* already in use"):
            DevServer(project, port=port, log=False).start()
    assert not (project / "site").exists(), "nothing is built when the port is taken"
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == [], \
        "a server that could not start leaves no thread (nor its inotify instance) behind"


def test_refuses_a_site_folder_it_did_not_make(project: Path) -> None:
    (project / "site").mkdir()
    (project / "site" / "precious.txt").write_text("mine")
    before = set(threading.enumerate())
    with pytest.raises(UsageError, match="not made by portalgen"):
        DevServer(project, port=0, log=False).start()
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []
    assert (project / "site" / "precious.txt").read_text() == "mine"


def test_close_stops_every_thread(project: Path) -> None:
    before = set(threading.enumerate())
    dev = DevServer(project, port=0, log=False)
    with dev:
        stream = EventStream(dev.url)
        assert stream.next()[0] == "hello"
    assert stream.next() is None, "the event stream ends when the server stops"
    stream.close()
    # The Markdown watchdog belongs to the process's renderer (model/markdown.py), not to the server.
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive() and t.name != "portalgen-budget"]
    assert leftover == []


# --- the process: Ctrl-C ----------------------------------------------------------------------


def _start_cli(project: Path) -> tuple[subprocess.Popen, str, list[str], threading.Thread]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "portalgen", "serve", str(project), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    ready: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("Serving "):
                ready.put(line)
        ready.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        # The first build comes before "Serving": on a machine at load 10 that took over 30 s.
        line = ready.get(timeout=STARTUP)
    except queue.Empty:
        proc.kill()  # never leave a server running after the test
        proc.wait()
        raise
    assert line is not None, "".join(lines)
    url = line.split(" at ", 1)[1].split()[0]
    return proc, url, lines, reader


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_cleanly(project: Path, signum: int) -> None:
    proc, url, lines, reader = _start_cli(project)
    try:
        assert fetch(url, "/")[0] == 200
        stream = EventStream(url)  # an open event stream must not keep the server alive
        assert stream.next()[0] == "hello"
        proc.send_signal(signum)
        proc.wait(timeout=DEADLINE)
        assert stream.next() is None
        stream.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = proc.stdout.read()
    reader.join(DEADLINE)
    err = "".join(lines)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err and "Traceback" not in out
    assert "queue_events" not in err  # watchdog's own noise while stopping stays off the terminal
    assert "Stopped." in err
    with pytest.raises(OSError):
        socket.create_connection((urlsplit(url).hostname, urlsplit(url).port), timeout=5).close()
