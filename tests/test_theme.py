"""The theme as rendered: feeds and metadata in every head, the archive page, the download link,
the light/dark toggle, alt text on every image, and themes that override part of the built-in one."""

from __future__ import annotations

import dataclasses
import re

import pytest

from newsarchive import publish, render, urls, views
from newsarchive.config import Config
from newsarchive.model import Archive, Page
from tests.conftest import ROOT
from tests.test_render import assert_links_resolve, render_pages, small_archive

BASE_URL = "https://example.org/archive/"
TITLE = Config().site.title
FOLDS = "import-ai/226/deepmind-folds-proteins/index.html"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages(small_archive())


def rendered(config: Config, archive: Archive | None = None) -> dict[str, str]:
    built: list[Page] = render.render(archive or small_archive(), config) + render.static_pages(config)
    return {page.path: page.content.decode("utf-8") for page in built}


def html_pages(pages: dict[str, str]) -> dict[str, str]:
    return {path: html for path, html in pages.items() if path.endswith(".html")}


def head(html: str) -> str:
    return html[: html.index("</head>")]


# ---- feeds and metadata ----------------------------------------------------------------------


def test_every_page_links_the_site_feed(pages):
    for path, html in html_pages(pages).items():
        link = f'<link rel="alternate" type="application/atom+xml" title="{TITLE}" ' \
               f'href="{urls.relative(path, "feed.xml")}">'
        assert link in head(html), path


def test_newsletter_and_tag_pages_link_their_own_feed(pages):
    assert 'title="Import AI · AI Newsletter Archive" href="feed.xml"' in head(pages["import-ai/index.html"])
    assert 'title="biology · AI Newsletter Archive" href="feed.xml"' in head(pages["tags/biology/index.html"])
    assert {"import-ai/feed.xml", "tags/biology/feed.xml"} <= set(pages)
    assert head(pages[FOLDS]).count("application/atom+xml") == 1


def test_no_canonical_or_open_graph_without_a_base_url(pages):
    for path, html in html_pages(pages).items():
        assert 'rel="canonical"' not in html and "og:" not in html, path


def test_canonical_and_open_graph_with_a_base_url():
    pages = rendered(Config(root=ROOT).with_site(base_url=BASE_URL))
    story = head(pages[FOLDS])
    url = "https://example.org/archive/import-ai/226/deepmind-folds-proteins/"
    assert f'<link rel="canonical" href="{url}">' in story
    assert f'<meta property="og:url" content="{url}">' in story
    assert '<meta property="og:type" content="article">' in story
    assert '<meta property="og:title" content="Deepmind Folds Proteins · Import AI · ' in story
    assert f'<meta property="og:site_name" content="{TITLE}">' in story
    assert '<meta property="og:description" content="A big result">' in story
    assert '<meta property="og:type" content="website">' in head(pages["tags/index.html"])
    assert f'<link rel="canonical" href="{BASE_URL}">' in head(pages["index.html"])
    assert "canonical" not in pages["404.html"] and "og:" not in pages["404.html"]


def test_an_offline_copy_has_no_canonical_url():
    pages = rendered(Config(root=ROOT).with_site(base_url=BASE_URL).with_build(offline=True))
    assert all("canonical" not in html for html in html_pages(pages).values())


# ---- pages -----------------------------------------------------------------------------------


def test_archive_page_groups_issues_by_year_then_month_with_undated_last(pages):
    html = pages[urls.ARCHIVE]
    order = ['<h2 id="2020"', '<h3 id="2020-12"', "Protein folding", '<h3 id="2020-11"', "Robots",
             '<h2 id="undated"', "Spring special"]
    positions = [html.index(part) for part in order]
    assert positions == sorted(positions)
    assert '<a href="#2020">2020 <span class="tag__count">2</span></a>' in html


def test_issues_by_year_and_month():
    issues = sorted(small_archive().issues, key=render.issue_order)
    years = views.by_year_and_month(issues)
    assert [(year, [(m.label, m.anchor, len(m.issues)) for m in months]) for year, months in years] == [
        ("2020", [("December", "2020-12", 1), ("November", "2020-11", 1)]),
        ("Undated", [("", "undated", 1)]),
    ]


