"""The parser reads whole issues as a careful reader does: the five real seed issues
(../shared/seeds/expected.json) and the project's own sample content
(tests/golden/content.expected.json, paths relative to content/newsletters/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.formats import parse_text
from tests import expectations
from tests.conftest import ROOT, SEEDS

SAMPLES = ROOT / "content" / "newsletters"
GOLDEN = ROOT / "tests" / "golden" / "content.expected.json"


def _cases() -> list:
    cases = []
    for folder, expected in ((SEEDS, SEEDS / "expected.json"), (SAMPLES, GOLDEN)):
        if expected.is_file():
            cases += [pytest.param(folder, c, id=c["file"]) for c in expectations.load(expected)]
    return cases


def _parse(folder: Path, case: dict):
    path = folder / case["file"]
    return parse_text(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize("folder,case", _cases())
def test_finds_every_story_in_order_and_nothing_else(folder, case):
    issue = _parse(folder, case)
    found = [expectations.normalise(s.title) for s in issue.stories]
    assert found == [expectations.normalise(t) for t in case["stories"]]


@pytest.mark.parametrize("folder,case", _cases())
def test_reads_issue_metadata(folder, case):
    issue = _parse(folder, case)
    assert issue.newsletter == case["newsletter"]
    assert issue.number == case["issue"]
    assert (issue.date.isoformat() if issue.date else None) == case["date"]


@pytest.mark.parametrize("folder,case", _cases())
def test_section_headings_are_not_stories(folder, case):
    issue = _parse(folder, case)
    titles = {expectations.normalise(s.title) for s in issue.stories}
    assert not titles & {expectations.normalise(t) for t in case.get("not_stories", [])}
