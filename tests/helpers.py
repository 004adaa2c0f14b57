"""Helpers for tests that run the command line or build whole sites."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run `python build.py ARGS` as a user would; bounded in time."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def copy_samples(target: Path) -> Path:
    """A fresh content folder holding the project's sample newsletters (and notes)."""
    shutil.copytree(ROOT / "content" / "newsletters", target / "newsletters")
    if (ROOT / "content" / "notes").is_dir():
        shutil.copytree(ROOT / "content" / "notes", target / "notes")
    return target


def copy_seeds(seeds: Path, target: Path) -> Path:
    """A content folder whose newsletters/ holds the five real seed issues."""
    (target / "newsletters").mkdir(parents=True)
    for seed in sorted(seeds.glob("0*.txt")):
        shutil.copy(seed, target / "newsletters" / seed.name)
    return target
