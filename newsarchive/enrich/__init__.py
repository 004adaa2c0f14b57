"""Enrich stage (pure: Archive in, Archive out): dates other issues vouch for, cross-links,
tags, editors' notes checked against the archive, related stories and backlinks.

Runs after everything is loaded, so every story sees the whole archive. What it reads off each
text alone is kept in the build cache (memo.py) when it is given one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TypeVar

from ..cache import Cache
from ..config import Config
from ..diagnostics import Diagnostics
from ..model import Archive, Story
from . import links, memo, related, tags

T = TypeVar("T")


def enrich(archive: Archive, config: Config, diagnostics: Diagnostics, cache: Cache | None = None) -> Archive:
    """The enriched archive: the same with a `cache` or without, only sooner."""
    archive = _dates_from_other_issues(archive)
    archive = _linked(archive, config, diagnostics, cache)
    taxonomy = tags.load_taxonomy(config)
    facts = memo.facts(archive.stories, taxonomy, cache)
    archive = _tagged(archive, config, taxonomy, facts)
    archive = _notes_checked(archive, diagnostics)
    return dataclasses.replace(
        archive,
        related=related.relate(archive.stories, archive.tag_names, facts.terms),
        backlinks=links.backlinks(_link_targets(archive)),
    )


def with_story_edited(archive: Archive, config: Config, story: Story, diagnostics: Diagnostics) -> Archive:
    """The enriched `archive` with `story` (as load read it after an edit) in place of the story of
    the same id: its text linked as `enrich` links it, its tags, related stories and backlinks as
    they were. For serve's preview of the edited page (preview.py): the rebuild that
    follows works out what the edit changes elsewhere."""
    linker = links.MentionLinker(archive, config)

    def linked_text(text: str, own_issue: str) -> str:
        return linker.link(text, linker.mentions(text), own_issue)

    linked = _story_linked(story, archive, linked_text, diagnostics)
    old = archive.story_by_id[story.id]
    edited = dataclasses.replace(linked, date=story.date or old.date, tags=old.tags)
    stories = tuple(edited if s.id == story.id else s for s in archive.stories)
    return dataclasses.replace(archive, stories=stories)


def _dates_from_other_issues(archive: Archive) -> Archive:
    """An issue whose file gives no date takes the date another issue's "Older messages" gives it."""
    vouched = {}
    for issue in archive.issues:
        for ref in issue.other_issues:
            if ref.number and ref.date:
                vouched.setdefault(f"{issue.newsletter}/{ref.number}", ref.date)
    issues = tuple(dataclasses.replace(i, date=vouched[i.id]) if i.date is None and i.id in vouched else i
                   for i in archive.issues)
    dates = {i.id: i.date for i in issues}
    stories = tuple(s if s.date or s.issue not in dates else dataclasses.replace(s, date=dates[s.issue])
                    for s in archive.stories)
    return dataclasses.replace(archive, issues=issues, stories=stories)


def _linked(archive: Archive, config: Config, diagnostics: Diagnostics, cache: Cache | None) -> Archive:
    linker = links.MentionLinker(archive, config)
    mentions = memo.Mentions(linker, cache)

    def linked(text: str, own_issue: str = "") -> str:
        return linker.link(text, mentions(text), own_issue)

    stories = tuple(_story_linked(s, archive, linked, diagnostics) for s in archive.stories)
    notes = {t: _with(n, "body", _wiki(linked(n.body), archive, n.path, diagnostics))
             for t, n in archive.notes.items()}
    issues = tuple(_with(i, "intro", linked(i.intro, i.id)) for i in archive.issues)
    mentions.save()
    return dataclasses.replace(archive, stories=stories, notes=notes, issues=issues)


def _story_linked(story: Story, archive: Archive, linked: Callable[[str, str], str],
                  diagnostics: Diagnostics) -> Story:
    """The story with its issue mentions (`linked`) and [[id]] links made links."""
    return _with(story, "body", _wiki(linked(story.body, story.issue), archive, story.path, diagnostics))


