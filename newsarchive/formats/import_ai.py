"""Parse stage, the Import AI form: a newsletter email (or its web copy) whose first line is
"<Newsletter> <number>: <title>" and whose stories sit between lines of `#`. A story opens with a
"Headline:" line and a "...dek…" line, or with both glued to its first paragraph on one line;
"Why this matters:"-style subheads open its paragraphs and "Read more: TITLE (SITE)." lines cite
its sources. A section ("AI Policy with ...:" and its own dek, no body) holds several headlined
stories; a fiction piece opens with a bare title line.

Import AI made the form, but any newsletter written in it is read the same way and keeps its own
name. What the form knows about email chrome is data (`CHROME`, `CHROME_BLOCKS`, `TRAILERS`:
rule name and pattern), in the shape config-described forms use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..model import DroppedBlock, IssueRef, ParsedIssue, ParsedStory, Source
from .blocks import (
    Block,
    Line,
    Rule,
    blocks,
    bold_lead,
    bullet_item,
    cut_truncation,
    dek,
    drop_matching,
    heading_shaped,
    is_separator,
    issue_title,
    join_markdown,
    numbered_lines,
    parse_date,
    split_glued_headline,
    split_sources,
)

# Email chrome, one line each (patterns are searched in the stripped line).
CHROME: tuple[Rule, ...] = (
    ("view-in-browser", re.compile(r"^View this email in your browser\.?$")),
    ("welcome", re.compile(r"^Welcome to\b.*\b(?:newsletter|letter|[Ss]ubscribe)\b")),
    ("sign-off", re.compile(r"^Thanks for reading\b")),
    (
        "social-links",
        re.compile(r"^(?:Twitter|X|Facebook|Website|LinkedIn|Instagram|YouTube|Mastodon|Bluesky|RSS)$"),
    ),
    ("copyright", re.compile(r"^Copyright\s+(?:©|\([cC]\)|\d{4})")),
    ("subscription-notice", re.compile(r"^You are receiving this email\b")),
    ("address-book", re.compile(r"^Add us to your address book$")),
    ("preferences", re.compile(r"^Want to change how you receive these emails\?$")),
    ("unsubscribe", re.compile(r"^You can update your preferences or unsubscribe\b")),
    ("mailchimp", re.compile(r"^Email Marketing Powered by Mailchimp$")),
)
# Chrome that takes the rest of its paragraph with it.
CHROME_BLOCKS: tuple[Rule, ...] = (("mailing-address", re.compile(r"^Our mailing address is:$")),)
OLDER_MESSAGES = "older-messages"
# Lists of other emails after the issue; each runs to the next one or to the end of the text.
TRAILERS: tuple[Rule, ...] = (
    (OLDER_MESSAGES, re.compile(r"^Older messages$")),
    ("also-like", re.compile(r"^You Might Also Like$")),
)
_MARKERS = re.compile(r"\bWhy this matters\b|\bRead more\s?:")
_IMPORT_AI = "Import AI"


@dataclass(frozen=True)
class _Head:
    """A story's opening: headline, dek, the headline's line number, and the lines after them."""

    title: str
    dek: str
    line: int
    body: list[Line]


@dataclass
class _Body:
    """What the lines between the title line and the chrome hold, gathered in reading order."""

    intro: list[Line] = field(default_factory=list)
    stories: list[ParsedStory] = field(default_factory=list)
    outro: list[Line] = field(default_factory=list)
    dropped: list[DroppedBlock] = field(default_factory=list)


class ImportAIForm:
    """The Import AI form's adapter: `sniff` by shape, `parse` into stories, chrome and other issues."""

    name = "import-ai"

    def sniff(self, text: str, filename: str) -> float:
        """Scored by shape: headline + dek openings first, then a title line, `#` separators and
        "Why this matters" / "Read more" markers; the Import AI name adds a little."""
        lines = numbered_lines(text)
        heads = sum(
            1 for i, line in enumerate(lines) if line.text.strip() and _head(lines[i : i + 2], strict=True)
        )
        if not heads:
            return 0.0
        title_line = _title_line(lines)
        named = issue_title(title_line.text) if title_line else None
        score = 0.4 + 0.15 * (heads >= 2) + 0.2 * bool(named)
        score += 0.1 * (sum(is_separator(line.text) for line in lines) >= 2)
        score += 0.1 * bool(_MARKERS.search(text)) + 0.05 * bool(named and named[0] == _IMPORT_AI)
        return min(score, 1.0)

    def parse(self, text: str, filename: str) -> ParsedIssue:
        lines, dropped = _drop_chrome(numbered_lines(text))
        title_line = _title_line(lines)
        named = issue_title(title_line.text) if title_line else None
        if title_line:
            lines = [Line(line.number, "") if line is title_line else line for line in lines]
            dropped.append(DroppedBlock(title_line.number, "title-line", title_line.text.strip()))
        lines, truncated = _cut_truncated_end(lines)
        body = _read_body(lines)
        if truncated and body.stories:
            body.stories[-1] = replace(body.stories[-1], truncated=True)
        return ParsedIssue(
            format=self.name,
            newsletter=named[0] if named else "",
            number=named[1] if named else None,
            title=named[2] if named else "",
            date=None,
            stories=tuple(body.stories),
            intro=_markdown(_texts(body.intro)),
            outro=_markdown(_texts(body.outro)),
            dropped=tuple(sorted(dropped + body.dropped, key=lambda block: block.line)),
            other_issues=_older_issues(dropped),
        )


