"""Work spread over forked processes: results come back in order, each handed to `then` in this
process as it arrives, and a worker's failure is raised here."""

from __future__ import annotations

import os

import pytest

from portalgen.pipeline import parallel


def square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_arrive_in_batches_and_are_put_away_in_this_process() -> None:
    here = os.getpid()
    seen: list[int] = []

    def then(result: tuple[int, int]) -> int:
        seen.append(os.getpid())
        assert result[1] != here  # made in a worker
        return result[0]

    items = list(range(5 * parallel.BATCH + 3))
    assert parallel.pmap_forked(square, items, jobs=2, min_items=1, then=then) == [n * n for n in items]
    assert seen == [here] * len(items)


def test_without_workers_then_is_applied_too() -> None:
    assert parallel.pmap_forked(square, [1, 2, 3], jobs=1, then=lambda r: r[0]) == [1, 4, 9]


def fails_at_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven")
    return n


def test_a_failure_in_a_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="seven"):
        parallel.pmap_forked(fails_at_seven, list(range(4 * parallel.BATCH)), jobs=2, min_items=1)


def test_here_this_process_works_too_and_results_come_in_order() -> None:
    here = os.getpid()
    made: list[int] = []
    seen: list[int] = []

    def then(result: tuple[int, int]) -> int:
        seen.append(os.getpid())
        made.append(result[1])
        return result[0]

    items = list(range(20 * parallel.BATCH + 5))
    assert parallel.pmap_forked(square, items, jobs=2, min_items=1, then=then, here=True) == [n * n for n in items]
    assert seen == [here] * len(items)
    assert len(set(made)) <= 2  # this process and one child (which shares where: as fast as each was)


@pytest.mark.parametrize("at", [3, 4 * parallel.BATCH - 1])  # the child's end, and this process's
def test_here_a_failure_in_either_process_is_raised_here(at: int) -> None:
    def fails(n: int) -> int:
        if n == at:
            raise ValueError("failed")
        return n

    with pytest.raises(ValueError, match="failed"):
        parallel.pmap_forked(fails, list(range(4 * parallel.BATCH)), jobs=2, min_items=1, here=True)
