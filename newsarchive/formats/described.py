"""Parse stage, described forms: a newsletter form told as data (a `FormSpec`), read by one adapter.

A spec says how to recognise the form (patterns that must all occur), where stories start (a
`separator` line between them and/or a `headline` line opening each), which lines are section
headings, which lines or blocks are chrome to drop (each under a rule name), where the issue's
title, number and date sit, and which paragraph leads are subheads to set in bold. Users write specs
as `[forms.<name>]` tables in site_config.toml; built-in forms use the same class where a spec is
enough (the generic fallback, Markdown posts).

Reading order: front matter (YAML or TOML) gives metadata and is dropped; drop rules blank their
lines; the first lines give title/number/date (a line a header pattern matches in full is dropped);
then the lines are cut at separators, headlines and section headings. Text before the first story
is the intro, text after a separator following the last story is the outro, and headline-less text
between stories stays with the story before it. A section heading with text under it joins the
intro as a note; without text it is dropped. Without a `headline` pattern every chunk between
separators is a story titled by its first line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..model import DroppedBlock, ParsedIssue, ParsedStory
from .blocks import (
    IssueMeta,
    IssueParts,
    Line,
    Rule,
    decode_entities,
    drop_matching,
    front_matter_meta,
    inline_text,
    is_wrapper,
    numbered_lines,
    parse_date,
    section_note,
    split_front_matter,
    title_meta,
)

SCOPES = ("line", "block", "section")  # how much a drop rule's match takes; see blocks.drop_matching
LONG_TITLE = 120  # a first line longer than this is a paragraph, not a title
SHORT_TITLE = 80  # ...and is cut to about this for one


@dataclass(frozen=True)
class DropRule:
    rule: str  # the name `parse --explain` shows
    pattern: re.Pattern[str]  # searched in each stripped line
    scope: str = "line"  # "line", "block" (the rest of its paragraph) or "section" (to the next match)


@dataclass(frozen=True)
class FormSpec:
    name: str
    newsletter: str = ""  # display name; "" lets the text (or its folder) name it
    recognise: tuple[re.Pattern[str], ...] = ()  # all must occur in the text (line anchors: ^ $)
    score: float = 1.0  # the sniff score when recognised
    separator: re.Pattern[str] | None = None  # a line between stories
    headline: re.Pattern[str] | None = None  # a line opening a story; group `title` is its title
    section: re.Pattern[str] | None = None  # a section heading; group `title` is its name
    drop: tuple[DropRule, ...] = ()
    title: re.Pattern[str] | None = None  # group `title`, in the first lines
    number: re.Pattern[str] | None = None  # group `number`, in the title or the first lines
    date: re.Pattern[str] | None = None  # group `date`, in the title or the first lines
    header_lines: int = 10  # how many non-blank lines the header patterns look at
    subheads: tuple[re.Pattern[str], ...] = ()  # matched at a paragraph's start; the match turns bold


class DropTable(Protocol):
    rule: str
    pattern: str
    scope: str


class FormTable(Protocol):
    """A `[forms.<name>]` table as the config holds it (plain strings, checked to compile)."""

    newsletter: str
    recognise: list[str]
    separator: str
    headline: str
    section: str
    title: str
    number: str
    date: str
    header_lines: int
    subheads: list[str]
    drop: list[DropTable]


def compile_spec(name: str, table: FormTable) -> FormSpec:
    """The spec a config table describes."""

    def optional(pattern: str) -> re.Pattern[str] | None:
        return re.compile(pattern) if pattern else None

    return FormSpec(
        name=name,
        newsletter=table.newsletter,
        recognise=tuple(re.compile(p, re.M) for p in table.recognise),
        separator=optional(table.separator),
        headline=optional(table.headline),
        section=optional(table.section),
        drop=tuple(DropRule(d.rule, re.compile(d.pattern), d.scope) for d in table.drop),
        title=optional(table.title),
        number=optional(table.number),
        date=optional(table.date),
        header_lines=table.header_lines,
        subheads=tuple(re.compile(p) for p in table.subheads),
    )


@dataclass
class _Part:
    """Lines between two boundaries: the lead (before any), a story, a section, or an open chunk
    (after a separator, before any headline)."""

    kind: str
    head: Line | None = None
    title: str = ""
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class DescribedForm:
    """The adapter for any `FormSpec`."""

    spec: FormSpec

    @property
    def name(self) -> str:
        return self.spec.name

    def sniff(self, text: str, filename: str) -> float:
        """The spec's score when every `recognise` pattern occurs. An email or an HTML page is left
        to its wrapping form, which hands this form what is inside."""
        if is_wrapper(text) or not all(p.search(text) for p in self.spec.recognise):
            return 0.0
        return self.spec.score

    def parse(self, text: str, filename: str) -> ParsedIssue:
        meta, body, start = split_front_matter(text)
        front = [DroppedBlock(1, "front-matter", text[: len(text) - len(body)].strip())] if start > 1 else []
        lines, dropped = _drop(numbered_lines(decode_entities(body), start), self.spec.drop)
        header, lines, header_dropped = _read_header(lines, self.spec, front_matter_meta(meta))
        reading = _read_parts(_parts(lines, self.spec), self.spec)
        return ParsedIssue(
            format=self.name,
            newsletter=self.spec.newsletter or header.newsletter,
            number=header.number,
            title=header.title or os.path.splitext(os.path.basename(filename))[0],
            date=header.date,
            stories=tuple(reading.stories),
            url=header.url,
            author=header.author,
            intro="\n\n".join(reading.intro),
            outro="\n\n".join(reading.outro),
            dropped=tuple(sorted(front + dropped + header_dropped + reading.dropped, key=lambda b: b.line)),
        )


def _drop(lines: list[Line], rules: tuple[DropRule, ...]) -> tuple[list[Line], list[DroppedBlock]]:
    """Apply the drop rules, the widest scope first, so a section takes the lines in it."""
    dropped: list[DroppedBlock] = []
    for scope in reversed(SCOPES):
        chosen: tuple[Rule, ...] = tuple((r.rule, r.pattern) for r in rules if r.scope == scope)
        if chosen:
            lines, found = drop_matching(lines, chosen, scope)
            dropped += found
    return lines, dropped


def _read_header(
    lines: list[Line], spec: FormSpec, front: IssueMeta
) -> tuple[IssueMeta, list[Line], list[DroppedBlock]]:
    """The issue's title, number and date: front matter first, then the header patterns (number and
    date in the title, else in the first lines), then an "<Newsletter> <number>: <title>" title. A
    line a header pattern matches in full says nothing else, and is dropped."""
    first = [line for line in lines if line.text.strip()][: spec.header_lines]
    found: dict[str, str] = {}
    used: dict[int, str] = {}  # line number -> the header field that line is
    for key in ("title", "number", "date"):
        pattern: re.Pattern[str] | None = getattr(spec, key)
        title = front.title or found.get("title", "")
        in_title = _group(pattern, title, key) if pattern and title and key != "title" else None
        value = in_title if in_title is not None else _find(pattern, key, first, used)
        if value is not None:
            found[key] = value
    return _header_meta(front, found), *_without(lines, used)


def _find(pattern: re.Pattern[str] | None, key: str, first: list[Line], used: dict[int, str]) -> str | None:
    """The field in the first line the pattern occurs in; that line is marked used when it is all
    the pattern matched."""
    for line in first if pattern else ():
        value = _group(pattern, line.text.strip(), key)
        if value is not None:
            if _whole(pattern, line.text) and line.number not in used:
                used[line.number] = key
            return value
    return None


def _group(pattern: re.Pattern[str], text: str, key: str) -> str | None:
    """The pattern's group named `key` (else its whole match), None when it does not occur."""
    match = pattern.search(text)
    value = (match[key] if key in pattern.groupindex else match[0]) if match else None
    return value.strip() if value else None