def _drop_chrome(lines: list[Line]) -> tuple[list[Line], list[DroppedBlock]]:
    lines, trailers = drop_matching(lines, TRAILERS, "section")
    lines, chrome_blocks = drop_matching(lines, CHROME_BLOCKS, "block")
    lines, chrome = drop_matching(lines, CHROME)
    return lines, trailers + chrome_blocks + chrome


def _title_line(lines: list[Line]) -> Line | None:
    """The first non-blank line, when it reads "<Newsletter> <number>: <title>"."""
    first = next((line for line in lines if line.text.strip()), None)
    return first if first and issue_title(first.text) else None


def _cut_truncated_end(lines: list[Line]) -> tuple[list[Line], bool]:
    """Take the ellipsis off a text that stops mid-word, and say whether it did."""
    last = max((i for i, line in enumerate(lines) if line.text.strip()), default=None)
    if last is None:
        return lines, False
    text, truncated = cut_truncation(lines[last].text)
    return [*lines[:last], Line(lines[last].number, text), *lines[last + 1 :]], truncated


def _read_body(lines: list[Line]) -> _Body:
    """Stories from the chunks between separator lines; what opens the first chunk before its
    first headline is the intro; a chunk without a headline is intro or outro by its place."""
    chunks = _chunks(lines)
    body = _Body()
    if chunks:
        body.intro, chunks[0] = _split_intro(chunks[0])
    for chunk in filter(None, chunks):
        stories, headings = _chunk_stories(chunk)
        body.dropped += headings
        if stories:
            body.stories += stories
        else:
            (body.outro if body.stories else body.intro).extend(chunk)
    return body


def _chunks(lines: list[Line]) -> list[list[Line]]:
    chunks: list[list[Line]] = [[]]
    for line in lines:
        if is_separator(line.text):
            chunks.append([])
        else:
            chunks[-1].append(line)
    return [trimmed for trimmed in map(_trim, chunks) if trimmed]


def _trim(lines: list[Line]) -> list[Line]:
    """The lines without blank lines at either end."""
    filled = [i for i, line in enumerate(lines) if line.text.strip()]
    return lines[filled[0] : filled[-1] + 1] if filled else []


def _split_intro(chunk: list[Line]) -> tuple[list[Line], list[Line]]:
    """(intro, rest): the rest opens at the first block that starts with a headline and a dek."""
    for i, line in enumerate(chunk):
        block_start = bool(line.text.strip()) and (i == 0 or not chunk[i - 1].text.strip())
        if block_start and _head(chunk[i:], strict=True):
            return chunk[:i], chunk[i:]
    return chunk, []


