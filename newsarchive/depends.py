"""Render stage helper: what each page read, so that a rebuild renders again only the pages whose
inputs changed.

Templates see the archive through recording views. Every lookup a page makes is noted as a
dependency: a story, issue or note by id, the backlinks or tags of an id, the length of a list,
a whole collection when the page walks it, a `ref()` or `tag_name()` it asked for, each template
it is made of. After a build each page's record holds the digest of the objects it was given and
its dependencies; the next build digests the same dependencies in the new archive, and a page
whose digests all match is kept as the file already written. The mechanism knows nothing about
particular templates, so a theme's own templates are tracked the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import parallel
from .cache import digest
from .model import Issue, KeptPage, Note, Page, Story

Dep = tuple[str, ...]  # ("item", "notes", "import-ai/226/x"), ("len", "stories"), ("ref", id) ...
_MISSING = object()


class Tracker:
    """Collects the dependencies of the page being rendered."""

    def __init__(self) -> None:
        self.reads: set[Dep] = set()

    def note(self, dep: Dep) -> None:
        self.reads.add(dep)

    def take(self) -> frozenset[Dep]:
        """The dependencies noted since the last call, and a fresh start for the next page."""
        reads, self.reads = frozenset(self.reads), set()
        return reads


class TrackedMapping(Mapping):
    """A read-only mapping that notes each key looked up, and the whole mapping when walked."""

    def __init__(self, tracker: Tracker, name: str, mapping: Mapping):
        self._tracker, self._name, self._mapping = tracker, name, mapping

    def __getitem__(self, key: Any) -> Any:
        self._tracker.note(("item", self._name, key))
        return self._mapping[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self._tracker.note(("item", self._name, key))
        return self._mapping.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._tracker.note(("item", self._name, key))
        return key in self._mapping

    def __iter__(self) -> Iterator:
        self._tracker.note(("all", self._name))
        return iter(self._mapping)

    def __len__(self) -> int:
        self._tracker.note(("len", self._name))
        return len(self._mapping)


class TrackedSequence:
    """A read-only sequence: its length is one dependency, any other use depends on all of it."""

    def __init__(self, tracker: Tracker, name: str, items: tuple):
        self._tracker, self._name, self._items = tracker, name, items

    def __len__(self) -> int:
        self._tracker.note(("len", self._name))
        return len(self._items)

    def __iter__(self) -> Iterator:
        self._tracker.note(("all", self._name))
        return iter(self._items)

    def __getitem__(self, index: Any) -> Any:
        self._tracker.note(("all", self._name))
        return self._items[index]


class TrackedArchive:
    """The archive as templates see it: each collection behind a recording view."""

    def __init__(self, archive: Any, tracker: Tracker):
        self._archive, self._tracker = archive, tracker
        self._views: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name not in self._views:
            value = getattr(self._archive, name)
            if isinstance(value, Mapping):
                value = TrackedMapping(self._tracker, name, value)
            elif isinstance(value, tuple):
                value = TrackedSequence(self._tracker, name, value)
            self._views[name] = value
        return self._views[name]


def tracked_call(tracker: Tracker, name: str, function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A one-argument template global that notes each argument it is called with."""

    def call(argument: Any) -> Any:
        tracker.note(("call", name, _hashable(argument)))
        return function(argument)

    return call


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass
class Values:
    """The current digest of each dependency, computed once per build, from what dependencies
    name: the archive's collections (by attribute) and the functions pages call (by name)."""

    collections: Callable[[str], Any]  # name -> the mapping or tuple behind a tracked view
    calls: Mapping[str, Callable[[Any], Any]]  # name -> the untracked function
    templates: Mapping[str, str]  # template name -> digest of its source and what it includes
    objects: dict[int, str] = dataclasses.field(default_factory=dict)  # fingerprint's memo
    _memo: dict[Dep, str] = dataclasses.field(default_factory=dict)

    def of(self, dep: Dep) -> str:
        if dep not in self._memo:
            self._memo[dep] = self._compute(dep)
        return self._memo[dep]

    def _compute(self, dep: Dep) -> str:
        kind, name, *rest = dep
        if kind == "template":
            return self.templates.get(name, "")
        if kind == "call":
            return fingerprint(self.calls[name](rest[0]), self.objects)
        collection = self.collections(name)
        if kind == "len":
            return str(len(collection))
        if kind == "item":
            return fingerprint(collection.get(rest[0], _MISSING), self.objects)
        return fingerprint(collection, self.objects)

    def combined(self, deps: tuple[Dep, ...]) -> str:
        return digest(*(self.of(dep) for dep in deps))


def fingerprint(value: Any, memo: dict[int, str] | None = None) -> str:
    """A stable digest of a value made of dataclasses, containers and plain values. Stories,
    issues and notes are digested once per object (they recur on many pages)."""
    return digest(_canonical(value, {} if memo is None else memo))


def _canonical(value: Any, memo: dict[int, str]) -> str:
    if isinstance(value, (Story, Issue, Note)):
        key = id(value)
        if key not in memo:
            memo[key] = digest(repr(value))
        return memo[key]
    if value is _MISSING:
        return "<missing>"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v, memo) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k!r}:{_canonical(v, memo)}" for k, v in value.items()) + "}"
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        fields = (_canonical(field, memo) for field in vars(value).values())
        return f"{type(value).__name__}(" + ",".join(fields) + ")"
    return repr(value)


@dataclass(frozen=True)
class PageJob:
    """One output file to make: its path, what it is made from besides what it reads through
    the tracked archive (digested as it is), and how to make it from that archive view."""

    path: str
    inputs: Any
    make: Callable[[TrackedArchive], Page]


@dataclass(frozen=True)
class PageRecord:
    """What one page was made from: the digest of its inputs, and its dependencies with the
    digest of their values at the time."""

    inputs: str
    deps: tuple[Dep, ...]
    deps_digest: str


class Pager:
    """Makes page jobs, or keeps the file already written when nothing the page was made from
    changed. `reusable(path)` says whether the output file is still the one last written."""

    def __init__(self, tracker: Tracker, view: TrackedArchive, values: Values,
                 previous: Mapping[str, PageRecord], reusable: Callable[[str], bool]):
        self.tracker, self.view, self.values = tracker, view, values
        self.previous, self.reusable = previous, reusable
        self.records: dict[str, PageRecord] = {}

    def pages(self, jobs: list[PageJob]) -> list[Page | KeptPage]:
        """Each job's page, in order: kept, or made (spread over the cores when there are many)."""
        inputs = [fingerprint(job.inputs, self.values.objects) for job in jobs]
        kept = [self._kept(job, digest_) for job, digest_ in zip(jobs, inputs, strict=True)]
        todo = [i for i, page in enumerate(kept) if page is None]
        for i, (page, record) in zip(todo, parallel.map_in_order(self._make, [jobs[i] for i in todo]),
                                     strict=True):
            kept[i] = page
            self.records[jobs[i].path] = dataclasses.replace(record, inputs=inputs[i])
        return kept

    def _kept(self, job: PageJob, inputs: str) -> KeptPage | None:
        old = self.previous.get(job.path)
        if (old and old.inputs == inputs and self.reusable(job.path)
                and self.values.combined(old.deps) == old.deps_digest):
            self.records[job.path] = old
            return KeptPage(job.path)
        return None

    def _make(self, job: PageJob) -> tuple[Page, PageRecord]:
        self.tracker.take()
        page = job.make(self.view)
        deps = tuple(sorted(self.tracker.take(), key=repr))
        return page, PageRecord("", deps, self.values.combined(deps))
