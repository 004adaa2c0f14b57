"""Parse stage, Jekyll-style posts: YAML front matter, then a body of HTML-ish text.

The front matter gives the issue's metadata (`title` as "<Newsletter> <number>: <title>", `date`,
`link`, `author`); its `excerpt` repeats the body and is not read. The body, its HTML entities
decoded, goes to whichever body form fits it best (the Import AI story splitter for Import AI's
web copies), so no form's story logic is copied here. Body forms are handed in by the format
registry, which keeps this module free of other adapters. A post whose body no body form claims is
left to the other adapters (the generic one reads front matter too).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from ..model import DroppedBlock, ParsedIssue
from .blocks import decode_entities, issue_title, parse_date, split_front_matter

# A little over the body form's own score: the front matter is one more sign this is the form.
_FRONT_MATTER_BONUS = 0.05


class BodyForm(Protocol):
    """What this adapter needs of the form that reads a post's body."""

    def sniff(self, text: str, filename: str) -> float: ...

    def parse(self, text: str, filename: str) -> ParsedIssue: ...


@dataclass(frozen=True)
class JekyllPost:
    body_forms: tuple[BodyForm, ...]
    name: str = "jekyll"

    def sniff(self, text: str, filename: str) -> float:
        meta, body, start = split_front_matter(text)
        if not meta.get("title"):
            return 0.0
        body_text = _body_text(body, start)
        best = max(form.sniff(body_text, filename) for form in self.body_forms)
        return min(best + _FRONT_MATTER_BONUS, 1.0) if best > 0 else 0.0

    def parse(self, text: str, filename: str) -> ParsedIssue:
        meta, body, start = split_front_matter(text)
        body_text = _body_text(body, start)
        form = max(self.body_forms, key=lambda candidate: candidate.sniff(body_text, filename))
        issue = form.parse(body_text, filename)
        front = DroppedBlock(1, "front-matter", text[: len(text) - len(body)].strip())
        return _with_front_matter(replace(issue, dropped=(front, *issue.dropped)), meta, self.name)


def _body_text(body: str, start: int) -> str:
    """The body as it sits in the file: blank lines stand in for the front matter, so the body
    form's line numbers are the file's."""
    return "\n" * (start - 1) + decode_entities(body)


def _with_front_matter(issue: ParsedIssue, meta: dict, format_name: str) -> ParsedIssue:
    """The body's reading, with what the front matter says taking precedence."""
    heading = decode_entities(str(meta.get("title") or "")).strip()
    named = issue_title(heading)
    return replace(
        issue,
        format=format_name,
        newsletter=str(meta.get("newsletter") or (named[0] if named else issue.newsletter)),
        number=named[1] if named else issue.number,
        title=named[2] if named else heading or issue.title,
        date=parse_date(meta.get("date")) or issue.date,
        url=str(meta.get("link") or meta.get("url") or issue.url),
        author=str(meta.get("author") or issue.author),
    )
