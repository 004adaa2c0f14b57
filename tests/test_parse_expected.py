"""The parser reads whole issues as a careful reader does: the five real seed issues, the project's
own sample content and the golden pairs of every form in tests/samples/ (see `expectations`)."""

from __future__ import annotations

import pytest

from tests import expectations

CASES = [pytest.param(case, id=case.id) for case in expectations.golden_cases()]


@pytest.mark.parametrize("case", CASES)
def test_finds_every_story_in_order_and_nothing_else(case):
    issue = case.parse()
    found = [expectations.normalise(s.title) for s in issue.stories]
    assert found == [expectations.normalise(t) for t in case.expected["stories"]]


@pytest.mark.parametrize("case", CASES)
def test_reads_issue_metadata(case):
    issue = case.parse()
    assert issue.newsletter == case.expected["newsletter"]
    assert issue.number == case.expected["issue"]
    assert (issue.date.isoformat() if issue.date else None) == case.expected["date"]


@pytest.mark.parametrize("case", CASES)
def test_section_headings_are_not_stories(case):
    issue = case.parse()
    titles = {expectations.normalise(s.title) for s in issue.stories}
    assert not titles & {expectations.normalise(t) for t in case.expected.get("not_stories", [])}
