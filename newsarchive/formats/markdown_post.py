"""Parse stage, Markdown posts: Substack-style exports and Hugo/Jekyll posts written in Markdown.

The post's outline decides where stories start: a lone `#` heading at the top is the issue's title;
stories start at the highest heading level that has two or more headings, unless those headings
are sections holding several stories each (short introductions, distinct sub-headings), in which
case stories start one level down and the sections' headings are dropped or join the intro as
notes. Deeper headings stay inside their story. Without headings, whole-line bold paragraphs
(`**Headline**`) open stories; separator lines (`---`, `***`) always cut. Title, date, author,
newsletter and number come from YAML or TOML front matter, else the `#` heading ("Gradient Notes
14: …") and a date line under it.

The reading itself is a described form: this module builds the `FormSpec` that fits a post's
outline and lets `DescribedForm` read it, so Markdown posts and config-described forms share one
story splitter. Substack's chrome (buttons, the subscription pitch) is dropped under named rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..model import ParsedIssue
from .blocks import (
    SEPARATOR_LINE,
    Line,
    is_separator,
    markdown_heading,
    matching_rule,
    numbered_lines,
    split_front_matter,
)
from .described import DescribedForm, DropRule, FormSpec

NAME = "markdown-post"


def _button(rule: str, label: str) -> DropRule:
    """A line that is only a button, bare or as a link: "Subscribe now", "[Share](https://…)"."""
    return DropRule(rule, re.compile(rf"^\[?\s*(?:{label})\s*\]?(?:\([^)\s]*\))?$", re.I))


# Substack's chrome, one rule per kind of widget.
SUBSTACK_CHROME: tuple[DropRule, ...] = (
    _button("subscribe-button", r"Subscribe(?: now)?"),
    _button("share-button", r"Share(?: this post)?"),
    DropRule("share-button", re.compile(r"^\[Share [^\]]{1,60}\]\([^)\s]*\)$")),
    _button("comment-button", r"Leave a comment"),
    _button("upgrade-button", r"Upgrade to paid"),
    DropRule("subscribe-pitch", re.compile(r"^Thanks for reading [^!\n]{1,80}! Subscribe for free\b"),
             "block"),
    DropRule("email-field", re.compile(r"^Type your email(?:…|\.\.\.)?$", re.I)),
    DropRule("copyright", re.compile(r"^(?:©|\([cC]\))\s*\d{4}\b")),
)
TITLE_HEADING = re.compile(r"^#(?!#)\s+(?P<title>.+?)(?:\s+#+)?$")
# A line that is only the issue's date: "Mar 09, 2026", "9 March 2026", "2026-03-09".
DATE_LINE = re.compile(
    r"^(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4}|\d{4}-\d{2}-\d{2})$"
)
BOLD_HEADLINE = re.compile(r"^(?:\*\*|__)(?P<title>[^*_].*?)(?:\*\*|__)$")
SECTION_INTRO_WORDS = 60  # a section's own introduction is short; a story with subheads is not


@dataclass(frozen=True)
class _Heading:
    index: int
    level: int
    text: str


@dataclass(frozen=True)
class Outline:
    """Where a post's stories start: a heading level (with the levels above it being sections), or
    bold lines; and whether a lone `#` heading is the title."""

    title_heading: bool
    story_level: int | None
    bold_headlines: int


class MarkdownPostFormat:
    name = NAME

    def sniff(self, text: str, filename: str) -> float:
        """Headings (or bold headlines) that split stories, plus the signs of an exported post:
        front matter, a `#` title, Substack's chrome, a Markdown file name."""
        meta, body, _ = split_front_matter(text)
        lines = numbered_lines(body)
        outline = outline_of(lines)
        markdown_name = filename.lower().endswith((".md", ".markdown"))
        signs = bool(meta) + outline.title_heading + _has_chrome(lines) + markdown_name
        separators = sum(is_separator(line.text) for line in lines)
        if outline.story_level:
            return min(0.6 + 0.1 * signs, 0.9)
        if outline.bold_headlines >= 2 or (signs and separators >= 2):
            return min(0.35 + 0.1 * signs, 0.6)
        return 0.0

    def parse(self, text: str, filename: str) -> ParsedIssue:
        _, body, _ = split_front_matter(text)
        return DescribedForm(spec_for(outline_of(numbered_lines(body)))).parse(text, filename)


