"""Save-to-page latency of `portalgen serve`: from saving a file to the page showing the change.

For each portal (the example portal, and a generated one with 10,000 feedback items) this starts
the real dev server (in this process) on a free loopback port, then makes two kinds of edit, 10
saves of each by default (bench/status_edit.py):

  feedback body   a new last paragraph in one feedback item; its page must show the new text;
  status change   a decision's `outcome:` switched between two outcomes (planned ↔ in-progress);
                  the page of a feedback item it answers must show the item's new status.

For each kind it opens a Server-Sent Events connection for the page, as the page's reload script
does (`?page=`, so the server renders that page first), waits until the server is idle (the
previous rebuild finished), saves, and times until BOTH the reload event has arrived AND the page
served contains the change. It prints the median and p90, and the medians from the save to the
reload event, to the start of the rebuild (the watcher's debounce) and to the end of the whole
rebuild, so debounce, early reload and the rest can be told apart. It also reports the memory of
this process's tree (summed PSS, bench/memory.py; the server forks render workers): before the
server starts, the peak from its first build to the last save, and after the last save.

    python bench/serve_latency.py              # example portal + 10,000 items
    python bench/serve_latency.py --items 2000 --edits 5
    python bench/serve_latency.py --skip-example --next-day   # and served the day after a CLI build

Portals are generated deterministically in a temporary folder, which is removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import json
import math
import os
import queue
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from memory import ExternalSampler  # noqa: E402
from status_edit import BodyEdit, StatusEdit, pick_status_edit  # noqa: E402

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
        request = f"GET /__portalgen/events?page={quote(page)} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n"
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
        self.started = 0.0
        self.finished = 0.0

    def __call__(self, changed: set[str], first: Collection[str] = (), on_first: Ready | None = None) -> Outcome:
        self.idle.clear()
        self.started = time.perf_counter()
        try:
            self.last = super().__call__(changed, first, on_first)
        finally:
            self.finished = time.perf_counter()
            self.idle.set()
        return self.last


Edit = BodyEdit | StatusEdit


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile: the 9th of 10 values."""
    return sorted(values)[max(0, math.ceil(0.9 * len(values)) - 1)]


def _wait_shown(server: DevServer, events: Events, edit: Edit, i: int, saved: float, verbose: bool) -> float:
    """Wait for the reload that brings edit `i` to its page; the time the event arrived."""
    while True:  # the reload for this save (a burst may also give an earlier one)
        at, data = events.wait("reload")
        shown = data["ok"] and edit.shown(get(server.url, edit.url_path), i)
        if verbose:
            print(f"    {edit.kind} {i}: reload after {(at - saved) * 1000:6.0f} ms, ok={data['ok']}, "
                  f"change served={shown}", flush=True)
        if shown:
            return at


def timed_edits(server: DevServer, rebuild: TimedRebuild, edit: Edit, edits: int,
                sampler: ExternalSampler | None = None, verbose: bool = False) -> dict[str, float]:
    """Save `edits` times, each once the server is idle; time until the page shows the change.

    The memory sampler, if any, is paused from each save until the page shows it.
    """
    quiet = sampler.paused if sampler else contextlib.nullcontext
    if not edit.ready(get(server.url, edit.url_path)):
        raise SystemExit(f"{edit.url_path} does not show what the {edit.kind} edit expects before it")
    original = edit.path.read_text("utf-8")
    events = Events(server.url, edit.url_path)  # the page is open in a browser: it is rendered first
    events.wait("hello")
    totals, to_event, to_start, to_done = [], [], [], []
    try:
        for i in range(edits):
            # An author saves again after reading the page: by then the server has finished the
            # rest of the last rebuild (pages not open, feeds, index, JSON, site/), timed below.
            rebuild.idle.wait(DEADLINE)
            text = edit.text(original, i)
            with quiet():
                saved = time.perf_counter()
                edit.path.write_text(text, "utf-8")
                at = _wait_shown(server, events, edit, i, saved, verbose)
                totals.append(time.perf_counter() - saved)
            to_event.append(at - saved)
            rebuild.idle.wait(DEADLINE)
            to_start.append(rebuild.started - saved)
            to_done.append(rebuild.finished - saved)
    finally:
        events.close()
    return {
        "edits": edits, "median save→page": statistics.median(totals), "p90 save→page": p90(totals),
        "min": min(totals), "max": max(totals), "median save→event": statistics.median(to_event),
        "median save→rebuild start": statistics.median(to_start),
        "median save→rebuild done": statistics.median(to_done),
    }


