"""Write stage: pages -> the output folder, written aside as they are made, then moved in.

Every file a build writes is first written whole into a staging folder beside the output, so a
build that fails (a template error, a full disk) leaves the previous site as it was, no file of
the site is ever half-written, and pages need not all be held in memory. A first build (or one
that cannot tell what the output holds) then swaps the staging folder in for the output folder. A
later build writes only the files whose bytes changed and moves each into place with an atomic
rename; files of removed pages are deleted. Files kept as they were keep their times, which is
what deploy tools compare.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .model import Page

Stamp = tuple[int, int, int]  # size, modification time (ns), inode: what a later build compares


def stamp(path: Path | str) -> Stamp | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


def still_written(output_dir: Path, written: Mapping[str, Stamp]) -> Callable[[str], bool]:
    """path -> whether the output file is still the one the last build wrote there."""
    folder = str(output_dir)
    return lambda path: path in written and stamp(f"{folder}/{path}") == written[path]


def unchanged(output_dir: Path, written: Mapping[str, Stamp]) -> bool:
    """Is every file the last build wrote still there as it wrote it?"""
    still = still_written(output_dir, written)
    return bool(written) and all(map(still, written))


def put_now(output_dir: Path, page: Page) -> None:
    """Write one page straight into the output, by atomic rename (serve's preview of an edited
    story). The stamp it leaves is not the one the last build recorded, so the next build makes
    the page again."""
    target = output_dir / page.path
    aside = target.with_name(f".{target.name}.new")
    aside.write_bytes(page.content)
    os.replace(aside, target)


class Staging:
    """The files of one build, written aside as they are made (put), then moved in (finish).

    A file whose bytes are what the output already holds (as the last build left it) is not
    written again. A first build, or one that cannot tell what the output holds, writes every
    file and swaps the staging folder in for the output folder."""

    def __init__(self, output_dir: Path, written: Mapping[str, Stamp] | None = None):
        self.output_dir, self.written = output_dir, dict(written or {})
        self.whole = not self.written or not output_dir.is_dir()
        self.folder = output_dir.with_name(f".{output_dir.name}.new")
        self._still = still_written(output_dir, self.written)
        _remove(self.folder)
        self.folder.mkdir(parents=True)
        self._folders = {""}  # made in the staging folder (by this process: workers add their own)

    def put(self, page: Page) -> None:
        """Write the page aside, unless the output already has these bytes there. Forked
        workers put pages too: what they write is found in the folder by finish()."""
        if (not self.whole and self._still(page.path)
                and _same_bytes(self.output_dir / page.path, page.content)):
            return
        folder, _, _ = page.path.rpartition("/")
        if folder not in self._folders:  # a build writes tens of thousands of files, a few per folder
            os.makedirs(f"{self.folder}/{folder}", exist_ok=True)
            self._folders.add(folder)
        with open(f"{self.folder}/{page.path}", "wb") as file:
            file.write(page.content)

    def finish(self, paths: Iterable[str]) -> dict[str, Stamp]:
        """Move what was written aside into the output, delete the files of pages that are gone,
        and return the stamp of every file of the site (`paths`)."""
        paths = set(paths)
        if self.whole:
            _swap_in(self.folder, self.output_dir)
            return {path: stamp(self.output_dir / path) for path in sorted(paths)}
        moved = _files_under(self.folder)
        for path in moved:
            target = self.output_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder / path, target)
        _remove(self.folder)
        _delete_gone(self.output_dir, set(self.written) - paths)
        stamps = {path: self.written.get(path) for path in sorted(paths)}
        stamps.update((path, stamp(self.output_dir / path)) for path in moved)
        return stamps

    def abandon(self) -> None:
        """A build that failed: the output stays as it was."""
        _remove(self.folder)


def _files_under(folder: Path) -> list[str]:
    found = []
    for parent, _, files in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        found += (name if relative == "." else f"{relative}/{name}" for name in files)
    return sorted(found)


def _delete_gone(output_dir: Path, paths: set[str]) -> None:
    """Delete the files of pages the site no longer has, and the folders that leaves empty."""
    for path in sorted(paths):
        target = output_dir / path
        target.unlink(missing_ok=True)
        for folder in target.parents:
            if folder == output_dir or any(folder.iterdir()):
                break
            folder.rmdir()


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _swap_in(staging: Path, output_dir: Path) -> None:
    retired = output_dir.with_name(f".{output_dir.name}.old")
    _remove(retired)
    if output_dir.exists():
        output_dir.rename(retired)
    staging.rename(output_dir)
    _remove(retired)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
