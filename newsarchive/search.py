"""Render stage helper: the search index that theme/static/search.js reads, and the map of story
links that lets theme/static/preview.js show a link's popover. Pure: an Archive in, Pages out.

Every index file is a classic script, `NA_SEARCH.add("<id>", <JSON>);\\n`, because fetch() and
ES modules fail on file://: search.js loads one by appending a <script src> whose URL it computes
from its own, so the index works at any depth, under any base path and from disk. The files, all
under search/data/:

- manifest.js: how many documents and documents per shard, the first term of each term shard,
  the tags' display names (by slug order; documents name their tags by index), and the prefixes
  of filter terms.
- t<N>.js, term shards: {term: [df, doc, score, doc, score, ...]} for a range of sorted terms, each
  file under TERM_SHARD_BYTES, so a term or a prefix is found in one or a few adjacent files. Doc
  numbers are delta-coded. A word's postings keep only its POSTINGS_CAP strongest documents (then
  df, the true count, is larger than the list); "@newsletter" and "#tag" terms (which no word can
  spell) list every story of a newsletter or tag, for the search page's filters.
- d<N>.js, document shards: DOCS_PER_SHARD stories each as {title, url, meta, tags, text}, where
  text is the plain-text start of the story, for snippets and link previews.

Documents are numbered oldest first, so adding issues leaves older document shards unchanged and a
higher number means a newer story (search.js breaks score ties that way). A score adds up, per
field, its weight times how often the term occurs there (at most MAX_COUNT), so one title hit
outranks any number of body hits. `tokens` is the one tokeniser rule; search.js spells the same
rule, and the tests hold both to the same cases.

A rebuild makes the index from what the last one worked out (Kept, in the build cache): only the
stories whose text changed are tokenised again, only their terms encoded and only their document
shards made, and the files are byte for byte those of an index made from nothing.

Link previews: each HTML page that links other stories gets, before </body>, a JSON map from those
links' hrefs to the stories' doc keys ("<doc shard>:<index>"); preview.js looks a hovered link up
there and reads the story from its document shard. The map leaves the links' markup untouched.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from newsarchive import urls
from newsarchive.cache import digest
from newsarchive.check import resolve
from newsarchive.model import Archive, Page, Story, issue_order

DATA_DIR = "search/data"
DOCS_PER_SHARD = 50  # ten results from ten different shards still stay well under 1 MB
TERM_SHARD_BYTES = 100_000
POSTINGS_CAP = 1000  # a word keeps its strongest documents only: "the" would list every story
EXCERPT_CHARS = 600
TITLE_WEIGHT, TAG_WEIGHT, BODY_WEIGHT = 10, 5, 1
MAX_COUNT = 5  # occurrences of a term in one field that still add to its score
NEWSLETTER_TERM, TAG_TERM = "@", "#"  # prefixes of filter terms; neither is a word character

# Tokens: NFKD-normalised, lower-cased text without combining accents, split into runs of these
# characters: ASCII letters and digits, and the letters of the Basic Multilingual Plane's scripts (Latin,
# Greek, Cyrillic ... CJK, Hangul), leaving out its punctuation and symbol blocks. Astral
# characters (emoji) separate words: JavaScript regular expressions without /u see them as two
# surrogates, which fall outside these ranges too, so both languages split alike.
WORD_CHARS = "0-9a-z\u00c0-\u1fff\u2c00-\u2dff\u2e80-\u2fff\u3040-\ud7ff\uf900-\ufdff\ufe70-\ufefe"
_WORD = re.compile(f"[{WORD_CHARS}]+")
_ACCENTS = re.compile("[\u0300-\u036f]")
_LINK_HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')  # in sanitised or template-escaped HTML
_NOT_A_PAGE = ("#", "http:", "https:", "mailto:")  # hrefs that name no file of the site
LINKS_ID = "story-links"  # the id of a page's href -> doc key map
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # json.dumps, made once


@dataclass(frozen=True)
class Entry:
    """What the index shows of one story, worded by the render stage."""

    meta: str  # "Import AI · #226 · 7 December 2020", as links to the story show it
    text: str  # the body as plain text


def tokens(text: str) -> list[str]:
    """The words of a text as the index stores them: "Protéine-Folding 2" -> [proteine, folding, 2]."""
    folded = unicodedata.normalize("NFKD", text).lower()
    return _WORD.findall(_ACCENTS.sub("", folded))


def documents(archive: Archive) -> list[Story]:
    """The stories in document-number order: oldest first, undated before dated."""
    def newest_first(story: Story) -> tuple:
        return issue_order(archive.issue_by_id[story.issue]), story.position

    return sorted(archive.stories, key=newest_first, reverse=True)  # reversed: oldest first


def doc_key(number: int) -> str:
    """A document's key, "<shard>:<index in shard>", as pages' story-links maps give it."""
    return f"{number // DOCS_PER_SHARD}:{number % DOCS_PER_SHARD}"


@dataclass(frozen=True)
class Kept:
    """What making an archive's index worked out that the next build can reuse (render._search_job
    keeps it in the build cache): its TermIndex, and each document shard's JSON by what its
    documents show (_document_shards). A rebuild after an edit then tokenises only the edited
    stories, encodes only their terms and makes only their document shards again."""

    terms: TermIndex = field(default_factory=lambda: TermIndex())
    documents: dict[tuple, str] = field(default_factory=dict)


def index_pages(archive: Archive, entries: Mapping[str, Entry], offline: bool) -> list[Page]:
    """The manifest, term shards and document shards of the archive (entries: story id -> Entry)."""
    return index(archive, entries, offline)[0]


def index(archive: Archive, entries: Mapping[str, Entry], offline: bool,
          known: Kept | None = None) -> tuple[list[Page], Kept]:
    """index_pages, reusing what `known` (another build's) holds; and what it worked out, to keep."""
    known = known or Kept()
    tags = sorted(archive.tags)
    terms = term_index(archive, entries, known.terms)
    shards = _term_shards(terms.terms, terms.pieces)
    manifest = {
        "docs": len(terms.keys),
        "docsPerShard": DOCS_PER_SHARD,
        "termShards": [shard[0][0] for shard in shards],
        "tags": [archive.tag_names.get(tag, tag) for tag in tags],
        "newsletterTerm": NEWSLETTER_TERM,
        "tagTerm": TAG_TERM,
    }
    docs = _document_shards(archive, entries, offline, terms.keys, known.documents)
    pages = [
        _script("manifest", _json(manifest)),
        *(_script(f"t{n}", "{" + ",".join(piece for _, piece in shard) + "}")
          for n, shard in enumerate(shards)),
        *(_script(f"d{n}", data) for n, data in enumerate(docs.values())),
    ]
    return pages, Kept(terms, docs)


def _document_shards(archive: Archive, entries: Mapping[str, Entry], offline: bool, keys: tuple[str, ...],
                     known: Mapping[tuple, str]) -> dict[tuple, str]:
    """Each document shard's JSON, by what its documents show: the key of each one's title, dek
    and text (keys, in number order: see _score_inputs), its id, meta line and tags' numbers,
    and whether links name files. A shard whose key `known` holds is not made again."""
    stories = documents(archive)
    tag_numbers = {tag: n for n, tag in enumerate(sorted(archive.tags))}
    shown = [(key, story.id, entries[story.id].meta, _tag_numbers(story, tag_numbers))
             for key, story in zip(keys, stories, strict=True)]
    shards = {}
    for start in range(0, len(stories), DOCS_PER_SHARD):
        part = slice(start, start + DOCS_PER_SHARD)
        key = (offline, *shown[part])
        shards[key] = known.get(key) or _json([_document(story, entries[story.id], tag_numbers, offline)
                                               for story in stories[part]])
    return shards


def _document(story: Story, entry: Entry, tag_numbers: Mapping[str, int], offline: bool) -> dict:
    text = " ".join(part for part in (story.dek, entry.text) if part)
    return {
        "title": story.title,
        "url": urls.relative(urls.HOME, urls.story_path(story.id), offline),
        "meta": entry.meta,
        "tags": _tag_numbers(story, tag_numbers),
        "text": excerpt(text),
    }


def _tag_numbers(story: Story, tag_numbers: Mapping[str, int]) -> tuple[int, ...]:
    """A story's tags as documents name them, by number in the manifest's list."""
    return tuple(tag_numbers[tag] for tag in story.tags if tag in tag_numbers)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, at most `limit` characters, cut after a whole word."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


# ---- terms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermIndex:
    """The term half of an index. Each document's term scores, in number order: those of document
    n are `scores[starts[n]:starts[n + 1]]`, for the terms numbered `columns[...]` in `terms`
    (sorted), and keys[n] digests what they were made from (_score_inputs); and each term's entry
    in its shard (pieces). The build cache keeps it between builds (render._search_job), so that a
    rebuild tokenises only the stories whose key is new and encodes only the terms of the
    documents that changed. Arrays on purpose: a dict of terms per story took ~100 MB at 10,000
    stories, these take 8 bytes a score."""

    keys: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    pieces: tuple[str, ...] = ()
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int32))
    columns: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))

    def matrix(self) -> sparse.csr_matrix:
        """document x term -> score."""
        shape = (len(self.keys), len(self.terms))
        return sparse.csr_matrix((self.scores, self.columns, self.starts), shape=shape)


