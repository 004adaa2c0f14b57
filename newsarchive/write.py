"""Write stage: pages -> the output folder, written aside and swapped in.

The whole site is written into a fresh folder beside the output, which then replaces the old one,
so a build that fails part-way leaves the previous site as it was, and files of removed stories
do not linger.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from .model import Page


def write_site(pages: Iterable[Page], output_dir: Path) -> int:
    """Write all pages; return how many files were written."""
    staging = output_dir.with_name(f".{output_dir.name}.new")
    _remove(staging)
    count = 0
    for page in pages:
        target = staging / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.content)
        count += 1
    _swap_in(staging, output_dir)
    return count


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
