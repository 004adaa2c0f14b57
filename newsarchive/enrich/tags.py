"""Tags: from front matter, editors' notes, the taxonomy's key phrases and automatic entities,
merged and normalised (case, plurals, hyphens, aliases) to one slug each.

Taxonomy phrases: a phrase with a capital letter matches case-sensitively ("AI2"), an all-lower-case
one in any case. A story gets a taxonomy tag when the phrase scores 2: a hit in the title counts 2;
in the body, a distinctive phrase (several words, a CamelCase name, an acronym) counts 2 and a plain
word or simple name 1.

Automatic tags are the organisations, models and datasets stories name: CamelCase words
("DeepMind"), acronyms ("CPM", "GPT-3"), names with a number ("ResNet-50"), runs of capitalised
words inside a sentence ("Open Catalyst"), and single capitalised words inside a sentence that the
archive never writes in lower case ("Sberbank"). A candidate becomes a tag only when at least
`min_stories` stories name it and no more than `max_share` of all stories do, so no automatic tag
page collects a single story or everything.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from ..config import Config, TaxonomyEntry
from ..ids import slugify
from ..model import Story
from . import patterns
from .bags import Bag

# Capitalised words that start sentences or name the newsletter genre, not an organisation.
_NOT_ENTITIES = frozenset(
    "AI ML US UK EU CEO CTO PhD API APIs GPU GPUs CPU TPU PDF FAQ TL DR OK TV UI URL It The This That "
    "These Those There Their They We Our You Your He She His Her Its In On At Of For And But Or So If "
    "As By To From With Why What When Where Who How Read More Also Some Many Most Plus Here Now Then "
    "Today Tomorrow Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday January "
    "February March April May June July August September October November December University "
    "Institute Lab Labs Laboratory Research Department School College Center Centre Group Team "
    "Company Foundation Council Committee Agency Ministry Office Commission Project".split()
)
# _ENTITY starts at a capital letter, so the regex engine skips ahead to those; each pattern says
# what follows that letter, and a lookbehind what precedes it (`(?<!\w.)`: a word boundary).
_ENTITY_PATTERNS = (
    r"(?<!\w.)[a-z]++[A-Z][A-Za-z]*+\b",  # CamelCase: DeepMind, AlphaFold
    r"(?<!\w.)[A-Z0-9]+(?:-[A-Z0-9]+)*\b",  # acronyms: CPM, GPT-3, OC20
    r"(?<!\w.)[A-Za-z]+-\d+[A-Za-z]*\b",  # names with a number: ResNet-50, Meridian-7
    r"(?<=[a-z,;] .)[a-z]+(?: [A-Z][a-z]+)+\b",  # capitalised runs inside a sentence
    r"(?<=[a-z].)(?P<tail>[A-Za-z]*+\b)",  # CamelCase begun in lower case (iPhone): see _entity
)
_ENTITY = re.compile("[A-Z](?:" + "|".join(_ENTITY_PATTERNS) + ")")
_SINGLE_NAME = re.compile(r"[A-Z](?<=[a-z,;] .)[a-z]{2,}(?![\w-]| [A-Z])")  # not part of a longer name
_WORD_CHAR = re.compile(r"\w")
_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")


@dataclass(frozen=True)
class Taxonomy:
    names: dict[str, str]  # slug -> display name
    aliases: dict[str, str]  # normalised alias -> slug
    phrases: dict[str, tuple[str, ...]]  # phrase -> slugs


def load_taxonomy(config: Config) -> Taxonomy:
    """The shipped taxonomy (unless turned off) extended by site_config.toml's [taxonomy.*]."""
    entries: dict[str, TaxonomyEntry] = {}
    if config.tags.default_taxonomy:
        raw = tomllib.loads(resources.files("newsarchive.data").joinpath("taxonomy.toml").read_text("utf-8"))
        entries = {slug: TaxonomyEntry(**values) for slug, values in raw.items()}
    for slug, entry in config.taxonomy.items():
        base = entries.get(slug, TaxonomyEntry())
        entries[slug] = TaxonomyEntry(entry.name or base.name, base.phrases + entry.phrases,
                                      base.aliases + entry.aliases)
    names = {slug: e.name or slug.replace("-", " ").title() for slug, e in sorted(entries.items())}
    aliases = {slugify(a): slug for slug, e in entries.items() for a in (*e.aliases, names[slug])}
    phrases: dict[str, set[str]] = defaultdict(set)
    for slug, entry in entries.items():
        for phrase in entry.phrases:
            phrases[phrase].add(slug)
    return Taxonomy(names, aliases, {p: tuple(sorted(s)) for p, s in sorted(phrases.items())})