def term_index(archive: Archive, entries: Mapping[str, Entry], known: TermIndex | None = None) -> TermIndex:
    """The terms of the archive's documents, their scores and shard entries. What `known` (another
    build's) holds is reused: the scores of a document of the same key, and the entry of a term
    that no document changed in (no document of the term has another key or number)."""
    known = known or TermIndex()
    inputs = [_score_inputs(archive, story, entries[story.id]) for story in documents(archive)]
    keys = tuple(digest(*parts) for parts in inputs)
    terms, matrix = _score_matrix(keys, inputs, known)
    pieces = _pieces(terms, matrix, _changed_terms(terms, matrix, keys, known), known)
    return TermIndex(keys, terms, pieces, matrix.indptr, matrix.indices, matrix.data)


def _score_inputs(archive: Archive, story: Story, entry: Entry) -> tuple[str, ...]:
    """All that a story's term scores are made from: its title, its tags' names, its dek and text,
    then its filter terms. Their digest is the story's key, which keeps its document too."""
    tag_names = " ".join(archive.tag_names.get(tag, tag) for tag in story.tags)
    tag_terms = (TAG_TERM + tag for tag in story.tags if tag in archive.tags)
    return story.title, tag_names, story.dek, entry.text, NEWSLETTER_TERM + story.newsletter, *tag_terms


