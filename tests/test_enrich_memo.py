"""Enrich with a build cache: what it reads off each text alone (issue mentions, taxonomy phrases,
terms, names) is kept by the text's digest, so a rebuild reads only the texts that changed, and
its result is always exactly what enrich without a cache gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import numpy as np
import pytest

from newsarchive import enrich
from newsarchive.cache import Cache
from newsarchive.config import Config, NewsletterSection, TaxonomyEntry
from newsarchive.diagnostics import Diagnostics, Problem
from newsarchive.enrich import bags, links, memo
from newsarchive.enrich import tags as tagging
from newsarchive.model import Archive, Issue, Newsletter, Note, Story

CONFIG = Config(newsletters={"field-notes": NewsletterSection("Field Notes", aliases=["Notes"])})
BODIES = {
    "field-notes/1/alphafold": "DeepMind's AlphaFold predicts protein structures. Zorblax disagrees.",
    "field-notes/1/chips": "Export rules for chips and more chips; Zorblax makes chips too.",
    "field-notes/2/robots": "As Field Notes 1 said, robots grasp things. See also Field Notes 3.",
    "other/7/weather": "Forecasts from the Quillfeather model, unlike `Field Notes 1`, use radar.",
    "other/7/folding": "Protein folding again: AlphaFold and the Quillfeather team compare notes.",
}


def _story(sid: str, body: str) -> Story:
    newsletter, key, slug = sid.split("/")
    return Story(id=sid, issue=f"{newsletter}/{key}", newsletter=newsletter, position=1,
                 title=slug.title(), body=body, date=dt.date(2026, 3, int(key)), path=f"stories/{sid}.md")


def _issue(issue_id: str, intro: str = "") -> Issue:
    newsletter, key = issue_id.split("/")
    return Issue(issue_id, newsletter, key, key, f"Issue {key}", dt.date(2026, 3, int(key)), "x.txt",
                 intro=intro)


def _archive(bodies: dict[str, str] = BODIES) -> Archive:
    stories = tuple(_story(sid, body) for sid, body in bodies.items())
    note = Note("field-notes/1/chips", "notes/field-notes/1/chips.md",
                "Compare [[field-notes/1/alphafold]] and\n[[no/such/story|this one]].", tags=("Robots",))
    return Archive(
        newsletters=(Newsletter("field-notes", "Field Notes"), Newsletter("other", "Other")),
        issues=tuple(_issue(i, "Back to Field Notes 1." if i == "other/7" else "")
                     for i in sorted({s.issue for s in stories})),
        stories=stories,
        notes={note.target: note},
    )


def _enrich(archive: Archive, cache: Cache | None = None,
            config: Config = CONFIG) -> tuple[Archive, list[Problem]]:
    diagnostics = Diagnostics()
    return enrich.enrich(archive, config, diagnostics, cache), diagnostics.problems


def _edited(archive: Archive, sid: str, body: str) -> Archive:
    stories = tuple(dataclasses.replace(s, body=body) if s.id == sid else s for s in archive.stories)
    return dataclasses.replace(archive, stories=stories)


@pytest.fixture
def cache(tmp_path) -> Cache:
    return Cache(tmp_path / "cache")


@pytest.fixture
def reads(monkeypatch) -> dict[str, list[str]]:
    """What enrich reads text for: the stories it matches taxonomy phrases in (by title), the
    texts it looks for issue mentions in."""
    found: dict[str, list[str]] = {"phrases": [], "mentions": []}
    taxonomy_tags, mentions = tagging.taxonomy_tags, links.MentionLinker.mentions

    def matching(matcher, title, body):
        found["phrases"].append(title)
        return taxonomy_tags(matcher, title, body)

    def finding(linker, text):
        found["mentions"].append(text)
        return mentions(linker, text)

    monkeypatch.setattr(tagging, "taxonomy_tags", matching)
    monkeypatch.setattr(links.MentionLinker, "mentions", finding)
    return found


def test_enrich_with_a_cache_gives_what_enrich_without_one_gives(cache):
    clean = _enrich(_archive())
    assert clean[0].related and clean[0].backlinks and clean[1]  # the archive exercises every step
    assert _enrich(_archive(), cache) == clean  # the cache empty
    assert _enrich(_archive(), cache) == clean  # the cache full


def test_after_editing_one_story_only_that_story_is_read_again(cache, reads):
    _enrich(_archive(), cache)
    edited = _edited(_archive(), "other/7/weather", "Quillfeather forecasts protein folding, see Notes 2.")
    reads["phrases"].clear(), reads["mentions"].clear()
    result = _enrich(edited, cache)
    assert reads == {"phrases": ["Weather"], "mentions": [edited.story_by_id["other/7/weather"].body]}
    assert result == _enrich(edited)


def test_an_unchanged_archive_reads_no_text_again(cache, reads):
    clean = _enrich(_archive(), cache)
    reads["phrases"].clear(), reads["mentions"].clear()
    assert _enrich(_archive(), cache) == clean
    assert reads == {"phrases": [], "mentions": []}


def test_a_mention_read_earlier_links_to_an_issue_added_since(cache):
    archive, _ = _enrich(_archive(), cache)
    assert "[Field Notes 3]" not in archive.story_by_id["field-notes/2/robots"].body
    grown = _archive({**BODIES, "field-notes/3/later": "A later story."})
    result, _ = _enrich(grown, cache)
    assert "[Field Notes 3](archive:field-notes/3)" in result.story_by_id["field-notes/2/robots"].body
    assert result == _enrich(grown)[0]


def test_warnings_come_from_every_enrich_the_cache_serves(cache):
    _, first = _enrich(_archive(), cache)
    _, again = _enrich(_archive(), cache)
    assert [(p.path, p.line) for p in first] == [("notes/field-notes/1/chips.md", 2)]
    assert again == first


def test_a_corrupt_enrich_cache_entry_is_ignored(cache, reads):
    clean = _enrich(_archive(), cache)
    entries = sorted(cache.folder.glob("enrich-*"))
    assert [e.name for e in entries] == ["enrich-facts.pickle", "enrich-mentions.pickle"]
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:100])
    assert _enrich(_archive(), cache) == clean
    reads["phrases"].clear(), reads["mentions"].clear()
    assert _enrich(_archive(), cache) == clean  # and the entries written again serve the next one
    assert reads == {"phrases": [], "mentions": []}


def test_an_entry_for_another_taxonomy_is_stale_and_every_story_is_read_again(cache, reads):
    _enrich(_archive(), cache)
    config = dataclasses.replace(CONFIG, taxonomy={"weather": TaxonomyEntry("Weather", ["use radar"])})
    reads["phrases"].clear()
    result, _ = _enrich(_archive(), cache, config)
    assert sorted(reads["phrases"]) == sorted(s.title for s in _archive().stories)
    assert "weather" in result.story_by_id["other/7/weather"].tags
    assert result == _enrich(_archive(), config=config)[0]


def test_the_cache_keeps_the_facts_of_the_latest_texts_only(cache):
    _enrich(_archive(), cache)
    edited = _edited(_archive(), "field-notes/1/chips", "Now about robots.")
    _enrich(edited, cache)
    taxonomy = tagging.load_taxonomy(CONFIG)
    kept = cache.load(memo.FACTS_ENTRY, memo.digest(repr(taxonomy.phrases)))
    assert len(kept.digests) == len(edited.stories) and kept.terms.counts.shape[0] == len(edited.stories)
    assert "export" not in kept.terms.tokens  # the old text's terms went with it


def _assert_same_bag(found: bags.Bag, expected: bags.Bag) -> None:
    assert found.tokens == expected.tokens
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(found.counts, part), getattr(expected.counts, part)), part


def test_rows_of_stacked_bags_equal_the_bag_counted_at_once():
    texts = [["b", "a", "b"], ["c"], [], ["a", "d", "d", "d"]]
    earlier, later = bags.counted(texts[:2]), bags.counted(texts[2:])
    picked = np.array([3, 0, 0, 2])  # rows of the stack: a text of each, one twice, one dropped
    _assert_same_bag(bags.stacked([earlier, later]).rows(picked),
                     bags.counted([texts[3], texts[0], texts[0], texts[2]]))


def test_a_bag_by_chunk_counts_what_each_tokeniser_finds_in_the_whole_texts():
    texts = ["Big big words, BIG\nwords", "", "words\tand more words"]
    lower, upper = re.compile(r"[a-z]+").findall, re.compile(r"[A-Z]+").findall
    for tokenise, bag in zip((lower, upper), bags.by_chunk(texts, lower, upper), strict=True):
        _assert_same_bag(bag, bags.counted([tokenise(text) for text in texts]))