def spec_for(outline: Outline) -> FormSpec:
    """The described form that reads a post with this outline."""
    headline, section = None, None
    if outline.story_level:
        headline = _heading_pattern(outline.story_level, outline.story_level)
        section = _heading_pattern(2 if outline.title_heading else 1, outline.story_level - 1)
    elif outline.bold_headlines >= 2:
        headline = BOLD_HEADLINE
    return FormSpec(
        name=NAME,
        separator=SEPARATOR_LINE,
        headline=headline,
        section=section,
        drop=SUBSTACK_CHROME,
        title=TITLE_HEADING if outline.title_heading else None,
        date=DATE_LINE,
        header_lines=4,
    )


def _heading_pattern(lowest: int, highest: int) -> re.Pattern[str] | None:
    """ATX headings of levels lowest..highest; None when that range is empty."""
    if lowest > highest:
        return None
    return re.compile(rf"^#{{{lowest},{highest}}}\s+(?P<title>.+?)(?:\s+#+)?$")


def outline_of(lines: list[Line]) -> Outline:
    headings = [_Heading(i, *found) for i, line in enumerate(lines) if (found := markdown_heading(line.text))]
    tops = [h for h in headings if h.level == 1]
    title_heading = len(tops) == 1 and headings[0] is tops[0]
    rest = headings[1:] if title_heading else headings
    bold = sum(1 for line in lines if BOLD_HEADLINE.match(line.text.strip()))
    return Outline(title_heading, _story_level(rest, lines), bold)


def _story_level(headings: list[_Heading], lines: list[Line]) -> int | None:
    """The first level, from the top, with two or more headings that are not sections."""
    counts = Counter(h.level for h in headings)
    for level in sorted(counts):
        if _holds_stories(level, headings, lines):
            continue
        if counts[level] >= 2:
            return level
    return None


def _holds_stories(level: int, headings: list[_Heading], lines: list[Line]) -> bool:
    """Are the headings of this level sections? Each holds a deeper heading, at least one holds two
    or more, their deeper headings are all different (not a story's repeated subheads), and what
    each says before its first deeper heading is short."""
    spans = _spans(level, headings)
    deeper = [h for span in spans for h in span[1:] if h.level > level]
    if not deeper:
        return False
    child = min(h.level for h in deeper)
    children = [[h for h in span[1:] if h.level == child] for span in spans]
    names = [h.text.casefold() for group in children for h in group]
    if not all(children) or len(names) <= len(spans) or len(set(names)) < len(names):
        return False
    intros = (_words_between(lines, span[0], group[0]) for span, group in zip(spans, children, strict=True))
    return all(words <= SECTION_INTRO_WORDS for words in intros)


def _spans(level: int, headings: list[_Heading]) -> list[list[_Heading]]:
    """Each heading of the level with the deeper headings under it (a higher heading ends one)."""
    spans: list[list[_Heading]] = []
    current: list[_Heading] | None = None
    for heading in headings:
        if heading.level == level:
            current = [heading]
            spans.append(current)
        elif heading.level < level:
            current = None
        elif current is not None:
            current.append(heading)
    return spans


def _words_between(lines: list[Line], first: _Heading, last: _Heading) -> int:
    return sum(len(line.text.split()) for line in lines[first.index + 1 : last.index])


def _has_chrome(lines: list[Line]) -> bool:
    rules = tuple((rule.rule, rule.pattern) for rule in SUBSTACK_CHROME)
    return any(matching_rule(line.text.strip(), rules) for line in lines if line.text.strip())


ADAPTER = MarkdownPostFormat()
