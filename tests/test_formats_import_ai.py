"""The Import AI form (email and Jekyll copy) on small texts written for these tests: story
splitting, sections, chrome, other issues, glued headlines, truncation, and other newsletters
written in the same form."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from newsarchive.formats import choose, parse_text
from newsarchive.formats.blocks import cut_truncation, split_sources
from newsarchive.model import IssueRef, ParsedIssue, Source

EMAIL = """\
Tensor Dispatch 41: Small models; big chips

A short note before the stories.

View this email in your browser

Welcome to Tensor Dispatch, a newsletter about machine learning. Subscribe here.

Small models win a benchmark:
...A tiny network beats a big one…
Researchers trained a small model that wins — easily 🎉.
\u00a0 Does it work? Mostly, say the “authors”.

Why this matters: Small is cheap.
\u00a0 Read more: Tiny but mighty (arXiv).

#####################################

Chips get faster:
...Another accelerator arrives...
A new chip is fast.
- It is cheap.
- It is cool.
Read more:Fast chips explained (Chip Blog).
\u00a0 Get the codehere (chipsim, GitHub).

Thanks for reading. Write to me any time.

Twitter
Website
Copyright © 2026 Tensor Dispatch, All rights reserved.

Our mailing address is:
Tensor Dispatch
1 Example Road

Older messages

Tensor Dispatch 40: Robot hands; quiet data centres

Monday, February 9, 2026

A teaser of the older issue that stops mid-sen

You Might Also Like

Gardening Weekly #3: Tomatoes

Tuesday, February 10, 2026

Another newsletter's teaser.
"""

SECTION = """\
Import AI 300: Policy week

Policy Corner with Sam Writer:
…Sam Writer brings you the week in AI law…

Courts weigh in on model weights:
A court ruled on weights today.
Read more: The ruling (Court site).

Lawmakers propose an audit rule:
Lawmakers want audits.
Sam's view: Audits are good.

#####################################

The Lighthouse Keeper
[Atlantic, 2040]

The keeper was a robot.
Things that inspired this story: lighthouses; patience.
"""

POST = """\
---
layout: post
title: "Import AI 219: Glue&nbsp;&amp; cut"
date: 2020-10-19 05:16:27
link: https://example.com/p/219
author: "Jane Doe"
excerpt: "Robots fold towels:&hellip;Practice pays&hellip;Excerpt words repeated."
---

### Import AI 219: Glue&nbsp;&amp; cut

Robots fold towels:&hellip;Practice pays&hellip;A robot learned to fold towels.&nbsp;

Why this matters &ndash; laundry at scale: Nobody likes folding.Read more:Towels (Lab blog).

###################################################

