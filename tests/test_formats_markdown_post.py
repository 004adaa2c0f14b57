"""Markdown posts (Substack-style exports, Hugo and Jekyll posts) on small texts written for these
tests: where stories start in a post's outline, YAML and TOML front matter, Substack's chrome
dropped by name, bold headlines, and the generic fallback, which is a described form too."""

from __future__ import annotations

import datetime as dt

from newsarchive.formats import choose, generic, markdown_post, parse_text
from newsarchive.formats.described import DescribedForm

SUBSTACK = """\
# Lattice Letter #3: Small models

Feb 2, 2026

A short intro.

[Subscribe now](https://lattice.substack.com/subscribe)

## First story

Body one.

[Share](https://lattice.substack.com/p/3?action=share)

## Second story

Body two.

Thanks for reading Lattice Letter! Subscribe for free to receive new posts and support my work.

Leave a comment
"""

SECTIONS = """\
# Weekly Tensor 9

## Research

Two papers.

### Paper one
Text one.

### Paper two
Text two.

## Industry

### Deal one
Text three.
"""

REPEATED_SUBHEADS = """\
# Notes 2

## Story A

A long first paragraph about A that goes on for a while, as stories do.

### Background

More about A.

## Story B

Text about B.

### Background

More about B.
"""

HUGO = """\
+++
title = "Signal 5: Things"
date = 2026-01-05T10:00:00Z
series = ["Signal"]
authors = ["A. Writer", "B. Writer"]
+++

## One

Text one.

## Two

Text two.
"""

BOLD = """\
An intro paragraph.

**First bold headline**

Text one.

**Second bold headline**

Text two.
"""

PLAIN = "Story one title\n\nText one.\n\n* * *\n\nStory two title\n\nText two.\n"


def _titles(issue):
    return [story.title for story in issue.stories]


def test_substack_export_is_split_at_its_story_headings_and_its_chrome_dropped_by_name():
    issue = parse_text(SUBSTACK, "lattice-3.md")
    assert issue.format == "markdown-post"
    assert (issue.newsletter, issue.number, issue.title) == ("Lattice Letter", "3", "Small models")
    assert issue.date == dt.date(2026, 2, 2)
    assert _titles(issue) == ["First story", "Second story"]
    assert [story.body for story in issue.stories] == ["Body one.", "Body two."]
    assert [story.line for story in issue.stories] == [9, 15]
    assert issue.intro == "A short intro."
    assert [block.rule for block in issue.dropped] == [
        "issue-title", "issue-date", "subscribe-button", "share-button", "subscribe-pitch", "comment-button",
    ]


def test_stories_start_one_level_under_headings_that_are_sections():
    issue = parse_text(SECTIONS, "weekly-9.md")
    assert _titles(issue) == ["Paper one", "Paper two", "Deal one"]
    assert issue.intro == "**Research**\n\nTwo papers."
    assert [(block.rule, block.text) for block in issue.dropped] == [
        ("issue-title", "# Weekly Tensor 9"),
        ("section-heading", "## Industry"),
    ]


def test_repeated_subheads_are_not_stories_and_stay_in_their_story():
    issue = parse_text(REPEATED_SUBHEADS, "notes-2.md")
    assert _titles(issue) == ["Story A", "Story B"]
    assert issue.stories[0].body.endswith("### Background\n\nMore about A.")


def test_hugo_post_reads_toml_front_matter_and_keeps_file_line_numbers():
    issue = parse_text(HUGO, "signal-5.md")
    assert (issue.newsletter, issue.number, issue.title) == ("Signal", "5", "Things")
    assert (issue.date, issue.author) == (dt.date(2026, 1, 5), "A. Writer, B. Writer")
    assert _titles(issue) == ["One", "Two"]
    assert [story.line for story in issue.stories] == [8, 12]
    assert issue.dropped[0].rule == "front-matter" and issue.dropped[0].text.startswith("+++")


def test_whole_bold_lines_open_stories_when_there_are_no_headings():
    issue = parse_text(BOLD, "bold.md")
    assert issue.format == "markdown-post"
    assert _titles(issue) == ["First bold headline", "Second bold headline"]
    assert issue.intro == "An intro paragraph."


def test_plain_text_is_left_to_the_generic_fallback_which_is_a_described_form():
    assert isinstance(generic.ADAPTER, DescribedForm) and generic.ADAPTER.spec is generic.SPEC
    assert markdown_post.ADAPTER.sniff(PLAIN, "plain.txt") == 0.0
    choice = choose(PLAIN, "plain.txt")
    assert choice.adapter is generic.ADAPTER
    issue = choice.adapter.parse(PLAIN, "plain.txt")
    assert _titles(issue) == ["Story one title", "Story two title"]
    assert [story.body for story in issue.stories] == ["Text one.", "Text two."]


def test_a_paragraph_long_first_line_gives_a_short_title_and_stays_in_the_body():
    long_line = "A very long opening sentence " * 8
    issue = parse_text(long_line.strip() + "\n", "notes.txt")
    (story,) = issue.stories
    assert story.title.endswith("…") and len(story.title) <= 81
    assert story.body == long_line.strip()
