"""Search index (render stage): the tokeniser, the files' shapes and sizes, prefix lookups, field
weights, capped postings, determinism, story links marked for previews, and the search page.
A 10,000-story archive built in memory checks what a first query has to download."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import json
import math
import random
import re
import time

import pytest

from newsarchive import render, search, urls
from newsarchive.config import Config
from newsarchive.model import Archive, Issue, Newsletter, Page, Story
from tests.conftest import ROOT
from tests.test_render import render_pages, small_archive

# (text, tokens): search.py's tokens() and search.js's NA_SEARCH.tokens() must both give these.
TOKEN_CASES = [
    ("DeepMind's AlphaFold-2", ["deepmind", "s", "alphafold", "2"]),
    ("Protéine, café, NAÏVE", ["proteine", "cafe", "naive"]),
    ("e\u0301cole", ["ecole"]),  # a decomposed accent
    ("ＦＵＬＬ width", ["full", "width"]),
    ("ﬁne x²", ["fine", "x2"]),
    ("Straße", ["straße"]),
    ("ΟΔΟΣ Ελληνικά", ["οδος", "ελληνικα"]),
    ("Москва", ["москва"]),
    ("İstanbul", ["istanbul"]),
    ("日本語のテキスト", ["日本語のテキスト"]),
    ("robots🤖learn", ["robots", "learn"]),
    ("“quoted” — dash… 3.14", ["quoted", "dash", "3", "14"]),
    ("GPT-4o\u2028next", ["gpt", "4o", "next"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), TOKEN_CASES)
def test_tokens(text, expected):
    assert search.tokens(text) == expected


# ---- reading an index ------------------------------------------------------------------------


def script_data(page: Page) -> tuple[str, object]:
    """(id, data) of one index file: NA_SEARCH.add("<id>",<JSON>);"""
    text = page.content.decode("utf-8")
    prefix, rest = text.split("(", 1)
    assert prefix == "NA_SEARCH.add" and rest.endswith(");\n")
    shard, data = rest[:-3].split(",", 1)
    return json.loads(shard), json.loads(data)


def read_index(pages: list[Page]) -> dict[str, object]:
    """Index file id -> its data, checking each file registers under its own name."""
    index = {}
    for page in pages:
        shard, data = script_data(page)
        assert page.path == f"{search.DATA_DIR}/{shard}.js"
        index[shard] = data
    return index


def term_shards_for(index: dict, low: str, high: str) -> list[str]:
    """The term shards that may hold the terms from low to high, as search.js finds them."""
    firsts = index["manifest"]["termShards"]
    first, last = (max(bisect.bisect_right(firsts, term) - 1, 0) for term in (low, high))
    return [f"t{n}" for n in range(first, last + 1)]


def postings(index: dict, term: str) -> tuple[int, dict[int, int]]:
    """(df, doc number -> score) of one term."""
    (shard,) = term_shards_for(index, term, term)
    encoded = index[shard].get(term, [0])
    numbers = itertools.accumulate(encoded[1::2])
    return encoded[0], dict(zip(numbers, encoded[2::2], strict=True))


def document(index: dict, number: int) -> dict:
    per_shard = index["manifest"]["docsPerShard"]
    return index[f"d{number // per_shard}"][number % per_shard]


def prefix_terms(index: dict, prefix: str) -> list[str]:
    shards = term_shards_for(index, prefix, prefix + "\uffff")
    return sorted(term for shard in shards for term in index[shard] if term.startswith(prefix))


def index_of(archive: Archive, offline: bool = False) -> dict[str, object]:
    entries = {s.id: search.Entry(f"meta of {s.id}", s.body) for s in archive.stories}
    return read_index(search.index_pages(archive, entries, offline))


@pytest.fixture(scope="module")
def small_index() -> dict[str, object]:
    return index_of(small_archive())


# ---- the small archive -----------------------------------------------------------------------


def test_documents_are_numbered_oldest_first_undated_first(small_index):
    titles = [document(small_index, n)["title"] for n in range(small_index["manifest"]["docs"])]
    assert titles == ["Undated Story", "Robots Learn", "Last One", "Xss Attempt", "Deepmind Folds Proteins"]


def test_a_document_has_title_url_meta_tags_and_text(small_index):
    folds = document(small_index, 4)
    assert folds["url"] == "import-ai/226/deepmind-folds-proteins/"
    assert folds["meta"] == "meta of import-ai/226/deepmind-folds-proteins"
    assert [small_index["manifest"]["tags"][n] for n in folds["tags"]] == ["biology", "deepmind"]
    assert folds["text"].startswith("A big result DeepMind did it.")  # the dek, then the body


def test_offline_document_urls_name_the_file():
    index = index_of(small_archive(), offline=True)
    assert document(index, 4)["url"] == "import-ai/226/deepmind-folds-proteins/index.html"


def test_prefix_lookup_finds_every_term_that_starts_so(small_index):
    assert prefix_terms(small_index, "protei") == ["proteins"]
    assert prefix_terms(small_index, "rob") == ["robots"]
    assert prefix_terms(small_index, "zzz") == []


def test_filter_terms_list_every_story_of_a_newsletter_or_tag(small_index):
    assert set(postings(small_index, "@import-ai")[1]) == {1, 2, 3, 4}
    assert set(postings(small_index, "#biology")[1]) == {1, 4}
    assert postings(small_index, "#biology")[1] == {1: 1, 4: 1}


def test_a_title_hit_outranks_any_number_of_body_hits():
    archive = small_archive()
    folds, xss, last, *rest = archive.stories
    stories = (dataclasses.replace(folds, title="A zebra story", body="Nothing here."), xss,
               dataclasses.replace(last, body="zebra " * 10), *rest)
    index = index_of(dataclasses.replace(archive, stories=stories))
    titles = {document(index, n)["title"]: score for n, score in postings(index, "zebra")[1].items()}
    assert titles == {"A zebra story": search.TITLE_WEIGHT, "Last One": search.MAX_COUNT * search.BODY_WEIGHT}


def test_tag_names_count_as_tag_hits():
    archive = dataclasses.replace(small_archive(), tag_names={"biology": "Life Sciences"})
    df, scores = postings(index_of(archive), "sciences")
    assert df == 2 and set(scores.values()) == {search.TAG_WEIGHT}


def test_index_bytes_are_deterministic_whatever_the_story_order():
    archive = small_archive()
    entries = {s.id: search.Entry("m", s.body) for s in archive.stories}
    first = search.index_pages(archive, entries, False)
    shuffled = dataclasses.replace(archive, stories=tuple(reversed(archive.stories)))
    assert first == search.index_pages(shuffled, dict(reversed(entries.items())), False)


def test_line_separators_are_escaped_for_older_javascript():
    archive = small_archive()
    stories = (dataclasses.replace(archive.stories[0], title="Line\u2028break"), *archive.stories[1:])
    pages = search.index_pages(dataclasses.replace(archive, stories=stories),
                               {s.id: search.Entry("m", "x") for s in stories}, False)
    assert all("\u2028" not in page.content.decode("utf-8") for page in pages)
    assert any(b"Line\\u2028break" in page.content for page in pages)


def plain_postings(archive: Archive, entries: dict) -> dict[str, list[int]]:
    """What the term shards hold, worked out the plain way: per term its df, then a doc delta and
    a score for each document it lists, in number order; a word lists only its POSTINGS_CAP
    strongest documents (highest score, then lowest number), a filter term all of them."""
    hits: dict[str, list[tuple[int, int]]] = {}
    for number, story in enumerate(search.documents(archive)):
        scores = search._story_scores(search._score_inputs(archive, story, entries[story.id]))
        for term, score in scores.items():
            hits.setdefault(term, []).append((number, score))
    postings = {}
    for term, found in sorted(hits.items()):
        kept = found
        if len(found) > search.POSTINGS_CAP and term[0] not in (search.NEWSLETTER_TERM, search.TAG_TERM):
            kept = sorted(sorted(found, key=lambda hit: (-hit[1], hit[0]))[:search.POSTINGS_CAP])
        numbers = [number for number, _ in kept]
        deltas = [number - previous for previous, number in zip([0, *numbers[:-1]], numbers, strict=True)]
        pairs = zip(deltas, [score for _, score in kept], strict=True)
        postings[term] = [len(found), *itertools.chain.from_iterable(pairs)]
    return postings


def test_term_shards_list_each_term_in_order_with_df_and_its_strongest_documents(monkeypatch):
    monkeypatch.setattr(search, "POSTINGS_CAP", 20)
    archive, entries = synthetic_archive(300)
    index = read_index(search.index_pages(archive, entries, False))
    terms = {}
    for n in range(len(index["manifest"]["termShards"])):
        terms.update(index[f"t{n}"])
    assert list(terms) == sorted(terms)
    assert terms == plain_postings(archive, entries)


def test_an_empty_archive_has_a_manifest_and_no_shards():
    index = index_of(Archive((), (), ()))
    assert list(index) == ["manifest"]
    assert index["manifest"]["docs"] == 0 and index["manifest"]["termShards"] == []


# ---- rendered pages --------------------------------------------------------------------------

FOLDS = "import-ai/226/deepmind-folds-proteins/index.html"
XSS = "import-ai/226/xss-attempt/index.html"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages(small_archive())


def test_the_build_writes_the_index_beside_the_search_page(pages):
    assert {urls.SEARCH, "search/data/manifest.js", "search/data/t0.js", "search/data/d0.js"} <= set(pages)
    assert {"static/search.js", "static/preview.js"} <= set(pages)


def links_map(html: str) -> dict[str, str]:
    """The href -> doc key map a page gives preview.js."""
    found = re.findall(r'<script type="application/json" id="story-links">(.*?)</script>\n</body>', html)
    return json.loads(found[0]) if found else {}


def test_a_page_maps_its_links_to_other_stories_to_their_doc_keys(pages):
    assert search.link_keys(small_archive())[FOLDS] == "0:4"
    links = links_map(pages[XSS])
    assert links["../deepmind-folds-proteins/"] == "0:4" and links["../last-one/"] == "0:2"
    assert "../" not in links and "./" not in links  # its issue is no story, and itself is not linked
    assert list(links) == sorted(links)
    assert links_map(pages[urls.TAGS]) == {} and "story-links" not in pages[urls.TAGS]


def test_a_story_page_does_not_preview_itself():
    page = Page(FOLDS, b'<body><a href="./">me</a> <a class="x" href="../xss-attempt/">x</a></body>')
    marked = search.StoryLinks(search.link_keys(small_archive())).add_to(page).content.decode()
    assert marked.startswith('<body><a href="./">me</a> <a class="x" href="../xss-attempt/">x</a><script')
    assert links_map(marked) == {"../xss-attempt/": "0:3"}


def test_external_links_and_other_files_are_left_alone():
    keys = {"a/index.html": "0:0"}
    page = Page("b/index.html", b'<a href="https://x.org/a/">x</a> <a data-href="../a/">y</a></body>')
    assert search.StoryLinks(keys).add_to(page) == page
    script = Page("search/data/d0.js", b'<a href="../a/"></body>')
    assert search.StoryLinks(keys).add_to(script) is script


def test_a_links_map_cannot_end_its_script_element():
    page = Page("b/index.html", b'<a href="../a/?x=&lt;/script&gt;">x</a></body>')
    html = search.StoryLinks({"a/index.html": "0:0"}).add_to(page).content.decode()
    assert html.count("</script>") == 1 and links_map(html) == {"../a/?x=</script>": "0:0"}


def test_every_page_has_a_labelled_search_form_that_submits_to_the_search_page(pages):
    html = pages[FOLDS]
    assert '<form class="site-search" role="search" action="../../../search/" method="get">' in html
    assert '<label class="visually-hidden" for="site-search-input">' in html
    assert 'id="site-search-input" type="text" name="q"' in html
    assert '<script src="../../../static/search.js" defer></script>' in html
    assert '<script src="../../../static/preview.js" defer></script>' in html


def test_search_page_has_filters_and_says_it_needs_javascript(pages):
    html = pages[urls.SEARCH]
    assert 'class="site-search"' not in html  # its own box replaces the header's
    assert '<option value="import-ai">Import AI</option>' in html
    assert '<option value="biology">biology (2)</option>' in html
    assert "<noscript>" in html and "needs JavaScript" in html


def test_offline_search_form_names_the_file():
    config = Config(root=ROOT).with_build(offline=True)
    home = next(p for p in render.render(small_archive(), config) if p.path == urls.HOME)
    assert b'action="search/index.html"' in home.content


# ---- a large archive -------------------------------------------------------------------------

FIRST_QUERY_LIMIT = 1_000_000
LARGE_STORIES = 10_000


def synthetic_archive(stories: int, vocabulary: int = 4000, seed: int = 7) -> tuple[Archive, dict]:
    """Issues of ten stories (titles of 8 words, bodies of 200) from a Zipf-distributed vocabulary
    of made-up words, four newsletters, 300 tags; and each story's search.Entry."""
    rng = random.Random(seed)
    syllables = ["ba", "ver", "lo", "tan", "mi", "quor", "sel", "dra", "fen", "lu", "rik", "no", "ta", "vel",
                 "zan", "cor", "bri", "mun", "pel", "sta", "gol", "hen"]
    words = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(vocabulary * 2)})
    rng.shuffle(words)
    words = words[:vocabulary]
    weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(words))))
    newsletters = tuple(Newsletter(f"news-{n}", f"News {n}") for n in range(4))
    issues, all_stories = [], []
    for number in range(stories // 10):
        slug = newsletters[number % 4].slug
        issue = Issue(f"{slug}/{number}", slug, str(number), str(number), "", dt.date(2000, 1, 1)
                      + dt.timedelta(days=number), "")
        issues.append(issue)
        all_stories += [Story(f"{issue.id}/s{position}", issue.id, slug, position,
                              " ".join(rng.choices(words, cum_weights=weights, k=8)),
                              " ".join(rng.choices(words, cum_weights=weights, k=200)), issue.date, "",
                              tags=tuple(sorted({f"tag-{rng.randrange(300)}" for _ in range(3)})))
                        for position in range(1, 11)]
    tags = {}
    for story in all_stories:
        for tag in story.tags:
            tags.setdefault(tag, []).append(story.id)
    archive = Archive(newsletters, tuple(issues), tuple(all_stories),
                      {tag: tuple(ids) for tag, ids in tags.items()})
    return archive, {s.id: search.Entry(f"{s.newsletter} · {s.date}", s.body) for s in all_stories}


@pytest.fixture(scope="module")
def large() -> tuple[list[Page], dict[str, object], float]:
    """The index of a 10,000-story archive, read back, and how long building it took."""
    archive, entries = synthetic_archive(LARGE_STORIES)
    start = time.perf_counter()
    pages = search.index_pages(archive, entries, False)
    seconds = time.perf_counter() - start
    return pages, read_index(pages), seconds


def sizes(pages: list[Page]) -> dict[str, int]:
    return {script_data(page)[0]: len(page.content) for page in pages}


def ranked(index: dict, words: list[str]) -> list[int]:
    """search.js's ranking for whole words: documents having every word whose postings are
    complete (any word when all are capped), by summed score x idf, newest first on ties."""
    found = [postings(index, word) for word in words]
    docs = index["manifest"]["docs"]
    complete = [set(scores) for df, scores in found if df == len(scores)]
    candidates = set.intersection(*complete) if complete else set().union(*(s for _, s in found))
    total = {n: sum(s.get(n, 0) * math.log(1 + docs / df) for df, s in found) for n in candidates}
    return sorted(total, key=lambda n: (-total[n], -n))


def first_query_bytes(pages: list[Page], index: dict, words: list[str]) -> int:
    """Bytes search.js loads to show the top ten results of a first query: the manifest, each
    word's term shards (all that its prefix spans) and the document shards of the results."""
    per_shard = index["manifest"]["docsPerShard"]
    files = {"manifest", *(s for word in words for s in term_shards_for(index, word, word + "\uffff")),
             *(f"d{n // per_shard}" for n in ranked(index, words)[:10])}
    size = sizes(pages)
    return sum(size[name] for name in files)


def words_by_df(index: dict) -> list[str]:
    """Every word of the index, rarest first."""
    shards = (index[f"t{n}"] for n in range(len(index["manifest"]["termShards"])))
    return [term for _, term in sorted((postings[0], term) for shard in shards
                                       for term, postings in shard.items() if term[0].isalpha())]


def test_large_index_is_built_quickly_in_bounded_files(large):
    pages, index, seconds = large
    size = sizes(pages)
    assert seconds < 20
    assert index["manifest"]["docs"] == LARGE_STORIES
    term_shards = [size[f"t{n}"] for n in range(len(index["manifest"]["termShards"]))]
    assert len(term_shards) > 10 and max(term_shards) <= search.TERM_SHARD_BYTES + 100
    assert all(len(index[name]) == search.DOCS_PER_SHARD for name in size if name.startswith("d"))


def test_common_words_keep_only_their_strongest_documents(large):
    _, index, _ = large
    df, scores = postings(index, words_by_df(index)[-1])
    assert df > search.POSTINGS_CAP and len(scores) == search.POSTINGS_CAP
    assert len(postings(index, "@news-0")[1]) == LARGE_STORIES // 4  # filters are never capped


def test_a_first_two_word_query_needs_under_a_megabyte(large):
    pages, index, _ = large
    size = sizes(pages)
    words = words_by_df(index)
    for query in ([words[-1], words[len(words) // 2]], [words[-50], words[-200]], [words[-300], words[-400]]):
        assert ranked(index, query), query
        assert first_query_bytes(pages, index, query) < FIRST_QUERY_LIMIT
    # Whatever the words: the manifest, the two largest term shards and the ten largest doc shards.
    terms = sorted((v for k, v in size.items() if k.startswith("t")), reverse=True)
    docs = sorted((v for k, v in size.items() if k.startswith("d")), reverse=True)
    assert size["manifest"] + sum(terms[:2]) + sum(docs[:10]) < FIRST_QUERY_LIMIT
