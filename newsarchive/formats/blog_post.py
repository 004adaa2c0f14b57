"""The conference blog post form: the plain text of a blog page ("ML6 at NeurIPS 2020", a date)
with two levels of unmarked headings.

Headings are lone short lines. A heading is a story (a talk or paper) when a "by <speaker>" line
follows it (kept as the story's `dek`) or when it has the "Title: Subtitle" shape; a heading whose
next heading is a story is a section that groups them; otherwise a heading under a section is a
story too, and a last heading named like "Closing Remarks" is the outro. Text before the first
heading is the intro; a section's introduction joins the intro under the section's name.
"Image for post" placeholders and the site footer are dropped; a caption after a placeholder
stays as an italic line. The newsletter is named from the organisation in the title
("<Org> at <Event>" -> "<Org> blog").
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import DroppedBlock, ParsedIssue, ParsedStory
from .blocks import (
    Block,
    IssueParts,
    Rule,
    blocks,
    bullet_item,
    decode_entities,
    heading_shaped,
    join_markdown,
    matching_rule,
    numbered_lines,
    parse_date,
    section_note,
)

ORG_TITLE = re.compile(r"^(?P<org>.+?)\s+(?:at|@)\s+(?P<event>.+)$")
BY_LINE = re.compile(r"^by\s+\S.{0,150}$", re.I)
TITLE_SUBTITLE = re.compile(r"^[^:]{3,}:\s+\S")

PLACEHOLDER_RULES: tuple[Rule, ...] = (
    ("image placeholder", re.compile(r"^(?:image for post|image|photo|picture|figure)$", re.I)),
)
FOOTER_RULES: tuple[Rule, ...] = (
    ("site footer", re.compile(r"^(?:related|recent|more) (?:posts|articles|stories)$", re.I)),
    ("site footer", re.compile(r"^(?:no items found|want to learn more|contact us|leave a comment)\b", re.I)),
    ("site footer", re.compile(r"^(?:let[’']s (?:have a )?chat|share (?:this|on)\b|subscribe\b)", re.I)),
)
CLOSING_RULES: tuple[Rule, ...] = (
    ("closing", re.compile(r"^(?:closing remarks|conclusions?|final thoughts|in closing)$", re.I)),
    ("closing", re.compile(r"^(?:wrap(?:ping)?[- ]up|summary|takeaways)$", re.I)),
)

HEADING_WORDS = 16
FOOTER_LINE_WORDS = 8


class BlogPostFormat:
    name = "blog-post"

    def sniff(self, text: str, filename: str) -> float:
        found = blocks(numbered_lines(text))
        title, date, _ = _header(found)
        by_lines = sum(1 for i in _headings(found) if _by_line(found, i))
        placeholders = sum(1 for b in found for line in b.lines if _is_placeholder(line.text))
        if not (title and date) and not by_lines:
            return 0.0
        score = (0.4 if title and date else 0.0) + 0.15 * min(by_lines, 2)
        return score + (0.1 if placeholders else 0.0)

    def parse(self, text: str, filename: str) -> ParsedIssue:
        found = blocks(numbered_lines(decode_entities(text)))
        title, date, header = _header(found)
        footer = _footer_start(found)
        post = IssueParts()
        for block in found[:header]:
            post.drop(block, "issue header")
        _read(found[header:footer], post)
        for block in found[footer:]:
            post.drop(block, "site footer")
        org = ORG_TITLE.match(title)
        return ParsedIssue(
            format=self.name,
            newsletter=f"{org.group('org')} blog" if org else "",
            number=None,
            title=title,
            date=date,
            stories=tuple(post.stories),
            intro=join_markdown(post.intro),
            outro=join_markdown(post.outro),
            dropped=tuple(sorted(post.dropped, key=lambda block: block.line)),
        )


def _header(found: list[Block]) -> tuple[str, dt.date | None, int]:
    """(title, date, blocks used): a title line, a date line, and the title repeated on the page."""
    lines = [line for block in found[:2] for line in block.lines][:2]
    if len(lines) < 2 or not heading_shaped(lines[0].text) or not parse_date(lines[1].text):
        return "", None, 0
    used = 1 if len(found[0].lines) == 2 else 2
    repeated = len(found) > used and found[used].text.strip() == lines[0].text.strip()
    return lines[0].text.strip(), parse_date(lines[1].text), used + repeated


def _footer_start(found: list[Block]) -> int:
    """Index of the first footer block: a footer line from which on every line is short."""
    start = len(found)
    for i in range(len(found) - 1, -1, -1):
        if any(len(line.text.split()) > FOOTER_LINE_WORDS for line in found[i].lines):
            break
        if matching_rule(found[i].first.strip(), FOOTER_RULES):
            start = i
    return start


def _is_placeholder(text: str) -> bool:
    return matching_rule(text.strip(), PLACEHOLDER_RULES) is not None


def _is_heading(block: Block) -> bool:
    text = block.text.strip()
    if len(block.lines) != 1 or _is_placeholder(text) or BY_LINE.match(text):
        return False
    return heading_shaped(text, HEADING_WORDS) and not text.startswith(("“", '"', "‘"))


def _headings(found: list[Block]) -> list[int]:
    return [i for i, block in enumerate(found) if _is_heading(block)]


def _by_line(found: list[Block], i: int) -> str:
    following = found[i + 1] if i + 1 < len(found) else None
    if following and len(following.lines) == 1 and BY_LINE.match(following.text.strip()):
        return following.text.strip()
    return ""


def _levels(found: list[Block], headings: list[int]) -> dict[int, str]:
    """The level of each heading ("story", "section" or "closing"), from the last one back: a
    heading is a section when the next heading is a story, since sections group stories."""
    levels: dict[int, str] = {}
    after = ""
    for i in reversed(headings):
        text = found[i].text.strip()
        if _by_line(found, i) or TITLE_SUBTITLE.match(text):
            levels[i] = "story"
        elif after == "story":
            levels[i] = "section"
        elif "story" not in levels.values() and matching_rule(text, CLOSING_RULES):
            levels[i] = "closing"
        else:
            levels[i] = "story"
        after = levels[i]
    return levels


def _read(found: list[Block], post: IssueParts) -> None:
    """Cut the body at its headings and send each part to the intro, a story or the outro."""
    headings = _headings(found)
    levels = _levels(found, headings)
    post.intro += _parts(found[: headings[0] if headings else len(found)], post)
    for start, end in zip(headings, headings[1:] + [len(found)]):
        heading, level = found[start], levels[start]
        by_line = _by_line(found, start)
        parts = _parts(found[start + 1 + bool(by_line) : end], post)
        if level == "story":
            body = join_markdown(parts)
            post.stories.append(ParsedStory(heading.text.strip(), body, heading.line, dek=by_line))
        elif level == "section" and parts:
            post.intro.append(section_note(heading.text.strip(), join_markdown(parts)))
        else:  # a closing section, or a section with no introduction of its own
            post.drop(heading, "section heading")
            post.outro += parts


def _parts(found: list[Block], post: IssueParts) -> list[str]:
    """The Markdown paragraphs and list items of some blocks; placeholders are dropped and the line
    after one (its caption) is set in italics."""
    parts: list[str] = []
    for block in found:
        after_placeholder = False
        for line in block.lines:
            text = line.text.strip()
            if _is_placeholder(text):
                post.dropped.append(DroppedBlock(line.number, "image placeholder", text))
            else:
                item = bullet_item(text)
                parts.append(f"- {item}" if item else f"*{text}*" if after_placeholder else text)
            after_placeholder = _is_placeholder(text)
    return parts


ADAPTER = BlogPostFormat()
