"""The build cache: what earlier builds worked out, kept under [build] cache_dir between runs.

A cache never changes output, only how long a build takes: every entry is stored with the key it
was computed from (content hashes, the code's version, the config), and an entry whose key does
not match, or that cannot be read back whole, is ignored and computed again. Deleting the folder
is always safe. Entries are pickles written aside and renamed into place, so a build stopped
half-way leaves the previous entry or none, never a torn one.

A process that builds again and again (the preview server) can hold the entries in memory
(`held_in_memory`): a build then reads the last one's entries as they are, with no unpickling,
and they reach the disk when `flush` is called, after the browsers were told to reload. A build
never changes a value it loaded or saved, so holding the same objects is safe.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# While a process holds entries in memory: entry file -> (full key, value), and the files to write.
# Its forked workers (parallel.py) do not: what they save is written at once.
_held: dict[Path, tuple[str, Any]] | None = None
_holder: int | None = None  # the id of the process that holds them
_unwritten: set[Path] = set()

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("Markdown", "nh3", "Jinja2", "Pygments", "PyYAML", "markdownify", "numpy", "scipy")


def digest(*parts: bytes | str) -> str:
    """A short, stable content hash of some strings or bytes (order matters)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


class Cache:
    """Named entries in one folder; `load(name, key)` gives back what `save(name, key, value)`
    stored only when the key is the same (and the code's version too)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.pickle"

    def load(self, name: str, key: str) -> Any | None:
        path = self._path(name)
        held = _held if os.getpid() == _holder else None
        if held is not None and path in held:
            stored_key, value = held[path]
        else:
            try:
                with path.open("rb") as file, _without_gc():
                    stored_key, value = pickle.load(file)
            except FileNotFoundError:
                return None
            except Exception as error:  # torn, truncated or from another Python: never trusted
                log.info("Ignoring the unreadable cache entry %s (%s)", path, type(error).__name__)
                return None
            if held is not None:
                held[path] = stored_key, value
        return value if stored_key == self._full_key(key) else None

    def save(self, name: str, key: str, value: Any) -> None:
        path = self._path(name)
        if _held is not None and os.getpid() == _holder:
            _held[path] = self._full_key(key), value
            _unwritten.add(path)
        else:
            _write(path, self._full_key(key), value)

    @staticmethod
    def _full_key(key: str) -> str:
        return f"{code_version()}:{key}"


@contextlib.contextmanager
def held_in_memory() -> Iterator[None]:
    """Keep entries in this process between the builds made inside (see the module's docstring);
    what is still unwritten on the way out is written then."""
    global _held, _holder
    _held, _holder = {}, os.getpid()
    try:
        yield
    finally:
        flush()
        _held = _holder = None


def flush() -> None:
    """Write the entries saved in memory since the last flush."""
    while _held is not None and _unwritten:
        path = _unwritten.pop()
        _write(path, *_held[path])


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Python's cycle collector paused: unpickling an entry makes millions of objects, and the
    collections they set off would walk all of them again and again (twice the time at 10,000
    stories, more the larger the archive), to free nothing: all of it is kept."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write(path: Path, full_key: str, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_suffix(f".{os.getpid()}.tmp")
        with aside.open("wb") as file:
            pickle.dump((full_key, value), file, protocol=pickle.HIGHEST_PROTOCOL)
        aside.replace(path)
    except OSError as error:  # a read-only checkout still builds, just without a cache
        log.warning("Cannot write the build cache %s: %s", path, error.strerror or error)


@functools.cache
def code_version() -> str:
    """A hash of the package's own files, Python's version and the versions of the libraries that
    shape output: any change to the code, its data, Python (its regular expressions) or those
    libraries empties the cache, so no entry outlives the code that computed it."""
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in {".py", ".toml"})
    code = (part for p in files for part in (p.relative_to(PACKAGE).as_posix(), p.read_bytes()))
    return digest(*code, sys.version, *(f"{name}={metadata.version(name)}" for name in LIBRARIES))
