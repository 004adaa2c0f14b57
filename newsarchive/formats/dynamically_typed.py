"""The Dynamically Typed form: the plain text of a web issue whose stories have no headlines.

A name line and "#21: title" open the issue; section headings end in an emoji; an image's caption
appears twice. Each story opens with a lead sentence (bold on the web, plain here) that becomes its
title, shortened at a clause boundary when long, and stays in the body. Where one story ends and the
next begins is read from a reader's cues: a section heading, a caption or a lost link list ("More:")
closes a story; a quote after a colon, or a paragraph that opens with "This…"/"His…" or names the
story's own actor, continues it; another paragraph starts a story when its first sentence reports
news (an actor and a past or future verb).

Where things go: text before the first section heading is the intro, a section's own introduction
("Today's news in this section…") joins the intro under the section's name, and the sign-off
("Thanks for reading!") is the outro. Headers, captions, unused section headings and lost link
lists are dropped with a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import ParsedIssue, ParsedStory
from .blocks import (
    Block,
    IssueParts,
    Rule,
    blocks,
    decode_entities,
    doubled_blocks,
    ends_with_emoji,
    first_sentence,
    heading_shaped,
    join_markdown,
    matching_rule,
    numbered_lines,
    parse_date,
    section_note,
    shorten_at_clause,
)

# "#21: title" or "Issue 21: title", near the top.
ISSUE_LINE = re.compile(r"^(?:#\s?|issue\s+|no\.\s*)(?P<number>\d+)\s*[:.–—-]\s*(?P<title>.+)$", re.I)

# A section's own introduction: it talks about the issue rather than about news.
SECTION_NOTE_RULES: tuple[Rule, ...] = (
    ("section note", re.compile(r"\b(?:this|today[’']s) (?:section|issue|edition|newsletter)\b", re.I)),
)

# The sign-off after the last story.
OUTRO_RULES: tuple[Rule, ...] = (
    ("outro", re.compile(r"^thanks for reading\b", re.I)),
    ("outro", re.compile(r"^if you enjoyed\b", re.I)),
    ("outro", re.compile(r"\bforward (?:it|this)\b.*\bto a friend\b", re.I)),
)

# A paragraph whose last words point to a list of links the saved text lost ("More on RAdam:").
LOST_LIST_POINTER = re.compile(
    r"(?:^|[.!?)”]\s+)(?:more|read more|see also|links?|further reading)\b[^.!?:]{0,40}:$", re.I
)

# Openers that tie a paragraph to the one before it.
CONTINUING_OPENERS = frozenset(
    "this these that those it its he she his her they their them such also but and so yet still "
    "however although though while meanwhile indeed instead besides moreover furthermore as".split()
)

# Words that precede an adjective or a passive participle rather than a news verb.
NOT_BEFORE_VERB = frozenset("is are was were be been being the a an this that its their his her".split())
IRREGULAR_PAST = frozenset(
    "made built won found took gave began bought sold wrote ran led saw said told put set beat broke "
    "brought drew grew held kept lost met paid spent taught threw went came became".split()
)
NOT_PAST = frozenset("need indeed speed seed feed hundred embed bed red shed proceed exceed succeed".split())
FIRST_PERSON = frozenset("i i’m i'm i’ve i've me my we we’re we're us our".split())
FUTURE = re.compile(r"\b(?:will|going to|plans? to|is set to|are set to)\b")

NAME = re.compile(r"\b[A-Z][\w’'-]*")
NOT_NAMES = frozenset("A An The In On At For And But Of To As It We I".split())


@dataclass
class _Draft:
    """A story being gathered: its lead paragraph and the paragraphs that continue it."""

    lead: Block
    parts: list[str] = field(default_factory=list)

    def story(self) -> ParsedStory:
        title = shorten_at_clause(first_sentence(self.lead.text)).removesuffix(".")
        return ParsedStory(title=title, body=join_markdown(self.parts), line=self.lead.line)


@dataclass
class _Issue(IssueParts):
    """An issue being read: its stories are drafts until the whole text is seen."""

    drafts: list[_Draft] = field(default_factory=list)


class DynamicallyTypedFormat:
    name = "dynamically-typed"

    def sniff(self, text: str, filename: str) -> float:
        found = blocks(numbered_lines(text))
        # Section headings over some content, not in a list of headings and dates.
        sections = sum(
            1
            for block, following in zip(found, found[1:])
            if _is_section_heading(block) and not _is_section_heading(following)
            and not parse_date(following.text)
        )
        if not sections:
            return 0.0
        score = 0.3 + 0.1 * min(sections, 3)
        score += 0.15 if doubled_blocks(found) else 0.0
        return score + (0.15 if _header(found)[3] else 0.0)

    def parse(self, text: str, filename: str) -> ParsedIssue:
        found = blocks(numbered_lines(decode_entities(text)))
        name, number, title, header = _header(found)
        issue = _Issue()
        for block in found[:header]:
            issue.drop(block, "issue header")
        _read(found[header:], issue)
        return ParsedIssue(
            format=self.name,
            newsletter=name,
            number=number,
            title=title,
            date=None,
            stories=tuple(draft.story() for draft in issue.drafts),
            intro=join_markdown(issue.intro),
            outro=join_markdown(issue.outro),
            dropped=tuple(issue.dropped),
        )


def _header(found: list[Block]) -> tuple[str, str | None, str, int]:
    """(newsletter name, number, title, blocks used) from a name line and a "#21: title" line."""
    for i, block in enumerate(found[:3]):
        match = ISSUE_LINE.match(block.text)
        if match:
            before = found[i - 1].text if i else ""
            name = before if heading_shaped(before) and "\n" not in before else ""
            return name, match.group("number"), match.group("title").strip(), i + 1
    return "", None, "", 0


def _is_section_heading(block: Block) -> bool:
    return len(block.lines) == 1 and heading_shaped(block.text) and ends_with_emoji(block.text)


def _is_lost_list(block: Block, following: Block | None) -> bool:
    """A heading-like line ending in a colon whose list the saved text lost ("… links ⚡️:")."""
    text = block.text
    if len(block.lines) != 1 or not text.endswith(":") or not heading_shaped(text[:-1]):
        return False
    has_emoji = any(ends_with_emoji(word) for word in text.split())
    return has_emoji or following is None or _is_section_heading(following)


def _read(found: list[Block], issue: _Issue) -> None:
    """Send each block to a story, the intro, the outro or the dropped list, in order."""
    doubled = doubled_blocks(found)
    started = not any(_is_section_heading(b) for b in found) and not doubled
    boundary, previous = False, ""
    for i, block in enumerate(found):
        following = found[i + 1] if i + 1 < len(found) else None
        if i in doubled or _is_lost_list(block, following):
            issue.drop(block, "doubled caption" if i in doubled else "lost link list")
            started, boundary = True, True
        elif _is_section_heading(block):
            started, boundary = True, True
            if not _is_section_note(following):
                issue.drop(block, "section heading")
        elif _is_section_note(block) and i and _is_section_heading(found[i - 1]):
            issue.intro.append(section_note(found[i - 1].text, block.text))
        elif issue.outro or (issue.drafts and matching_rule(block.text, OUTRO_RULES)):
            issue.outro.append(block.text)
        elif started:
            _add_paragraph(issue, block, boundary, previous)
            boundary, previous = False, block.text
        else:
            issue.intro.append(block.text)


def _is_section_note(block: Block | None) -> bool:
    return block is not None and matching_rule(block.text, SECTION_NOTE_RULES) is not None


def _add_paragraph(issue: _Issue, block: Block, boundary: bool, previous: str) -> None:
    lead = issue.drafts[-1].lead.text if issue.drafts else ""
    if _starts_story(block.text, boundary, previous, lead):
        issue.drafts.append(_Draft(block))
    if issue.drafts:
        issue.drafts[-1].parts.append(block.text)
    else:
        issue.intro.append(block.text)


def _starts_story(text: str, boundary: bool, previous: str, lead: str) -> bool:
    """Does this paragraph open a new story, given the one before it and the current lead?"""
    if boundary or LOST_LIST_POINTER.search(previous):
        return True
    if previous.endswith(":"):  # it introduces a quote or a list: this paragraph is that
        return False
    return _reads_as_news_lead(first_sentence(text), first_sentence(lead))


def _reads_as_news_lead(sentence: str, lead: str) -> bool:
    words = [w.strip("“”\"‘’'()[],;:.!?") for w in sentence.split()]
    if not words or not words[0][:1].isupper() or words[0].lower() in CONTINUING_OPENERS:
        return False
    if _names(" ".join(words[:6])) & _names(lead):  # about the same actor as the current story
        return False
    if FIRST_PERSON & {word.lower() for word in words}:  # the writer's comment, not a report
        return False
    return bool(FUTURE.search(" ".join(words[:12]))) or any(_is_past_verb(words, i) for i in range(1, 12))


def _is_past_verb(words: list[str], i: int) -> bool:
    if i >= len(words) or words[i - 1].lower() in NOT_BEFORE_VERB:
        return False
    word = words[i].lower()
    regular = len(word) > 3 and word.endswith("ed") and "-" not in word and word not in NOT_PAST
    return regular or word in IRREGULAR_PAST


def _names(text: str) -> set[str]:
    """Capitalised words (names of actors), without possessives."""
    found = {re.sub(r"[’']s$", "", word) for word in NAME.findall(text)}
    return found - NOT_NAMES


ADAPTER = DynamicallyTypedFormat()