def measure(name: str, project: Path, edits: Sequence[Edit], count: int, verbose: bool = False) -> dict[str, Any]:
    """Start the dev server on `project`, make `count` saves of each edit in turn, restore the files.

    Also the memory of this process's tree (the server runs in it, and forks render workers),
    summed PSS: before the server starts, its peak from the first build to the last edit (not
    sampled from a save until its page is shown), and after the last edit (the server idle).
    """
    originals = {edit.path: edit.path.read_text("utf-8") for edit in edits}
    gc.collect()
    sampler = ExternalSampler(os.getpid())
    before = sampler.report()["now MB"]
    rebuild = TimedRebuild(project)
    result: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        with DevServer(project, port=0, log=False, rebuild=rebuild) as server:
            result["first build"] = time.perf_counter() - started
            assert rebuild.last and rebuild.last.ok, rebuild.last
            result["pages"] = rebuild.last.pages
            for edit in edits:
                result[edit.kind] = timed_edits(server, rebuild, edit, count, sampler, verbose)
            memory = sampler.report()
    finally:
        sampler.close()
        for path, text in originals.items():  # the server has stopped: no rebuild for these
            path.write_text(text, "utf-8")
    saves = count * len(edits)
    result["memory MB"] = {"before the server": before, "peak": memory["peak MB"],
                           f"after {saves} edits": memory["now MB"], "edits": saves}
    report(name, result)
    return result


DAY = 86_400


def measure_next_day(name: str, project: Path, edits: Sequence[Edit], count: int,
                     verbose: bool = False) -> dict[str, Any]:
    """`measure`, as an author meets serve the day after a build: `portalgen build` (a process of
    its own) under one SOURCE_DATE_EPOCH, then the server under the next day's. Days waiting have
    all moved on, so the server's first build renders every page again over the cache that build
    left. The day is SOURCE_DATE_EPOCH's when it is set, else now; the variable is as it was after."""
    day = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(day),
           "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    built = subprocess.run([sys.executable, "-m", "portalgen", "build", str(project)], env=env, capture_output=True)
    if built.returncode != 0:
        raise SystemExit(f"portalgen build {project} failed:\n{built.stderr.decode()}")
    was = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(day + DAY)  # the server runs in this process
    try:
        return measure(name, project, edits, count, verbose)
    finally:
        if was is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = was


def report(name: str, result: dict[str, Any]) -> None:
    print(f"\n{name}  ({result['pages']} pages; first build {result['first build']:.2f} s)")
    for kind, timing in result.items():
        if isinstance(timing, dict) and "median save→page" in timing:
            print(f"  {kind}, {timing['edits']} edits:")
            for key, value in timing.items():
                if key != "edits":
                    print(f"    {key:<26} {value * 1000:7.0f} ms")
    memory = result["memory MB"]
    print("  memory, process tree (PSS): " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items() if k != "edits"))


def edits_for(project: Path, body: BodyEdit) -> list[Edit]:
    """The body edit, and the status change when the portal has a decision that sets an item's status."""
    status = pick_status_edit(project)
    if status is None:
        print(f"(no decision in {project} sets the status of an item: no status edits)", file=sys.stderr)
    return [body] if status is None else [body, status]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="feedback items in the generated portal")
    parser.add_argument("--edits", type=int, default=10, help="timed saves of each kind per portal")
    parser.add_argument("--skip-example", action="store_true", help="only the generated portal")
    parser.add_argument("--next-day", action="store_true",
                        help="also serve the generated portal the day after a `portalgen build` of it "
                             "(every page re-rendered over that build's cache)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every edit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portalgen-bench-") as tmp:
        base = Path(tmp)
        if not args.skip_example:
            (base / "example").mkdir()
            target, url = example(base / "example")
            measure("example portal", base / "example", edits_for(base / "example", BodyEdit(target, url)),
                    args.edits, args.verbose)
        (base / "generated").mkdir()
        started = time.perf_counter()
        target, url = generate(base / "generated", args.items)
        print(f"\n(generated {args.items} feedback items in {time.perf_counter() - started:.1f} s)")
        edits = edits_for(base / "generated", BodyEdit(target, url))
        measure(f"generated portal, {args.items} feedback items", base / "generated", edits, args.edits, args.verbose)
        if args.next_day:
            measure_next_day(f"generated portal, {args.items} feedback items, served the day after a build",
                             base / "generated", edits, args.edits, args.verbose)


if __name__ == "__main__":
    main()
