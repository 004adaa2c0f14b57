"""Bags of tokens: how often each of many texts has each token, as one sparse matrix.

What enrich reads off a story's text (its terms, words, names, taxonomy tags) is a bag of tokens.
Kept for the whole archive as a matrix, the bags are compact to store in the build cache and quick
to combine: a rebuild takes the rows of unchanged stories from the last build's bags and stacks
them with the rows of the texts it read again.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class Bag:
    """Row i of `counts` says how often text i has each of `tokens` (sorted, each in some text).
    Rows hold their tokens in order and no token twice, so equal bags are equal arrays."""

    tokens: tuple[str, ...]
    counts: sparse.csr_matrix  # (text x token), int32

    def rows(self, picked: np.ndarray) -> Bag:
        """The bag of the texts `picked` (row indexes, in that order, repeats allowed), over the
        tokens they have."""
        counts = self.counts[picked]
        used = np.bincount(counts.indices, minlength=len(self.tokens)) > 0
        if used.all():
            return Bag(self.tokens, counts)
        column = np.cumsum(used, dtype=np.int32) - 1
        tokens = tuple(itertools.compress(self.tokens, used.tolist()))
        return Bag(tokens, sparse.csr_matrix((counts.data, column[counts.indices], counts.indptr),
                                             shape=(counts.shape[0], len(tokens))))

    def tokens_of(self, row: int) -> list[str]:
        start, end = self.counts.indptr[row], self.counts.indptr[row + 1]
        return [self.tokens[i] for i in self.counts.indices[start:end].tolist()]

    def entries(self) -> Iterator[tuple[int, str, int]]:
        """(text, token, count) for each token each text has, text after text."""
        rows = np.repeat(np.arange(self.counts.shape[0]), np.diff(self.counts.indptr))
        return zip(rows.tolist(), map(self.tokens.__getitem__, self.counts.indices.tolist()),
                   self.counts.data.tolist(), strict=True)


def counted(token_lists: Iterable[Iterable[str]]) -> Bag:
    """The bag of texts whose tokens are given (a repeated token counts again)."""
    tokens, counts = _counted(token_lists)
    return Bag(tokens, _canonical(counts))


def by_chunk(texts: Sequence[str], *tokenisers: Callable[[str], list[str]]) -> tuple[Bag, ...]:
    """A bag of `texts` for each tokeniser, all of whose tokens never span white space: a text's
    tokens are those of its chunks, and each distinct chunk is cut out and tokenised once."""
    chunks = [text.split() for text in texts]
    distinct = {chunk: i for i, chunk in enumerate(dict.fromkeys(itertools.chain.from_iterable(chunks)))}
    per_text = _ones(map(distinct.__getitem__, itertools.chain.from_iterable(chunks)), list(map(len, chunks)),
                     len(distinct))
    found = []
    for tokenise in tokenisers:
        tokens, per_chunk = _counted(list(map(tokenise, distinct)))
        found.append(Bag(tokens, _canonical(per_text @ per_chunk)))
    return tuple(found)


def _counted(token_lists: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], sparse.csr_matrix]:
    lists = [list(found) for found in token_lists]
    tokens = sorted({t for found in lists for t in found})
    column = {t: i for i, t in enumerate(tokens)}
    columns = (column[t] for found in lists for t in found)
    return tuple(tokens), _ones(columns, list(map(len, lists)), len(tokens))


def stacked(bags: Sequence[Bag]) -> Bag:
    """The texts of several bags, one bag's after another's, over all their tokens."""
    tokens = sorted(set().union(*(bag.tokens for bag in bags)))
    column = {t: i for i, t in enumerate(tokens)}
    parts = []
    for bag in bags:
        columns = np.array([column[t] for t in bag.tokens], dtype=np.int32)
        # the tokens keep their order, so each row's stay sorted
        parts.append(sparse.csr_matrix((bag.counts.data, columns[bag.counts.indices], bag.counts.indptr),
                                       shape=(bag.counts.shape[0], len(tokens))))
    return Bag(tuple(tokens), sparse.vstack(parts, format="csr", dtype=np.int32))


def _ones(columns: Iterable[int], lengths: list[int], width: int) -> sparse.csr_matrix:
    """Row i counts the next lengths[i] of `columns` (a repeated one counts twice)."""
    indptr = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    indices = np.fromiter(columns, dtype=np.int32, count=int(indptr[-1]))
    ones = np.ones(len(indices), dtype=np.int32)
    return sparse.csr_matrix((ones, indices, indptr), shape=(len(lengths), width))


def _canonical(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row's entries in column order, a repeated column summed: one form for equal bags."""
    matrix.sum_duplicates()
    return matrix
