"""Parse stage: newsletter text in, `ParsedIssue` out. Pure: strings in, data out.

Every newsletter form is a small adapter object with a `name`, a `sniff(text, filename)` that scores
how sure it is that the text is its form (0.0 = not mine, 1.0 = certainly mine), and a
`parse(text, filename)` that returns a `ParsedIssue`. `ADAPTERS` lists them in order; the generic
fallback comes last and always answers a small positive score, so every file gets parsed. Adding a
form means one module and one line in `ADAPTERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..model import ParsedIssue
from . import blog_post, dynamically_typed, generic, import_ai, jekyll, the_batch


class Format(Protocol):
    name: str

    def sniff(self, text: str, filename: str) -> float: ...

    def parse(self, text: str, filename: str) -> ParsedIssue: ...


@dataclass(frozen=True)
class Choice:
    """The adapter chosen for a text, with every adapter's score (for `parse --explain`)."""

    adapter: Format
    scores: tuple[tuple[str, float], ...]


# In the order they are asked; the generic fallback last. Adapters import only `blocks` and
# `model`, never this module, so there is no import cycle.
ADAPTERS: tuple[Format, ...] = (
    dynamically_typed.ADAPTER,
    the_batch.ADAPTER,
    blog_post.ADAPTER,
    import_ai.ADAPTER,
    # A post's body is read by the body form that fits it best.
    jekyll.JekyllPost(body_forms=(import_ai.ADAPTER,)),
    generic.ADAPTER,
)


def choose(text: str, filename: str, adapters: tuple[Format, ...] = ADAPTERS) -> Choice:
    """Pick the adapter with the highest score; ties go to the one listed first."""
    scores = tuple((a.name, a.sniff(text, filename)) for a in adapters)
    best = max(range(len(adapters)), key=lambda i: (scores[i][1], -i))
    return Choice(adapters[best], scores)


def parse_text(text: str, filename: str, adapters: tuple[Format, ...] = ADAPTERS) -> ParsedIssue:
    """Parse one newsletter file's text with the adapter that fits it best."""
    return choose(text, filename, adapters).adapter.parse(text, filename)
