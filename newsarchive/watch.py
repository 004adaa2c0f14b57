"""Serve stage, watching: which file changes should rebuild the preview, and when.

watchdog watches folders, never single files and never the output folder: the content folder (only
its newsletters/, notes/ and stories/ count), the theme, and the config file's folder (only the
config file counts there). Editors save in many ways (in place, temp file renamed over the original,
delete and re-create), so every created, modified, deleted or moved path is reported, editors' own
swap and backup files aside. A Debouncer gathers a burst of such paths into one set, and a
BuildFootprint tells the build's own writes under stories/ (ingest adds story files for new issues)
from a person's edits there, so a rebuild never triggers another.
"""

from __future__ import annotations

import os
import re
import stat
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from .config import Config

CONTENT_FOLDERS = ("newsletters", "notes", "stories")
_CHANGES = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}
# The events asked of the kernel: only those that can mean a change. By default watchdog also asks
# for every open and close, and a build reading a large archive (or watchdog listing its 10,000
# folders after an overflow) then overflows inotify's queue again and again.
WATCHED_EVENTS = [FileCreatedEvent, DirCreatedEvent, FileModifiedEvent, FileDeletedEvent, DirDeletedEvent,
                  FileMovedEvent, DirMovedEvent]
# vim (.swp, 4913, ~), emacs (.#x, #x#), JetBrains (___jb_tmp___), gedit (.goutputstream-), *.tmp:
# temporary files around a save; the save itself still shows up as the real file's event.
_EDITOR_DEBRIS = re.compile(r"^\.#|^#.*#$|~$|\.sw[a-p]$|\.tmp$|^4913$|___jb_(tmp|old)___$|^\.goutputstream-")

Fingerprint = tuple[int, ...]


@dataclass(frozen=True)
class WatchRule:
    """One watched folder and which paths under it count."""

    folder: Path
    recursive: bool
    only_under: tuple[Path, ...] = ()  # empty: everything in the folder counts
    only_name: str = ""  # the config folder: just the config file

    def accepts(self, path: Path) -> bool:
        if _EDITOR_DEBRIS.search(path.name):
            return False
        if self.only_name and path.name != self.only_name:
            return False
        return not self.only_under or any(path.is_relative_to(under) for under in self.only_under)


def watch_rules(config: Config, config_file: Path) -> list[WatchRule]:
    content, config_file = config.content_dir.resolve(), config_file.resolve()
    return [
        WatchRule(content, True, only_under=tuple(content / name for name in CONTENT_FOLDERS)),
        WatchRule(config.theme_dir.resolve(), True),
        WatchRule(config_file.parent, False, only_name=config_file.name),
    ]


class _Forward(FileSystemEventHandler):
    """Hands the paths of one watched folder's relevant events to `sink`."""

    def __init__(self, rule: WatchRule, sink: Callable[[set[Path]], None]):
        self.rule, self.sink = rule, sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGES:
            return
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return  # a folder's own "modified" only echoes a change to an entry, which has its own event
        paths = {Path(os.fsdecode(p)) for p in (event.src_path, event.dest_path) if p}
        wanted = {p for p in paths if self.rule.accepts(p)}
        if wanted:
            self.sink(wanted)


class Watcher:
    """A watchdog observer over the rules' folders; start() and stop() (which joins its threads)."""

    def __init__(self, rules: Iterable[WatchRule], sink: Callable[[set[Path]], None]):
        self._observer = Observer()
        for rule in rules:
            self._observer.schedule(_Forward(rule, sink), str(rule.folder), recursive=rule.recursive,
                                    event_filter=WATCHED_EVENTS)

    def start(self) -> None:
        # When a folder tree appears (ingest writes a new issue), watchdog may add a watch twice, by
        # its own walk and by the folders' creation events, and warns; the re-adding is harmless.
        warnings.filterwarnings("ignore", "Callback with id .* already exists", RuntimeWarning)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join()

    def __enter__(self) -> Watcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Debouncer:
    """Collects changed paths and hands them over as one set once `quiet` seconds pass without a
    new one, or `patience` seconds after the first, so that a steady stream still rebuilds."""

    def __init__(self, quiet: float = 0.1, patience: float = 1.0):
        self.quiet, self.patience = quiet, patience
        self._changed = threading.Condition()
        self._paths: set[Path] = set()
        self._first = self._last = 0.0
        self._closed = False

    def add(self, paths: Iterable[Path]) -> None:
        with self._changed:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.update(paths)
            self._last = now
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait(self) -> set[Path] | None:
        """The next burst of changed paths; None once closed."""
        with self._changed:
            while not self._closed:
                if not self._paths:
                    self._changed.wait()
                    continue
                remaining = min(self._last + self.quiet, self._first + self.patience) - time.monotonic()
                if remaining <= 0:
                    burst, self._paths = self._paths, set()
                    return burst
                self._changed.wait(remaining)
            return None


class BuildFootprint:
    """The stories folder as it was just before and just after the last build.

    A path whose state now is what the build left, and that the build created or did not touch,
    changed because of the build itself (or not at all): no rebuild. A file a person edited during
    the build differs before and after, so it does rebuild, in case the build read it too early.
    """

    def __init__(self, stories: Path):
        self.stories = stories.resolve()
        self._before: dict[Path, Fingerprint] = {}
        self._after: dict[Path, Fingerprint] = {}

    def before_build(self) -> None:
        self._before = _fingerprints(self.stories)

    def after_build(self) -> None:
        self._after = _fingerprints(self.stories)

    def made_by_build(self, path: Path) -> bool:
        if not path.is_relative_to(self.stories):
            return False
        after = self._after.get(path)
        return _fingerprint(path) == after and self._before.get(path) in (None, after)


def _fingerprints(folder: Path) -> dict[Path, Fingerprint]:
    """The folder itself and everything under it."""
    paths = [folder]
    for parent, dirs, files in os.walk(folder):
        paths += (Path(parent, name) for name in (*dirs, *files))
    marks = {path: _fingerprint(path) for path in paths}
    return {path: mark for path, mark in marks.items() if mark is not None}


def _fingerprint(path: Path) -> Fingerprint | None:
    """Size, modification time and inode: any save changes one of them (an atomic rename the inode)."""
    try:
        status = path.stat()
    except OSError:
        return None
    # A folder counts only as being there: its times move whenever an entry changes.
    return (0,) if stat.S_ISDIR(status.st_mode) else (status.st_size, status.st_mtime_ns, status.st_ino)
