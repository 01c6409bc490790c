"""Ctrl-C while worker processes build: the command stops cleanly, with no traceback from any
process and no worker left behind.

A terminal sends SIGINT to the whole foreground process group, workers included, so the test
does the same (os.killpg). The moment is an event, not a delay: the k-th worker process seen
among the build's children (with two jobs, a cold build forks three: workers 1-2 load the files
and render their Markdown, worker 3 renders and guards a share of the pages while the main
process renders the rest; serve's first build forks only the two that load).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from generate import generate

DEADLINE = 120.0  # seconds; only reached when something is wrong
ATTEMPTS = 3  # cold builds tried before the test gives up catching one running
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


def interrupt(pgid: int) -> bool:
    """Ctrl-C to the process group while it is still building; False if it had already ended.

    The group is stopped first, so nothing ends between the check and the signal: on a loaded
    machine the poll can see the first worker only as the build finishes (its exit code 0).
    """
    os.killpg(pgid, signal.SIGSTOP)
    try:
        running = alive(pgid)
        if running:
            os.killpg(pgid, signal.SIGINT)  # pending until the group continues
    finally:
        os.killpg(pgid, signal.SIGCONT)
    return running


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(("verb", "worker"), [
    ("build", 1),
    pytest.param("build", 3, marks=pytest.mark.slow),
    pytest.param("serve", 1, marks=pytest.mark.slow),
    pytest.param("serve", 2, marks=pytest.mark.slow),
])
def test_ctrl_c_while_workers_run_stops_cleanly(big_portal: Path, verb: str, worker: int,
                                                tmp_path: Path) -> None:
    if verb == "serve" and (os.cpu_count() or 1) < 2:
        pytest.skip("serve uses one process per core: no workers on one core")
    extra = ["-j", "2"] if verb == "build" else ["--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for attempt in range(ATTEMPTS):
        portal = tmp_path / f"portal-{attempt}"
        shutil.copytree(big_portal, portal)  # never built: every attempt is a cold build
        proc = subprocess.Popen([sys.executable, "-m", "portalgen", verb, str(portal), *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                start_new_session=True)  # its own process group, as a terminal's job
        try:
            workers = wait_for_workers(proc, worker)
            interrupted = interrupt(proc.pid)
            out, err = proc.communicate(timeout=DEADLINE)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if interrupted:
            break
    else:
        pytest.fail(f"in {ATTEMPTS} attempts the build ended before Ctrl-C reached it")
    assert proc.returncode == 130, err
    for text in (out, err):
        assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    deadline = time.monotonic() + DEADLINE
    while any(alive(pid) for pid in workers):  # they are ending, or killed with their parent
        assert time.monotonic() < deadline, "a worker process outlived the command"
