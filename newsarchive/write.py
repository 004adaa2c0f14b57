"""Write stage: pages -> the output folder, written aside, then moved in.

Every file a build writes is first written whole into a staging folder beside the output, so a
build that fails while writing (a full disk, say) leaves the previous site as it was, and no file
of the site is ever half-written. A first build (or one that cannot tell what the output holds)
then swaps the staging folder in for the output folder. A later build writes only the files whose
bytes changed and moves each into place with an atomic rename; files of removed pages are deleted.
Files kept as they were keep their times, which is what deploy tools compare.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .model import KeptPage, Page

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


def write_site(pages: Iterable[Page | KeptPage], output_dir: Path,
               written: Mapping[str, Stamp] | None = None) -> dict[str, Stamp]:
    """Write all pages; return the stamp of every file of the site. `written` (the last build's
    stamps) says which files of the output are as that build left them."""
    pages = list(pages)
    if not written or not output_dir.is_dir():
        return _write_whole(pages, output_dir)
    still = still_written(output_dir, written)
    changed = [page for page in pages if isinstance(page, Page)
               and not (still(page.path) and _same_bytes(output_dir / page.path, page.content))]
    staging = _staged(changed, output_dir)
    for page in changed:
        target = output_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / page.path, target)
    _remove(staging)
    _delete_gone(output_dir, set(written) - {page.path for page in pages})
    stamps = {page.path: written.get(page.path) for page in pages}
    stamps.update((page.path, stamp(output_dir / page.path)) for page in changed)
    return stamps


def _write_whole(pages: list[Page | KeptPage], output_dir: Path) -> dict[str, Stamp]:
    """The whole site into the staging folder, which then replaces the output folder."""
    if any(isinstance(page, KeptPage) for page in pages):
        raise ValueError("a kept page needs the output it was kept in")
    _swap_in(_staged(pages, output_dir), output_dir)
    return {page.path: stamp(output_dir / page.path) for page in pages}


def _staged(pages: list[Page], output_dir: Path) -> Path:
    staging = output_dir.with_name(f".{output_dir.name}.new")
    _remove(staging)
    staging.mkdir(parents=True)
    folders = {staging}
    for page in pages:
        target = staging / page.path
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(page.content)
    return staging


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
