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


def foreground() -> None:
    """Ctrl-C at its default, as in a terminal's foreground job, whatever the test process has
    (a command started with SIGINT ignored, like `cmd &` in a script, rightly keeps ignoring it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(pgid: int, workers: set[int]) -> bool:
    """Ctrl-C to the process group while workers still run; False if they had all ended.

    A command that is alive is not enough: on a loaded machine the poll can see worker 3 only
    as the build ends, and a process tearing down its memory in exit() still looks alive (its
    code 0). While one of its workers runs, the command has work left: the signal meets it there.
    (Stopping the group to check first would be exact, but a child forked as SIGSTOP arrives
    can miss the SIGCONT and hold the pipes open for ever.)
    """
    if not any(alive(pid) for pid in workers):
        return False
    os.killpg(pgid, signal.SIGINT)
    return True


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
                                start_new_session=True,  # its own process group, as a terminal's job
                                preexec_fn=foreground)
        try:
            workers = wait_for_workers(proc, worker)
            interrupted = interrupt(proc.pid, workers)
            out, err = proc.communicate(timeout=DEADLINE)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if interrupted:
            break
    else:
        pytest.fail(f"in {ATTEMPTS} attempts every worker ended before Ctrl-C reached them")
    assert proc.returncode == 130, err
    for text in (out, err):
        assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    deadline = time.monotonic() + DEADLINE
    while any(alive(pid) for pid in workers):  # they are ending, or killed with their parent
        assert time.monotonic() < deadline, "a worker process outlived the command"


# Ctrl-C reaches a process through whichever of its threads does not block it (a terminal sends
# it to the process group). The Python handler then runs in the main thread at its next bytecode:
# while it forks, that can be inside an at-fork hook (logging's lock release), where an exception
# is "ignored" and the Ctrl-C lost; serve then kept serving, a build finished with exit 0.
FORK_SIGNAL = """
import os, signal, sys, threading
from portalgen.pipeline.parallel import pmap, pmap_forked

asleep = threading.Event()
sleeper = threading.Thread(target=asleep.wait, daemon=True)  # a thread not blocking SIGINT
sleeper.start()
tripped, wakeup = os.pipe()  # the C-level handler writes here as it notes the signal
os.set_blocking(wakeup, False)
signal.set_wakeup_fd(wakeup)
sent = []

def ctrl_c_from_another_thread():
    if not sent:
        sent.append(True)
        signal.pthread_kill(sleeper.ident, signal.SIGINT)
        os.read(tripped, 1)  # noted: Python runs its handler at the next bytecode, here in the hook

os.register_at_fork(after_in_parent=ctrl_c_from_another_thread)
try:
    {call}(abs, range(1000), 2)
    print("finished")
except KeyboardInterrupt:
    print("interrupted")
"""


@pytest.mark.parametrize("call", ["pmap", "pmap_forked"])
def test_ctrl_c_while_forking_is_not_lost(call: str) -> None:
    done = subprocess.run([sys.executable, "-c", FORK_SIGNAL.format(call=call)], preexec_fn=foreground,
                          capture_output=True, text=True, timeout=DEADLINE, check=False)
    assert done.stdout.strip() == "interrupted", done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr
