"""Markdown -> safe HTML: what untrusted newsletter text may and may not put on a page."""

from __future__ import annotations

import pytest

from newsarchive.markup import (
    MarkdownRenderer,
    first_sentence,
    first_words,
    plain_text,
    pygments_css,
    safe_url,
)


@pytest.fixture(scope="module")
def md() -> MarkdownRenderer:
    return MarkdownRenderer()


@pytest.mark.parametrize(
    ("text", "banned"),
    [
        ("<script>alert(1)</script>", "alert"),
        ("<style>body{display:none}</style>", "display"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<img src="https://x.example/a.png" onerror="alert(1)">', "onerror"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ("[click](javascript:alert(1))", "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<p style="position:fixed">x</p>', "style"),
        ('<form action="https://evil.example"><input name="q"></form>', "form"),
        ("<!-- hidden --> text", "hidden"),
        ('<div class="note">fake editor note</div>', 'class="note"'),
        ('<p id="main">clobber</p>', 'id="main"'),
        ("[relative](/their/site/page.html)", "/their/site"),
    ],
)
def test_unsafe_markup_is_removed(md, text, banned):
    assert banned not in md.html(text)


def test_allowed_markup_survives(md):
    text = '**bold** _em_ `code`\n\n> quote\n\n[link](https://example.com "T")\n\n![alt](https://e.com/i.png)'
    html = md.html(text)
    for fragment in ("<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<blockquote>",
                     '<img alt="alt" src="https://e.com/i.png">'):
        assert fragment in html
    assert '<a href="https://example.com" title="T" rel="noopener">link</a>' in html


def test_lists_tables_and_footnotes(md):
    html = md.html("3. three\n4. four\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nSee[^n].\n\n[^n]: The note.")
    assert '<ol start="3">' in html
    assert '<td align="right">2</td>' in html
    assert 'id="fnref:n"' in html and 'href="#fn:n"' in html and 'class="footnote"' in html


def test_headings_are_demoted_below_the_page_title(md):
    assert md.html("# Big\n\n## Smaller") == "<h2>Big</h2>\n<h3>Smaller</h3>"


def test_fenced_code_is_highlighted_with_pygments_classes(md):
    html = md.html("```python\ndef f():\n    return 1\n```")
    assert '<div class="highlight"><pre>' in html
    assert '<span class="k">def</span>' in html and '<span class="nf">f</span>' in html


def test_code_without_a_language_is_not_guessed(md):
    html = md.html("    def f(): return 1")
    assert '<div class="highlight">' in html and 'class="k"' not in html


def test_code_content_is_escaped_not_run(md):
    assert "&lt;script&gt;" in md.html("```\n<script>alert(1)</script>\n```")


def test_one_renderer_forgets_footnotes_between_texts(md):
    md.html("A[^1]\n\n[^1]: first")
    assert "first" not in md.html("B")


def test_plain_text_and_excerpts():
    assert plain_text("<p>a &amp; <strong>b</strong></p>\n<p>c</p>") == "a & b c"
    assert first_words("one two three", 2) == "one two…"
    assert first_words("one two", 2) == "one two"
    sentence = "The U.S. lab, e.g. this one, did it."
    assert first_sentence(f"{sentence} Then more.") == sentence
    assert first_sentence("No full stop") == "No full stop"


def test_safe_url_accepts_only_web_links():
    assert safe_url("https://example.com/a") == "https://example.com/a"
    assert safe_url("mailto:x@example.com") == "mailto:x@example.com"
    assert safe_url(" javascript:alert(1)") == ""
    assert safe_url("/relative") == ""


def test_pygments_css_has_light_and_dark_variants():
    css = pygments_css()
    assert ".highlight .k {" in css
    assert '[data-theme="dark"] .highlight .k {' in css
    assert "@media (prefers-color-scheme: dark)" in css
    assert ':root:not([data-theme="light"]) .highlight .k {' in css
    assert pygments_css() == css


# ---- archive: links ----------------------------------------------------------------------------

PAGES = {"nl/1/a-story": "../a-story/", "nl/1": "../", "a&b": 'odd"url'}


def test_archive_link_points_at_the_page_link_gives(md):
    assert md.html("See [this](archive:nl/1/a-story).", PAGES.get) == (
        '<p>See <a href="../a-story/" rel="noopener">this</a>.</p>'
    )


@pytest.mark.parametrize("link", [None, lambda target: None])
def test_archive_link_to_an_unknown_id_keeps_only_its_text(md, link):
    assert md.html("A [x](archive:nope) b [**y**](archive:nl/1)", link) == "<p>A x b <strong>y</strong></p>"


def test_raw_html_archive_links_are_resolved_too(md):
    text = '<a title="a > b" href=" ARCHIVE:nl/1">issue</a> and <a href="archive:gone">gone</a>'
    html = md.html(text, PAGES.get)
    assert html == '<p><a title="a &gt; b" href="../" rel="noopener">issue</a> and gone</p>'


def test_archive_ids_and_urls_are_escaped_both_ways(md):
    assert 'href="odd&quot;url"' in md.html("[x](archive:a&b)", PAGES.get)


def test_archive_urls_never_become_images_or_safe_urls(md):
    assert md.html("![alt](archive:nl/1)", PAGES.get) == '<p><img alt="alt"></p>'
    assert safe_url("archive:nl/1") == ""


def test_other_links_are_left_alone_by_the_archive_linker(md):
    html = md.html("[web](https://example.com) [x](archive:nl/1)", PAGES.get)
    assert '<a href="https://example.com" rel="noopener">web</a> <a href="../" rel="noopener">x</a>' in html
