"""Render stage: a small archive built in memory, rendered with the real theme."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from urllib.parse import unquote, urlsplit

import pytest

from newsarchive import render, urls
from newsarchive.config import Config
from newsarchive.model import Archive, Issue, Newsletter, Page, Source, Story
from tests.conftest import ROOT

XSS_BODY = (
    "Researchers found a trick.\n\n<script>alert(1)</script>\n\n"
    '<img src="https://example.com/x.png" onerror="alert(2)">\n\n[bad](javascript:alert(3))'
)


def _issue(newsletter: str, key: str, date: dt.date | None, title: str) -> Issue:
    number = key if key.isdigit() else None
    return Issue(f"{newsletter}/{key}", newsletter, key, number, title, date, f"{newsletter}/{key}.txt",
                 url=f"https://example.com/{newsletter}/{key}", intro="Welcome to **this** issue.")


def _story(issue: Issue, position: int, slug: str, body: str, tags: tuple[str, ...] = (), **kw) -> Story:
    return Story(f"{issue.id}/{slug}", issue.id, issue.newsletter, position, slug.replace("-", " ").title(),
                 body, issue.date, f"{issue.id}/{position:02d}-{slug}.md", tags=tags, **kw)


def small_archive() -> Archive:
    """2 newsletters, 3 issues (one undated), 5 stories, 2 tags."""
    import_ai = [_issue("import-ai", "226", dt.date(2020, 12, 7), "Protein folding"),
                 _issue("import-ai", "225", dt.date(2020, 11, 30), "Robots")]
    batch = _issue("the-batch", "spring-special", None, "Spring special")
    stories = (
        _story(import_ai[0], 1, "deepmind-folds-proteins", "DeepMind did it. Then more.\n\n```py\nx = 1\n```",
               ("biology", "deepmind"), dek="A big result",
               sources=(Source("AlphaFold", "deepmind.com", "https://deepmind.com/af"), Source("A paper"))),
        _story(import_ai[0], 2, "xss-attempt", XSS_BODY, ("deepmind",), truncated=True),
        _story(import_ai[0], 3, "last-one", "The end of the issue."),
        _story(import_ai[1], 1, "robots-learn", "Robots learn to walk.", ("biology",)),
        _story(batch, 1, "undated-story", "No date on this one. Really."),
    )
    tags = {"biology": (stories[0].id, stories[3].id), "deepmind": (stories[0].id, stories[1].id)}
    newsletters = (Newsletter("import-ai", "Import AI"), Newsletter("the-batch", "The Batch"))
    return Archive(newsletters, (*import_ai, batch), stories, tags)


def render_pages(archive: Archive, config: Config | None = None) -> dict[str, str]:
    """Output path -> text of every page, asset and feed the archive gives with the real theme."""
    config = config or Config(root=ROOT)
    built = render.render(archive, config) + render.static_pages(config)  # render includes the feeds
    return {page.path: page.content.decode("utf-8") for page in built}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages(small_archive())


def story_page(pages: dict[str, str], slug: str) -> str:
    return next(html for path, html in pages.items() if f"/{slug}/" in path)


def test_every_expected_page_is_rendered(pages):
    expected = {
        "index.html", "404.html", "tags/index.html", "tags/biology/index.html", "tags/deepmind/index.html",
        "import-ai/index.html", "the-batch/index.html", "import-ai/226/index.html",
        "import-ai/225/index.html", "the-batch/spring-special/index.html",
        "import-ai/226/deepmind-folds-proteins/index.html",
        "the-batch/spring-special/undated-story/index.html",
        "static/style.css", "static/favicon.svg", "static/pygments.css",
    }
    assert expected <= set(pages)
    assert len([p for p in pages if p.count("/") == 3 and p.endswith("/index.html")]) == 5  # one per story


def test_story_page_shows_title_meta_tags_and_sources(pages):
    html = story_page(pages, "deepmind-folds-proteins")
    assert "<h1 class=\"story__title\">Deepmind Folds Proteins</h1>" in html
    assert "A big result" in html and "7 December 2020" in html
    assert 'href="../../../tags/biology/"' in html
    assert '<a href="https://deepmind.com/af" rel="noopener">AlphaFold</a>' in html
    assert "deepmind.com" in html and "A paper" in html
    assert '<span class="k">' not in html and '<span class="n">x</span>' in html  # highlighted code


def test_story_page_links_previous_next_and_issue(pages):
    middle = story_page(pages, "xss-attempt")
    assert 'href="../deepmind-folds-proteins/" rel="prev"' in middle
    assert 'href="../last-one/" rel="next"' in middle
    assert 'href="../"' in middle  # its issue
    first = story_page(pages, "deepmind-folds-proteins")
    assert 'rel="prev"' not in first and 'rel="next"' in first


def test_undated_story_says_date_unknown(pages):
    assert "date unknown" in story_page(pages, "undated-story")
    assert "date unknown" in pages["index.html"]
    assert ">Undated</h2>" in pages["the-batch/index.html"]


def test_truncated_story_has_a_notice(pages):
    assert "Truncated in the source" in story_page(pages, "xss-attempt")
    assert "Truncated in the source" not in story_page(pages, "last-one")


def test_newsletter_script_never_reaches_a_page(pages):
    for path, html in pages.items():
        if path.endswith(".html"):
            assert "<script>alert(1)</script>" not in html, path
            assert "onerror" not in html and "javascript:" not in html, path
    assert 'src="https://example.com/x.png"' in story_page(pages, "xss-attempt")


def test_home_lists_issues_newest_first_and_undated_last(pages):
    home = pages["index.html"]
    order = [home.index(title) for title in ("Protein folding", "Robots", "Spring special")]
    assert order == sorted(order)
    assert "3 stories" in home and "Popular tags" in home


def test_issue_page_lists_its_stories_with_their_first_words(pages):
    html = pages["import-ai/226/index.html"]
    assert "Welcome to <strong>this</strong> issue." in html
    assert "DeepMind did it. Then more. x = 1" in html
    assert html.index("Deepmind Folds Proteins") < html.index("Xss Attempt") < html.index("Last One")


def test_tag_page_lists_stories_newest_first_with_first_sentence(pages):
    html = pages["tags/biology/index.html"]
    assert html.index("Deepmind Folds Proteins") < html.index("Robots Learn")
    assert "DeepMind did it." in html and "Then more." not in html


def resolve(page: str, url: str) -> str | None:
    """The page path an internal link names (folders mean their index.html); None if external."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "mailto"):
        return None
    assert not parts.scheme and not parts.netloc and not url.startswith("/"), f"{page}: {url}"
    if not parts.path:
        return page  # a #fragment on the same page
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    return posixpath.join(path, "index.html") if parts.path.endswith("/") or path == "." else path


