"""Render stage helper: what each page read, so that a rebuild renders again only the pages whose
inputs changed.

Templates (and the code of other page jobs) see the archive through recording views. Every lookup a
page makes is noted as a dependency: a story, issue or note by id, the backlinks or tags of an id,
whether an id is there at all, the length of a list, a whole collection when the page walks it, a
`ref()` or `tag_name()` it asked for, each template it is made of. After a build each page's record
holds the digest of the objects it was given and the dependencies it read, and the build keeps the
value each dependency had, once for all pages. The next build finds the dependencies whose value
changed; a page whose inputs are the same and that read none of them is kept as the file already
written. The mechanism knows nothing about particular templates, so a theme's own templates are
tracked the same way.
"""

from __future__ import annotations

import array
import collections
import copyreg
import dataclasses
import io
import itertools
import operator
import pickle
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import parallel
from .cache import digest
from .model import Page

SHORT = 32  # a string value up to this long stands for itself as its digest
Dep = tuple[str, ...]  # ("item", "notes", "import-ai/226/x"), ("has", "tags", t), ("len", "stories") ...
_MISSING = object()


class Tracker:
    """Collects the dependencies of the page being rendered, in the order first read: the same
    from one build to the next, as rendering is."""

    def __init__(self) -> None:
        self.reads: dict[Dep, None] = {}

    def note(self, dep: Dep) -> None:
        self.reads[dep] = None

    def take(self) -> tuple[Dep, ...]:
        """The dependencies noted since the last call, and a fresh start for the next page."""
        reads, self.reads = tuple(self.reads), {}
        return reads


class _TrackedView:
    """A read-only view of a collection whose length is one dependency and whose walk is another
    (the whole collection)."""

    def __init__(self, tracker: Tracker, name: str, items: Any):
        self._tracker, self._name, self._items = tracker, name, items

    def __len__(self) -> int:
        self._tracker.note(("len", self._name))
        return len(self._items)

    def __iter__(self) -> Iterator:
        self._tracker.note(("all", self._name))
        return iter(self._items)


