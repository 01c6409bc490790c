"""Save-to-page latency of `portalgen serve`: from saving a feedback file to the page showing it.

For each portal (the example portal, and a generated one with 10,000 feedback items) this starts
the real dev server on a free loopback port, opens a Server-Sent Events connection like the
page's reload script does, then edits one feedback file ~10 times. Each edit is timed from the
moment the file is written until BOTH the reload event has arrived AND the page served at the
item's URL contains the new text. The median (and min/max) is printed, with the rebuild time
the server reported, so the debounce and serving overhead can be told apart.

    python bench/serve_latency.py              # example portal + 10,000 items
    python bench/serve_latency.py --items 2000 --edits 5

Portals are generated deterministically in a temporary folder, which is removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import queue
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Collection
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from portalgen.dev.rebuild import Outcome, Ready, SessionRebuild  # noqa: E402
from portalgen.dev.server import DevServer  # noqa: E402

DEADLINE = 300.0

WORDS = ("export", "dashboard", "filter", "alert", "report", "chart", "permission", "retention", "mobile",
         "import", "schedule", "share", "embed", "api", "webhook", "audit", "login", "csv", "excel", "pdf",
         "latency", "cohort", "funnel", "segment", "currency", "timezone", "theme", "keyboard", "contrast",
         "digest", "goal", "forecast")
SEGMENTS = ("Healthcare", "Retail", "Public sector", "Fintech", "Education", "Logistics")
OUTCOMES = ("under-review", "planned", "in-progress", "declined", "deferred", "already-available")
TAGS = ("exports", "dashboards", "permissions", "performance", "integrations", "accessibility",
        "mobile", "alerts", "reporting", "security")


def generate(root: Path, items: int, seed: int = 4) -> tuple[Path, str]:
    """A valid portal with `items` feedback items; returns (file to edit, its URL path)."""
    rng = random.Random(seed)

    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    content = root / "content"
    for folder in ("customers", "feedback", "decisions", "changes"):
        (content / folder).mkdir(parents=True)
    (content / "portal.yaml").write_text(
        'title: "Benchmark portal"\nbase_url: "https://bench.example/"\nproduct: "Bench"\n', "utf-8")
    customers = [f"org-{i:04d}" for i in range(max(3, items // 20))]
    for i, slug in enumerate(customers):
        credit = "named" if i % 3 else "anonymous"
        (content / "customers" / f"{slug}.yaml").write_text(
            f'name: "Organisation {i:04d}"\nsegment: "{SEGMENTS[i % len(SEGMENTS)]}"\ncredit: {credit}\n',
            "utf-8")
    start = date(2024, 1, 1)
    feedback = [f"item-{i:05d}" for i in range(items)]
    for i, slug in enumerate(feedback):
        day = start + timedelta(days=(i * 700) // items)
        folder = content / "feedback" / str(day.year) / f"q{(day.month - 1) // 3 + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        who = ", ".join(sorted(set(rng.sample(customers, k=rng.randint(1, 3)))))
        tags = ", ".join(sorted(set(rng.sample(TAGS, k=2))))
        (folder / f"{slug}.md").write_text(
            f'---\ntitle: "{words(6).capitalize()} {i}"\ndate: {day.isoformat()}\nfrom: [{who}]\n'
            f'source: "CAB meeting"\ntags: [{tags}]\n---\n'
            + "\n\n".join(words(30).capitalize() + "." for _ in range(3)) + "\n", "utf-8")
    decisions = []
    for i in range(items // 3):
        slug = f"decision-{i:05d}"
        decisions.append(slug)
        outcome = OUTCOMES[i % len(OUTCOMES)]
        day = start + timedelta(days=(i * 3 * 700) // items + 20)
        extra = ""
        if outcome == "deferred":
            extra = f"revisit: {(day + timedelta(days=180)).isoformat()}\n"
        if outcome == "declined":
            extra = 'workaround: "Use the export API."\n'
        covered = ", ".join(feedback[i * 3 : i * 3 + rng.randint(1, 3)])
        (content / "decisions" / f"{slug}.md").write_text(
            f'---\ntitle: "{words(5).capitalize()} {i}"\ndate: {day.isoformat()}\nfeedback: [{covered}]\n'
            f"outcome: {outcome}\n{extra}---\n{words(40).capitalize()}.\n", "utf-8")
    for i in range(items // 8):
        day = start + timedelta(days=(i * 8 * 700) // items + 40)
        (content / "changes" / f"change-{i:05d}.md").write_text(
            f'---\ntitle: "{words(5).capitalize()} {i}"\ndate: {day.isoformat()}\nversion: "{i // 10}.{i % 10}"\n'
            f"decisions: [{decisions[(i * 8) // 3]}]\n---\n{words(30).capitalize()}.\n", "utf-8")
    target = next((content / "feedback").rglob(f"{feedback[items // 2]}.md"))
    return target, f"/feedback/{feedback[items // 2]}/"


def example(root: Path) -> tuple[Path, str]:
    shutil.copytree(REPO / "content", root / "content")
    return root / "content/feedback/2025/q4/dark-mode.md", "/feedback/dark-mode/"


class Events:
    """Server-Sent Events on a raw socket, as a browser's EventSource would receive them."""

    def __init__(self, url: str, page: str = "/"):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=DEADLINE)
        # As reload.js does: the page it shows, so the server renders that page first.
        request = f"GET /__portalgen/events?page={quote(page)} HTTP/1.1\r\nHost: bench\r\n\r\n"
        self.sock.sendall(request.encode())
        self.queue: queue.Queue[tuple[float, str, dict]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "", ""
        with self.sock.makefile("rb") as stream:
            for raw in stream:
                line = raw.decode().rstrip("\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data = line[5:].strip()
                elif not line and name:
                    self.queue.put((time.perf_counter(), name, json.loads(data)))
                    name, data = "", ""

    def wait(self, name: str) -> tuple[float, dict]:
        while True:
            at, got, data = self.queue.get(timeout=DEADLINE)
            if got == name:
                return at, data

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def get(url: str, path: str) -> str:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=DEADLINE)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.read().decode("utf-8")
    finally:
        conn.close()


class TimedRebuild(SessionRebuild):
    def __init__(self, project: Path):
        super().__init__(project, project / "site")
        self.last: Outcome | None = None
        self.idle = threading.Event()  # no rebuild running: the server has finished the last one
        self.idle.set()
        self.finished = 0.0

    def __call__(self, changed: set[str], first: Collection[str] = (), on_first: Ready | None = None) -> Outcome:
        self.idle.clear()
        try:
            self.last = super().__call__(changed, first, on_first)
        finally:
            self.finished = time.perf_counter()
            self.idle.set()
        return self.last


def measure(name: str, project: Path, target: Path, url_path: str, edits: int,
            verbose: bool = False) -> dict[str, float]:
    rebuild = TimedRebuild(project)
    started = time.perf_counter()
    with DevServer(project, port=0, log=False, rebuild=rebuild) as server:
        first_build = time.perf_counter() - started
        assert rebuild.last and rebuild.last.ok, rebuild.last
        assert "</html>" in get(server.url, url_path)
        events = Events(server.url, url_path)
        events.wait("hello")
        original = target.read_text("utf-8")
        totals, to_event, builds = [], [], []
        try:
            for i in range(edits):
                # An author saves again after reading the page: by then the server has finished the
                # rest of the last rebuild (pages not open, feeds, index, JSON, site/), timed below.
                rebuild.idle.wait(DEADLINE)
                marker = f"BENCH-EDIT-{i:03d}"
                text = original.rstrip("\n") + f"\n\nEdited: {marker}.\n"  # a new last paragraph
                saved = time.perf_counter()
                target.write_text(text, "utf-8")
                while True:  # the reload for this save (a burst may also give an earlier one)
                    at, data = events.wait("reload")
                    shown = data["ok"] and marker in get(server.url, url_path)
                    if verbose:
                        print(f"    edit {i}: reload after {at - saved:6.2f} s, ok={data['ok']}, "
                              f"new text served={shown}", flush=True)
                    if shown:
                        break
                served = time.perf_counter()
                totals.append(served - saved)
                to_event.append(at - saved)
                rebuild.idle.wait(DEADLINE)
                builds.append(rebuild.finished - saved)
        finally:
            events.close()
            target.write_text(original, "utf-8")
    result = {
        "first build": first_build,
        "median save→page": statistics.median(totals), "min": min(totals), "max": max(totals),
        "p90 save→page": sorted(totals)[max(0, round(0.9 * len(totals)) - 1)],
        "median save→event": statistics.median(to_event), "median save→rebuild done": statistics.median(builds),
    }
    pages = rebuild.last.pages if rebuild.last else 0
    print(f"\n{name}  ({pages} pages, {edits} edits)")
    for key, value in result.items():
        print(f"  {key:<20} {value * 1000:9.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="feedback items in the generated portal")
    parser.add_argument("--edits", type=int, default=10, help="timed edits per portal")
    parser.add_argument("--skip-example", action="store_true", help="only the generated portal")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every edit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portalgen-bench-") as tmp:
        base = Path(tmp)
        if not args.skip_example:
            (base / "example").mkdir()
            target, url = example(base / "example")
            measure("example portal", base / "example", target, url, args.edits, args.verbose)
        (base / "generated").mkdir()
        started = time.perf_counter()
        target, url = generate(base / "generated", args.items)
        print(f"\n(generated {args.items} feedback items in {time.perf_counter() - started:.1f} s)")
        measure(f"generated portal, {args.items} feedback items", base / "generated", target, url, args.edits,
                args.verbose)


if __name__ == "__main__":
    main()