def _whole(pattern: re.Pattern[str], text: str) -> bool:
    match = pattern.search(text.strip())
    return bool(match) and match[0] == text.strip()


def _header_meta(front: IssueMeta, found: dict[str, str]) -> IssueMeta:
    named = title_meta(inline_text(found["title"])) if "title" in found else IssueMeta()
    return replace(
        front,
        newsletter=front.newsletter or named.newsletter,
        number=front.number or found.get("number") or named.number or title_meta(front.title).number,
        title=front.title or named.title,
        date=front.date or parse_date(found.get("date")),
    )


def _without(lines: list[Line], used: dict[int, str]) -> tuple[list[Line], list[DroppedBlock]]:
    """The lines with the header lines blanked, and those lines as dropped blocks."""
    dropped = [DroppedBlock(line.number, f"issue-{used[line.number]}", line.text.strip())
               for line in lines if line.number in used]
    return [Line(line.number, "") if line.number in used else line for line in lines], dropped


def _parts(lines: list[Line], spec: FormSpec) -> list[_Part]:
    """Cut the lines at separators (which are consumed), headlines and section headings."""
    parts = [_Part("lead")]
    for line in lines:
        text = line.text.strip()
        if text and spec.separator and spec.separator.search(text):
            parts.append(_Part("open"))
        elif text and spec.section and spec.section.search(text):
            parts.append(_Part("section", line, _titled(spec.section, text)))
        elif text and spec.headline and spec.headline.search(text):
            parts.append(_Part("story", line, _titled(spec.headline, text)))
        else:
            parts[-1].lines.append(line)
    return [part for part in parts if part.head or _text(part.lines)]


