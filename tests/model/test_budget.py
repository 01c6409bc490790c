"""The time budget for rendering one text holds in any thread, and the weight cap keeps hostile
HTML away from the sanitiser (native code no budget can interrupt)."""

from __future__ import annotations

import gc
import threading
import time

import pytest

from portalgen.model.budget import MAX_REFERENCES, TooSlow, Watchdog, check_weight
from portalgen.model.markdown import Renderer


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_the_watchdog_interrupts_python_code_in_the_main_thread() -> None:
    with pytest.raises(TooSlow), Watchdog().budget(0.05):
        _spin(30)


def test_the_watchdog_interrupts_a_worker_thread() -> None:
    """The dev server rebuilds in a thread of its own, where SIGALRM never arrives."""
    outcome: list[str] = []

    def work() -> None:
        try:
            with Watchdog().budget(0.05):
                _spin(30)
            outcome.append("finished")
        except TooSlow:
            outcome.append("refused")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert outcome == ["refused"]


def test_a_block_that_ends_in_time_is_never_interrupted_later() -> None:
    watchdog = Watchdog()
    for _ in range(200):
        with watchdog.budget(0.001):
            pass
    _spin(0.05)  # a late exception from one of the 200 deadlines would land here


def test_a_lost_interruption_is_sent_again_until_the_block_ends() -> None:
    """An exception raised while Python runs a garbage-collector callback, a __del__ or a weakref
    finalizer is printed and dropped (CI saw TooSlow lost in a gc callback): the text would then
    render on unbounded. The watchdog raises again until the block is left."""
    lost = 0
    gave_up = time.monotonic() + 30
    with pytest.raises(TooSlow), Watchdog().budget(0.05):
        while time.monotonic() < gave_up:
            try:
                _spin(0.5)
            except TooSlow:
                if lost == 0:  # the first one dropped, as an unraisable exception would be
                    lost += 1
                    continue
                raise
    assert lost == 1 and time.monotonic() < gave_up


def test_leaving_a_block_as_it_is_interrupted_again_leaves_nothing_pending() -> None:
    watchdog = Watchdog()
    for _ in range(20):
        with pytest.raises(TooSlow), watchdog.budget(0.001):
            _spin(0.2)  # the watchdog fires, then fires again while the block is being left
    _spin(0.3)  # a late exception would land here


def test_a_deadline_set_while_the_watchdog_waits_for_another_still_fires() -> None:
    """The watchdog is woken only for a deadline earlier than the one it waits for: one set after
    a long budget ended (that it still waits for) must fire all the same, and not late by more
    than the ended budget's rest."""
    watchdog = Watchdog()
    with watchdog.budget(0.3):
        pass  # the watchdog now waits until this ended budget's deadline
    started = time.monotonic()
    with pytest.raises(TooSlow), watchdog.budget(0.5):  # later than the one it waits for
        _spin(30)
    assert time.monotonic() - started < 10


def test_an_earlier_deadline_wakes_the_watchdog() -> None:
    watchdog = Watchdog()
    with watchdog.budget(30):
        pass  # the watchdog now waits 30 s
    started = time.monotonic()
    with pytest.raises(TooSlow), watchdog.budget(0.05):
        _spin(30)
    assert time.monotonic() - started < 10


def test_hostile_markdown_is_refused_in_a_thread_too() -> None:
    render = Renderer(budget=0.3)
    outcome: list[object] = []

    def work() -> None:
        try:
            outcome.append(render("[a](" * 200_000))
        except TooSlow as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert outcome and isinstance(outcome[0], (TooSlow, str))


def test_the_weight_cap_counts_references_not_words() -> None:
    check_weight("<p>" + "word " * 200_000 + "</p>")  # long prose is fine
    with pytest.raises(TooSlow, match="special characters"):
        check_weight("<pre><code>" + "&amp;" * (MAX_REFERENCES + 1) + "</code></pre>")


def test_a_fence_of_ampersands_is_refused_before_the_sanitiser() -> None:
    started = time.process_time()
    with pytest.raises(TooSlow, match="special characters"):
        Renderer()("```\n" + "&" * 900_000 + "\n```\n")
    assert time.process_time() - started < 20  # it took the sanitiser 10 s on its own


def test_a_text_stopped_by_the_budget_leaves_nothing_behind_for_the_next() -> None:
    """One Markdown instance renders every text of a process (and of `serve`, for its life): a list
    it was inside when the budget stopped it must not turn the next text's paragraphs into bare text."""
    render = Renderer(budget=0.2)
    for unit in ("1. ", "- a\n\n", "> - a\n"):
        with pytest.raises(TooSlow):
            render(unit * 200_000)
        assert render("Words.\n\nSee [x](https://example.com/).\n") == (
            '<p>Words.</p>\n<p>See <a href="https://example.com/" rel="noopener noreferrer nofollow">x</a>.</p>')


def test_the_watchdog_thread_ends_with_its_watchdog() -> None:
    """A long-lived process (serve, a library user calling link_published) makes Renderers again
    and again: each one's watchdog thread must not outlive it."""
    before = set(threading.enumerate())
    watchdog = Watchdog()
    with watchdog.budget(5):
        pass
    watchers = [t for t in threading.enumerate() if t not in before and t.name == "portalgen-budget"]
    assert watchers, "the budget started its thread"
    del watchdog
    gc.collect()
    for thread in watchers:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in watchers)
