"""The build cache: what earlier builds worked out, kept under [build] cache_dir between runs.

A cache never changes output, only how long a build takes: every entry is stored with the key it
was computed from (content hashes, the code's version, the config), and an entry whose key does
not match, or that cannot be read back whole, is ignored and computed again. Deleting the folder
is always safe. Entries are pickles written aside and renamed into place, so a build stopped
half-way leaves the previous entry or none, never a torn one.
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
import zlib
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
SHARDS = 64  # entries of a mapping saved in shards (save_mapping)
LIBRARIES = ("Markdown", "nh3", "Jinja2", "Pygments", "PyYAML", "markdownify", "numpy", "scipy")


def digest(*parts: bytes | str) -> str:
    """A short, stable content hash of some strings or bytes (order matters). SHA-256, cut to 128
    bits: processors' SHA instructions hash 1.4 GB/s, where BLAKE2b, which has none, hashed 0.6."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()[:32]


class Cache:
    """Named entries in one folder; `load(name, key)` gives back what `save(name, key, value)`
    stored only when the key is the same (and the code's version too)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.pickle"

    def load(self, name: str, key: str) -> Any | None:
        path = self._path(name)
        try:
            with path.open("rb") as file, _without_gc():
                stored_key, value = pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception as error:  # torn, truncated or from another Python: never trusted
            log.info("Ignoring the unreadable cache entry %s (%s)", path, type(error).__name__)
            return None
        return value if stored_key == self._full_key(key) else None

    def save(self, name: str, key: str, value: Any) -> None:
        _write(self._path(name), self._full_key(key), value)

    def load_mapping(self, name: str, key: str) -> dict:
        """What save_mapping stored under this name and key (the shards that could be read)."""
        found: dict = {}
        for shard in range(SHARDS):
            found.update(self.load(_shard_name(name, shard), key) or {})
        return found

    def save_mapping(self, name: str, key: str, mapping: Mapping[str, Any], known: Mapping[str, Any]) -> None:
        """A large mapping kept as SHARDS entries, by the hash of each key, each written only
        when it is not what `known` (load_mapping's) holds: a rebuild after an edit writes one,
        not the whole (0.2 s of pickling for the documents of 10,000 story files)."""
        shards, before = _shards(mapping), _shards(known)
        for shard, part in enumerate(shards):
            if part != before[shard]:
                self.save(_shard_name(name, shard), key, part)

    @staticmethod
    def _full_key(key: str) -> str:
        return f"{code_version()}:{key}"


def _shard_name(name: str, shard: int) -> str:
    return f"{name}-{shard:02d}"


def _shards(mapping: Mapping[str, Any]) -> list[dict]:
    shards: list[dict] = [{} for _ in range(SHARDS)]
    for key, value in mapping.items():
        shards[zlib.crc32(key.encode("utf-8", "surrogateescape")) % SHARDS][key] = value
    return shards


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
