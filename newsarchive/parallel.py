"""Work spread over the machine's cores, for the costly steps of a big build (converting Markdown,
rendering pages): the same results as a plain loop, in the same order, sooner.

Workers are forked, so they start with this process's memory as it is (the archive, templates
and caches) and only the results travel back, pickled through a pipe. This process works on a
share too. Small batches, machines with one core and systems without fork run the plain loop; a
worker that fails has its share done again here, so an error surfaces as it would in the loop.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 400  # below this, starting workers costs more than it saves


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
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    shares = [items[start::workers] for start in range(workers)]  # interleaved: costs even out
    children = [_start(function, share) for share in shares[1:]]
    results = [[function(item) for item in shares[0]]]
    results += [_finish(child, function, share) for child, share in zip(children, shares[1:], strict=True)]
    ordered: list[Result] = [None] * len(items)  # type: ignore[list-item]
    for start, share in enumerate(results):
        ordered[start::workers] = share
    return ordered


def _start(function: Callable, share: Sequence) -> tuple:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(function, share, sender), daemon=True)
    process.start()
    sender.close()
    return process, receiver


def _work(function: Callable, share: Sequence, sender) -> None:
    try:
        results = [function(item) for item in share]
    except BaseException:  # reported by its absence: the parent does this share itself
        results = None
    sender.send(results)
    sender.close()


def _finish(child: tuple, function: Callable, share: Sequence) -> list:
    process, receiver = child
    try:
        results = receiver.recv()  # before join: a full pipe would keep the worker from ending
    except EOFError:
        results = None
    process.join()
    if results is None:
        log.debug("A worker failed; doing its share in this process")
        return [function(item) for item in share]
    return results
