"""Work spread over worker processes gives what a plain loop gives, in the same order, whatever
the workers do."""

from __future__ import annotations

import os
import time

import pytest

from newsarchive import parallel

PARENT = os.getpid()


def _square(n: int) -> int:
    return n * n


def _slow_pid(n: int) -> tuple[int, int]:
    time.sleep(0.002)
    return n, os.getpid()


def _first_slow_pid(n: int) -> tuple[int, int]:
    time.sleep(0.5 if n == 0 else 0.002)
    return n, os.getpid()


def _fails_in_workers(n: int) -> int:
    if os.getpid() != PARENT and n % 7 == 3:
        raise RuntimeError("a worker's bug")
    return n * n


def _dies_in_workers(n: int) -> int:
    if os.getpid() != PARENT:
        os._exit(1)
    return n * n


def _fails_at_ten(n: int) -> int:
    if n == 10:
        raise ValueError("item 10")
    return n


@pytest.mark.parametrize("count", [1, 2, 31, 32, 33, 401, 1000])
@pytest.mark.parametrize("workers", [2, 3])
def test_the_results_are_the_loops_in_the_loops_order(count, workers):
    items = list(range(count))
    assert parallel.map_in_order(_square, items, workers=workers) == [n * n for n in items]


def test_the_items_are_shared_among_the_processes():
    found = parallel.map_in_order(_slow_pid, list(range(400)), workers=2)
    assert [n for n, _ in found] == list(range(400))
    assert len({pid for _, pid in found}) == 2


def test_a_process_held_up_by_a_costly_item_is_given_fewer_of_the_rest():
    found = parallel.map_in_order(_first_slow_pid, list(range(400)), workers=2)
    held_up = found[0][1]
    assert sum(pid == held_up for _, pid in found) < 150  # of 400: the other process went on


def test_what_a_worker_failed_at_is_done_again_here():
    items = list(range(500))
    assert parallel.map_in_order(_fails_in_workers, items, workers=2) == [n * n for n in items]


def test_what_a_worker_that_died_took_is_done_again_here():
    items = list(range(500))
    assert parallel.map_in_order(_dies_in_workers, items, workers=2) == [n * n for n in items]


def test_an_error_surfaces_as_the_loop_raises_it():
    with pytest.raises(ValueError, match="item 10"):
        parallel.map_in_order(_fails_at_ten, list(range(500)), workers=2)


def test_few_items_are_done_in_this_process():
    assert {pid for _, pid in parallel.map_in_order(_slow_pid, list(range(5)))} == {PARENT}


def _worker_only(value: int):
    """A step that fails, or kills its process, in a worker, and gives `value` here."""
    def step() -> int:
        if os.getpid() != PARENT:
            if value < 0:
                os._exit(1)
            raise RuntimeError("a worker's bug")
        return value
    return step


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)


def test_side_by_side_does_the_second_step_in_a_worker_meanwhile(two_cores):
    started = time.perf_counter()
    here, there = parallel.side_by_side(lambda: (time.sleep(0.3), os.getpid())[1],
                                        lambda: (time.sleep(0.3), os.getpid())[1])
    assert here == PARENT and there != PARENT
    assert time.perf_counter() - started < 0.55  # not one after the other


@pytest.mark.parametrize("value", [5, -5])  # the worker raises; the worker dies
def test_a_step_the_worker_did_not_bring_back_is_done_here(two_cores, value):
    assert parallel.side_by_side(lambda: "here", _worker_only(value)) == ("here", value)


def test_an_error_of_the_step_done_here_surfaces(two_cores):
    def fails() -> None:
        raise ValueError("here")
    with pytest.raises(ValueError, match="here"):
        parallel.side_by_side(fails, lambda: time.sleep(5))