Chips get faster:&hellip;Silicon news&hellip;Google has built a small ro&hellip;
"""


def _titles(issue: ParsedIssue) -> list[str]:
    return [story.title for story in issue.stories]


def test_email_stories_are_split_at_separators_with_their_deks_and_sources():
    issue = parse_text(EMAIL, "td-41.txt")
    assert issue.format == "import-ai"
    assert _titles(issue) == ["Small models win a benchmark", "Chips get faster"]
    assert [story.dek for story in issue.stories] == [
        "A tiny network beats a big one",
        "Another accelerator arrives",
    ]
    assert issue.stories[0].sources == (Source("Tiny but mighty", "arXiv"),)
    assert issue.stories[1].sources == (
        Source("Fast chips explained", "Chip Blog"),
        Source("Get the codehere", "chipsim, GitHub"),
    )
    assert issue.intro == "A short note before the stories."


def test_story_bodies_are_markdown_with_bold_subheads_lists_and_text_kept_exactly():
    first, second = parse_text(EMAIL, "td-41.txt").stories
    assert first.body == (
        "Researchers trained a small model that wins — easily 🎉.\n\n"
        "**Does it work?** Mostly, say the “authors”.\n\n"
        "**Why this matters:** Small is cheap."
    )
    assert second.body == "A new chip is fast.\n\n- It is cheap.\n- It is cool."


def test_another_newsletter_in_the_form_keeps_its_own_name():
    issue = parse_text(EMAIL, "td-41.txt")
    assert (issue.newsletter, issue.number, issue.title) == (
        "Tensor Dispatch",
        "41",
        "Small models; big chips",
    )
    assert dict(choose(EMAIL, "td-41.txt").scores)["import-ai"] >= 0.8


def test_email_chrome_is_dropped_under_named_rules():
    issue = parse_text(EMAIL, "td-41.txt")
    rules = {block.rule for block in issue.dropped}
    assert {"view-in-browser", "welcome", "sign-off", "social-links", "copyright", "mailing-address"} <= rules
    assert "title-line" in rules
    everything_kept = issue.intro + "".join(story.body for story in issue.stories)
    for chrome in ("browser", "Welcome", "Thanks for reading", "Twitter", "Copyright", "Example Road"):
        assert chrome not in everything_kept


def test_older_messages_become_other_issues_and_teasers_of_other_newsletters_are_dropped():
    issue = parse_text(EMAIL, "td-41.txt")
    assert issue.other_issues == (IssueRef("Robot hands; quiet data centres", "40", dt.date(2026, 2, 9)),)
    rules = [block.rule for block in issue.dropped]
    assert "older-messages" in rules and "also-like" in rules
    # the older issue's teaser stops mid-word, but it is no story of this issue
    assert not any(story.truncated for story in issue.stories)


def test_a_section_block_yields_each_headlined_story_not_the_section():
    issue = parse_text(SECTION, "import-ai-300.txt")
    assert _titles(issue) == [
        "Courts weigh in on model weights",
        "Lawmakers propose an audit rule",
        "The Lighthouse Keeper",
    ]
    heading = next(block for block in issue.dropped if block.rule == "section-heading")
    assert heading.text.startswith("Policy Corner with Sam Writer:")
    assert issue.stories[0].sources == (Source("The ruling", "Court site"),)
    assert issue.stories[1].body == "Lawmakers want audits.\n\n**Sam's view:** Audits are good."


def test_the_fiction_piece_is_a_story_with_its_dateline_and_inspirations():
    fiction = parse_text(SECTION, "import-ai-300.txt").stories[-1]
    assert fiction.body.startswith("[Atlantic, 2040]")
    assert fiction.body.endswith("**Things that inspired this story:** lighthouses; patience.")


def test_jekyll_post_reads_front_matter_once_and_its_body_in_the_import_ai_form():
    issue = parse_text(POST, "2020-10-19-import-ai-219.txt")
    assert issue.format == "jekyll"
    assert (issue.newsletter, issue.number, issue.title) == ("Import AI", "219", "Glue & cut")
    assert (issue.date, issue.url, issue.author) == (
        dt.date(2020, 10, 19),
        "https://example.com/p/219",
        "Jane Doe",
    )
    assert _titles(issue) == ["Robots fold towels", "Chips get faster"]
    assert all("Excerpt words" not in story.body for story in issue.stories)
    assert issue.stories[0].line == 12


def test_glued_headline_dek_and_body_are_split_and_entities_decoded():
    story = parse_text(POST, "2020-10-19-import-ai-219.txt").stories[0]
    assert (story.title, story.dek) == ("Robots fold towels", "Practice pays")
    assert (
        story.body
        == "A robot learned to fold towels.\n\n**Why this matters – laundry at scale:** Nobody likes folding."
    )
    assert story.sources == (Source("Towels", "Lab blog"),)


def test_a_body_cut_off_mid_word_marks_the_last_story_truncated_without_the_ellipsis():
    last = parse_text(POST, "2020-10-19-import-ai-219.txt").stories[-1]
    assert last.truncated
    assert last.body == "Google has built a small ro"
    assert cut_truncation("ends well.") == ("ends well.", False)


def test_source_items_split_off_after_a_sentence_with_urls_when_present():
    assert split_sources("They write.Read more: A (B) Bottom-Up (arXiv).  Read the paper:C (PDF).") == (
        "They write.",
        (Source("A (B) Bottom-Up", "arXiv"), Source("C", "PDF")),
    )
    assert split_sources("Read more: Docs https://example.com/docs.") == (
        "",
        (Source("Docs", "", "https://example.com/docs"),),
    )
    assert split_sources("Please Read more: this is prose.") == ("Please Read more: this is prose.", ())


def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def test_every_word_not_dropped_lands_once_in_a_story_the_intro_or_the_outro():
    issue = parse_text(EMAIL, "td-41.txt")
    left = _words(EMAIL) - sum((_words(block.text) for block in issue.dropped), Counter())
    landed = _words(issue.intro) + _words(issue.outro)
    for story in issue.stories:
        landed += _words(" ".join([story.title, story.dek, story.body]))
        landed += sum((_words(f"{s.label} {s.title} {s.site} {s.url}") for s in story.sources), Counter())
    assert left == landed


def test_a_post_whose_body_is_not_in_the_form_is_left_to_other_adapters():
    post = "---\ntitle: A post\n---\n# One\ntext\n# Two\nmore\n"
    assert dict(choose(post, "post.md").scores)["jekyll"] == 0.0
