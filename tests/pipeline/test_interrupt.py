"""Ctrl-C while worker processes build: the command stops cleanly, with no traceback from any
process and no worker left behind.

A terminal sends SIGINT to the whole foreground process group, workers included, so the test
does the same (os.killpg). The moment is an event, not a delay: the k-th worker process seen
among the build's children (with two jobs, in a cold build workers 1-2 load the files and render
their Markdown, the later ones render the pages and run the output guard).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from generate import generate

DEADLINE = 120.0  # seconds; only reached when something is wrong
ITEMS = 600  # enough files, texts and pages for every phase to use worker processes


@pytest.fixture(scope="module")
def big_portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("interrupt") / "portal", ITEMS)


def children(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listing:
                found.update(int(child) for child in listing.read().split())
    except OSError:
        pass  # the process has ended
    return found


def wait_for_workers(proc: subprocess.Popen[str], count: int) -> set[int]:
    """Every child process seen until `count` of them have been; polled, as /proc has no events."""
    seen: set[int] = set()
    deadline = time.monotonic() + DEADLINE
    while len(seen) < count:
        assert proc.poll() is None, f"the command ended before worker {count} started"
        assert time.monotonic() < deadline, "no worker processes started"
        seen |= children(proc.pid)
    return seen


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(("verb", "worker"), [
    ("build", 1),
    pytest.param("build", 3, marks=pytest.mark.slow),
    pytest.param("build", 5, marks=pytest.mark.slow),
    pytest.param("serve", 1, marks=pytest.mark.slow),
    pytest.param("serve", 5, marks=pytest.mark.slow),
])
def test_ctrl_c_while_workers_run_stops_cleanly(big_portal: Path, verb: str, worker: int) -> None:
    if verb == "serve" and (os.cpu_count() or 1) < 2:
        pytest.skip("serve uses one process per core: no workers on one core")
    extra = ["-j", "2"] if verb == "build" else ["--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "portalgen", verb, str(big_portal), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)  # its own process group, as a terminal's job
    try:
        workers = wait_for_workers(proc, worker)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    for text in (out, err):
        assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    deadline = time.monotonic() + DEADLINE
    while any(alive(pid) for pid in workers):  # they are ending, or killed with their parent
        assert time.monotonic() < deadline, "a worker process outlived the command"
