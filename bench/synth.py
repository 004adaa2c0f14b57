"""Synthetic text for the benchmark archive: a made-up vocabulary, ~200 topics with a Zipf-like
popularity, and stories (headline, dek, paragraphs, sources) whose sentences read like news.

Every word comes from a seeded `random.Random`, so the same seed gives the same text. Content
words are invented (`velquorance`, `tarnic`) so that no real taxonomy phrase turns up by accident;
only the topics a story is about are named in it, in the shapes the build's tagger looks for:
multi-word taxonomy phrases ("protein folding"), lab names inside a sentence ("researchers at
Halvard Labs"), names with a number ("the Orion-4 model") and CamelCase product names.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass

# Multi-word (or hyphenated) phrases of the build's default taxonomy: one mention tags a story.
FIELD_TOPICS = (
    "reinforcement learning",
    "large language models",
    "computer vision",
    "protein folding",
    "drug discovery",
    "climate change",
    "natural language processing",
    "speech recognition",
    "materials science",
    "diffusion models",
    "recommender systems",
    "adversarial examples",
    "differential privacy",
    "algorithmic bias",
    "face recognition",
    "voice cloning",
    "intellectual property",
    "autonomous vehicles",
    "carbon emissions",
    "image generation",
    "object detection",
    "text-to-speech",
    "generative adversarial networks",
    "gradient descent",
    "recurrent neural networks",
    "data poisoning",
    "personal data",
    "speech synthesis",
    "image classification",
    "energy use",
    "AI safety",
    "AI policy",
    "national strategy",
    "policy gradient",
    "reward model",
    "self-driving",
    "explainable AI",
    "drug repurposing",
)
TOPIC_COUNT = 200
ZIPF_EXPONENT = 1.0
WORD_RANK_OFFSET = 20
_SYLLABLE_TEXT = (
    "ba ver lo tan mi quor sel dra fen lu rik no ta vel zan cor bri mun pel sta gol hen "
    "tra vi mor ke sul pra den fo lin ga ther cas nu ro bel im ost ar"
)
_SYLLABLES = tuple(_SYLLABLE_TEXT.split())
_NOUN_ENDS = ("ion", "ity", "ance", "ism", "ment", "ure", "ette", "ine")
_ADJ_ENDS = ("al", "ive", "ic", "ous", "ant", "ary")
_VERB_ENDS = ("ize", "ate", "ify")
_NAME_ENDS = ("vard", "strom", "ley", "ton", "mere", "dahl", "wick", "berg", "ford", "holm")
_LAB_KINDS = ("Labs", "Institute", "Robotics", "Research", "Systems", "Dynamics", "Analytics")
_PRODUCT_PARTS = (
    "Vector",
    "Loom",
    "Grid",
    "Quill",
    "Forge",
    "Lattice",
    "Beacon",
    "Harbor",
    "Prism",
    "Tide",
    "Relay",
    "Spark",
    "Cinder",
    "Atlas",
    "Mosaic",
    "Fathom",
    "Lumen",
    "Drift",
)
_MODEL_NAMES = (
    "Orion",
    "Vesta",
    "Kestrel",
    "Talon",
    "Meridian",
    "Aster",
    "Cobalt",
    "Halcyon",
    "Juniper",
    "Solace",
    "Tundra",
    "Quasar",
    "Nimbus",
    "Ember",
    "Lyra",
    "Sable",
)
REAL_NOUNS = (
    "model",
    "system",
    "team",
    "method",
    "approach",
    "paper",
    "version",
    "study",
    "tool",
    "pipeline",
    "layer",
    "sample",
    "task",
    "score",
    "network",
    "prototype",
    "experiment",
    "release",
    "project",
    "design",
    "library",
    "result",
    "trial",
    "survey",
    "demo",
)
SUBHEADS = (
    "How it works",
    "What they did",
    "Results",
    "Behind the news",
    "Yes, but",
    "What's new",
    "The details",
    "Why this matters",
)
_PREPOSITIONS = ("across", "for", "with", "beyond", "inside", "around", "toward", "without")
_ADVERBS = ("quietly", "sharply", "steadily", "mostly", "barely", "roughly", "already", "still")

# Sentence shapes: {a} adjective, {n} noun, {ns} plural noun, {v} verb (3rd person), {vd} past
# tense, {vb} base form, {r} real noun, {rs} its plural, {p} preposition, {d} adverb, {k} number,
# {t} the topic.
_SENTENCES = (
    "The {a} {n} {v} the {r} {p} {k} {ns}.",
    "According to the authors, the {r} {vd} {k} percent of the {a} {ns} {p} a {a} {n}.",
    "Each {r} {v} a {a} {n}, which {d} {v} the {ns} that earlier {rs} {vd}.",
    "In tests on {k} {ns}, the {a} {r} {vd} its {a} {n} by {k} percent.",
    "The {r} is {d} {a}, but the {ns} it {v} are {a} and {a}.",
    "Engineers {vd} the {n} {p} the {r}, then {vd} the {a} {ns} by hand.",
    "It took {k} days to {vb} a {a} {r} that {v} the {n}.",
    "Critics say the {a} {ns} {d} {vb} the {r}, and the {n} is {a}.",
    "A {a} {r} of {k} {ns} now {v} most of the {a} {n}.",
    "The {rs} were {vd} {p} {k} {a} {ns} over {k} weeks.",
)
_TOPIC_SENTENCES = (
    "The {r} is the latest {a} {n} for {t}, and it {v} the {a} {ns}.",
    "The {a} {n} {vd} by the {r} {d} {v} {t} {p} {k} {ns}.",
    "Most of the {ns} came from work on {t}, where the {r} {v} a {a} {n}.",
    "The {rs} {vd} {p} the {a} {n} point to {t} as the {a} {r}.",
)
_DEKS = (
    "{A} {ns} {p} the {a} {n}",
    "Why {a} {ns} {v} the {r}",
    "{K} {ns} and a {a} {r}",
    "A {a} {n}, {d} {vd}",
)
_HEADLINES = (
    "{T} {v} a {a} {n}",
    "{T} gets a {a} {n}",
    "How {t} {v} {a} {ns}",
    "{T} and the {a} {r}",
    "{A} {ns} {vb} {t}",
    "{T} {v} the {r} {p} {ns}",
)


@dataclass(frozen=True)
class Topic:
    name: str  # the tag name other generators write (Hugo, Pelican)
    mention: str  # how sentences name it


@dataclass(frozen=True)
class Source:
    title: str
    site: str
    url: str


@dataclass(frozen=True)
class StoryText:
    headline: str
    dek: str
    paragraphs: tuple[tuple[str, str], ...]  # (subhead or "", text)
    sources: tuple[Source, ...]
    topics: tuple[Topic, ...]

    @property
    def words(self) -> int:
        return sum(len(text.split()) for _, text in self.paragraphs)


@dataclass(frozen=True)
class WordList:
    """Invented words, used with Zipf-like frequencies as real words are: a few in most stories,
    most in a few (so a story's rarest words tell it apart, as in real text)."""

    words: tuple[str, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class Vocabulary:
    nouns: WordList
    adjectives: WordList
    verbs: WordList


def make_vocabulary(rng: random.Random) -> Vocabulary:
    """Invented content words, none shorter than 6 letters: 4,000 nouns, 1,500 adjectives, 600 verbs."""
    return Vocabulary(
        _words(rng, _NOUN_ENDS, 4000), _words(rng, _ADJ_ENDS, 1500), _words(rng, _VERB_ENDS, 600)
    )


def _words(rng: random.Random, ends: tuple[str, ...], count: int) -> WordList:
    found: set[str] = set()
    while len(found) < count:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3))))
        word = stem + rng.choice(ends)
        if len(word) >= 6:
            found.add(word)
    words = sorted(found)
    rng.shuffle(words)
    return WordList(tuple(words), tuple(itertools.accumulate(zipf_weights(count, offset=WORD_RANK_OFFSET))))


