"""Render stage: what enrich adds (tag names, notes, related stories, backlinks, archive: links,
outros, other issues, orphaned notes), shown on an in-memory archive with the real theme."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from newsarchive import views
from newsarchive.config import Config, TagsSection
from newsarchive.model import Archive, IssueRef, Note, Related
from tests.test_render import ROOT, assert_links_resolve, render_pages, small_archive

FOLDS = "import-ai/226/deepmind-folds-proteins"
LAST = "import-ai/226/last-one"
ROBOTS = "import-ai/225/robots-learn"
UNDATED = "the-batch/spring-special/undated-story"


def enriched_archive() -> Archive:
    """small_archive() as enrich leaves it: bodies with archive: links, notes on every kind of
    page plus one orphan, tag names, related stories, backlinks, an outro and other issues."""
    base = small_archive()
    links = f"See [the robots story](archive:{ROBOTS}) and [x](archive:nope)."
    stories = tuple(dataclasses.replace(s, body=f"{s.body}\n\n{links}") if s.id == LAST else s
                    for s in base.stories)
    issues = tuple(
        dataclasses.replace(i, outro="Thanks for reading [the last issue](archive:import-ai/225).",
                            other_issues=(IssueRef("Robots", "225", dt.date(2020, 11, 30)),
                                          IssueRef("Older things", "224", dt.date(2020, 11, 23))))
        if i.id == "import-ai/226" else i
        for i in base.issues
    )
    notes = {
        FOLDS: Note(FOLDS, f"notes/{FOLDS}.md",
                    "A landmark result. It held up.\n\nCompare [the robots](archive:import-ai/225).",
                    date=dt.date(2021, 1, 5), tags=("Protein Folding",), rating=4,
                    see_also=(ROBOTS, "https://example.com/paper", "import-ai/999/gone")),
        ROBOTS: Note(ROBOTS, f"notes/{ROBOTS}.md", "Undated note. More.", rating=2),
        UNDATED: Note(UNDATED, f"notes/{UNDATED}.md", "Newer note. More.", date=dt.date(2021, 3, 1)),
        "import-ai/226": Note("import-ai/226", "notes/import-ai/226.md", "An issue note."),
        "import-ai": Note("import-ai", "notes/import-ai.md", "A newsletter note."),
        "tags/biology": Note("tags/biology", "notes/_tags/biology.md", "A tag note."),
    }
    orphan = Note("import-ai/226/deepmind-folds-protein", "notes/import-ai/226/deepmind-folds-protein.md",
                  "Lost words here. And more.")
    return dataclasses.replace(
        base, stories=stories, issues=issues, notes=notes, orphan_notes=(orphan,),
        tag_names={"biology": "Biology", "deepmind": "DeepMind"},
        related={FOLDS: (Related(ROBOTS, "also about Biology"),)},
        backlinks={ROBOTS: (FOLDS, LAST), "import-ai/225": (FOLDS, "import-ai/226")},
    )


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages(enriched_archive())


def page_of(pages: dict[str, str], story_id: str) -> str:
    return pages[f"{story_id}/index.html"]


def test_archive_link_in_a_body_is_relative_to_the_story_page(pages):
    html = page_of(pages, LAST)
    assert '<a href="../../225/robots-learn/" rel="noopener">the robots story</a>' in html


def test_archive_link_to_an_unknown_id_is_plain_text(pages):
    html = page_of(pages, LAST)
    assert " and x.</p>" in html and "archive:" not in html


def test_story_tags_show_display_names(pages):
    assert '<a class="tag" href="../../../tags/deepmind/">DeepMind</a>' in page_of(pages, FOLDS)


def test_story_note_is_an_aside_with_date_rating_tags_and_see_also(pages):
    html = page_of(pages, FOLDS)
    aside = html[html.index('<aside class="note"'):html.index("</aside>")]
    assert "Editor’s note" in aside and "5 January 2021" in aside
    assert "★★★★☆" in aside and "rated 4/5" in aside
    assert "A landmark result." in aside
    assert '<a href="../../225/" rel="noopener">the robots</a>' in aside  # note links from the story page
    assert '<span class="tag">protein-folding</span>' in aside  # no tag page by that name
    assert '<a href="../../225/robots-learn/">Robots Learn</a>' in aside
    assert '<a href="https://example.com/paper" rel="noopener">https://example.com/paper</a>' in aside
    assert '<span class="unknown">import-ai/999/gone</span>' in aside
    assert html.index('class="prose"') < html.index('<aside class="note"')  # after the newsletter's words


def test_story_without_a_note_has_no_aside(pages):
    assert '<aside class="note"' not in page_of(pages, LAST)


def test_story_page_lists_related_stories_with_their_reason(pages):
    html = page_of(pages, FOLDS)
    related = html[html.index('id="related-heading"'):]
    assert '<a href="../../225/robots-learn/">Robots Learn</a>' in related
    assert "Import AI · #225 · 30 November 2020" in related and "also about Biology" in related


def test_story_page_lists_what_mentions_it(pages):
    html = page_of(pages, ROBOTS)
    mentions = html[html.index('id="mentions-heading"'):]
    assert '<a href="../../226/deepmind-folds-proteins/">Deepmind Folds Proteins</a>' in mentions
    assert '<a href="../../226/last-one/">Last One</a>' in mentions
    assert "Mentioned in" not in page_of(pages, LAST)


def test_issue_page_shows_note_outro_other_issues_and_mentions(pages):
    html = pages["import-ai/226/index.html"]
    assert "An issue note." in html and html.index("An issue note.") < html.index("In this issue")
    assert 'Thanks for reading <a href="../225/" rel="noopener">the last issue</a>.' in html
    assert html.index("In this issue") < html.index("Thanks for reading")
    others = html[html.index("Other issues mentioned in this one"):]
    assert '<a href="../225/">Robots</a>' in others
    assert "Older things" in others and 'href="../224/' not in others
    assert "30 November 2020" in others and "23 November 2020" in others
    mentions = pages["import-ai/225/index.html"]
    assert '<a href="../226/">Protein folding</a>' in mentions[mentions.index("Mentioned in"):]


def test_newsletter_and_tag_pages_show_their_notes(pages):
    assert "A newsletter note." in pages["import-ai/index.html"]
    html = pages["tags/biology/index.html"]
    assert "A tag note." in html and "<title>Biology · Tags" in html
    assert '<span class="hash" aria-hidden="true">#</span>Biology</h1>' in html


def test_tag_page_is_a_timeline_by_month(pages):
    html = pages["tags/biology/index.html"]
    assert html.index(">December 2020</h2>") < html.index("Deepmind Folds Proteins") < html.index(
        ">November 2020</h2>") < html.index("Robots Learn")
    assert '<a href="#2020-12">December 2020' in html
    assert "DeepMind did it." in html and "Then more." not in html


def test_a_tag_with_more_stories_than_a_page_holds_goes_on_over_numbered_pages():
    base = small_archive()
    archive = dataclasses.replace(base, tags={**base.tags, "all": tuple(s.id for s in base.stories)})
    config = Config(root=ROOT, tags=TagsSection(per_page=2))
    pages = render_pages(archive, config)
    first, second, third = (pages[p] for p in ("tags/all/index.html", "tags/all/page/2/index.html",
                                               "tags/all/page/3/index.html"))
    assert "tags/all/page/4/index.html" not in pages
    title = re.compile(r'class="story-row__title"><a href="[^"]*">([^<]*)')
    listed = [title.findall(html) for html in (first, second, third)]
    assert [len(titles) for titles in listed] == [2, 2, 1]
    assert sorted(sum(listed, [])) == sorted(s.title for s in base.stories)
    # December 2020 holds three stories: two on the first page, the third begins the second.
    assert '<h2 id="2020-12-continued" class="month__title">December 2020 <span class="month__more">' \
        in second
    assert '<a href="#2020-12">December 2020 <span class="tag__count">3</span>' in first
    assert '<a href="page/2/#2020-11">November 2020' in first and '<a href="../../#2020-12">' in second
    assert "5 stories across 3 months, newest first · page 2 of 3" in second
    assert "<title>all · page 2 · Tags" in second and 'href="../../feed.xml"' in second
    assert 'rel="next">Older' in first and 'rel="prev">' not in first
    assert '<a class="page-numbers__step" href="../2/" rel="prev">' in third
    assert 'rel="next">Older' not in third
    assert "page-numbers" not in pages["tags/biology/index.html"]
    assert_links_resolve(pages)


def test_page_numbers_show_the_ends_and_the_pages_near_this_one():
    paths = tuple(f"p{n}" for n in range(1, 11))
    assert views.Pages(5, paths).window() == [(1, "p1"), None, *((n, f"p{n}") for n in range(3, 8)),
                                              None, (10, "p10")]
    assert views.Pages(1, paths[:3]).window() == [(1, "p1"), (2, "p2"), (3, "p3")]
    assert views.Pages(2, paths).newer == "p1" and views.Pages(10, paths).older is None


def test_tags_index_is_a_sized_cloud_sorted_by_name(pages):
    html = pages["tags/index.html"]
    assert html.index(">Biology <") < html.index(">DeepMind <")
    assert "tag tag--s" in html


def test_annotated_page_lists_noted_stories_newest_note_first(pages):
    html = pages["annotated/index.html"]
    order = [html.index(title) for title in ("Undated Story", "Deepmind Folds Proteins", "Robots Learn")]
    assert order == sorted(order)
    assert '<a href="../import-ai/226/deepmind-folds-proteins/">Deepmind Folds Proteins</a>' in html
    assert "A landmark result." in html and "It held up." not in html
    assert "Last One" not in html


def test_nav_links_the_annotated_page_and_footer_the_report(pages):
    home = pages["index.html"]
    assert '<a href="annotated/">Annotated</a>' in home
    assert '<a href="notes-report/">Notes report</a>' in home


def test_report_lists_orphans_with_path_target_and_a_suggestion(pages):
    html = pages["notes-report/index.html"]
    assert "<code>notes/import-ai/226/deepmind-folds-protein.md</code>" in html
    assert "Names <code>import-ai/226/deepmind-folds-protein</code>, which is not in the archive." in html
    assert 'Did you mean <a href="../import-ai/226/deepmind-folds-proteins/">' in html
    assert "Lost words here." in html and "No orphaned notes" not in html


def test_report_says_so_when_there_are_no_orphans():
    html = render_pages(small_archive())["notes-report/index.html"]
    assert "No orphaned notes" in html


def test_every_link_is_relative_and_resolves(pages):
    assert_links_resolve(pages)


def test_rendering_twice_gives_identical_pages(pages):
    assert render_pages(enriched_archive()) == pages


def test_tag_cloud_sizes_span_the_steps_on_a_log_scale():
    archive = dataclasses.replace(small_archive(), tags={"a": ("x",), "b": ("x",) * 4, "c": ("x",) * 16})
    assert [(t.slug, t.size) for t in views.tag_cloud(archive)] == [("a", 1), ("b", 3), ("c", 5)]


def test_months_run_newest_first_with_undated_last():
    archive = small_archive()
    months = views.by_month(archive, archive.stories)
    assert [m.label for m in months] == ["December 2020", "November 2020", "Undated"]
    assert [s.position for s in months[0].stories] == [1, 2, 3]
