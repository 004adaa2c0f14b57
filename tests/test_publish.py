"""Publishing: the GitHub Pages workflow is valid and the output has what Pages needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def _actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("actionlint is not installed (requirements-test.txt installs it)")
    return found


def test_pages_workflow_passes_actionlint():
    result = subprocess.run([_actionlint(), "-no-color", str(WORKFLOW)], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_workflow_builds_with_the_readme_command_and_least_permissions():
    text = WORKFLOW.read_text()
    assert "make site" in text and "make site" in (ROOT / "README.md").read_text()
    assert "steps.pages.outputs.base_url" in text
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in text
    assert "permissions: {}" in text and "pages: write" in text and "id-token: write" in text