def assert_links_resolve(pages: dict[str, str]) -> None:
    """Every href and src of every page is relative and names a rendered page or asset."""
    for path, html in pages.items():
        if not path.endswith(".html"):
            continue
        for url in re.findall(r'(?:href|src)="([^"]*)"', html):
            target = resolve(path, url)
            assert target is None or target.removeprefix("./") in pages, f"{path}: broken {url}"


def test_every_link_is_relative_and_resolves(pages):
    assert_links_resolve(pages)


def test_offline_links_name_the_file():
    config = Config(root=ROOT).with_build(offline=True)
    home = next(p for p in render.render(small_archive(), config) if p.path == urls.HOME)
    assert b'href="import-ai/226/index.html"' in home.content


def test_404_links_from_base_url_when_known():
    config = Config(root=ROOT).with_site(base_url="https://example.org/archive")
    page = next(p for p in render.render(small_archive(), config) if p.path == "404.html")
    assert b'href="https://example.org/archive/static/style.css"' in page.content


def test_rendering_twice_gives_identical_bytes():
    config = Config(root=ROOT)
    first: list[Page] = render.render(small_archive(), config) + render.static_pages(config)
    assert first == render.render(small_archive(), config) + render.static_pages(config)


def test_issue_order_is_newest_first_undated_last_then_by_number():
    a, b, c = (_issue("x", n, d, "t") for n, d in (("9", None), ("10", dt.date(2020, 1, 1)), ("11", None)))
    assert sorted([a, b, c], key=render.issue_order) == [b, c, a]