def _titled(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    title = match["title"] if match and "title" in pattern.groupindex else text
    return inline_text(title)


def _read_parts(parts: list[_Part], spec: FormSpec) -> IssueParts:
    """Send each part to a story, the intro, the outro or the dropped list, in reading order."""
    if spec.headline is None:  # separators alone: every chunk is a story, led by its first line
        parts = [_first_line_story(part) if part.kind in ("lead", "open") else part for part in parts]
    last_story = max((i for i, part in enumerate(parts) if part.kind == "story"), default=-1)
    reading, drafts = IssueParts(), []
    for index, part in enumerate(parts):
        if part.kind == "story":
            drafts.append(part)
        elif part.kind == "section":
            _section(part, spec, reading)
        elif not drafts:
            reading.intro.append(_markdown(part.lines, spec))
        elif index < last_story:
            drafts[-1].lines += part.lines  # text between stories stays with the one before it
        else:
            reading.outro.append(_markdown(part.lines, spec))
    reading.stories = [_story(draft, spec) for draft in drafts]
    return reading


def _first_line_story(part: _Part) -> _Part:
    """A story whose headline is its chunk's first line; a paragraph-long first line gives a
    shortened title and stays in the body."""
    lines = _trim(part.lines)
    title = lines[0].text.strip()
    if len(title) > LONG_TITLE:
        return _Part("story", None, title[:SHORT_TITLE].rsplit(" ", 1)[0] + "…", lines)
    return _Part("story", lines[0], inline_text(title), lines[1:])


def _section(part: _Part, spec: FormSpec, reading: IssueParts) -> None:
    text = _markdown(part.lines, spec)
    if text:
        reading.intro.append(section_note(part.title, text))
    elif part.head:
        reading.dropped.append(DroppedBlock(part.head.number, "section-heading", part.head.text.strip()))


def _story(part: _Part, spec: FormSpec) -> ParsedStory:
    line = part.head.number if part.head else _trim(part.lines)[0].number
    return ParsedStory(title=part.title, body=_markdown(part.lines, spec), line=line)


def _trim(lines: list[Line]) -> list[Line]:
    filled = [i for i, line in enumerate(lines) if line.text.strip()]
    return lines[filled[0] : filled[-1] + 1] if filled else []


def _text(lines: Iterable[Line]) -> str:
    return "\n".join(line.text for line in lines).strip()


def _markdown(lines: list[Line], spec: FormSpec) -> str:
    """The lines as Markdown: one blank line between paragraphs; a line led by a subhead opens a
    paragraph (plain-text letters put one paragraph on each line) with its lead in bold."""
    texts: list[str] = []
    for line in lines:
        lead = _subhead(line.text.strip(), spec.subheads)
        texts += ["", lead] if lead else [line.text]
    paragraphs = re.split(r"\n[ \t]*\n(?:[ \t]*\n)*", "\n".join(texts).strip())
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph.strip())


def _subhead(text: str, subheads: tuple[re.Pattern[str], ...]) -> str | None:
    """The line with its subhead lead in bold, None when no subhead pattern matches its start."""
    for pattern in subheads:
        match = pattern.match(text)
        if match and match[0].strip():
            return f"**{match[0].strip()}** {text[match.end():].lstrip()}"
    return None
