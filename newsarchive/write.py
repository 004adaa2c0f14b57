"""Write stage: pages -> the output folder, written aside and swapped in.

The whole site is put together in a fresh folder beside the output, which then replaces the old
one, so a build that fails part-way leaves the previous site as it was, and files of removed
stories do not linger. Only files whose bytes changed are written: a kept page (its inputs did not
change) and a page rendered to the same bytes are hard links to the file already there, so their
times stay as they were, and when no file changed at all the output folder is left untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .model import KeptPage, Page

Stamp = tuple[int, int, int]  # size, modification time (ns), inode: what a later build compares


def stamp(path: Path) -> Stamp | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


def still_written(output_dir: Path, written: Mapping[str, Stamp]) -> Callable[[str], bool]:
    """path -> whether the output file is still the one the last build wrote there."""
    return lambda path: path in written and stamp(output_dir / path) == written[path]


def write_site(pages: Iterable[Page | KeptPage], output_dir: Path,
               written: Mapping[str, Stamp] | None = None) -> dict[str, Stamp]:
    """Write all pages; return the stamp of every file of the new site. `written` (the previous
    build's stamps) says which files of the current output are as that build left them."""
    pages = list(pages)
    unchanged = still_written(output_dir, written or {})
    kept = {page.path for page in pages if isinstance(page, KeptPage)
            or (unchanged(page.path) and _same_bytes(output_dir / page.path, page.content))}
    if written and len(kept) == len(pages) == len(written) and kept == set(written):
        return dict(written)  # not one byte to change
    staging = output_dir.with_name(f".{output_dir.name}.new")
    _remove(staging)
    for page in pages:
        target = staging / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.path in kept:
            _link(output_dir / page.path, target)
        else:
            target.write_bytes(page.content)
    _swap_in(staging, output_dir)
    return {page.path: stamp(output_dir / page.path) for page in pages}


def _link(old: Path, target: Path) -> None:
    try:
        os.link(old, target)
    except OSError:  # a file system without hard links: copy the bytes instead
        shutil.copy2(old, target)


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
