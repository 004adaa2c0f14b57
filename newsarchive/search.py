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
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from newsarchive import urls
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
LINKS_ID = "story-links"  # the id of a page's href -> doc key map


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


def index_pages(archive: Archive, entries: Mapping[str, Entry], offline: bool) -> list[Page]:
    """The manifest, term shards and document shards of the archive (entries: story id -> Entry)."""
    stories = documents(archive)
    tags = sorted(archive.tags)
    shards = _term_shards(_postings(archive, stories, entries))
    manifest = {
        "docs": len(stories),
        "docsPerShard": DOCS_PER_SHARD,
        "termShards": [shard[0][0] for shard in shards],
        "tags": [archive.tag_names.get(tag, tag) for tag in tags],
        "newsletterTerm": NEWSLETTER_TERM,
        "tagTerm": TAG_TERM,
    }
    tag_numbers = {tag: n for n, tag in enumerate(tags)}
    docs = [_document(story, entries[story.id], tag_numbers, offline) for story in stories]
    return [
        _script("manifest", _json(manifest)),
        *(_script(f"t{n}", "{" + ",".join(piece for _, piece in shard) + "}")
          for n, shard in enumerate(shards)),
        *(_script(f"d{n}", _json(docs[start:start + DOCS_PER_SHARD]))
          for n, start in enumerate(range(0, len(docs), DOCS_PER_SHARD))),
    ]


def _document(story: Story, entry: Entry, tag_numbers: Mapping[str, int], offline: bool) -> dict:
    text = " ".join(part for part in (story.dek, entry.text) if part)
    return {
        "title": story.title,
        "url": urls.relative(urls.HOME, urls.story_path(story.id), offline),
        "meta": entry.meta,
        "tags": [tag_numbers[tag] for tag in story.tags if tag in tag_numbers],
        "text": excerpt(text),
    }


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, at most `limit` characters, cut after a whole word."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _scores(archive: Archive, story: Story, entry: Entry) -> dict[str, int]:
    """term -> score in one story: per field, weight x occurrences (at most MAX_COUNT)."""
    tag_names = " ".join(archive.tag_names.get(tag, tag) for tag in story.tags)
    fields = ((TITLE_WEIGHT, story.title), (TAG_WEIGHT, tag_names),
              (BODY_WEIGHT, f"{story.dek} {entry.text}"))
    scores = {NEWSLETTER_TERM + story.newsletter: 1}
    scores.update((TAG_TERM + tag, 1) for tag in story.tags if tag in archive.tags)
    for weight, text in fields:
        for term, count in Counter(tokens(text)).items():
            scores[term] = scores.get(term, 0) + weight * min(count, MAX_COUNT)
    return scores


def _postings(archive: Archive, stories: list[Story], entries: Mapping[str, Entry]) -> dict[str, list[int]]:
    """Sorted term -> [df, doc delta, score, ...] over the documents in number order."""
    found: dict[str, list[tuple[int, int]]] = {}
    for number, story in enumerate(stories):
        for term, score in _scores(archive, story, entries[story.id]).items():
            found.setdefault(term, []).append((number, score))
    return {term: _encode(term, found[term]) for term in sorted(found)}


def _encode(term: str, hits: list[tuple[int, int]]) -> list[int]:
    """[df, doc delta, score, ...] with doc numbers ascending; a word keeps its strongest hits."""
    kept = hits
    if len(hits) > POSTINGS_CAP and not term.startswith((NEWSLETTER_TERM, TAG_TERM)):
        kept = sorted(sorted(hits, key=lambda hit: (-hit[1], hit[0]))[:POSTINGS_CAP])
    numbers = [number for number, _ in kept]
    deltas = [number - previous for previous, number in zip([0, *numbers[:-1]], numbers, strict=True)]
    scores = [score for _, score in kept]
    return [len(hits), *itertools.chain.from_iterable(zip(deltas, scores, strict=True))]


def _term_shards(postings: Mapping[str, list[int]]) -> list[list[tuple[str, str]]]:
    """Sorted terms packed into consecutive shards of at most TERM_SHARD_BYTES each, as
    (term, its '"term":[postings]' JSON) pairs."""
    shards: list[list[tuple[str, str]]] = []
    size = 0
    for term, encoded in postings.items():
        piece = f"{_json(term)}:[{','.join(map(str, encoded))}]"
        entry = len(piece.encode("utf-8")) + 1  # and a comma
        if not shards or size + entry > TERM_SHARD_BYTES:
            shards.append([])
            size = 0
        shards[-1].append((term, piece))
        size += entry
    return shards


def _json(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # line breaks to ES2017


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
    path -> doc key). Pages share most links (navigation, tags), so each link is resolved once
    per folder."""

    def __init__(self, keys: Mapping[str, str]):
        self.keys = keys
        self._targets: dict[tuple[str, str], str | None] = {}

    def links(self, page: str, text: str) -> dict[str, str]:
        """href -> doc key of each link of an HTML page to another story's page, sorted by href."""
        folder = page.rpartition("/")[0]
        found = {}
        for escaped in _LINK_HREF.findall(text):
            href = html.unescape(escaped) if "&" in escaped else escaped
            target = self._target(folder, href)
            if target is not None and target != page and target in self.keys:
                found[href] = self.keys[target]
        return dict(sorted(found.items()))

    def _target(self, folder: str, href: str) -> str | None:
        key = (folder, href)
        if key not in self._targets:
            self._targets[key] = resolve(f"{folder}/index.html" if folder else "index.html", href)
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