def make_topics(rng: random.Random) -> tuple[Topic, ...]:
    """~200 topics, most popular first: taxonomy fields lead (a tag that most stories carry must be
    one the tagger never caps), then labs, models, products and the remaining fields, shuffled."""
    fields = [Topic(f, f) for f in FIELD_TOPICS]
    rng.shuffle(fields)
    named = _labs(rng, 70) + _models(rng, 55) + _products(rng, TOPIC_COUNT - len(fields) - 125)
    rest = fields[10:] + named
    rng.shuffle(rest)
    return tuple(fields[:10] + rest)


def _surname(rng: random.Random) -> str:
    return (rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)).capitalize() + rng.choice(_NAME_ENDS)


def _labs(rng: random.Random, count: int) -> list[Topic]:
    names: dict[str, Topic] = {}
    while len(names) < count:
        surname = _surname(rng)
        name = f"{surname} {rng.choice(_LAB_KINDS)}"
        if surname not in {n.split()[0] for n in names}:
            names[name] = Topic(name, name)
    return list(names.values())


def _models(rng: random.Random, count: int) -> list[Topic]:
    names: dict[str, Topic] = {}
    while len(names) < count:
        name = f"{rng.choice(_MODEL_NAMES)}-{rng.randint(2, 99)}"
        names[name] = Topic(f"{name} model", f"the {name} model")
    return list(names.values())


def _products(rng: random.Random, count: int) -> list[Topic]:
    names: dict[str, Topic] = {}
    while len(names) < count:
        first, second = rng.sample(_PRODUCT_PARTS, 2)
        names[first + second] = Topic(first + second, f"the {first}{second} toolkit")
    return list(names.values())


