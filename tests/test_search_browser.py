"""Search in headless chromium, on the sample archive: served over http and read from disk
(an --offline build opened with file://). Typing shows highlighted results, the arrow keys and
Enter open one, the search page filters and keeps its query in the address, and the JavaScript
tokeniser agrees with the Python one. No console error and no failed request anywhere."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser import PageLog
from tests.helpers import copy_samples, run_cli
from tests.test_search import TOKEN_CASES

WAIT_MS = 5000  # the longest any step may take
RESULTS, PAGE_RESULTS = "#site-search-results", "#search-page-results"
OPTION, PAGE_OPTION = f"{RESULTS} [role=option]", f"{PAGE_RESULTS} [role=option]"


@dataclass(frozen=True)
class Site:
    """A built sample site and the address of its home page (http://…/ or file://…/index.html)."""

    folder: Path
    home: str

    def url(self, path: str) -> str:
        """The address of a page given by its folder ("search/"), as this site links it."""
        folder = self.home.rsplit("/", 1)[0]
        return f"{folder}/{path}index.html" if self.home.endswith(".html") else f"{folder}/{path}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Keep test output clean; failed requests show up in the PageLog instead."""


def _build(tmp: Path, *options: str) -> Path:
    out = tmp / "site"
    result = run_cli("build", "--content", str(copy_samples(tmp / "content")), "--out", str(out), *options)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def served_site(tmp_path_factory) -> Iterator[Site]:
    """The samples built as for a web host, served on a loopback port for the session."""
    folder = _build(tmp_path_factory.mktemp("served"))
    handler = functools.partial(_QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(folder, f"http://127.0.0.1:{server.server_address[1]}/")
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def disk_site(tmp_path_factory) -> Site:
    """The samples built --offline, read from disk."""
    folder = _build(tmp_path_factory.mktemp("disk"), "--offline")
    return Site(folder, (folder / "index.html").as_uri())


@pytest.fixture(params=["http", "file"])
def site(request) -> Site:
    return request.getfixturevalue("served_site" if request.param == "http" else "disk_site")


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page whose console errors and failed requests must stay empty."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    log = PageLog()
    log.watch(tab)
    yield tab
    context.close()
    assert log.console_errors == [] and log.failed_requests == []


def answered(page, results: str = RESULTS) -> list[str]:
    """The texts of the results once the last query is answered (its listbox no longer aria-busy)."""
    page.wait_for_selector(f"{results}:not([aria-busy])", state="attached")
    return page.locator(f"{results} [role=option]").all_inner_texts()


def type_query(page, selector: str, text: str) -> list[str]:
    """Type into the header's search box; the results of the whole text."""
    page.fill(selector, "")
    page.type(selector, text)
    return answered(page)


def marked(page, option: str = OPTION) -> list[str]:
    return [text.lower() for text in page.locator(f"{option} mark").all_inner_texts()]


# ---- the header's box ------------------------------------------------------------------------


def count(page, query: str) -> int:
    """How many stories the header's box says match a query."""
    type_query(page, "#site-search-input", query)
    return int(page.locator(".site-search__status").inner_text().split()[0])


def test_a_multi_word_query_shows_highlighted_results_that_match_every_word(site, page):
    page.goto(site.home)
    training, energy, both = count(page, "training"), count(page, "energy"), count(page, "training energy")
    assert 0 < both < min(training, energy)
    options = page.locator(OPTION)
    assert options.count() == min(both, 8)
    assert {"training", "energy"} <= set(marked(page))
    assert all(options.nth(n).locator("mark").count() for n in range(options.count()))


def test_a_word_finds_the_terms_it_starts(site, page):
    page.goto(site.home)
    results = type_query(page, "#site-search-input", "protei")
    assert len(results) >= 3
    assert all(word.startswith("protei") for word in marked(page))
    first = page.locator(f"{OPTION} .search-hit__title").first.inner_text().lower()
    assert "protein" in first  # a title hit ranks above body hits


def test_arrow_keys_choose_a_result_and_enter_opens_it(site, page):
    page.goto(site.home)
    type_query(page, "#site-search-input", "towels")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    chosen = page.locator(f"{OPTION}[aria-selected=true]")
    assert page.get_attribute("#site-search-input", "aria-activedescendant") == chosen.get_attribute("id")
    title, href = chosen.locator(".search-hit__title").inner_text(), chosen.get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == href
    assert page.locator("h1").inner_text() == title


def test_escape_closes_the_results_and_enter_goes_to_the_search_page(site, page):
    page.goto(site.home)
    type_query(page, "#site-search-input", "robots")
    page.keyboard.press("Escape")
    assert page.locator(".site-search__panel").is_hidden()
    assert page.get_attribute("#site-search-input", "aria-expanded") == "false"
    assert page.input_value("#site-search-input") == "robots"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site.url("search/") + "?q=robots"
    page.wait_for_selector(PAGE_OPTION)
    assert page.input_value("#search-page-input") == "robots"


def test_a_query_with_no_match_says_so(site, page):
    page.goto(site.url("tags/"))
    assert type_query(page, "#site-search-input", "zyzzyva") == []
    assert page.locator(".site-search__status").inner_text() == "No stories match “zyzzyva”."


# ---- the search page -------------------------------------------------------------------------


def test_the_search_page_filters_by_newsletter_and_tag_and_keeps_them_in_the_address(site, page):
    page.goto(site.url("search/") + "?q=training")
    page.wait_for_selector(PAGE_OPTION)
    everything = page.locator(PAGE_OPTION).count()
    page.select_option("select[name=newsletter]", "tensor-dispatch")
    answered(page, PAGE_RESULTS)
    metas = page.locator(f"{PAGE_OPTION} .search-hit__meta").all_inner_texts()
    assert 0 < len(metas) < everything and all(meta.startswith("Tensor Dispatch") for meta in metas)
    assert page.url.endswith("?q=training&newsletter=tensor-dispatch")
    page.reload()
    page.wait_for_selector(PAGE_OPTION)
    assert page.input_value("select[name=newsletter]") == "tensor-dispatch"
    assert page.locator(PAGE_OPTION).count() == len(metas)


def test_a_tag_alone_lists_its_stories(site, page):
    page.goto(site.url("search/") + "?tag=protein-folding")
    page.wait_for_selector(PAGE_OPTION)
    metas = page.locator(f"{PAGE_OPTION} .search-hit__meta").all_inner_texts()
    assert metas and all("#Protein folding" in meta for meta in metas)
    assert page.locator(".search-page__status").inner_text() == f"{len(metas)} stories"


def test_the_tokeniser_agrees_with_python(site, page):
    page.goto(site.home)
    texts = [text for text, _ in TOKEN_CASES]
    found = page.evaluate("cases => cases.map(text => NA_SEARCH.tokens(text))", texts)
    assert found == [expected for _, expected in TOKEN_CASES]


# ---- link previews ---------------------------------------------------------------------------

STORY = "tensor-dispatch/42/aminodes-cartographer-predicts-how-proteins-fit-together/"
RELATED = ".related .ref-list a"
PREVIEW = "#story-preview"


def test_hovering_a_story_link_shows_its_preview(site, page):
    page.goto(site.url(STORY))
    link = page.locator(RELATED).first
    link.hover()
    page.wait_for_selector(PREVIEW, state="visible")
    assert page.get_attribute(PREVIEW, "role") == "tooltip"
    assert link.get_attribute("aria-describedby") == "story-preview"
    assert page.locator(f"{PREVIEW} .preview__title").inner_text() == link.inner_text()
    context = link.locator("xpath=following-sibling::*[contains(@class, 'ref__context')]").inner_text()
    assert context.startswith(page.locator(f"{PREVIEW} .preview__meta").inner_text())
    assert len(page.locator(f"{PREVIEW} .preview__text").inner_text()) > 40
    page.keyboard.press("Escape")
    page.wait_for_selector(PREVIEW, state="hidden")
    assert link.get_attribute("aria-describedby") is None


def test_focusing_a_story_link_shows_its_preview_and_leaving_hides_it(site, page):
    page.goto(site.url(STORY))
    link = page.locator(RELATED).nth(1)
    link.focus()
    page.wait_for_selector(PREVIEW, state="visible")
    assert page.locator(f"{PREVIEW} .preview__title").inner_text() == link.inner_text()
    page.locator("#site-search-input").focus()
    page.wait_for_selector(PREVIEW, state="hidden")


def test_a_preview_never_blocks_a_click_on_what_it_covers(site, page):
    page.goto(site.url(STORY))
    first, second = page.locator(RELATED).nth(0), page.locator(RELATED).nth(1)
    first.hover()
    page.wait_for_selector(PREVIEW, state="visible")
    covered = page.locator(PREVIEW).bounding_box()
    target = second.bounding_box()
    assert covered["y"] < target["y"] + target["height"] and target["y"] < covered["y"] + covered["height"]
    title = second.inner_text()
    with page.expect_navigation():
        second.click()
    assert page.locator("h1").inner_text() == title