def _with(item: T, field: str, value: object) -> T:
    """`item` with `field` set to `value`; the same object when nothing changes, as for most
    texts, since a copy of a frozen dataclass costs more than the check."""
    return item if getattr(item, field) == value else dataclasses.replace(item, **{field: value})


def _wiki(text: str, archive: Archive, path: str, diagnostics: Diagnostics) -> str:
    linked, unknown = links.link_wiki(text, lambda target: title_of(archive, target))
    for link in unknown:
        diagnostics.warn("enrich", path, f"link to unknown story id [[{link.target}]]", link.line)
    return linked


def title_of(archive: Archive, target: str) -> str | None:
    """The title of a story, issue or newsletter id; None when the archive has no such id."""
    if target in archive.story_by_id:
        return archive.story_by_id[target].title
    if target in archive.issue_by_id:
        return archive.issue_by_id[target].title
    newsletter = archive.newsletter_by_slug.get(target)
    return newsletter.name if newsletter else None


def _tagged(archive: Archive, config: Config, taxonomy: tags.Taxonomy, facts: memo.Facts) -> Archive:
    automatic = _automatic_tags(archive, config, taxonomy, facts)
    names = {**automatic.names, **taxonomy.names}
    known = set(names)
    stories = []
    for row, story in enumerate(archive.stories):
        note = archive.notes.get(story.id)
        given = [*story.tags, *(note.tags if note else ())]
        found = {tags.normalise(t, taxonomy, known) for t in given}
        found.update(facts.topics.tokens_of(row))
        found |= automatic.by_story.get(story.id, set())
        stories.append(_with(story, "tags", tuple(sorted(t for t in found if t))))
    index = _tag_index(stories)
    tag_names = {t: names.get(t, t.replace("-", " ").title()) for t in index}
    return dataclasses.replace(archive, stories=tuple(stories), tags=index, tag_names=tag_names)


def _automatic_tags(archive: Archive, config: Config, taxonomy: tags.Taxonomy,
                    facts: memo.Facts) -> tags.AutomaticTags:
    if not config.tags.automatic:
        return tags.AutomaticTags({}, {})
    reserved = {n.slug for n in archive.newsletters} | {tags.slugify(n.name) for n in archive.newsletters}
    ids = [s.id for s in archive.stories]
    mentions = ((ids[row], name, count)
                for row, name, count in tags.mentions(facts.names, facts.single_names, facts.lower_words))
    return tags.automatic_tags(mentions, len(ids), taxonomy, config.tags.min_stories, config.tags.max_share,
                               reserved)


def _tag_index(stories: Iterable[Story]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for story in stories:
        for tag in story.tags:
            index.setdefault(tag, []).append(story.id)
    return {tag: tuple(ids) for tag, ids in sorted(index.items())}


def _notes_checked(archive: Archive, diagnostics: Diagnostics) -> Archive:
    """Notes whose target is gone are kept aside (listed on a report page), never dropped."""
    known = {*archive.story_by_id, *archive.issue_by_id, *archive.newsletter_by_slug,
             *(f"tags/{t}" for t in archive.tags)}
    orphans = tuple(n for t, n in sorted(archive.notes.items()) if t not in known)
    for note in orphans:
        diagnostics.warn("enrich", note.path, f"note for {note.target!r}, which is not in the archive")
    for note in archive.notes.values():
        for target in note.see_also:
            if "://" not in target and title_of(archive, target) is None:
                diagnostics.warn("enrich", note.path, f"see also: unknown story id {target!r}")
    notes = {t: n for t, n in archive.notes.items() if t in known}
    return dataclasses.replace(archive, notes=notes, orphan_notes=orphans)


def _link_targets(archive: Archive) -> dict[str, list[str]]:
    """Source id -> the archive ids its text (and its note) links to."""
    sources: dict[str, list[str]] = {}
    for story in archive.stories:
        sources[story.id] = links.archive_targets(story.body)
    for issue in archive.issues:
        sources[issue.id] = links.archive_targets(issue.intro)
    for target, note in archive.notes.items():
        extra = links.archive_targets(note.body) + [t for t in note.see_also if "://" not in t]
        sources[target] = sources.get(target, []) + extra
    return sources