class PhraseMatcher:
    """Finds every taxonomy phrase in a text with two regular expressions (one per case rule).

    Lower-case phrases match in any case: an ASCII text is searched lower-cased, where that folds
    case exactly as IGNORECASE would and lets the regex engine skip ahead (see _alternation)."""

    def __init__(self, phrases: dict[str, tuple[str, ...]]):
        self.slugs = {p.lower() if p == p.lower() else p: s for p, s in phrases.items()}
        folded = [p for p in phrases if p == p.lower()]
        self.exact = _alternation([p for p in phrases if p != p.lower()], 0)
        self.folded = _alternation(folded, re.I)
        self.lowered = _alternation(folded, 0) if all(p.isascii() for p in folded) else None

    def scores(self, title: str, body: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for text, in_title in ((title, True), (body, False)):
            for match in self._matches(text):
                weight = 2 if in_title or _distinctive(match) else 1
                # .get: a match's lower case can differ from the phrase's ("İmage" matches
                # "image" but lowers to "i̇mage"); such a match is not counted
                for slug in self.slugs.get(match, ()):
                    found[slug] += weight
        return found

    def _matches(self, text: str) -> Iterable[str]:
        yield from _phrases(self.exact, text)
        if self.lowered and text.isascii():
            yield from _phrases(self.lowered, text.lower())
        else:
            yield from (p.lower() for p in _phrases(self.folded, text))


def _alternation(phrases: list[str], flags: int) -> re.Pattern | None:
    """A phrase, not inside a longer word, after the character before it: the pattern starts with
    that character (not with a lookbehind) so the regex engine skips ahead to such characters."""
    if not phrases:
        return None
    firsts = "".join(sorted({re.escape(p[0]) for p in phrases}))
    return re.compile(rf"[^\w-](?=[{firsts}])({patterns.alternatives(phrases)})(?![\w-])", flags)


def _phrases(pattern: re.Pattern | None, text: str) -> Iterator[str]:
    """Every phrase `pattern` finds in `text`, in order. The character before the first is a space;
    each search after a match starts at its last character, which may be the one before the next."""
    text = " " + text
    match = pattern.search(text) if pattern else None
    while match:
        yield match.group(1)
        match = pattern.search(text, match.end() - 1)


def _distinctive(phrase: str) -> bool:
    """Several words, a CamelCase name, an acronym or a number: one mention is enough. A plain
    word or a simple name ("chips", "Facebook") has to come up twice."""
    return bool(re.search(r"[\s-]|.[A-Z]|\d", phrase))


def taxonomy_tags(matcher: PhraseMatcher, title: str, body: str) -> set[str]:
    return {slug for slug, score in matcher.scores(title, body).items() if score >= 2}


def text_of(story: Story) -> str:
    """The text automatic tags find names in."""
    return f"{story.title}\n{story.body}"


def names_in(text: str) -> list[str]:
    """Every name a text mentions, in order, except single capitalised words (single_names_in)."""
    return _entities(map(_entity, _ENTITY.finditer(text)))


def single_names_in(text: str) -> list[str]:
    """Single capitalised words inside a sentence, in order: each is a name only if the archive
    never writes it in lower case (see mentions)."""
    return _entities(m.group(0) for m in _SINGLE_NAME.finditer(text))


def lower_words(text: str) -> list[str]:
    """The words a text writes in lower case."""
    return _LOWER_WORD.findall(text)


def _entities(names: Iterable[str | None]) -> list[str]:
    return [name for name in names if name and name.split()[0] not in _NOT_ENTITIES and len(name) > 1]


def mentions(names: Bag, single_names: Bag, lower_words: Bag) -> Iterator[tuple[int, str, int]]:
    """(text, name, how often it mentions it) for every name the texts of these bags (of names_in,
    single_names_in and lower_words) mention: a single name only where no text writes it in lower
    case."""
    vocabulary = set(lower_words.tokens)
    yield from names.entries()
    yield from ((text, name, count) for text, name, count in single_names.entries()
                if name.lower() not in vocabulary)


def _entity(match: re.Match) -> str | None:
    """The name a match of _ENTITY found. A match of its `tail` starts at the first capital of a
    word: the name is that word when it starts, at a word boundary, with small letters."""
    if match.group("tail") is None:
        return match.group(0)
    text, start = match.string, match.start()
    while start and "a" <= text[start - 1] <= "z":
        start -= 1
    return None if start and _WORD_CHAR.match(text, start - 1) else text[start:match.end()]


@dataclass(frozen=True)
class AutomaticTags:
    by_story: dict[str, set[str]]  # story id -> tag slugs
    names: dict[str, str]  # tag slug -> its most frequent spelling


def automatic_tags(mentions: Iterable[tuple[str, str, int]], texts: int, taxonomy: Taxonomy,
                   min_stories: int, max_share: float, reserved: set[str]) -> AutomaticTags:
    """Names that between `min_stories` and `max_share` of the `texts` stories mention, as tags;
    `mentions`: (story id, name, how often the story mentions it)."""
    slugs: dict[str, str] = {}
    stories: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for sid, name, count in mentions:
        if name not in slugs:
            slugs[name] = slugify(name)
        slug = slugs[name]
        stories[slug].add(sid)
        spellings[slug][name] += count
    ceiling = max(min_stories, int(max_share * texts))
    covered = reserved | set(taxonomy.aliases) | {slugify(p) for p in taxonomy.phrases}
    keep = _without_fragments({slug: sids for slug, sids in stories.items()
                               if slug and min_stories <= len(sids) <= ceiling and slug not in covered})
    by_story: dict[str, set[str]] = defaultdict(set)
    for slug in keep:
        for sid in stories[slug]:
            by_story[sid].add(slug)
    names = {slug: min(spellings[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0] for slug in keep}
    return AutomaticTags(dict(by_story), names)


def _without_fragments(candidates: dict[str, set[str]]) -> list[str]:
    """Drop a name that only ever appears as part of a longer one ("Lindqvist" of "Lindqvist
    Institute"): same stories, and its words are a part of the longer name's words."""
    def fragment(slug: str) -> bool:
        words = set(slug.split("-"))
        return any(other != slug and words < set(other.split("-")) and candidates[other] == candidates[slug]
                   for other in candidates)

    return sorted(slug for slug, sids in candidates.items() if not fragment(slug))


def normalise(name: str, taxonomy: Taxonomy, known: set[str]) -> str:
    """One slug for a tag name: case, hyphens and spaces folded, aliases followed, plural to singular
    when the singular is a known tag."""
    slug = slugify(name, max_words=6)
    slug = taxonomy.aliases.get(slug, slug)
    for plural, singular in (("ies", "y"), ("es", ""), ("s", "")):
        stem = slug[: -len(plural)] + singular if slug.endswith(plural) else None
        if stem and stem in known:
            return stem
    return slug
