"""The search index across builds: what making it worked out (each story's term scores, each
term's entry, each document shard) is kept in the build cache, so a rebuild tokenises only the
stories whose text changed, encodes only their terms and makes only their document shards again;
and the index it writes is byte for byte the index of a build from nothing, whatever the cache
holds (or whether it holds anything)."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsarchive import pipeline, render, search
from newsarchive.model import Archive, Issue, Story
from tests.helpers import copy_samples
from tests.test_incremental import _assert_same_as_clean_build, _config, _story_file
from tests.test_search import synthetic_archive


@dataclass
class Work:
    """What making an index did: the titles of the stories it tokenised, the terms it encoded,
    the titles of the documents it wrote."""

    tokenised: list[str] = field(default_factory=list)
    encoded: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


@pytest.fixture
def work(monkeypatch) -> Work:
    done = Work()
    story_scores, encoded, document = search._story_scores, search._encoded, search._document

    def tokenising(inputs: tuple[str, ...]) -> dict[str, int]:
        done.tokenised.append(inputs[0])
        return story_scores(inputs)

    def encoding(by_term, terms: list[str]) -> list[str]:
        done.encoded += terms
        return encoded(by_term, terms)

    def writing(story: Story, *args) -> dict:
        done.written.append(story.title)
        return document(story, *args)

    monkeypatch.setattr(search, "_story_scores", tokenising)
    monkeypatch.setattr(search, "_encoded", encoding)
    monkeypatch.setattr(search, "_document", writing)
    return done


@pytest.fixture(scope="module")
def archive() -> Archive:
    return synthetic_archive(300)[0]


def entries_of(archive: Archive) -> dict[str, search.Entry]:
    return {s.id: search.Entry(f"{s.newsletter} · {s.date}", s.body) for s in archive.stories}


def edited(archive: Archive, number: int, **changes) -> Archive:
    """The archive with changes to its story `number` (in archive order)."""
    stories = list(archive.stories)
    stories[number] = dataclasses.replace(stories[number], **changes)
    return dataclasses.replace(archive, stories=tuple(stories))


def kept(archive: Archive, offline: bool = False) -> search.Kept:
    """What a build of the archive's index keeps."""
    return search.index(archive, entries_of(archive), offline)[1]


def index_again(archive: Archive, known: search.Kept, work: Work, offline: bool = False) -> Work:
    """What making the archive's index did, given what another build kept; the index it gives
    must equal the archive's index made from nothing."""
    entries = entries_of(archive)
    for done in (work.tokenised, work.encoded, work.written):
        done.clear()
    pages, _ = search.index(archive, entries, offline, known)
    done = Work(list(work.tokenised), list(work.encoded), list(work.written))
    assert pages == search.index_pages(archive, entries, offline)
    return done


def terms_of(archive: Archive, story: Story) -> set[str]:
    return set(search._story_scores(search._score_inputs(archive, story, entries_of(archive)[story.id])))


def shard_of(archive: Archive, story: Story) -> list[str]:
    """The titles of the documents in the story's document shard."""
    stories = search.documents(archive)
    start = stories.index(story) // search.DOCS_PER_SHARD * search.DOCS_PER_SHARD
    return [s.title for s in stories[start:start + search.DOCS_PER_SHARD]]


def test_an_unchanged_archive_is_neither_tokenised_encoded_nor_written_again(archive, work):
    assert index_again(archive, kept(archive), work) == Work()


def test_after_editing_one_story_only_it_is_tokenised_and_its_terms_and_shard_made_again(archive, work):
    story = archive.stories[42]
    changed = edited(archive, 42, body=story.body.replace(story.body.split()[0], "zyzzyva") + " and more")
    done = index_again(changed, kept(archive), work)
    assert done.tokenised == [story.title]
    assert done.encoded == sorted(terms_of(archive, story) | terms_of(changed, changed.stories[42]))
    assert done.written == shard_of(changed, changed.stories[42])


@pytest.mark.parametrize("change", [
    {"title": "A new title"},
    {"dek": "A dek now"},
    {"tags": ("tag-1", "a-tag-the-archive-does-not-have")},
])
def test_whatever_a_story_is_scored_from_tokenises_it_again(archive, work, change):
    changed = edited(archive, 7, **change)
    assert index_again(changed, kept(archive), work).tokenised == [changed.stories[7].title]


