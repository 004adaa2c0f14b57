"""The fallback form: any text or Markdown file. Stories are split at the most used Markdown
heading level, else at separator lines (`***`, `---`, `#####`), else the file is one story."""

from __future__ import annotations

import os
from collections import Counter

from ..model import ParsedIssue, ParsedStory
from .blocks import (
    Line,
    decode_entities,
    issue_number,
    is_separator,
    markdown_heading,
    numbered_lines,
    parse_date,
    split_front_matter,
)


class GenericFormat:
    name = "generic"

    def sniff(self, text: str, filename: str) -> float:
        return 0.1

    def parse(self, text: str, filename: str) -> ParsedIssue:
        meta, body, start = split_front_matter(text)
        lines = numbered_lines(decode_entities(body), start)
        title = str(meta.get("title") or _first_heading(lines) or _stem(filename))
        chunks = _split(lines)
        stories = tuple(s for s in (_story(c) for c in chunks) if s and s.title != title)
        return ParsedIssue(
            format=self.name,
            newsletter=str(meta.get("newsletter") or ""),
            number=str(meta["issue"]) if meta.get("issue") else issue_number(title),
            title=title,
            date=parse_date(meta.get("date")),
            stories=stories,
            url=str(meta.get("url") or meta.get("link") or ""),
            author=str(meta.get("author") or ""),
        )


def _stem(filename: str) -> str:
    return os.path.splitext(os.path.basename(filename))[0]


def _first_heading(lines: list[Line]) -> str | None:
    for line in lines:
        heading = markdown_heading(line.text)
        if heading and heading[0] == 1:
            return heading[1]
    return None


def _split(lines: list[Line]) -> list[list[Line]]:
    """Cut the lines into chunks, one per story, each starting at its headline."""
    levels = Counter(h[0] for h in (markdown_heading(line.text) for line in lines) if h)
    story_level = min((lvl for lvl, n in levels.items() if n >= 2), default=None)
    chunks: list[list[Line]] = [[]]
    for line in lines:
        heading = markdown_heading(line.text)
        starts = heading and heading[0] == story_level if story_level else is_separator(line.text)
        if starts and chunks[-1]:
            chunks.append([])
        if not (is_separator(line.text) and not story_level):
            chunks[-1].append(line)
    return [c for c in chunks if any(line.text.strip() for line in c)]


def _story(chunk: list[Line]) -> ParsedStory | None:
    while chunk and not chunk[0].text.strip():
        chunk = chunk[1:]
    if not chunk:
        return None
    heading = markdown_heading(chunk[0].text)
    title = heading[1] if heading else chunk[0].text.strip()
    body_lines = chunk[1:] if heading or len(title) <= 120 else chunk
    if not heading and len(title) > 120:
        title = title[:80].rsplit(" ", 1)[0] + "…"
    body = "\n".join(line.text for line in body_lines).strip()
    return ParsedStory(title=title, body=body, line=chunk[0].number)


ADAPTER = GenericFormat()
