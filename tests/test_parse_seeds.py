"""The parser reads the five real seed issues as a careful reader does (../shared/seeds)."""

from __future__ import annotations

import pytest

from newsarchive.formats import parse_text
from tests import expectations
from tests.conftest import SEEDS

CASES = expectations.load(SEEDS / "expected.json") if (SEEDS / "expected.json").is_file() else []


def _parse(seeds, case):
    path = seeds / case["file"]
    return parse_text(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_finds_every_story_in_order_and_nothing_else(seeds, case):
    issue = _parse(seeds, case)
    found = [expectations.normalise(s.title) for s in issue.stories]
    assert found == [expectations.normalise(t) for t in case["stories"]]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_reads_issue_metadata(seeds, case):
    issue = _parse(seeds, case)
    assert issue.newsletter == case["newsletter"]
    assert issue.number == case["issue"]
    assert (issue.date.isoformat() if issue.date else None) == case["date"]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_section_headings_are_not_stories(seeds, case):
    issue = _parse(seeds, case)
    titles = {expectations.normalise(s.title) for s in issue.stories}
    assert not titles & {expectations.normalise(t) for t in case.get("not_stories", [])}
