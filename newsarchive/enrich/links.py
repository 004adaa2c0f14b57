"""Cross-links: mentions of other issues ("Import AI 209", "(Import AI 72)", "see Import 182") and
`[[story-id]]` / `[[story-id|label]]` links become Markdown links, and backlinks are collected.

Links inside the archive are written `[label](archive:ID)`; the render stage turns `archive:ID`
into a URL relative to the page. A mention of an issue outside the archive links to its original
URL when the newsletter has a `url_pattern`, and stays plain text otherwise. Code spans and
existing links are left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..config import Config
from ..model import Archive
from . import patterns

ARCHIVE_LINK = re.compile(r"\]\(archive:([^)\s]+)\)")
_PROTECTED = r"`[^`\n]*`|\[[^\]\n]*\]\([^)\n]*\)|<[^>\n]+>"
_WIKI_LINK = re.compile(r"\[\[([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]")


Mention = tuple[int, int, str, str]  # where a text names an issue: start, end, newsletter slug, number


@dataclass(frozen=True)
class UnknownLink:
    target: str
    line: int  # 1-based line within the text


class MentionLinker:
    """Finds issue mentions in Markdown text and links them: to the archive's issues, else to
    their newsletter's url_pattern."""

    def __init__(self, archive: Archive, config: Config):
        self.archive = archive
        self.slugs: dict[str, str] = {}  # lower-cased name or alias -> newsletter slug
        for newsletter in archive.newsletters:
            self.slugs[newsletter.name.casefold()] = newsletter.slug
        for slug, section in config.newsletters.items():
            for name in (section.name, *section.aliases):
                self.slugs[name.casefold()] = slug
        self.patterns = {slug: s.url_pattern for slug, s in config.newsletters.items() if s.url_pattern}
        self.ascii_names = all(name.isascii() for name in self.slugs)
        alternation = patterns.alternatives(self.slugs) or r"(?!x)x"
        self.pattern = re.compile(
            rf"({_PROTECTED})|(?<![\w-])(?P<name>{alternation})\s+(?:#|No\.\s*|issue\s+)?(?P<number>\d{{1,5}})\b",
            re.I)

    def mentions(self, text: str) -> tuple[Mention, ...]:
        """Where the text names an issue, outside code spans and links. Only the text and the
        newsletters' names (`slugs`) count, not the archive, so a build cache can keep them."""
        if self._names_absent(text):
            return ()
        return tuple((m.start(), m.end(), self._slug_of(m.group("name")), m.group("number"))
                     for m in self.pattern.finditer(text) if not m.group(1))

    def _slug_of(self, name: str) -> str:
        """The newsletter a matched name is of. The pattern ignores case as regular expressions
        do, which casefold() does not always repeat ("İmport AI" folds to "i̇mport ai")."""
        folded = name.casefold()
        if folded in self.slugs:
            return self.slugs[folded]
        return next(slug for known, slug in self.slugs.items()
                    if re.fullmatch(re.escape(known), name, re.IGNORECASE))

    def link(self, text: str, mentions: tuple[Mention, ...], own_issue: str = "") -> str:
        """The text with its `mentions` (what self.mentions(text) gives) linked to their issues."""
        if not mentions:
            return text
        parts, end = [], 0
        for start, stop, slug, number in mentions:
            parts += [text[end:start], self._linked(text[start:stop], slug, number, own_issue)]
            end = stop
        return "".join(parts) + text[end:]

    def _names_absent(self, text: str) -> bool:
        """True when the text names no newsletter, as most do: far quicker to tell than running the
        pattern. Only for ASCII names and text, where lower() folds case as IGNORECASE does."""
        if not (self.ascii_names and text.isascii()):
            return False
        lowered = text.lower()
        return not any(map(lowered.__contains__, self.slugs))

    def _linked(self, mention: str, slug: str, number: str, own_issue: str) -> str:
        issue_id = f"{slug}/{number}"
        if issue_id == own_issue:
            return mention
        if issue_id in self.archive.issue_by_id:
            return f"[{mention}](archive:{issue_id})"
        if slug in self.patterns:
            return f"[{mention}]({self.patterns[slug].format(number=number)})"
        return mention


def link_wiki(text: str, title_of: Callable[[str], str | None]) -> tuple[str, list[UnknownLink]]:
    """`[[id]]` and `[[id|label]]` -> Markdown links to archive ids; unknown ids are returned."""
    unknown: list[UnknownLink] = []
    if "[[" not in text:  # as in most texts: quicker to tell than running the pattern
        return text, unknown

    def replace(match: re.Match) -> str:
        target, label = match.group(1).strip(), (match.group(2) or "").strip()
        title = title_of(target)
        if title is None:
            unknown.append(UnknownLink(target, text.count("\n", 0, match.start()) + 1))
            return label or target
        return f"[{label or title}](archive:{target})"

    return _WIKI_LINK.sub(replace, text), unknown


def archive_targets(text: str) -> list[str]:
    return ARCHIVE_LINK.findall(text)


def backlinks(sources: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """target id -> the ids that link to it, from source id -> its link targets."""
    found: dict[str, set[str]] = defaultdict(set)
    for source, targets in sources.items():
        for target in targets:
            if target != source:
                found[target].add(source)
    return {target: tuple(sorted(ids)) for target, ids in sorted(found.items())}
