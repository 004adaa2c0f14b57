"""Nothing a reader would read is lost or read twice: on every newsletter file the project has
(tests/samples/, content/newsletters/, the seeds when present), every word of the input that is not
in a dropped block lands in exactly one story, the intro or the outro.

A word is a run of letters and digits, after HTML entities are decoded and Markdown's marks (and
link targets) are taken out; the words compare as multisets. A story's title, dek and sources
(with the "Read more:" label that introduced them) count as landed; a title taken from its story's
own first words (a lead sentence, a shortened first line) is not counted twice. The input of an
email export is its headers and every text part (an HTML part's text as a browser shows it), of a
saved page its text as a browser shows it.
"""

from __future__ import annotations

import email
import re
from collections import Counter
from email import policy

import pytest
from bs4 import BeautifulSoup

from newsarchive.formats.blocks import HTML_DOCUMENT, decode_entities, is_email
from newsarchive.ingest import read_newsletter
from newsarchive.model import ParsedIssue, ParsedStory
from tests import expectations

_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKS = re.compile(r"[*_#>`~|\\\[\]]")
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> Counter:
    text = _MARKS.sub(" ", _LINK_TARGET.sub("]", decode_entities(text)))
    return Counter(_WORD.findall(text))


def _page_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ")


def _email_text(text: str) -> str:
    """The headers and every readable part, decoded."""
    message = email.message_from_bytes(text.encode("utf-8", "surrogateescape"), policy=policy.default)
    texts = [re.split(r"\r?\n[ \t]*\r?\n", text, maxsplit=1)[0]]
    for part in message.walk():
        kind = part.get_content_type()
        if not part.is_multipart() and kind in ("text/plain", "text/html"):
            charset = part.get_content_charset()
            content = part.get_content() if charset else part.get_payload(decode=True).decode("utf-8")
            texts.append(_page_text(content) if kind == "text/html" else content)
    return "\n".join(texts)


def input_words(case: expectations.Case) -> Counter:
    text = read_newsletter(case.path)
    if is_email(text):
        return words(_email_text(text))
    if HTML_DOCUMENT.match(text):
        return words(_page_text(text))
    return words(text)


def _story_words(story: ParsedStory) -> Counter:
    body = words(story.body)
    landed = body + words(story.dek)
    title = words(story.title)
    if not _opens_with(story.body, story.title):
        landed += title
    for source in story.sources:
        landed += words(" ".join((source.label, source.title, source.site, source.url)))
    return landed


def _opens_with(body: str, title: str) -> bool:
    """The title is the body's first words (it was taken from them)."""
    first = _WORD.findall(_MARKS.sub(" ", body))[: len(_WORD.findall(title))]
    return bool(first) and first == _WORD.findall(_MARKS.sub(" ", title))


def landed_words(issue: ParsedIssue) -> Counter:
    landed = words(issue.intro) + words(issue.outro)
    for story in issue.stories:
        landed += _story_words(story)
    return landed


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in expectations.every_newsletter_file()])
def test_every_word_not_dropped_lands_exactly_once(case):
    issue = case.parse()
    dropped = sum((words(block.text) for block in issue.dropped), Counter())
    left = input_words(case)
    left.subtract(dropped)  # subtract, not `-`: a dropped word the input lacks must show up
    landed = landed_words(issue)
    assert {w: n for w, n in left.items() if n} == {w: n for w, n in landed.items() if n}
