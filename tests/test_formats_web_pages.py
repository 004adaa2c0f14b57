"""The web-page forms (Dynamically Typed, The Batch, a conference blog post) on small texts written
for these tests, their shared heuristics in `blocks`, and the rule that every word of a file lands
in exactly one story, the intro, the outro or a dropped block."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from newsarchive.formats import blog_post, choose, dynamically_typed, the_batch
from newsarchive.formats.blocks import (
    first_sentence,
    heading_shaped,
    join_markdown,
    shorten_at_clause,
    subhead_lead,
)
from newsarchive.model import ParsedIssue

# One paragraph a line, as the saved page has them.
DT_TEXT = "\n\n".join(
    (
        "Weekly Tensors",
        "#5: Robots, rivers and a very long lead",
        "Hi all, welcome to Weekly Tensors #5! A short one this time.",
        "Products and Things 🔧",
        "A robot arm holding a cup. (Acme)",
        "A robot arm holding a cup. (Acme)",
        "Acme Robotics released a kitchen robot that learns recipes from video. "
        "The arm watches a cook once and repeats the dish. Jane Roe for the Daily Planet:",
        "It made an omelette on its third try, which is two tries better than I managed.",
        "Acme's robot is still slow, and it breaks one egg in five. "
        "This matters because kitchens are messy places for robots. More on Acme:",
        "Borealis Labs published a model that reads handwriting in forty languages. "
        "It is small enough for a phone.",
        "What surprised me most is that it also reads doctors' notes. I tried it on mine.",
        "Quick tool links 🔗 (see all 8):",
        "Climate Corner 🌍",
        "Today's news in this section is a short one: a single river project.",
        "River Watch is a volunteer project that uses satellite images to find illegal sand mining, "
        "which it reports to local authorities on three continents. It started last year.",
        "Thanks for reading! Reply to tell me what you liked in this issue.",
    )
)

BATCH_TEXT = """\
Dear friends,
I spent last week teaching a class on evaluation.
Keep learning!
Andrew
News
Faster Weather Forecasts
A new model predicts tomorrow's rain in seconds.
What's new: Researchers at Nimbus Institute trained a forecaster on forty years of data.
How it works: The model reads satellite images.
- It encodes each image.
- It predicts the next hour.
We're thinking: Umbrellas everywhere are relieved.
A MESSAGE FROM DEEPLEARNING.AI
Join our course on forecasting, starting next week.
Cheaper Translation
Translating a book now costs less than printing it.
What's new: Lexa released a translation service for publishers.
Why it matters: More books can reach more readers.
"""

BATCH_TITLES = ["Dear friends", "Faster Weather Forecasts", "Cheaper Translation"]

BLOG_TEXT = """\
Fjordline at ICML 2024
July 30, 2024

Fjordline at ICML 2024

This summer three of us went to ICML. Here is what we saw.

Our Papers

In this section, we present the paper we brought.

Sparse Adapters: Fine-Tuning with Fewer Parameters

Image for post
Our adapter next to a full fine-tune.

We show that sparse adapters match full fine-tuning on five tasks.

Talks We Liked

Two talks stood out.

Learning from Rivers

by Ada Lund, Professor, North University

Image for post

Ada showed how river flow data trains flood models. She asked:

  • Who owns the data?
  • Who checks the models?

Robots in the Kitchen

by Acme Robotics

Acme showed a robot that cooks.

Closing Remarks

See you at the next conference.

Related posts

No items found.

