"""Parse stage: newsletter text in, `ParsedIssue` out. Pure: strings in, data out.

Every newsletter form is a small adapter object with a `name`, a `sniff(text, filename)` that scores
how sure it is that the text is its form (0.0 = not mine, 1.0 = certainly mine), and a
`parse(text, filename)` that returns a `ParsedIssue`. `TEXT_FORMS` lists the forms that read text
as it is; `registry()` adds the forms that open a wrapper (an email export, a saved web page) and
hand what is inside to the text forms. The generic fallback comes last and always answers a small
positive score, so every file gets parsed. Adding a form means one module and one line in
`TEXT_FORMS`, or one `[forms.<name>]` table in the config (`forms_from_config`): configured forms
are asked first, so ties go to them, and wrappers hand their contents to them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..config import Config
from ..model import ParsedIssue
from . import (
    blog_post,
    described,
    dynamically_typed,
    email_export,
    generic,
    import_ai,
    jekyll,
    markdown_post,
    the_batch,
    web_page,
)


class Format(Protocol):
    name: str

    def sniff(self, text: str, filename: str) -> float: ...

    def parse(self, text: str, filename: str) -> ParsedIssue: ...


@dataclass(frozen=True)
class Choice:
    """The adapter chosen for a text, with every adapter's score (for `parse --explain`)."""

    adapter: Format
    scores: tuple[tuple[str, float], ...]


# Forms that read text as it is, in the order they are asked; the generic fallback last. Adapters
# import only `blocks`, `described` and `model`, never this module, so there is no import cycle.
TEXT_FORMS: tuple[Format, ...] = (
    dynamically_typed.ADAPTER,
    the_batch.ADAPTER,
    blog_post.ADAPTER,
    import_ai.ADAPTER,
    # A post's body is read by the body form that fits it best.
    jekyll.JekyllPost(body_forms=(import_ai.ADAPTER,)),
    markdown_post.ADAPTER,
    generic.ADAPTER,
)


def registry(extra: tuple[Format, ...] = ()) -> tuple[Format, ...]:
    """Every adapter in the order asked: the `extra` (configured) forms, the text forms, then the
    wrappers, which hand their contents to the same text forms; the generic fallback last."""
    text_forms = (*extra, *TEXT_FORMS)
    page = web_page.WebPage(body_forms=text_forms)
    mail = email_export.EmailExport(body_forms=(page, *text_forms))
    return (*text_forms[:-1], mail, page, text_forms[-1])


ADAPTERS: tuple[Format, ...] = registry()


def forms_from_config(config: Config) -> tuple[Format, ...]:
    """The forms described in the config's `[forms.<name>]` tables, in the order written."""
    specs = (described.compile_spec(name, table) for name, table in config.forms.items())
    return tuple(described.DescribedForm(spec) for spec in specs)


def choose(text: str, filename: str, extra: tuple[Format, ...] = ()) -> Choice:
    """Pick the adapter with the highest score; ties go to the one asked first (configured forms)."""
    adapters = registry(extra) if extra else ADAPTERS
    scores = tuple((a.name, a.sniff(text, filename)) for a in adapters)
    best = max(range(len(adapters)), key=lambda i: (scores[i][1], -i))
    return Choice(adapters[best], scores)


def parse_text(text: str, filename: str, extra: tuple[Format, ...] = ()) -> ParsedIssue:
    """Parse one newsletter file's text with the adapter that fits it best."""
    return choose(text, filename, extra).adapter.parse(text, filename)