def test_nav_links_the_archive_and_marks_the_current_page(pages):
    assert '<li><a href="archive/">Archive</a></li>' in pages["index.html"]
    assert '<a href="./" aria-current="page">Archive</a>' in pages[urls.ARCHIVE]
    assert '<a href="archive/">All issues by year and month →</a>' in pages["index.html"]


@pytest.mark.parametrize(("zip_on", "offline", "linked"), [(True, False, True), (False, False, False),
                                                           (True, True, False)])
def test_home_links_the_download_only_when_the_build_writes_it(zip_on, offline, linked):
    config = Config(root=ROOT).with_build(zip=zip_on, offline=offline)
    home = next(p for p in render.render(small_archive(), config) if p.path == urls.HOME).content.decode()
    assert (f'href="{publish.ZIP_NAME}" download>' in home) is linked


# ---- reading comfort and accessibility --------------------------------------------------------


def test_theme_is_set_before_the_stylesheet_and_the_toggle_is_a_button(pages):
    html = pages[FOLDS]
    script = html.index('localStorage.getItem("theme")')
    assert script < html.index('rel="stylesheet"') < html.index("</head>")
    assert '<script src="../../../static/site.js" defer></script>' in html
    assert re.search(r'<button class="theme-toggle" type="button" aria-pressed="false" '
                     r'aria-label="Dark theme"[^>]* hidden>', html)
    assert "static/site.js" in pages


def test_skip_link_landmarks_and_language(pages):
    for path, html in html_pages(pages).items():
        assert '<html lang="en">' in html, path
        assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html, path
        assert '<header class="site-header">' in html and '<footer class="site-footer">' in html, path
        assert '<nav class="site-nav" aria-label="Site">' in html, path


def test_every_image_has_alt_text():
    body = "![](https://example.com/a.png) ![A cat](https://example.com/b.png)\n\n" \
           '<img src="https://example.com/c.png"> <img src="https://example.com/d.png" title="x>y">'
    archive = small_archive()
    stories = tuple(dataclasses.replace(s, body=body) if s.position == 3 else s for s in archive.stories)
    pages = render_pages(dataclasses.replace(archive, stories=stories))
    html = pages["import-ai/226/last-one/index.html"]
    assert '<img alt="" src="https://example.com/a.png">' in html
    assert '<img alt="A cat" src="https://example.com/b.png">' in html
    assert '<img alt="" src="https://example.com/c.png">' in html
    assert '<img alt="" src="https://example.com/d.png" title="x&gt;y">' in html
    for path, page in html_pages(pages).items():
        for tag in re.findall(r"<img\b[^>]*>", page):
            assert re.search(r'\salt="', tag), f"{path}: {tag}"


def test_links_of_the_new_pages_resolve(pages):
    assert_links_resolve(pages)


# ---- themes ----------------------------------------------------------------------------------


def test_a_theme_overrides_single_templates_and_restyles_with_custom_css(tmp_path):
    theme = tmp_path / "my-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "base.html").write_text(
        '{% extends "default/base.html" %}\n'
        "{% block footer %}<p>My footer</p>{% endblock %}\n")
    (theme / "templates" / "tags.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>My tags</h1>{% endblock %}\n')
    (theme / "static" / "custom.css").write_text(":root { --accent: #a0522d; }\n")
    pages = rendered(Config(root=tmp_path).with_build(theme_dir="my-theme"))
    assert "<h1>My tags</h1>" in pages[urls.TAGS] and "<p>My footer</p>" in pages[urls.TAGS]
    assert "<p>My footer</p>" in pages[FOLDS] and 'class="story__title"' in pages[FOLDS]
    assert pages["static/custom.css"] == ":root { --accent: #a0522d; }\n"
    assert pages["static/style.css"] == (ROOT / "theme" / "static" / "style.css").read_text()
    story = head(pages[FOLDS])
    assert story.index("static/style.css") < story.index("static/pygments.css") < story.index(
        '<link rel="stylesheet" href="../../../static/custom.css">')


def test_the_built_in_theme_links_no_custom_css(pages):
    assert "custom.css" not in pages["index.html"] and "static/custom.css" not in pages
