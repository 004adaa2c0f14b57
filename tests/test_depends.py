"""Digests of page inputs and dependencies: equal values give equal digests, whatever objects
they share, and any change to a value changes its digest."""

import datetime as dt
import pickle

from newsarchive.depends import Fingerprints
from newsarchive.model import Source, Story


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