def zipf_weights(count: int, offset: int = 0) -> list[float]:
    """Weights by rank, 1 / (rank + offset) ** s: Zipf's law, flattened at the top by an offset
    (Zipf-Mandelbrot), as content words are once the function words are set aside."""
    return [1.0 / ((rank + offset) ** ZIPF_EXPONENT) for rank in range(1, count + 1)]


def pick_topics(rng: random.Random, topics: tuple[Topic, ...], weights: list[float]) -> tuple[Topic, ...]:
    """2-5 distinct topics, drawn by popularity."""
    wanted = rng.randint(2, 5)
    chosen: list[Topic] = []
    while len(chosen) < wanted:
        topic = rng.choices(topics, weights)[0]
        if topic not in chosen:
            chosen.append(topic)
    return tuple(chosen)


class Writer:
    """Fills sentence shapes with words from one vocabulary and one random stream."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary):
        self.rng, self.vocabulary = rng, vocabulary

    def fill(self, shape: str, topic: Topic | None = None) -> str:
        text = re.sub(r"\{(\w+)\}", lambda m: self._word(m.group(1), topic), shape)
        return re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)

    def _word(self, slot: str, topic: Topic | None) -> str:
        rng, words = self.rng, self.vocabulary
        choices = {
            "a": lambda: words.adjectives.pick(rng),
            "n": lambda: words.nouns.pick(rng),
            "ns": lambda: _plural(words.nouns.pick(rng)),
            "vb": lambda: words.verbs.pick(rng),
            "v": lambda: _third_person(words.verbs.pick(rng)),
            "vd": lambda: _past(words.verbs.pick(rng)),
            "r": lambda: rng.choice(REAL_NOUNS),
            "rs": lambda: _plural(rng.choice(REAL_NOUNS)),
            "p": lambda: rng.choice(_PREPOSITIONS),
            "d": lambda: rng.choice(_ADVERBS),
            "k": lambda: str(rng.randint(2, 90)),
            "t": lambda: topic.mention if topic else "",
            "T": lambda: _capital(topic.mention.removeprefix("the ")) if topic else "",
        }
        if slot in choices:
            return choices[slot]()
        return _capital(choices[slot.lower()]())  # {A}, {K}: capitalised

    def sentence(self, topic: Topic | None = None) -> str:
        shapes = _TOPIC_SENTENCES if topic else _SENTENCES
        return _capital(self.fill(self.rng.choice(shapes), topic))

    def headline(self, topic: Topic) -> str:
        return _capital(self.fill(self.rng.choice(_HEADLINES), topic))

    def dek(self) -> str:
        return self.fill(self.rng.choice(_DEKS))

    def source(self) -> Source:
        title = _capital(self.fill("{a} {ns} {p} {a} {ns}"))
        site = self.rng.choice(("arXiv", "GitHub", "company blog", "PDF"))
        return Source(title, site, f"https://example.org/{self.rng.randrange(16**8):08x}")


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "es" if noun.endswith(("s", "ch", "sh", "x")) else noun + "s"


def _third_person(verb: str) -> str:
    return verb[:-1] + "ies" if verb.endswith("y") else verb + "s"


def _past(verb: str) -> str:
    return verb[:-1] + "ied" if verb.endswith("y") else verb + "d"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def write_story(writer: Writer, topics: tuple[Topic, ...], cross_ref: str | None) -> StoryText:
    """A story of 80-400 words that names each of its topics; the first topic heads it."""
    rng = writer.rng
    target = rng.randint(80, 400)
    sentences = [writer.sentence(t) for t in topics]
    if cross_ref:
        sentences.append(f"The {writer.vocabulary.nouns.pick(rng)} builds on earlier work (see {cross_ref}).")
    while sum(len(s.split()) for s in sentences) < target:
        sentences.insert(rng.randrange(1, len(sentences) + 1), writer.sentence())
    paragraphs = _paragraphs(rng, sentences)
    sources = tuple(writer.source() for _ in range(rng.randint(1, 2)))
    return StoryText(writer.headline(topics[0]), writer.dek(), paragraphs, sources, topics)


def _paragraphs(rng: random.Random, sentences: list[str]) -> tuple[tuple[str, str], ...]:
    """Sentences grouped 2-5 a paragraph; paragraphs after the first may open with a subhead."""
    paragraphs: list[tuple[str, str]] = []
    subheads = rng.sample(SUBHEADS, len(SUBHEADS))
    while sentences:
        size = min(rng.randint(2, 5), len(sentences))
        chunk, sentences = sentences[:size], sentences[size:]
        subhead = subheads.pop() if paragraphs and subheads and rng.random() < 0.6 else ""
        paragraphs.append((subhead, " ".join(chunk)))
    return tuple(paragraphs)