def _story_scores(inputs: tuple[str, ...]) -> dict[str, int]:
    """term -> score in one story: per field (title, tag names, body), weight x occurrences (at
    most MAX_COUNT); 1 for each filter term."""
    title, tag_names, dek, text, *filters = inputs
    scores = dict.fromkeys(filters, 1)
    for weight, words in ((TITLE_WEIGHT, title), (TAG_WEIGHT, tag_names), (BODY_WEIGHT, f"{dek} {text}")):
        for term, count in Counter(tokens(words)).items():
            scores[term] = scores.get(term, 0) + weight * min(count, MAX_COUNT)
    return scores


def _score_matrix(keys: tuple[str, ...], inputs: list[tuple[str, ...]],
                  known: TermIndex) -> tuple[tuple[str, ...], sparse.csr_matrix]:
    """The sorted terms and (document x term) scores of documents of these keys and inputs; only
    the documents whose key `known` lacks are tokenised."""
    row_of = {key: row for row, key in enumerate(known.keys)}
    fresh = {key: parts for key, parts in zip(keys, inputs, strict=True) if key not in row_of}
    row_of.update((key, len(known.keys) + n) for n, key in enumerate(fresh))
    column_of = {term: n for n, term in enumerate(known.terms)}
    tokenised = _tokenised(fresh.values(), column_of)  # numbers its new terms in column_of
    width = len(column_of)
    rows = sparse.vstack([_widened(known.matrix(), width), _widened(tokenised, width)], format="csr")
    return _sorted_terms(tuple(column_of), rows[[row_of[key] for key in keys]])


def _tokenised(inputs: Iterable[tuple[str, ...]], column_of: dict[str, int]) -> sparse.csr_matrix:
    """Documents' term scores (document x term), numbering each term not yet in `column_of` next.
    Each document's scores go to compact arrays at once, so no more than one dict is alive."""
    columns, scores, starts = array("i"), array("i"), array("q", [0])
    for parts in inputs:
        found = _story_scores(parts)
        columns.extend(column_of.setdefault(term, len(column_of)) for term in found)
        scores.extend(found.values())
        starts.append(len(columns))
    return sparse.csr_matrix((np.asarray(scores), np.asarray(columns), np.asarray(starts)),
                             shape=(len(starts) - 1, len(column_of)))


