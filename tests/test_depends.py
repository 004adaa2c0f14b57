"""Digests of page inputs and dependencies: equal values give equal digests, whatever objects
they share, and any change to a value changes its digest."""

import array
import dataclasses
import datetime as dt
import pickle
from types import SimpleNamespace

from newsarchive.depends import (
    Fingerprints,
    Made,
    Paged,
    PageJob,
    Pager,
    PageRecord,
    TrackedArchive,
    Tracker,
    Values,
)
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


def _pages(archive: SimpleNamespace, previous: Made, jobs: dict[str, str]) -> Paged:
    """One page per (path, tag): "yes" when the archive has the tag, else what the "other" tag's
    entry holds; nothing is carried back."""
    tracker = Tracker()
    values = Values(lambda name: getattr(archive, name), {}, {})
    pager = Pager(tracker, TrackedArchive(archive, tracker), values, previous,
                  reusable=lambda path: True, output=lambda page: None)

    def make(path: str, tag: str):
        return lambda view: Page(path, b"yes" if tag in view.tags else view.tags.get("other", "").encode())

    return pager.pages([PageJob(path, tag, make(path, tag)) for path, tag in jobs.items()])


def test_what_a_page_read_last_time_decides_whether_it_is_made_again_and_only_that_is_kept():
    jobs = {"b.html": "robots", "a.html": "ai"}  # "other", read by b.html alone, is numbered before "ai"
    first = _pages(SimpleNamespace(tags={"ai": "1", "other": "x"}), Made(), jobs)
    assert first.made_count == 2 and len(first.made.deps) == 3  # has ai, has robots, item other
    # "robots" is there now: b.html no longer reads "other", which no page reads any more
    second = _pages(SimpleNamespace(tags={"ai": "1", "robots": "2", "other": "x"}), first.made, jobs)
    assert second.made_count == 1
    assert sorted(second.made.deps) == [("has", "tags", "ai"), ("has", "tags", "robots")]
    assert _read(second.made) == {"a.html": [("has", "tags", "ai")], "b.html": [("has", "tags", "robots")]}
    third = _pages(SimpleNamespace(tags={"ai": "1", "robots": "2", "other": "y"}), second.made, jobs)
    assert third.made_count == 0  # "other" changed, and nothing reads it now
    gone = _pages(SimpleNamespace(tags={"robots": "2", "other": "y"}), third.made, jobs)
    assert gone.made_count == 1  # a.html, which reads "other" again
    assert _read(gone.made) == {"a.html": [("has", "tags", "ai"), ("item", "tags", "other")],
                                "b.html": [("has", "tags", "robots")]}


def _read(made: Made) -> dict[str, list[tuple]]:
    """What each record says its page read, through the table."""
    return {path: [made.deps[n] for n in record.deps] for path, record in made.records.items()}


def test_what_a_build_made_comes_back_from_the_cache_as_it_was():
    deps = (("item", "stories", "n/1/a"), ("len", "stories"), ("template", "story.html"))
    records = {"a/index.html": PageRecord(("a/index.html",), "d1", array.array("i", [0, 2])),
               "search/data": PageRecord(("search/data/t0.js", "search/data/t1.js"), "d2", array.array("i")),
               "b/index.html": PageRecord(("b/index.html",), "d3", array.array("i", [2, 1, 0]))}
    made = Made(records, deps, ("=x", "3", "t"))
    back = pickle.loads(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == made and list(back.records) == list(made.records)
    assert all(type(r.deps) is array.array and r.deps.typecode == "i" for r in back.records.values())
    assert pickle.loads(pickle.dumps(Made())) == Made()
