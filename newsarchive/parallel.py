"""Work spread over the machine's cores, for the costly steps of a big build (converting Markdown,
rendering pages): the same results as a plain loop, in the same order, sooner.

Workers are forked, so they start with this process's memory as it is (the archive, templates
and caches) and only the results travel back, pickled through a pipe. This process works too.
Items are handed out in runs, the next run to whichever process is free, so a process that drew
costly items (a tag page of a popular tag, the search index) does not keep the others waiting;
put the costliest first. Small batches, machines with one core and systems without fork run the
plain loop; a run a worker did not bring back (it failed, or died) is done again here, so an
error surfaces as it would in the loop. side_by_side does two different steps at once, the same way.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")
Other = TypeVar("Other")

MIN_ITEMS = 400  # below this, starting workers costs more than it saves
RUNS_PER_PROCESS = 16  # the more runs, the less a process waits at the end for the last one


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_order(function: Callable[[Item], Result], items: Sequence[Item],
                 min_items: int | None = None, workers: int | None = None) -> list[Result]:
    """[function(item) for item in items], shared among `workers` processes: by default one per
    core when there are at least `min_items` (MIN_ITEMS) items, else none."""
    if workers is None:
        workers = cores() if len(items) >= (MIN_ITEMS if min_items is None else min_items) else 1
    workers = min(workers, len(items))
    context = _fork_context(workers)
    if context is None:
        return [function(item) for item in items]
    runs = _Runs(context, len(items), max(1, len(items) // (workers * RUNS_PER_PROCESS)))
    children = [_start(context, function, items, runs) for _ in range(workers - 1)]
    done: dict[int, list] = {}
    try:
        _work_through(function, items, runs, done)
    except BaseException:
        _stop(children)  # they would go on with runs nobody will collect
        raise
    for child in children:
        done.update(_finish(child))
    ordered: list[Result] = []
    for start in range(0, len(items), runs.size):
        if start not in done:
            log.debug("A worker did not bring back items %d on; doing them in this process", start)
            done[start] = [function(item) for item in items[start:start + runs.size]]
        ordered += done[start]
    return ordered


def side_by_side(here: Callable[[], Result], there: Callable[[], Other]) -> tuple[Result, Other]:
    """(here(), there()), there() done at the same time in a forked worker: for two costly steps
    that do not wait on each other, when what here() leaves in this process's memory is wanted
    later. there() is done here after here() when no worker can be used or it failed."""
    context = _fork_context(cores())
    if context is None:
        return here(), there()
    child = _start(context, _call, [there], _Runs(context, 1, 1))
    try:
        result = here()
    except BaseException:
        _stop([child])
        raise
    done = _finish(child)
    return result, done[0][0] if 0 in done else there()


def _fork_context(workers: int):
    """The context to fork workers in; None when there is no second core or no fork."""
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _call(function: Callable[[], Result]) -> Result:
    return function()


class _Runs:
    """Hands out the starts of runs of `size` items, each once, to whichever process asks first."""

    def __init__(self, context, count: int, size: int):
        self.count, self.size = count, size
        self._next = context.Value("q", 0)  # shared memory, with its own lock

    def take(self) -> int | None:
        with self._next.get_lock():
            start = self._next.value
            self._next.value = start + self.size
        return start if start < self.count else None


def _work_through(function: Callable, items: Sequence, runs: _Runs, done: dict[int, list]) -> None:
    """Take runs and do them, into `done` (run start -> its results), until none is left."""
    while (start := runs.take()) is not None:
        done[start] = [function(item) for item in items[start:start + runs.size]]


def _start(context, function: Callable, items: Sequence, runs: _Runs) -> tuple:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(function, items, runs, sender), daemon=True)
    process.start()
    sender.close()
    return process, receiver


def _work(function: Callable, items: Sequence, runs: _Runs, sender) -> None:
    done: dict[int, list] = {}
    with contextlib.suppress(BaseException):  # the run that failed is not sent: the parent does it
        _work_through(function, items, runs, done)
    sender.send(done)
    sender.close()


def _stop(children: list[tuple]) -> None:
    for process, _ in children:
        process.kill()
        process.join()


def _finish(child: tuple) -> dict[int, list]:
    process, receiver = child
    try:
        done = receiver.recv()  # before join: a full pipe would keep the worker from ending
    except EOFError:  # it died: all its runs are done again
        done = {}
    process.join()
    return done
