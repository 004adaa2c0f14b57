"""Shared boundary heuristics for format adapters: lines with numbers, blocks, front matter,
separator lines, headline shapes and dates. Adapters and config-described forms both use these.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the source file
    text: str


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines (a paragraph, a list, a headline)."""

    lines: tuple[Line, ...]

    @property
    def line(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def first(self) -> str:
        return self.lines[0].text


def numbered_lines(text: str, first_number: int = 1) -> list[Line]:
    return [Line(first_number + i, t.rstrip()) for i, t in enumerate(text.splitlines())]


def blocks(lines: list[Line]) -> list[Block]:
    """Group lines into blocks separated by blank lines."""
    result: list[Block] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            result.append(Block(tuple(current)))
            current = []
    if current:
        result.append(Block(tuple(current)))
    return result


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """Split YAML front matter off a text: (metadata, body, line number where the body starts).

    Saved pages often carry front matter that is not valid YAML (unescaped quotes in a long
    excerpt); then each top-level `key: value` line is read as a plain string instead.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    raw = match.group(1)
    body_start = raw.count("\n") + 3
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        meta = _loose_front_matter(raw)
    return meta, text[match.end():], body_start


def _loose_front_matter(raw: str) -> dict:
    meta: dict[str, str] = {}
    for line in raw.splitlines():
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[A-Za-z_][\w-]*", key):
            meta[key] = value.strip().strip('"').strip("'")
    return meta


_SEPARATOR = re.compile(r"^\s*([#*=_~-])(\s*\1){2,}\s*$")


def is_separator(text: str) -> bool:
    """A line made of one repeated mark: `#####`, `***`, `* * *`, `---`, `===`."""
    return bool(_SEPARATOR.match(text))


_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def markdown_heading(text: str) -> tuple[int, str] | None:
    """(level, title) when the line is an ATX Markdown heading."""
    match = _MARKDOWN_HEADING.match(text)
    return (len(match.group(1)), match.group(2)) if match else None


def decode_entities(text: str) -> str:
    """HTML entities to characters; non-breaking spaces to plain spaces."""
    return html.unescape(text).replace("\u00a0", " ")


_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y-%m-%d", "%A, %B %d, %Y")
_ISO_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def parse_date(value: object) -> dt.date | None:
    """Read a date from front matter or text: a date object, ISO (with or without a time), or
    "December 14, 2020" / "Monday, November 2, 2020" / "14 December 2020". None when unsure."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = _ISO_PREFIX.match(text)
    if iso:
        text = iso.group(1)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_ISSUE_NUMBER = re.compile(r"(?:#|\bissue\s+|\bno\.\s*)(\d+)\b|^[A-Z][\w .]*?\s(\d+)\s*[:\-–—]", re.I)


def issue_number(title: str) -> str | None:
    """"Import AI 226: ..." -> "226"; "#21: ..." -> "21"; "Issue 5" -> "5"."""
    match = _ISSUE_NUMBER.search(title)
    if not match:
        return None
    return match.group(1) or match.group(2)
