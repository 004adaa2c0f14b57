"""Related stories: for every story, the most similar stories across all newsletters.

Similarity is the cosine of TF-IDF vectors of the stories' words (each story keeps its
TERMS_PER_STORY strongest terms) plus, for each shared tag, TAG_WEIGHT scaled by how rare the tag
is (its idf over that of a tag of one story). Candidates come from an inverted index over those
terms and tags; a term or tag held by more than MAX_POSTINGS stories keeps only its strongest
postings (for a tag, whose postings all weigh the same, those of the smallest ids), and a story
looks up its strongest terms only while their postings add up to QUERY_POSTINGS, so it meets a
bounded number of others and the work grows with the archive, not with its square. A story's score
for another sums the products of the weights it looks up with that story's postings: a pruned
posting or term adds nothing. The index is a sparse matrix, and a block of stories is scored by one
sparse product (the blocks shared among the cores). Ties (at 6 decimal places) go to the story
closer in date, then to the smaller id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence

import numpy as np
from scipy import sparse

from .. import parallel
from ..model import Related, Story
from . import bags
from .bags import Bag

TERMS_PER_STORY = 40
MAX_POSTINGS = 200
QUERY_POSTINGS = 3000  # more than most stories of 10,000 reach: it bounds larger archives
TAG_WEIGHT = 0.12
MIN_SCORE = 0.08
TOP = 5
BLOCK = 1024  # stories scored per sparse product (bounds the memory its result takes), a core each
_UNDATED_DISTANCE = 1 << 30
_KEY_BITS = 63  # of an int64 sort key

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


def text_of(story: Story) -> str:
    """The text whose terms (`tokens`) stand for a story: the title counts twice."""
    return f"{story.title} {story.title} {story.body}"


def relate(stories: Sequence[Story], tag_names: dict[str, str],
           story_terms: Bag) -> dict[str, tuple[Related, ...]]:
    """story id -> its TOP most related stories, best first, each with the reason shown.
    `story_terms`: the terms (`tokens`) of each story's text_of, rows as `stories` (memo.Facts)."""
    order = sorted(range(len(stories)), key=lambda i: stories[i].id)
    stories = [stories[i] for i in order]
    story_terms = story_terms.rows(np.array(order, dtype=np.int64))
    weights = _tfidf(story_terms.counts)
    has_tag = bags.counted([set(s.tags) for s in stories])
    tag_weight = _tag_weights(has_tag.counts, has_tag.tokens)
    queries, postings = _index(weights, has_tag.counts, tag_weight)
    reasons = _Reasons(stories, weights, story_terms.tokens, tag_names, tag_weight)
    ordinals = _ordinals(stories)

    def block(start: int) -> list[tuple[int, int, str]]:
        return [(row, col, reasons(row, col)) for row, col in _ranked(queries, postings, ordinals, start)]

    result: dict[str, list[Related]] = {s.id: [] for s in stories}
    for found in parallel.map_in_order(block, range(0, len(stories), BLOCK), min_items=2):
        for row, col, reason in found:
            result[stories[row].id].append(Related(stories[col].id, reason))
    return {sid: tuple(found) for sid, found in result.items()}