def _chunk_stories(chunk: list[Line]) -> tuple[list[ParsedStory], list[DroppedBlock]]:
    """One story per chunk, or, under a section heading, one per headlined block."""
    found = blocks(chunk)
    if len(found) > 1 and _is_section_heading(found[0]) and _is_headline(found[1].first):
        heading = DroppedBlock(found[0].line, "section-heading", found[0].text.strip())
        stories = (_story(part) for part in _headlined_parts(found[1:]))
        return [story for story in stories if story], [heading]
    story = _story(chunk)
    return ([story] if story else []), []


def _is_section_heading(block: Block) -> bool:
    """A headline with a dek, or a bare "Heading:" line, and no body of its own."""
    first, rest = block.first, block.lines[1:]
    if not _is_headline(first):
        return False
    if not rest:
        return first.strip().endswith(":")
    return len(rest) == 1 and dek(rest[0].text) is not None


def _headlined_parts(found: list[Block]) -> list[list[Line]]:
    parts: list[list[Line]] = []
    for block in found:
        opens = _is_headline(block.first) and not (len(block.lines) > 1 and bullet_item(block.lines[1].text))
        if opens or not parts:
            parts.append([])
        parts[-1] += block.lines
    return parts


def _is_headline(text: str) -> bool:
    """Short and title-like (a trailing colon allowed), and not a "Read more" source line."""
    return heading_shaped(text.strip().removesuffix(":")) and bool(split_sources(text.strip())[0])


def _head(lines: list[Line], strict: bool) -> _Head | None:
    """Read a story's opening from its first lines: "Headline:…dek…Body" on one line, or a
    headline line and a dek line, or (unless `strict`) a bare headline line."""
    first, rest = lines[0], lines[1:]
    glued = split_glued_headline(first.text)
    if glued:
        title, subtitle, text = glued
        return _Head(title, subtitle, first.number, [Line(first.number, text), *rest])
    subtitle = dek(rest[0].text) if rest else None
    if (strict and subtitle is None) or not _is_headline(first.text):  # the cheaper test first
        return None
    if subtitle is not None:
        return _Head(_headline(first.text), subtitle, first.number, rest[1:])
    return None if strict else _Head(_headline(first.text), "", first.number, rest)


def _headline(text: str) -> str:
    return text.strip().removesuffix(":").strip()


def _story(lines: list[Line]) -> ParsedStory | None:
    lines = _trim(lines)
    head = _head(lines, strict=False) if lines else None
    if head is None:
        return None
    texts, sources = _split_sources(head.body)
    return ParsedStory(head.title, _markdown(texts), head.line, head.dek, sources)


def _split_sources(lines: list[Line]) -> tuple[list[str], tuple[Source, ...]]:
    """The paragraphs (one a line in this form) without their source items, and the sources."""
    texts: list[str] = []
    sources: list[Source] = []
    for text in _texts(lines):
        rest, found = split_sources(text)
        sources += found
        if rest:
            texts.append(rest)
    return texts, tuple(sources)


def _texts(lines: list[Line]) -> list[str]:
    return [line.text.strip() for line in lines if line.text.strip()]


def _markdown(texts: list[str]) -> str:
    """Each line is a paragraph here; bulleted lines form lists; subhead leads turn bold."""
    return join_markdown([_paragraph(text) for text in texts])


def _paragraph(text: str) -> str:
    item = bullet_item(text)
    if item:
        return f"- {item}"
    if text.endswith(":") and _is_headline(text):  # a lead-in line alone ("Putin's four ideas:")
        return f"**{text}**"
    return bold_lead(text, max_words=10, questions=True)


def _older_issues(dropped: list[DroppedBlock]) -> tuple[IssueRef, ...]:
    """The issues an "Older messages" list names: title line, then a date line, then a teaser."""
    refs: list[IssueRef] = []
    for block in dropped:
        if block.rule != OLDER_MESSAGES:
            continue
        for text in block.text.splitlines()[1:]:
            named, date = issue_title(text), parse_date(text)
            if named:
                refs.append(IssueRef(title=named[2], number=named[1]))
            elif date and refs and refs[-1].date is None:
                refs[-1] = replace(refs[-1], date=date)
    return tuple(refs)


ADAPTER = ImportAIForm()