Contact us
"""


def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def _accounted_words(issue: ParsedIssue) -> Counter:
    """Words of the intro, outro, dropped blocks and stories; a title taken from its story's own
    lead sentence (Dynamically Typed) repeats the body, so it is not counted twice."""
    words = _words(issue.intro) + _words(issue.outro)
    for block in issue.dropped:
        words += _words(block.text)
    for story in issue.stories:
        words += _words(story.dek) + _words(story.body)
        if not story.body.startswith(story.title.rstrip("…")):
            words += _words(story.title)
    return words


def _parse(adapter, text: str) -> ParsedIssue:
    return adapter.parse(text, "issue.txt")


def _rules(issue: ParsedIssue) -> list[str]:
    return [block.rule for block in issue.dropped]


# Shared heuristics


def test_first_sentence_is_not_cut_at_et_al_or_initials():
    text = "Smith et al. showed that M. Jones was right. Then more followed."
    assert first_sentence(text) == "Smith et al. showed that M. Jones was right."


def test_long_lead_is_shortened_at_a_clause_boundary_never_mid_word():
    lead = (
        "River Watch is a volunteer project that uses satellite images to find illegal sand mining, "
        "which it reports to local authorities on three continents."
    )
    short = shorten_at_clause(lead)
    assert short == lead.split(",")[0]
    modifier = (
        "Green Ledger is a public record of the energy used to train large models maintained by "
        "the Open Energy Lab."
    )
    assert shorten_at_clause(modifier) == modifier.split(" maintained")[0]
    assert shorten_at_clause("A short lead sentence.") == "A short lead sentence."


def test_shortening_without_a_clause_boundary_stops_at_a_word():
    sentence = " ".join(["word"] * 40)
    assert shorten_at_clause(sentence, limit=50) == " ".join(["word"] * 10) + "…"


def test_heading_shapes_and_subhead_leads():
    assert heading_shaped("Who Audits the Auditors?")
    assert not heading_shaped("A sentence that ends like one.")
    assert not heading_shaped("- a list item")
    assert subhead_lead("What's new: a model.") == ("What's new", "a model.")
    assert subhead_lead("This long lead has far too many words before its colon: no.") is None


def test_list_items_stay_one_list():
    assert join_markdown(["Intro:", "- a", "- b", "After."]) == "Intro:\n\n- a\n- b\n\nAfter."


# Dynamically Typed form


def test_dynamically_typed_reads_its_header():
    issue = _parse(dynamically_typed.ADAPTER, DT_TEXT)
    assert (issue.newsletter, issue.number, issue.title) == (
        "Weekly Tensors",
        "5",
        "Robots, rivers and a very long lead",
    )


def test_headline_less_stories_split_on_lead_sentences():
    issue = _parse(dynamically_typed.ADAPTER, DT_TEXT)
    assert [s.title for s in issue.stories] == [
        "Acme Robotics released a kitchen robot that learns recipes from video",
        "Borealis Labs published a model that reads handwriting in forty languages",
        "River Watch is a volunteer project that uses satellite images to find illegal sand mining",
    ]


def test_quotes_comments_and_same_actor_paragraphs_stay_in_their_story():
    acme, borealis, river = _parse(dynamically_typed.ADAPTER, DT_TEXT).stories
    assert acme.body.startswith("Acme Robotics released a kitchen robot")
    assert "It made an omelette" in acme.body and "Acme's robot is still slow" in acme.body
    assert "What surprised me most" in borealis.body
    assert river.body.startswith(river.title + ", which it reports")


def test_doubled_caption_section_headings_and_lost_links_are_dropped():
    issue = _parse(dynamically_typed.ADAPTER, DT_TEXT)
    assert _rules(issue) == [
        "issue header",
        "issue header",
        "section heading",
        "doubled caption",
        "doubled caption",
        "lost link list",
    ]


def test_dynamically_typed_intro_section_note_and_outro():
    issue = _parse(dynamically_typed.ADAPTER, DT_TEXT)
    assert issue.intro.startswith("Hi all, welcome to Weekly Tensors #5!")
    note = "Today's news in this section is a short one: a single river project."
    assert issue.intro.endswith(f"**Climate Corner 🌍**\n\n{note}")
    assert issue.outro.startswith("Thanks for reading!")


# The Batch form


def test_batch_letter_is_a_story_and_sponsor_is_dropped():
    issue = _parse(the_batch.ADAPTER, BATCH_TEXT)
    assert [s.title for s in issue.stories] == BATCH_TITLES
    assert issue.stories[0].body.endswith("Keep learning!\n\nAndrew")
    assert [(b.rule, b.line) for b in issue.dropped] == [("section label", 5), ("sponsor", 13)]
    assert "Join our course" in issue.dropped[1].text


def test_batch_story_has_dek_bold_leads_and_a_list():
    story = _parse(the_batch.ADAPTER, BATCH_TEXT).stories[1]
    assert story.dek == "A new model predicts tomorrow's rain in seconds."
    assert story.body == (
        "**What's new:** Researchers at Nimbus Institute trained a forecaster on forty years of data.\n\n"
        "**How it works:** The model reads satellite images.\n\n"
        "- It encodes each image.\n- It predicts the next hour.\n\n"
        "**We're thinking:** Umbrellas everywhere are relieved."
    )


def test_batch_is_named_from_its_issuer_signs():
    assert _parse(the_batch.ADAPTER, BATCH_TEXT).newsletter == "The Batch"


def test_another_newsletter_in_batch_form_gets_no_name():
    lookalike = BATCH_TEXT.replace("Andrew", "Maya").replace("DEEPLEARNING.AI", "RIVERSIDE SCHOOL")
    issue = _parse(the_batch.ADAPTER, lookalike)
    assert issue.newsletter == ""
    assert [s.title for s in issue.stories] == BATCH_TITLES


# Conference blog post form


def test_blog_reads_title_date_and_organisation():
    issue = _parse(blog_post.ADAPTER, BLOG_TEXT)
    assert (issue.newsletter, issue.number, issue.title, str(issue.date)) == (
        "Fjordline blog",
        None,
        "Fjordline at ICML 2024",
        "2024-07-30",
    )


def test_blog_section_headings_are_not_stories_but_talks_are():
    issue = _parse(blog_post.ADAPTER, BLOG_TEXT)
    assert [(s.title, s.dek) for s in issue.stories] == [
        ("Sparse Adapters: Fine-Tuning with Fewer Parameters", ""),
        ("Learning from Rivers", "by Ada Lund, Professor, North University"),
        ("Robots in the Kitchen", "by Acme Robotics"),
    ]


def test_blog_placeholders_captions_lists_and_footer():
    issue = _parse(blog_post.ADAPTER, BLOG_TEXT)
    sparse, rivers, _ = issue.stories
    assert sparse.body.startswith("*Our adapter next to a full fine-tune.*\n\n")
    assert rivers.body.endswith("She asked:\n\n- Who owns the data?\n- Who checks the models?")
    assert _rules(issue).count("image placeholder") == 2
    assert _rules(issue)[-4:] == ["section heading", "site footer", "site footer", "site footer"]


def test_blog_intro_gathers_section_introductions_and_closing_is_outro():
    issue = _parse(blog_post.ADAPTER, BLOG_TEXT)
    assert issue.intro == (
        "This summer three of us went to ICML. Here is what we saw.\n\n"
        "**Our Papers**\n\nIn this section, we present the paper we brought.\n\n"
        "**Talks We Liked**\n\nTwo talks stood out."
    )
    assert issue.outro == "See you at the next conference."


# Choosing the form, and accounting for every word


@pytest.mark.parametrize(
    "text,adapter",
    [(DT_TEXT, dynamically_typed.ADAPTER), (BATCH_TEXT, the_batch.ADAPTER), (BLOG_TEXT, blog_post.ADAPTER)],
)
def test_each_form_is_recognised_by_its_structure(text, adapter):
    choice = choose(text, "issue.txt")
    assert choice.adapter is adapter
    mine = {"dynamically-typed", "the-batch", "blog-post"}
    scores = [score for name, score in choice.scores if name in mine]
    assert sorted(scores) == [0.0, 0.0, adapter.sniff(text, "issue.txt")]


@pytest.mark.parametrize(
    "text,adapter",
    [(DT_TEXT, dynamically_typed.ADAPTER), (BATCH_TEXT, the_batch.ADAPTER), (BLOG_TEXT, blog_post.ADAPTER)],
)
def test_every_word_lands_once(text, adapter):
    assert _accounted_words(_parse(adapter, text)) == _words(text)