def _tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each text's TERMS_PER_STORY strongest terms (ties to the first term), strongest first,
    weighted (1 + log tf) * log(1 + texts / df) and normalised to length 1. Computed with math.log
    and summed in the order of strength, so the weights do not depend on how they are vectorised."""
    counts = counts.tocoo()
    rows, cols, tf = counts.row.astype(np.int64), counts.col.astype(np.int64), counts.data
    documents = np.bincount(cols, minlength=counts.shape[1])
    rows, cols, weight = _strongest_first(rows, cols, tf, documents, counts.shape)
    rank = _ranks(rows)
    kept = rank < TERMS_PER_STORY
    rows, cols, weight, rank = rows[kept], cols[kept], weight[kept], rank[kept]
    by_rank = np.zeros((counts.shape[0], TERMS_PER_STORY))
    by_rank[rows, rank] = weight * weight
    square_sum = np.zeros(counts.shape[0])
    for column in by_rank.T:  # one term after another, as a plain sum would add them
        square_sum = square_sum + column
    return _row_by_row(rows, cols, weight / np.sqrt(square_sum)[rows], counts.shape)


def _strongest_first(rows: np.ndarray, cols: np.ndarray, tf: np.ndarray, documents: np.ndarray,
                     shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries (row, column, weight) by row, each row's strongest first (ties to the first
    column), weighing (1 + log tf) * log(1 + texts / df).

    A weight is one of few values, one per count and document frequency: the distinct ones are
    ranked once, and the entries sorted by one integer key packing row, rank and column: _tfidf
    takes a quarter of the time it took sorting them by three keys (1.1 s against 4.5 s for the 13
    million entries of 100,000 stories). The weights are the same products either way."""
    counted, count_slot = _slots(tf)
    held, df_slot = _slots(documents)
    idf = [math.log(1 + shape[0] / n) for n in held.tolist()]
    grid = -np.outer([1 + math.log(n) for n in counted.tolist()], idf)  # -weight: strongest first
    values, grade = np.unique(grid, return_inverse=True)
    grade = grade.reshape(grid.shape)[count_slot[tf], df_slot[documents[cols]]].astype(np.int64)
    row_bits, grade_bits, col_bits = (max(1, (n - 1).bit_length()) for n in (shape[0], len(values), shape[1]))
    if row_bits + grade_bits + col_bits > _KEY_BITS:  # beyond millions of stories: three keys
        order = np.lexsort((cols, grade, rows))
        return rows[order], cols[order], -values[grade[order]]
    key = np.sort((rows << (grade_bits + col_bits)) | (grade << col_bits) | cols)
    grade = (key >> col_bits) & ((1 << grade_bits) - 1)
    return key >> (grade_bits + col_bits), key & ((1 << col_bits) - 1), -values[grade]


def _slots(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values of a non-negative integer array, ascending; value -> its slot)."""
    distinct = np.flatnonzero(np.bincount(values))
    slot = np.zeros(int(distinct[-1]) + 1 if len(distinct) else 0, dtype=np.int64)
    slot[distinct] = np.arange(len(distinct))
    return distinct, slot


def _row_by_row(rows: np.ndarray, cols: np.ndarray, values: np.ndarray,
                shape: tuple[int, int]) -> sparse.csr_matrix:
    """The matrix of entries given row after row, each row's in the order given."""
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=shape[0]))])
    return sparse.csr_matrix((values, cols, indptr), shape=shape)


def _ranks(ordered: np.ndarray) -> np.ndarray:
    """For a sorted array, each element's position among the equal elements before it."""
    run_starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    run_start = np.repeat(run_starts, np.diff(np.append(run_starts, len(ordered))))
    return np.arange(len(ordered)) - run_start


def _tag_weights(has_tag: sparse.csr_matrix, tags: Sequence[str]) -> dict[str, float]:
    stories = np.bincount(has_tag.indices, minlength=len(tags))
    return {t: math.log(1 + has_tag.shape[0] / int(n)) for t, n in zip(tags, stories, strict=True)}


