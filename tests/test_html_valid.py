"""Valid HTML: the W3C Nu checker (npm's vnu-jar, run with the machine's Java) finds no error on one
page of every kind, built from the samples with a base URL (so canonical and Open Graph tags are
there), the download link, an editor's note and an orphaned note."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_browser import build, page_types, required, sample_content

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"  # `make test` installs it: npm ci


def java() -> str:
    found = shutil.which("java")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("java is not installed (.ci/run installs it)")
    pytest.skip("java is not installed (apt-get install default-jre-headless)")


def nu_errors(files: list[Path]) -> list[dict]:
    """The checker's error messages for these files (it reports them as JSON on stderr)."""
    command = [java(), "-jar", str(required(VNU, "vnu-jar")), "--errors-only", "--format", "json",
               *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    return json.loads(result.stderr)["messages"]


def test_one_page_of_every_kind_is_valid_html(tmp_path):
    samples = sample_content(tmp_path)
    site = build(samples.content, tmp_path / "site", "--zip", "--base-url", "https://example.org/archive/")
    pages = page_types(site, samples.story)
    errors = nu_errors([site / path for path in pages.values()])
    assert [(e.get("url"), e.get("lastLine"), e["message"]) for e in errors] == []


def test_the_checker_does_report_errors(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><p><div>x</p>", encoding="utf-8")
    assert nu_errors([page])