def _widened(matrix: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    """The same rows over `width` columns (terms numbered since are absent from them)."""
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))


def _sorted_terms(vocabulary: tuple[str, ...],
                  rows: sparse.csr_matrix) -> tuple[tuple[str, ...], sparse.csr_matrix]:
    """Just the terms the rows have, sorted, and the rows with their terms numbered so."""
    used = np.flatnonzero(np.bincount(rows.indices, minlength=len(vocabulary)))
    order = sorted(used.tolist(), key=vocabulary.__getitem__)
    number = np.zeros(len(vocabulary), np.int32)
    number[order] = np.arange(len(order), dtype=np.int32)
    shape = (rows.shape[0], len(order))
    matrix = sparse.csr_matrix((rows.data, number[rows.indices], rows.indptr), shape=shape)
    return tuple(vocabulary[n] for n in order), matrix


def _changed_terms(terms: tuple[str, ...], matrix: sparse.csr_matrix, keys: tuple[str, ...],
                   known: TermIndex) -> np.ndarray:
    """Which terms (True by number) a document changed in: the terms of each document whose key
    differs from the known document's of its number, and of that known document."""
    changed = np.zeros(len(terms), bool)
    changed[matrix[_differing(keys, known.keys)].indices] = True
    number = {term: n for n, term in enumerate(terms)}
    renumbered = np.array([number.get(term, -1) for term in known.terms], np.int64)
    gone = renumbered[known.matrix()[_differing(known.keys, keys)].indices]
    changed[gone[gone >= 0]] = True
    return changed


def _differing(keys: tuple[str, ...], others: tuple[str, ...]) -> list[int]:
    """The numbers whose key is not the one `others` has at that number."""
    return [n for n, key in enumerate(keys) if n >= len(others) or others[n] != key]


def _pieces(terms: tuple[str, ...], matrix: sparse.csr_matrix, changed: np.ndarray,
            known: TermIndex) -> tuple[str, ...]:
    """Each term's shard entry: the known one, unless a document changed in the term."""
    kept = dict(zip(known.terms, known.pieces, strict=True))
    fresh = np.flatnonzero(changed).tolist()
    made = dict(zip(fresh, _encoded(matrix.tocsc()[:, fresh], [terms[n] for n in fresh]), strict=True))
    return tuple(made[n] if n in made else kept[term] for n, term in enumerate(terms))


# ---- term shards ------------------------------------------------------------------------------


def _encoded(by_term: sparse.csc_matrix, terms: list[str]) -> list[str]:
    """Each term's entry in its shard, '"term":[df,doc delta,score,...]', from its column."""
    numbers, heads = _postings(by_term, terms)
    text, starts = _decimals(numbers)
    bounds = np.append(starts[heads], len(text)).tolist()  # a term's numbers end a comma before the next's
    return [f"{_json(term)}:[{text[start:end - 1]}]"
            for term, (start, end) in zip(terms, itertools.pairwise(bounds), strict=True)]


