"""The data model passed between stages: frozen dataclasses, no behaviour beyond lookups.

Parsing yields `ParsedIssue`s (what a newsletter file says). Ingest turns them into story files;
load reads those back into `Newsletter`, `Issue` and `Story` records gathered in an `Archive`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Source:
    """A link a story cites ("Read more: TITLE (SITE)")."""

    title: str
    site: str = ""
    url: str = ""
    # The lead that introduced it ("Read more:"), so every word a parser consumed is accounted
    # for; not part of the source's identity.
    label: str = field(default="", compare=False)


@dataclass(frozen=True)
class ParsedStory:
    title: str
    body: str  # Markdown, without the title
    line: int  # 1-based line of the story's first line in the source file
    dek: str = ""  # one-line subtitle under the headline, if any
    sources: tuple[Source, ...] = ()
    truncated: bool = False  # the source cuts the story off mid-text


@dataclass(frozen=True)
class DroppedBlock:
    """A block of the source that is not part of any story, and the rule that dropped it."""

    line: int
    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class IssueRef:
    """Another issue a file mentions in passing (an "Older messages" list)."""

    title: str
    number: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class ParsedIssue:
    """What one newsletter file says: pure data, no file system."""

    format: str  # name of the adapter that read it
    newsletter: str  # display name, "" when the file does not say
    number: str | None
    title: str
    date: dt.date | None
    stories: tuple[ParsedStory, ...]
    url: str = ""
    author: str = ""
    intro: str = ""  # Markdown text before the first story that is not boilerplate
    outro: str = ""  # Markdown text after the last story that is not boilerplate
    dropped: tuple[DroppedBlock, ...] = ()
    other_issues: tuple[IssueRef, ...] = ()


@dataclass(frozen=True)
class Newsletter:
    slug: str
    name: str


@dataclass(frozen=True)
class Issue:
    id: str  # "import-ai/226"
    newsletter: str  # newsletter slug
    key: str  # the last part of the id: number, date or file stem
    number: str | None
    title: str
    date: dt.date | None
    source: str  # path of the newsletter file, relative to the content folder
    url: str = ""
    intro: str = ""
    outro: str = ""
    other_issues: tuple[IssueRef, ...] = ()


def issue_order(issue: Issue) -> tuple:
    """The one sort key for issues: newest first, undated last; then newsletter, highest number."""
    newest = -issue.date.toordinal() if issue.date else 0
    number = -int(issue.number) if issue.number and issue.number.isdigit() else 0
    return (issue.date is None, newest, issue.newsletter, number, issue.key)


@dataclass(frozen=True)
class Story:
    id: str  # "import-ai/226/deepmind-cracks-the-protein-folding-problem"
    issue: str  # issue id
    newsletter: str  # newsletter slug
    position: int  # 1-based order within the issue
    title: str
    body: str  # Markdown
    date: dt.date | None
    path: str  # story file, relative to the content folder
    dek: str = ""
    tags: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    truncated: bool = False


@dataclass(frozen=True)
class Note:
    """An editor's note, attached to a story, an issue, a newsletter or a tag ("tags/<slug>")."""

    target: str
    path: str  # the note file, relative to the content folder
    body: str  # Markdown
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    rating: int | None = None
    see_also: tuple[str, ...] = ()  # story ids or URLs


@dataclass(frozen=True, slots=True)
class Related:
    """A related story, as its page shows it. Not its score: a new issue shifts every story's
    scores a little (the weights of words hang on how many stories there are), and a page made
    from them would be made anew for nothing."""

    story: str  # id of the related story
    reason: str  # "also about AlphaFold · DeepMind"


@dataclass(frozen=True)
class Archive:
    """Everything the render stage needs, loaded and enriched. Tuples are in display order."""

    newsletters: tuple[Newsletter, ...]
    issues: tuple[Issue, ...]
    stories: tuple[Story, ...]
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tag slug -> story ids
    tag_names: dict[str, str] = field(default_factory=dict)  # tag slug -> display name
    notes: dict[str, Note] = field(default_factory=dict)  # target id -> note
    orphan_notes: tuple[Note, ...] = ()  # notes whose target is not in the archive
    related: dict[str, tuple[Related, ...]] = field(default_factory=dict)  # story id -> related
    backlinks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> ids linking to it

    @cached_property
    def story_by_id(self) -> dict[str, Story]:
        return {s.id: s for s in self.stories}

    @cached_property
    def issue_by_id(self) -> dict[str, Issue]:
        return {i.id: i for i in self.issues}

    @cached_property
    def newsletter_by_slug(self) -> dict[str, Newsletter]:
        return {n.slug: n for n in self.newsletters}

    @cached_property
    def stories_by_issue(self) -> dict[str, tuple[Story, ...]]:
        grouped = _grouped(self.stories, lambda s: s.issue)
        return {k: tuple(sorted(v, key=lambda s: s.position)) for k, v in grouped.items()}

    @cached_property
    def stories_by_newsletter(self) -> dict[str, tuple[Story, ...]]:
        return _grouped(self.stories, lambda s: s.newsletter)

    @cached_property
    def issues_by_newsletter(self) -> dict[str, tuple[Issue, ...]]:
        return _grouped(self.issues, lambda i: i.newsletter)


def _grouped(items: Iterable[T], key: Callable[[T], str]) -> dict[str, tuple[T, ...]]:
    """Items by key, each group in the items' order."""
    grouped: dict[str, list[T]] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    return {k: tuple(v) for k, v in grouped.items()}


@dataclass(frozen=True)
class Page:
    path: str  # output path relative to the site root, "/"-separated ("import-ai/226/index.html")
    content: bytes

