"""Digests of page inputs and dependencies: equal values give equal digests, whatever objects
they share, and any change to a value changes its digest."""

import dataclasses
import datetime as dt
import pickle
from types import SimpleNamespace

from newsarchive.depends import Fingerprints, Made, Paged, PageJob, Pager, TrackedArchive, Tracker, Values
from newsarchive.model import Page, Source, Story


def _story(title: str = "AlphaFold", body: str = "Proteins.") -> Story:
    return Story(id="n/1/a", issue="n/1", newsletter="n", position=1, title=title, body=body,
                 date=dt.date(2020, 12, 7), path="stories/n/1/01-a.md", tags=("biology",),
                 sources=(Source("Paper", "arXiv", "https://arxiv.org/abs/1"),))


def test_equal_values_give_equal_digests_however_their_objects_are_shared():
    shared = _story()
    assert Fingerprints().of((shared, [shared], {"next": shared})) == \
        Fingerprints().of((_story(), [_story()], {"next": _story()}))


def test_a_copy_digests_like_the_original():
    story = _story()
    fingerprints = Fingerprints()
    assert fingerprints.of(pickle.loads(pickle.dumps(story))) == fingerprints.of(story)


def test_any_change_inside_a_value_changes_its_digest():
    fingerprints = Fingerprints()
    base = fingerprints.of({"stories": [_story()]})
    assert fingerprints.of({"stories": [_story(body="Proteins!")]}) != base
    assert fingerprints.of({"stories": [_story(title="AlphaFold 2")]}) != base
    assert fingerprints.of({"stories": [_story(), _story()]}) != base
    assert fingerprints.of({"story": [_story()]}) != base
    assert fingerprints.of(_story()) != fingerprints.of((_story(),))


def test_a_change_inside_a_small_value_with_slots_changes_the_digest():
    fingerprints = Fingerprints()
    other_source = (Source("Paper", "arXiv", "https://arxiv.org/abs/2"),)
    assert fingerprints.of(dataclasses.replace(_story(), sources=other_source)) != fingerprints.of(_story())


def _made_once(tags: dict, previous: Made) -> Paged:
    """One page that only asks whether the archive has the tag "ai"."""
    tracker, archive = Tracker(), SimpleNamespace(tags=tags)
    values = Values(lambda name: getattr(archive, name), {}, {})
    pager = Pager(tracker, TrackedArchive(archive, tracker), values, previous,
                  reusable=lambda path: True, output=lambda page: None)
    job = PageJob("p.html", None, lambda view: Page("p.html", b"yes" if "ai" in view.tags else b"no"))
    return pager.pages([job])


def test_a_page_that_asks_whether_a_key_is_there_depends_on_that_alone():
    first = _made_once({"ai": ("s1",)}, Made())
    assert _made_once({"ai": ("s1", "s2")}, first.made).made_count == 0  # the tag has one story more
    assert _made_once({}, first.made).made_count == 1