def _index(weights: sparse.csr_matrix, has_tag: sparse.csr_matrix,
           tag_weight: dict[str, float]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """(queries, postings): a query row holds a story's term weights (as QUERY_POSTINGS allows) and
    its tags' bonuses; a posting row, one per term and tag, the weights of the stories that hold it
    (1 for a tag), where MAX_POSTINGS leaves them."""
    held = sparse.hstack([weights, has_tag], format="coo")
    rows, cols, values = held.row.astype(np.int64), held.col.astype(np.int64), held.data
    order = np.lexsort((rows, -values, cols))
    kept = order[_ranks(cols[order]) < MAX_POSTINGS]
    postings = sparse.csr_matrix((values[kept], (cols[kept], rows[kept])), shape=held.shape[::-1])
    # Scaled by the weight of a tag only one story holds, not by the rarest tag's: one edit that
    # makes or drops the rarest tag would change every story's scores (and page) otherwise.
    one_story_weight = math.log(1 + has_tag.shape[0])
    bonus = np.array([TAG_WEIGHT * w / one_story_weight for w in tag_weight.values()])
    terms = _within_budget(weights, np.diff(postings.indptr)[:weights.shape[1]])
    return sparse.hstack([terms, has_tag @ sparse.diags(bonus)], format="csr"), postings


def _within_budget(weights: sparse.csr_matrix, postings_per_term: np.ndarray) -> sparse.csr_matrix:
    """Each story's strongest terms (its row's first) while their postings add up to at most
    QUERY_POSTINGS."""
    rows = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    sizes = postings_per_term[weights.indices]
    total = np.cumsum(sizes)
    first = weights.indptr[rows]
    kept = total - total[first] + sizes[first] <= QUERY_POSTINGS
    return _row_by_row(rows[kept], weights.indices[kept], weights.data[kept], weights.shape)


def _ordinals(stories: Sequence[Story]) -> np.ndarray:
    return np.array([s.date.toordinal() if s.date else -1 for s in stories], dtype=np.int64)


def _ranked(queries: sparse.csr_matrix, postings: sparse.csr_matrix, ordinals: np.ndarray,
            start: int) -> Iterator[tuple[int, int]]:
    """(story row, other row) for each story's TOP best others scoring MIN_SCORE or more, story
    by story, best first: for the BLOCK stories from row `start` on."""
    block = queries[start:start + BLOCK] @ postings
    kept = np.flatnonzero(block.data >= MIN_SCORE)  # most candidates score less: drop them first
    rows = np.searchsorted(block.indptr, kept, side="right") - 1 + start
    cols, scores = block.indices[kept].astype(np.int64), block.data[kept]
    rows, cols, scores = rows[rows != cols], cols[rows != cols], scores[rows != cols]
    rounded = np.rint(scores * 1e6).astype(np.int64)  # ranks as np.round(scores, 6) does
    contenders = _contenders(rows, rounded)
    rows, cols, rounded = (a[contenders] for a in (rows, cols, rounded))
    distance = np.where((ordinals[rows] < 0) | (ordinals[cols] < 0), _UNDATED_DISTANCE,
                        np.abs(ordinals[rows] - ordinals[cols]))
    order = np.lexsort((cols, distance, -rounded, rows))
    best = order[_ranks(rows[order]) < TOP]
    return zip(rows[best].tolist(), cols[best].tolist(), strict=True)


def _contenders(rows: np.ndarray, rounded: np.ndarray) -> np.ndarray:
    """Indexes of the entries whose score reaches the TOP-th best of their row: the only ones the
    tie-breaks need to order."""
    order = np.argsort(rows * (1 << 32) - rounded)  # by row, best first (ties in any order)
    rank = _ranks(rows[order])
    cutoff = np.full(int(rows.max(initial=0)) + 1, np.iinfo(np.int64).min)
    cutoff[rows[order[rank == TOP - 1]]] = rounded[order[rank == TOP - 1]]
    return np.flatnonzero(rounded >= cutoff[rows])


class _Reasons:
    """"also about AlphaFold · DeepMind" from shared tags (rarest first), else shared words."""

    def __init__(self, stories: Sequence[Story], weights: sparse.csr_matrix, terms: Sequence[str],
                 tag_names: dict[str, str], tag_weight: dict[str, float]):
        self.tags = [set(s.tags) for s in stories]
        rarity = {t: i for i, t in enumerate(sorted(tag_weight, key=lambda t: (-tag_weight[t], t)))}
        self.rarest_first = [sorted(tags, key=rarity.__getitem__) for tags in self.tags]
        self.weights, self.terms = weights, terms
        self.tag_names = tag_names

    def __call__(self, row: int, other: int) -> str:
        shared_tags = [t for t in self.rarest_first[row] if t in self.tags[other]]
        if shared_tags:
            return "also about " + " · ".join(self.tag_names.get(t, t) for t in shared_tags[:3])
        a, b = self._vector(row), self._vector(other)
        shared = sorted(a.keys() & b.keys(), key=lambda t: (-a[t] * b[t], t))
        return "similar words: " + ", ".join(shared[:3])

    def _vector(self, row: int) -> dict[str, float]:
        start, end = self.weights.indptr[row], self.weights.indptr[row + 1]
        return dict(zip(map(self.terms.__getitem__, self.weights.indices[start:end].tolist()),
                        self.weights.data[start:end].tolist(), strict=True))
