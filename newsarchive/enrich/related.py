"""Related stories: for every story, the most similar stories across all newsletters.

Similarity is the cosine of TF-IDF vectors of the stories' words (each story keeps its
TERMS_PER_STORY strongest terms) plus TAG_WEIGHT for each shared tag, weighted by how rare the tag
is. Candidates come from an inverted index over those terms and tags; a term or tag held by more
than MAX_POSTINGS stories keeps only its strongest postings, so the work grows with the archive,
not with its square. Ties go to the story closer in date, then to the smaller id.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..model import Related, Story

TERMS_PER_STORY = 40
MAX_POSTINGS = 200
TAG_WEIGHT = 0.12
MIN_SCORE = 0.08
TOP = 5

_WORD = re.compile(r"[a-z][a-z0-9'-]{2,}")
_STOPWORDS = frozenset("""
about above after again against all also among and any are aren't around because been before being
below between both but can can't cannot could couldn't did didn't does doesn't doing don't down
during each even ever every few for from further get gets got had hadn't has hasn't have haven't
having her here hers herself him himself his how however i'm into isn't it's its itself just least
less let's like made make makes many may might more most much must new not now off once one only
other others our ours ourselves out over own per perhaps rather really said same see seem seems
several shall she should shouldn't since some such than that that's the their theirs them
themselves then there there's these they they're this those though through thus too under until
upon use used uses using very via was wasn't way ways well were weren't what what's when where
whether which while who whom whose why will with within without won't would wouldn't yet you
your yours yourself also still says say read more people things thing lot lots time year years
week weeks today way new first two three four five called able across already always another
""".split())


def tokens(text: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]


def relate(stories: Iterable[Story], tag_names: dict[str, str]) -> dict[str, tuple[Related, ...]]:
    """story id -> its TOP most related stories, best first, each with the reason shown."""
    stories = sorted(stories, key=lambda s: s.id)
    by_id = {s.id: s for s in stories}
    vectors = _tfidf({s.id: tokens(f"{s.title} {s.title} {s.body}") for s in stories})
    tag_weight = _tag_weights(stories)
    term_index = _index({sid: v for sid, v in vectors.items()})
    tag_index = _index({s.id: {t: tag_weight[t] for t in s.tags} for s in stories})
    result = {}
    for story in stories:
        scores = _scores(story, vectors[story.id], term_index, tag_index, tag_weight)
        ranked = heapq.nsmallest(TOP, scores.items(),
                                 key=lambda kv: (-round(kv[1], 6), _distance(story, by_id[kv[0]]), kv[0]))
        result[story.id] = tuple(
            Related(other, round(score, 4), _reason(story, by_id[other], vectors, tag_names, tag_weight))
            for other, score in ranked[:TOP] if score >= MIN_SCORE)
    return result


def _tfidf(documents: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    frequency = Counter(term for words in documents.values() for term in set(words))
    count = len(documents)
    vectors = {}
    for sid, words in documents.items():
        weights = {t: (1 + math.log(n)) * math.log(1 + count / frequency[t]) for t, n in Counter(words).items()}
        strongest = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_PER_STORY]
        norm = math.sqrt(sum(w * w for _, w in strongest)) or 1.0
        vectors[sid] = {t: w / norm for t, w in strongest}
    return vectors


def _tag_weights(stories: list[Story]) -> dict[str, float]:
    frequency = Counter(t for s in stories for t in s.tags)
    return {t: math.log(1 + len(stories) / n) for t, n in frequency.items()}


def _index(vectors: dict[str, dict[str, float]]) -> dict[str, list[tuple[str, float]]]:
    """key -> [(story id, weight)], strongest first, at most MAX_POSTINGS."""
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for sid, vector in vectors.items():
        for key, weight in vector.items():
            postings[key].append((sid, weight))
    return {k: sorted(v, key=lambda p: (-p[1], p[0]))[:MAX_POSTINGS] for k, v in postings.items()}


def _scores(story: Story, vector: dict[str, float], term_index, tag_index, tag_weight) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for term, weight in vector.items():
        for other, other_weight in term_index.get(term, ()):
            scores[other] += weight * other_weight
    top_tag_weight = max(tag_weight.values(), default=1.0)
    for tag in story.tags:
        for other, _ in tag_index.get(tag, ()):
            scores[other] += TAG_WEIGHT * tag_weight[tag] / top_tag_weight
    scores.pop(story.id, None)
    return scores


def _distance(story: Story, other: Story) -> int:
    if story.date is None or other.date is None:
        return 1 << 30
    return abs((story.date - other.date).days)


def _reason(story: Story, other: Story, vectors, tag_names: dict[str, str], tag_weight) -> str:
    """"also about AlphaFold · DeepMind" from shared tags (rarest first), else shared words."""
    shared_tags = sorted(set(story.tags) & set(other.tags), key=lambda t: (-tag_weight[t], t))
    if shared_tags:
        return "also about " + " · ".join(tag_names.get(t, t) for t in shared_tags[:3])
    a, b = vectors[story.id], vectors[other.id]
    shared = sorted(set(a) & set(b), key=lambda t: (-a[t] * b[t], t))
    return "similar words: " + ", ".join(shared[:3])