def test_renaming_a_tag_tokenises_again_the_stories_it_tags(archive, work):
    tag = archive.stories[0].tags[0]
    renamed = dataclasses.replace(archive, tag_names={tag: "Brand New Name"})
    tagged = sorted(s.title for s in archive.stories if tag in s.tags)
    assert sorted(index_again(renamed, kept(archive), work).tokenised) == tagged


def test_a_tag_the_archive_drops_tokenises_again_its_stories(archive, work):
    tag = archive.stories[0].tags[0]
    tags = {slug: ids for slug, ids in archive.tags.items() if slug != tag}
    dropped = dataclasses.replace(archive, tags=tags)
    tagged = sorted(s.title for s in archive.stories if tag in s.tags)  # their filter term goes
    assert sorted(index_again(dropped, kept(archive), work).tokenised) == tagged


def test_a_new_issue_makes_only_its_stories_terms_and_shard_again(archive, work):
    """Documents are numbered oldest first: the newest issue's come last, the others keep theirs."""
    longer = synthetic_archive(310)[0]  # the same 300 stories, then a newer issue of ten
    stories = longer.stories[-10:]
    grown = dataclasses.replace(archive, issues=longer.issues, stories=(*archive.stories, *stories))
    done = index_again(grown, kept(archive), work)
    assert sorted(done.tokenised) == sorted(story.title for story in stories)
    assert done.encoded == sorted(set().union(*(terms_of(grown, story) for story in stories)))
    assert done.written == shard_of(grown, stories[0])


def test_an_older_issue_added_and_a_story_removed_renumber_documents_as_a_clean_build_does(archive, work):
    older = Issue("news-0/old", "news-0", "old", None, "Old", archive.issues[0].date.replace(year=1999), "")
    oldest = dataclasses.replace(archive.stories[0], id=f"{older.id}/s1", issue=older.id, title="Oldest news")
    changed = dataclasses.replace(archive, issues=(older, *archive.issues),
                                  stories=(oldest, *archive.stories[:100], *archive.stories[101:]))
    assert index_again(changed, kept(archive), work).tokenised == ["Oldest news"]


def test_documents_linking_files_are_not_taken_for_documents_linking_folders(archive, work):
    assert len(index_again(archive, kept(archive), work, offline=True).written) == 300
    assert index_again(archive, kept(archive, offline=True), work, offline=True) == Work()


def test_what_another_archive_kept_changes_nothing(archive, work):
    other = kept(synthetic_archive(50, seed=3)[0])
    assert len(index_again(archive, other, work).tokenised) == 300
    assert index_again(Archive((), (), ()), other, work) == Work()


def test_the_kept_terms_take_8_bytes_a_score_beside_the_shard_entries(archive):
    terms = kept(archive).terms
    size = len(pickle.dumps(terms, protocol=pickle.HIGHEST_PROTOCOL))
    overhead = 50 * (len(terms.keys) + 2 * len(terms.terms))  # a pickled string's length and opcodes
    assert size < 8 * len(terms.scores) + sum(map(len, terms.pieces + terms.terms)) + overhead


# ---- in builds -------------------------------------------------------------------------------


@pytest.fixture
def built(tmp_path: Path):
    copy_samples(tmp_path / "content")
    config = _config(tmp_path)
    pipeline.build(config)
    return config


def _edit_a_story(config) -> str:
    """Adds a sentence to a story file; its title."""
    story = _story_file(config)
    text = story.read_text(encoding="utf-8")
    story.write_text(text + "\nA sentence added by the editor.\n", encoding="utf-8")
    return next(line.split(": ", 1)[1].strip('"') for line in text.splitlines() if line.startswith("title: "))


def test_a_rebuild_after_an_edit_tokenises_only_the_edited_story(built, work):
    title = _edit_a_story(built)
    pipeline.build(built)
    assert work.tokenised == [title]
    _assert_same_as_clean_build(built)


@pytest.mark.parametrize("entry", [b"\x80\x04 not a pickle", pickle.dumps(("another code version:", None))])
def test_a_corrupt_or_stale_search_cache_entry_is_ignored(built, work, entry):
    (built.cache_dir / f"{render.SEARCH_ENTRY}.pickle").write_bytes(entry)
    _edit_a_story(built)
    result = pipeline.build(built)
    assert len(work.tokenised) == result.stories  # every story tokenised again
    _assert_same_as_clean_build(built)