def _postings(by_term: sparse.csc_matrix, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The terms' postings, as one run of numbers: per term its df, then a doc delta and a score
    for each document it keeps, in number order; and where each term's df is."""
    df = np.diff(by_term.indptr)
    kept = _kept(by_term, terms)
    counts = np.bincount(np.repeat(np.arange(len(df)), df)[kept], minlength=len(df))
    firsts = np.cumsum(counts) - counts  # every term keeps one posting at least
    docs = by_term.indices[kept].astype(np.int64)  # in number order within a term's column
    deltas = np.diff(docs, prepend=0)
    deltas[firsts] = docs[firsts]
    pairs = np.column_stack([deltas, by_term.data[kept]]).ravel()
    return np.insert(pairs, 2 * firsts, df), 2 * firsts + np.arange(len(df))


def _kept(by_term: sparse.csc_matrix, terms: list[str]) -> np.ndarray:
    """Which postings the index lists: every posting of a filter term, and of a word its
    POSTINGS_CAP strongest (highest score first, then lowest document number)."""
    kept = np.ones(by_term.nnz, bool)
    for term in np.flatnonzero(np.diff(by_term.indptr) > POSTINGS_CAP):
        if not terms[term].startswith((NEWSLETTER_TERM, TAG_TERM)):
            start, end = by_term.indptr[term], by_term.indptr[term + 1]
            weakest = np.argsort(-by_term.data[start:end], kind="stable")[POSTINGS_CAP:]
            kept[start + weakest] = False
    return kept


def _decimals(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """Non-negative integers in decimal, each followed by a comma ("3,14,"), and where each starts.
    The numbers are scores and document numbers, so each one's text is looked up in a table of
    all up to the largest, NUL-padded to one width; the padding is then dropped."""
    spelt = [f"{n}," for n in range(int(numbers.max(initial=0)) + 1)]
    lengths = np.array([len(text) for text in spelt])[numbers]
    padded = np.take(np.array(spelt, dtype=np.bytes_), numbers).tobytes()
    return padded.translate(None, b"\0").decode("ascii"), np.cumsum(lengths) - lengths


def _term_shards(terms: tuple[str, ...], pieces: tuple[str, ...]) -> list[list[tuple[str, str]]]:
    """Sorted terms packed into consecutive shards of at most TERM_SHARD_BYTES each, as
    (term, its '"term":[postings]' JSON) pairs."""
    shards: list[list[tuple[str, str]]] = []
    size = 0
    for term, piece in zip(terms, pieces, strict=True):
        entry = len(piece.encode("utf-8")) + 1  # and a comma
        if not shards or size + entry > TERM_SHARD_BYTES:
            shards.append([])
            size = 0
        shards[-1].append((term, piece))
        size += entry
    return shards


def _json(data: object) -> str:
    return _JSON(data).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # line breaks to ES2017


def _script(shard: str, data: str) -> Page:
    """One index file: its JSON data handed to NA_SEARCH.add."""
    text = f'NA_SEARCH.add("{shard}",{data});\n'
    return Page(f"{DATA_DIR}/{shard}.js", text.encode("utf-8"))


# ---- link previews ---------------------------------------------------------------------------


def link_keys(archive: Archive) -> dict[str, str]:
    """Story page path -> its doc key, for `StoryLinks`."""
    return {urls.story_path(story.id): doc_key(n) for n, story in enumerate(documents(archive))}


class StoryLinks:
    """Adds to HTML pages the map of their links to story pages (doc keys from `keys`, story page
    path -> doc key). Pages share most links (navigation, tags, other stories), so each is
    resolved once: from the folder its leading "../" steps reach (_from_ancestor)."""

    def __init__(self, keys: Mapping[str, str]):
        self.keys = keys
        self._targets: dict[tuple[str, str], str | None] = {}

    def links(self, page: str, text: str) -> dict[str, str]:
        """href -> doc key of each link of an HTML page to another story's page, sorted by href."""
        folder = page.rpartition("/")[0]
        found = {}
        for escaped in _LINK_HREF.findall(text):
            if escaped.startswith(_NOT_A_PAGE):
                continue
            href = html.unescape(escaped) if "&" in escaped else escaped
            target = self._target(folder, href)
            if target is not None and target != page and target in self.keys:
                found[href] = self.keys[target]
        return dict(sorted(found.items()))

    def _target(self, folder: str, href: str) -> str | None:
        key = _from_ancestor(folder, href)
        if key not in self._targets:
            base, rest = key
            self._targets[key] = resolve(f"{base}/index.html" if base else "index.html", rest)
        return self._targets[key]

    def add_to(self, page: Page) -> Page:
        """An HTML page with, before </body>, the JSON map of its story links that preview.js
        reads (<script type="application/json" id="story-links">); the links stay as they are."""
        if not page.path.endswith(".html"):
            return page
        text = page.content.decode("utf-8")
        links = self.links(page.path, text)
        if not links:
            return page
        data = _json(links).replace("</", "<\\/")  # cannot end the script element early
        block = f'<script type="application/json" id="{LINKS_ID}">{data}</script>\n'
        end = text.rfind("</body>")
        at = end if end >= 0 else len(text)
        return Page(page.path, (text[:at] + block + text[at:]).encode("utf-8"))


def _from_ancestor(folder: str, href: str) -> tuple[str, str]:
    """(folder, href) as the same link from the folder its leading "../" steps reach: a story
    page's links to other stories climb to the root, so pages in different folders share them."""
    ups = 0
    while href.startswith("../", 3 * ups):
        ups += 1
    parts = folder.split("/") if folder else []
    rest = href[3 * ups:] or "./"
    if not ups or ups > len(parts) or rest[0] in "/#?":
        return folder, href
    return "/".join(parts[:len(parts) - ups]), rest
