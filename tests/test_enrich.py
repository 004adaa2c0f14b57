"""Enrich: tags, related stories, mentions and backlinks, on inline archives and on the seeds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsarchive import enrich, load
from newsarchive.config import Config, NewsletterSection, TagsSection
from newsarchive.diagnostics import Diagnostics
from newsarchive.enrich import tags as tagging
from newsarchive.model import Archive, Issue, Newsletter, Note, Story
from tests.helpers import copy_seeds


def _story(sid: str, title: str, body: str, tags=(), date=dt.date(2026, 3, 1)) -> Story:
    newsletter, key, _ = sid.split("/")
    return Story(id=sid, issue=f"{newsletter}/{key}", newsletter=newsletter, position=1, title=title,
                 body=body, date=date, path=f"stories/{sid}.md", tags=tuple(tags))


def _archive(stories, notes=None) -> Archive:
    issues = sorted({s.issue for s in stories})
    return Archive(
        newsletters=tuple(Newsletter(slug, slug.replace("-", " ").title())
                          for slug in sorted({s.newsletter for s in stories})),
        issues=tuple(Issue(i, i.split("/")[0], i.split("/")[1], i.split("/")[1], f"Issue {i}",
                           dt.date(2026, 3, 1), "x.txt") for i in issues),
        stories=tuple(stories),
        notes=notes or {},
    )


CONFIG = Config(newsletters={"field-notes": NewsletterSection("Field Notes", aliases=["Notes"])})


def _enrich(archive: Archive, config: Config = CONFIG) -> tuple[Archive, Diagnostics]:
    diagnostics = Diagnostics()
    return enrich.enrich(archive, config, diagnostics), diagnostics


def test_taxonomy_phrase_in_the_title_or_twice_in_the_body_tags_a_story():
    archive, _ = _enrich(_archive([
        _story("field-notes/1/a", "AlphaFold predicts a structure", "A short note."),
        _story("field-notes/1/b", "Chips", "A chip story about chips and another chip."),
        _story("field-notes/1/c", "Weather", "It mentions one chip once."),
    ]))
    tags = {s.id: s.tags for s in archive.stories}
    assert "protein-folding" in tags["field-notes/1/a"] and "alphafold" in tags["field-notes/1/a"]
    assert "chips" in tags["field-notes/1/b"]
    assert "chips" not in tags["field-notes/1/c"]


def test_front_matter_and_note_tags_are_normalised_to_one_slug():
    story = _story("field-notes/1/a", "Something", "Text.", tags=["Reinforcement Learning", "Robots"])
    note = Note("field-notes/1/a", "notes/field-notes/1/a.md", "Mine.", tags=("Protein-Folding",))
    archive, _ = _enrich(_archive([story], {story.id: note}))
    assert {"reinforcement-learning", "protein-folding"} <= set(archive.stories[0].tags)
    assert archive.tag_names["protein-folding"] == "Protein folding"


def test_plural_tag_names_fold_into_a_known_singular():
    taxonomy = tagging.Taxonomy({"robot": "Robot"}, {}, {})
    assert tagging.normalise("Robots", taxonomy, {"robot"}) == "robot"
    assert tagging.normalise("Policies", taxonomy, {"policy"}) == "policy"
    assert tagging.normalise("News", taxonomy, set()) == "news"


def test_automatic_tag_needs_two_stories():
    archive, _ = _enrich(_archive([
        _story("field-notes/1/a", "One", "The startup Zorblax released a model, and Quillfeather did not."),
        _story("field-notes/1/b", "Two", "Reporters asked Zorblax about it."),
        _story("field-notes/1/c", "Three", "Nothing to see."),
        _story("field-notes/1/d", "Four", "Still nothing."),
    ]))
    assert archive.tags.get("zorblax") == ("field-notes/1/a", "field-notes/1/b")
    assert "quillfeather" not in archive.tags


def test_mentions_link_to_issues_in_the_archive_and_stay_plain_otherwise():
    stories = [
        _story("field-notes/3/a", "Three", "As we saw in Field Notes 2 and (Notes #2), but not Field Notes 9."),
        _story("field-notes/2/b", "Two", "Earlier text, and `Field Notes 2` in code."),
    ]
    archive, _ = _enrich(_archive(stories))
    body = archive.story_by_id["field-notes/3/a"].body
    assert "[Field Notes 2](archive:field-notes/2)" in body
    assert "([Notes #2](archive:field-notes/2))" in body
    assert "Field Notes 9." in body and "[Field Notes 9]" not in body
    assert archive.story_by_id["field-notes/2/b"].body.endswith("`Field Notes 2` in code.")
    assert archive.backlinks["field-notes/2"] == ("field-notes/3/a",)


def test_a_mention_in_another_case_than_the_name_links_even_where_casefold_differs():
    config = Config(newsletters={"field-notes": NewsletterSection("Field Notes", aliases=["Import Notes"])})
    stories = [_story("field-notes/3/a", "Three", "As İMPORT NOTES 2 said."), _story("field-notes/2/b", "Two", "B.")]
    archive, _ = _enrich(_archive(stories), config)
    assert "[İMPORT NOTES 2](archive:field-notes/2)" in archive.story_by_id["field-notes/3/a"].body


def test_mentions_use_the_url_pattern_for_issues_outside_the_archive():
    config = Config(newsletters={"field-notes": NewsletterSection(
        "Field Notes", url_pattern="https://example.com/issues/{number}/")})
    archive, _ = _enrich(_archive([_story("field-notes/3/a", "Three", "See Field Notes 9.")]), config)
    assert "[Field Notes 9](https://example.com/issues/9/)" in archive.stories[0].body


def test_wiki_links_in_notes_link_and_unknown_ids_are_warned_with_line():
    stories = [_story("field-notes/1/a", "Alpha", "A."), _story("field-notes/1/b", "Beta", "B.")]
    note = Note("field-notes/1/a", "notes/field-notes/1/a.md",
                "See [[field-notes/1/b]] and\n[[field-notes/1/b|the other one]] and [[nope/1/x]].")
    archive, diagnostics = _enrich(_archive(stories, {note.target: note}))
    body = archive.notes["field-notes/1/a"].body
    assert "[Beta](archive:field-notes/1/b)" in body and "[the other one](archive:field-notes/1/b)" in body
    assert [(p.path, p.line) for p in diagnostics.problems] == [("notes/field-notes/1/a.md", 2)]
    assert archive.backlinks["field-notes/1/b"] == ("field-notes/1/a",)


def test_note_for_a_missing_story_is_kept_aside_and_warned():
    note = Note("field-notes/1/gone", "notes/field-notes/1/gone.md", "Still mine.")
    archive, diagnostics = _enrich(_archive([_story("field-notes/1/a", "A", "A.")], {note.target: note}))
    assert archive.orphan_notes == (note,)
    assert "not in the archive" in diagnostics.problems[0].message


def test_related_stories_share_tags_or_words_and_give_a_reason():
    archive, _ = _enrich(_archive([
        _story("field-notes/1/a", "AlphaFold again", "Protein structure prediction with AlphaFold."),
        _story("other/5/b", "Protein folding solved?", "AlphaFold predicts protein structures."),
        _story("other/5/c", "Tax law", "Parliament debates a tax law about farming subsidies."),
    ]))
    related = archive.related["field-notes/1/a"]
    assert related[0].story == "other/5/b"
    assert related[0].reason.startswith("also about ")
    assert all(r.story != "other/5/c" for r in related)


def test_a_story_taking_a_tag_no_other_story_has_changes_no_other_storys_related_stories():
    """A shared tag's bonus does not hang on the archive's rarest tag: else an edit that makes a
    tag of one story would shift every score, and the lists (and pages) of stories far away."""
    def stories(extra_tag: tuple[str, ...]):
        return [
            _story("field-notes/1/a", "Robot arms", "Arms grasp cups.", tags=["robots"]),
            _story("field-notes/1/b", "Grippers", "Grippers hold pens.", tags=["robots"]),
            _story("field-notes/1/g", "Walkers", "Legs climb stairs.", tags=["robots"]),
            _story("other/5/c", "Warehouses", "Shelves hold boxes.", tags=["farming"]),
            _story("other/5/d", "Rice prices", "Traders watch prices.", tags=["farming"]),
            _story("other/5/e", "Rice farms", "Farms plant seedlings.", tags=["weather", *extra_tag]),
            _story("other/5/f", "Rain", "Rain falls on fields.", tags=["weather"]),
        ]

    given_tags_only = Config(tags=TagsSection(default_taxonomy=False, automatic=False))
    before, _ = _enrich(_archive(stories(())), given_tags_only)
    after, _ = _enrich(_archive(stories(("one-of-a-kind",))), given_tags_only)
    assert len(after.tags["one-of-a-kind"]) == 1 and before.related["other/5/d"]
    assert {sid: r for sid, r in after.related.items() if sid != "other/5/e"} == \
        {sid: r for sid, r in before.related.items() if sid != "other/5/e"}


def test_an_issue_without_a_date_takes_the_date_another_issue_gives_it():
    archive = _archive([_story("field-notes/2/a", "A", "A.", date=None), _story("field-notes/3/b", "B", "B.")])
    from newsarchive.model import IssueRef
    undated = Issue("field-notes/2", "field-notes", "2", "2", "Two", None, "x")
    dated = Issue("field-notes/3", "field-notes", "3", "3", "Three", dt.date(2026, 3, 1), "y",
                  other_issues=(IssueRef("Two", "2", dt.date(2026, 2, 20)),))
    archive = Archive(archive.newsletters, (undated, dated), archive.stories)
    enriched, _ = _enrich(archive)
    assert enriched.issue_by_id["field-notes/2"].date == dt.date(2026, 2, 20)
    assert enriched.story_by_id["field-notes/2/a"].date == dt.date(2026, 2, 20)


def _seed_archive(seeds: Path, tmp_path: Path) -> Archive:
    from newsarchive.ingest import ingest
    config = Config(root=tmp_path).with_build(content_dir=str(copy_seeds(seeds, tmp_path / "c")))
    diagnostics = Diagnostics()
    ingest(config, diagnostics)
    return enrich.enrich(load.load(config, diagnostics), config, diagnostics)


SEED_GROUPS = {
    "protein folding": ("dynamically-typed/21/deepmind-stunned", "import-ai/226/deepmind-cracks",
                        "import-ai/219/can-ai-tackle-climate-change"),
    "drug discovery": ("dynamically-typed/21/deepmind-stunned", "ml6-blog/2020-12-14/how-we-leverage",
                       "ml6-blog/2020-12-14/ai-against-covid-19", "old-drugs-for-new-ailments"),
}


@pytest.mark.parametrize("group", sorted(SEED_GROUPS))
def test_seed_stories_on_one_topic_relate_to_each_other(seeds, tmp_path, group):
    archive = _seed_archive(seeds, tmp_path)
    ids = [next(s.id for s in archive.stories if part in s.id) for part in SEED_GROUPS[group]]
    for story in ids:
        related = {r.story for r in archive.related[story]}
        assert set(ids) - {story} <= related, f"{story} misses some of its topic's stories"
