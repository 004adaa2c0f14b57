"""What enrich reads off each text alone, kept in the build cache by the text's digest.

Finding issue mentions, matching taxonomy phrases and tokenising for related stories and automatic
tags are most of enrich's work, and each reads one text and nothing else of the archive (mentions
also read the newsletters' names, taxonomy tags the taxonomy: they are part of the entry's key).
So a rebuild reads again only the texts that changed. What weighs all stories together (which
issues a mention links to, IDF weights and related stories, which names are common enough to be
tags) is worked out on every build from these.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .. import parallel
from ..cache import Cache, digest
from ..model import Story
from . import bags, links, related, tags

MENTIONS_ENTRY, FACTS_ENTRY = "enrich-mentions", "enrich-facts"


class Mentions:
    """linker.mentions(text), kept by the text's digest from one build to the next (and only for
    the texts of the latest build, so the entry does not grow)."""

    def __init__(self, linker: links.MentionLinker, cache: Cache | None):
        self.linker, self.cache = linker, cache
        self.key = digest(repr(sorted(linker.slugs.items())))
        self.known: dict[str, tuple[links.Mention, ...]] = _load(cache, MENTIONS_ENTRY, self.key) or {}
        self.found: dict[str, tuple[links.Mention, ...]] = {}

    def __call__(self, text: str) -> tuple[links.Mention, ...]:
        key = digest(text)
        mentions = self.known.get(key)
        self.found[key] = self.linker.mentions(text) if mentions is None else mentions
        return self.found[key]

    def save(self) -> None:
        if self.cache and self.found != self.known:
            self.cache.save(MENTIONS_ENTRY, self.key, self.found)


@dataclass(frozen=True)
class Facts:
    """What each story's title and body hold, one row per story in every bag."""

    digests: tuple[str, ...]  # of each row's story's title and body
    terms: bags.Bag  # related.tokens of related.text_of: for related stories
    topics: bags.Bag  # tags.taxonomy_tags
    names: bags.Bag  # tags.names_in, tags.single_names_in of tags.text_of: for automatic tags
    single_names: bags.Bag
    # tags.lower_words of related.text_of: the same words (the title is in it twice), and the
    # chunks of one text serve both tokenisers
    lower_words: bags.Bag


_NO_TEXT = bags.Bag((), sparse.csr_matrix((0, 0), dtype=np.int32))
_BAGS = [f.name for f in dataclasses.fields(Facts) if f.name != "digests"]
NO_FACTS = Facts((), *(_NO_TEXT for _ in _BAGS))


def facts(stories: Sequence[Story], taxonomy: tags.Taxonomy, cache: Cache | None) -> Facts:
    """The facts of `stories`, row by row: from the last build's where it read the same text (under
    the same taxonomy), read from the text otherwise."""
    key = digest(repr(taxonomy.phrases))
    known: Facts = _load(cache, FACTS_ENTRY, key) or NO_FACTS
    digests = tuple(digest(s.title, s.body) for s in stories)
    row = {d: i for i, d in enumerate(known.digests)}
    unread: dict[str, Story] = {}
    for story, story_digest in zip(stories, digests, strict=True):
        if story_digest not in row:
            row[story_digest] = len(known.digests) + len(unread)
            unread[story_digest] = story
    read = _read_spread(list(unread.values()), taxonomy) if unread else NO_FACTS
    where = np.array([row[d] for d in digests], dtype=np.int64)
    found = Facts(digests, *(bags.stacked([getattr(known, name), getattr(read, name)]).rows(where)
                             for name in _BAGS))
    if cache and digests != known.digests:
        cache.save(FACTS_ENTRY, key, found)
    return found


def _read_spread(stories: list[Story], taxonomy: tags.Taxonomy) -> Facts:
    """`_read`, the stories shared out among the cores in runs (a first build reads them all);
    bags list their tokens sorted, so stacking the runs' bags gives what one `_read` would."""
    runs = parallel.cores() if len(stories) >= parallel.MIN_ITEMS else 1
    size = -(-len(stories) // runs)
    read = parallel.map_in_order(functools.partial(_read, taxonomy=taxonomy),
                                 [stories[start:start + size] for start in range(0, len(stories), size)],
                                 min_items=2)
    return read[0] if len(read) == 1 else Facts((), *(bags.stacked([getattr(f, name) for f in read])
                                                      for name in _BAGS))


def _read(stories: list[Story], taxonomy: tags.Taxonomy) -> Facts:
    terms, lower_words = bags.by_chunk(list(map(related.text_of, stories)), related.tokens, tags.lower_words)
    matcher = tags.PhraseMatcher(taxonomy.phrases)
    texts = list(map(tags.text_of, stories))
    return Facts((), terms, bags.counted(tags.taxonomy_tags(matcher, s.title, s.body) for s in stories),
                 bags.counted(map(tags.names_in, texts)), bags.counted(map(tags.single_names_in, texts)),
                 lower_words)


def _load(cache: Cache | None, name: str, key: str) -> Any | None:
    return cache.load(name, key) if cache else None