class TrackedMapping(_TrackedView, Mapping):
    """A read-only mapping that notes each key looked up, and the whole mapping when walked."""

    def __getitem__(self, key: Any) -> Any:
        self._tracker.note(("item", self._name, key))
        return self._items[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self._tracker.note(("item", self._name, key))
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._tracker.note(("has", self._name, key))  # whether it is there, not what it holds
        return key in self._items


class TrackedSequence(_TrackedView):
    """A read-only sequence: its length is one dependency, any other use depends on all of it."""

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

    def whole(self, *fields: str) -> Any:
        """The archive itself, for a job that reads much of it (the search index): each of the
        fields it names (all it reads) is noted as read, once, instead of each lookup."""
        for name in fields:
            self._tracker.note(("all", name))
        return self._archive


def tracked_call(tracker: Tracker, name: str, function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A one-argument template global that notes each argument it is called with."""

    def call(argument: Any) -> Any:
        tracker.note(("call", name, argument))
        return function(argument)

    return call


class Fingerprints:
    """Digests (as `fingerprint` takes them) within one build, where each frozen dataclass record,
    a story or an issue, is pickled once however many values hold it: a story is the input of its
    page and of its Markdown twin, a neighbour on two other pages, listed on its tags' pages, and
    the value of its own dependency. Inside a larger value such an object is pickled as its
    digest, so equal values still give equal digests. Small values declared with slots (a
    related story, a link) are pickled in place: one digest each would cost more than it saves.

    The substitution goes through the picklers' dispatch table, which pickle consults in C and
    only for objects of the classes in it, rather than a reducer_override, which it calls for
    every object but plain containers, strings and numbers, each class and date included."""

    def __init__(self) -> None:
        self._objects: dict[int, tuple[Any, str]] = {}  # id -> (the object, kept alive; its digest)
        self._reducers = _Reducers(self._reduce)
        self._picklers: list[tuple[io.BytesIO, pickle.Pickler]] = []  # one per nesting depth
        self._values: list[Any] = []  # the value each depth is pickling

    def of(self, value: Any) -> str:
        if type(value) is str and len(value) <= SHORT:  # itself (digests never hold "="): most search keys
            return "=" + value
        if self._reducers[type(value)] is not self._reducers.record:
            return self._pickled(value)
        known = self._objects.get(id(value))
        if known is None or known[0] is not value:
            known = self._objects[id(value)] = (value, self._pickled(value))
        return known[1]

    def _pickled(self, value: Any) -> str:
        """Pickled without memo (see `fingerprint`), by this depth's pickler: a value being
        pickled may hold objects whose digest is not yet known."""
        depth = len(self._values)
        if depth == len(self._picklers):
            self._picklers.append(_digest_pickler(self._reducers))
        buffer, pickler = self._picklers[depth]
        self._values.append(value)
        try:
            buffer.seek(0)
            buffer.truncate()
            pickler.dump(value)
            return digest(buffer.getvalue())
        finally:
            self._values.pop()

    def _reduce(self, value: Any) -> Any:
        """A record inside the value as its digest; the value itself as its class and fields, as
        pickle would, without copyreg's Python code."""
        if value is not self._values[-1]:
            return str, (self.of(value),)
        return copyreg.__newobj__, (type(value),), value.__dict__


def _digest_pickler(reducers: dict) -> tuple[io.BytesIO, pickle.Pickler]:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast, pickler.dispatch_table = True, reducers
    return buffer, pickler


def _reduced(value: Any) -> Any:
    return value.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


class _Reducers(dict):
    """class -> how to pickle its objects, found at first sight: `record` for frozen dataclass
    records (objects whose digest cannot change while they live), class and field values for a
    dataclass with slots, pickle's own way for any other class."""

    def __init__(self, record: Callable[[Any], Any]):
        super().__init__()
        self.record = record

    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        params = getattr(cls, "__dataclass_params__", None)
        if params is None:
            found = _reduced
        elif "__slots__" in cls.__dict__:
            found = _fields_reducer(cls)
        else:
            found = self.record if params.frozen else _reduced
        self[cls] = found
        return found


def _fields_reducer(cls: type) -> Callable[[Any], Any]:
    """Class and field values, as pickle has them, without copyreg's Python code, which looks up
    the dataclass's fields again for each object (a build digests hundreds of thousands)."""
    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) < 2:  # attrgetter gives a tuple for two names or more
        return lambda value: (cls, tuple(getattr(value, name) for name in names))
    values = operator.attrgetter(*names)
    return lambda value: (cls, values(value))


@dataclass
class Values:
    """The current digest of each dependency, computed once per build, from what dependencies
    name: the archive's collections (by attribute) and the functions pages call (by name)."""

    collections: Callable[[str], Any]  # name -> the mapping or tuple behind a tracked view
    calls: Mapping[str, Callable[[Any], Any]]  # name -> the untracked function
    templates: Mapping[str, str]  # template name -> digest of its source and what it includes
    fingerprints: Fingerprints = dataclasses.field(default_factory=Fingerprints)  # shared with Pager
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
            return self.fingerprints.of(self.calls[name](rest[0]))
        collection = self.collections(name)
        if kind == "len":
            return str(len(collection))
        if kind == "has":
            return "=yes" if rest[0] in collection else "=no"
        if kind == "item":
            item = collection.get(rest[0], _MISSING)
            return "missing" if item is _MISSING else self.fingerprints.of(item)
        return self.fingerprints.of(collection)

    def changed(self, previous: Made) -> set[int]:
        """The numbers of `previous`'s dependencies whose value is not what it recorded."""
        return {n for n, (dep, value) in enumerate(zip(previous.deps, previous.values, strict=True))
                if self.of(dep) != value}


def fingerprint(value: Any) -> str:
    """A stable digest of a value made of dataclasses, containers and plain values: its pickle,
    taken without pickle's memo, so equal values give equal bytes however their objects are
    shared."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return digest(buffer.getvalue())


@dataclass(frozen=True)
class PageJob:
    """Output files to make: a name (the path of its one page, or of the folder of several), what
    they are made from besides what is read through the tracked archive (digested as it is), and
    how to make them from that archive view."""

    path: str
    inputs: Any
    make: Callable[[TrackedArchive], Page | list[Page]]


@dataclass(frozen=True)
class PageRecord:
    """What a job made and from what: the paths of its pages, the digest of its inputs, and what
    it read, as the numbers of those dependencies in its Made's table (which keeps their values)."""

    paths: tuple[str, ...]
    inputs: str
    deps: array.array  # of "i": positions in Made.deps


@dataclass(frozen=True)
class Made:
    """What a build's jobs made: job name -> its record; and each dependency the records read,
    with the value it had then (values[n] is that of deps[n]). A record names its dependencies by
    number, not as tuples: at 10,000 stories, a million references to a hundred thousand tuples
    took 0.62 s to save and load again on every rebuild, the numbers take 0.23 s."""

    records: dict[str, PageRecord] = dataclasses.field(default_factory=dict)
    deps: tuple[Dep, ...] = ()
    values: tuple[str, ...] = ()

    def __reduce__(self) -> tuple:
        """Pickled as columns, all records' dependency numbers in one array: pickle makes and
        reads back an object and an array for each record otherwise (24,000 at 10,000 stories)."""
        records = self.records.values()
        numbers = array.array("i")
        for record in records:
            numbers.extend(record.deps)
        counts = array.array("i", (len(record.deps) for record in records))
        return _unpickled_made, (tuple(self.records), tuple(r.paths for r in records),
                                 tuple(r.inputs for r in records), counts, numbers, self.deps, self.values)


def _unpickled_made(names: tuple[str, ...], paths: tuple[tuple[str, ...], ...], inputs: tuple[str, ...],
                    counts: array.array, numbers: array.array, deps: tuple[Dep, ...],
                    values: tuple[str, ...]) -> Made:
    bounds = itertools.pairwise([0, *itertools.accumulate(counts)])  # of each record's numbers
    records = {name: PageRecord(made, digested, numbers[start:end])
               for name, made, digested, (start, end) in zip(names, paths, inputs, bounds, strict=True)}
    return Made(records, deps, values)


@dataclass(frozen=True)
class Paged:
    """The outcome of a Pager run."""

    made: Made  # how every job's pages were made
    made_count: int  # pages made anew; the others were kept as the last build wrote them
    carried: list[Page]  # the pages the output gave back (see Pager)

    @property
    def paths(self) -> list[str]:
        return sorted(path for record in self.made.records.values() for path in record.paths)


_JobMade = tuple[list[Page], tuple[str, ...], str, tuple[Dep, ...], tuple[str, ...]]
"""What Pager._make gives back: the pages carried back, their paths, the digest of the job's
inputs, the dependencies the job read (in the order it read them) and their values."""


class Pager:
    """Makes page jobs, or keeps the files already written when nothing a job's pages were made
    from changed. `reusable(path)` says whether an output file is still the one last written.
    Each page made goes to `output` as soon as it is made (in whichever worker made it);
    whatever `output` returns is carried back (all pages, for a caller that wants them in hand)."""

    def __init__(self, tracker: Tracker, view: TrackedArchive, values: Values, previous: Made,
                 reusable: Callable[[str], bool], output: Callable[[Page], Page | None]):
        self.tracker, self.view, self.values = tracker, view, values
        self.previous, self.reusable, self.output = previous, reusable, output

    def pages(self, jobs: list[PageJob]) -> Paged:
        """Keep or make the jobs' pages (made ones spread over the cores when there are many).
        The inputs of a job with no record are digested where it is made, in parallel too."""
        inputs, changed = self._compared([job for job in jobs if job.path in self.previous.records])
        records, todo = {}, []
        for job in jobs:
            old = self.previous.records.get(job.path)
            if old and self._kept(old, inputs[job.path], changed):
                records[job.path] = old
            else:
                todo.append((job, inputs.get(job.path)))
        table, carried, count = _Table(self.previous), [], 0
        made = parallel.map_in_order(self._make, todo)
        for (job, _), (pages, paths, inputs_digest, deps, values) in zip(todo, made, strict=True):
            records[job.path] = PageRecord(paths, inputs_digest, table.numbers(deps, values))
            carried += pages
            count += len(paths)
        return Paged(table.made(records), count, carried)

    def _kept(self, old: PageRecord, inputs: str, changed: set[int]) -> bool:
        return old.inputs == inputs and changed.isdisjoint(old.deps) and all(map(self.reusable, old.paths))

    def _compared(self, known: list[PageJob]) -> tuple[dict[str, str], set[int]]:
        """The digests of the inputs of the jobs that have a record, and the numbers of the last
        build's dependencies whose value changed: two walks over most of the archive (0.6-0.9 s
        each at 10,000 stories), done side by side. The values are worked out here, as the jobs
        made again read most of them (the search index, every story's text)."""
        if not known:
            return {}, set()
        changed, digested = parallel.side_by_side(
            lambda: self.values.changed(self.previous),
            lambda: [self.values.fingerprints.of(job.inputs) for job in known])
        return dict(zip([job.path for job in known], digested, strict=True)), changed

    def _make(self, todo: tuple[PageJob, str | None]) -> _JobMade:
        job, inputs = todo
        self.tracker.take()
        made = job.make(self.view)
        pages = made if isinstance(made, list) else [made]
        deps = self.tracker.take()
        carried = [back for page in pages if (back := self.output(page)) is not None]
        inputs = inputs or self.values.fingerprints.of(job.inputs)
        return carried, tuple(page.path for page in pages), inputs, deps, tuple(map(self.values.of, deps))


class _Table:
    """The dependency table of the Made a Pager run gives: the previous run's, with what the jobs
    made now read added or given its value now (a job that read a changed dependency was made
    again), and then only the dependencies some record still reads."""

    def __init__(self, previous: Made):
        self.deps, self.values = list(previous.deps), list(previous.values)
        self._number = {dep: n for n, dep in enumerate(self.deps)}

    def numbers(self, deps: tuple[Dep, ...], values: tuple[str, ...]) -> array.array:
        """The numbers of `deps` (one job's, each once), those new to the table added, and each
        given its value now. Mapped in C (a cold build at 10,000 stories numbers 1.2 million)."""
        known = self._number
        for dep in [dep for dep in deps if dep not in known]:
            known[dep] = len(self.deps)
            self.deps.append(dep)
            self.values.append("")
        numbers = array.array("i", map(known.__getitem__, deps))
        collections.deque(map(self.values.__setitem__, numbers, values), maxlen=0)
        return numbers

    def made(self, records: dict[str, PageRecord]) -> Made:
        used: set[int] = set()
        for record in records.values():
            used.update(record.deps)
        if len(used) == len(self.deps):
            return Made(records, tuple(self.deps), tuple(self.values))
        kept = sorted(used)
        renumbered = [-1] * len(self.deps)
        for new, old in enumerate(kept):
            renumbered[old] = new
        records = {path: dataclasses.replace(r, deps=array.array("i", map(renumbered.__getitem__, r.deps)))
                   for path, r in records.items()}
        return Made(records, tuple(self.deps[n] for n in kept), tuple(self.values[n] for n in kept))
