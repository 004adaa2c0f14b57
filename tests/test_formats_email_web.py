"""Wrapped forms on small texts written for these tests: email exports (.eml and plain-text with
header lines) and web pages saved from a browser. Which part of an email is read, its metadata,
8-bit parts in other charsets, what a page drops and under which rule, and line numbers that are
the file's."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.policy import default

import pytest

from newsarchive.formats import choose, parse_text
from newsarchive.formats.blocks import is_email
from newsarchive.formats.web_page import read_page
from newsarchive.ingest import read_newsletter

PLAIN_EXPORT = """\
From: Byte Sized <hi@bytesized.example>
Date: Tue, 3 Feb 2026 08:00:00 +0000
Subject: Re: Fwd: Issue 4: small things

«Hello», from Byte Sized.

## One

Text one.

## Two

Text two.
"""

STORIES_HTML = """\
<html><body>
<h1>Ledger 3: Prices</h1>
<p>Hello.</p>
<h2>Chips got cheaper</h2>
<p>Text about chips, in a café.</p>
<h2>Clouds too</h2>
<p>Text about clouds.</p>
</body></html>
"""

PAGE = """\
<!doctype html>
<html>
<head>
<title>Issue 9: Robots | Weekly Bolt</title>
<meta property="og:site_name" content="Weekly Bolt">
<link rel="canonical" href="https://bolt.example/9/">
<script>var tracking = 1;</script>
</head>
<body>
<nav><a href="/">Home</a></nav>
<main>
<p>Intro text.</p>
<p><time datetime="2026-01-12">12 January</time></p>
<table><tr><td>
<h2>Robot one</h2>
<p>Text one.</p>
</td></tr><tr><td>
<h2>Robot two</h2>
<p>Text two.</p>
</td></tr></table>
</main>
<footer><p>Unsubscribe any time.</p></footer>
</body>
</html>
"""


def _multipart(plain: str, html: str, html_charset: str = "utf-8") -> bytes:
    message = EmailMessage(policy=default)
    message["From"] = "The Ledger <ledger@example.org>"
    message["Subject"] = "Ledger 3: Prices"
    message["Date"] = "Fri, 06 Mar 2026 07:15:00 +0000"
    message.set_content(plain)
    message.add_alternative(html.encode(html_charset), maintype="text", subtype="html", cte="8bit",
                            params={"charset": html_charset})
    return message.as_bytes(policy=default.clone(linesep="\n"))


def _titles(issue):
    return [story.title for story in issue.stories]


def test_a_plain_text_export_reads_subject_date_and_sender_and_keeps_file_lines():
    assert is_email(PLAIN_EXPORT)
    issue = parse_text(PLAIN_EXPORT, "byte-4.txt")
    assert issue.format == "email/markdown-post"
    assert issue.title == "Issue 4: small things" and issue.number == "4"
    assert issue.newsletter == "Byte Sized"  # "Issue" names no newsletter; the sender does
    assert issue.date == dt.date(2026, 2, 3)
    assert _titles(issue) == ["One", "Two"]
    assert [story.line for story in issue.stories] == [7, 11]
    assert issue.intro == "«Hello», from Byte Sized."
    assert issue.dropped[0].rule == "email-headers" and issue.dropped[0].text.startswith("From: Byte Sized")


def test_an_unstructured_plain_part_gives_way_to_the_html_part():
    raw = _multipart("Hello. Chips got cheaper. Clouds too.\n", STORIES_HTML)
    issue = parse_text(raw.decode("utf-8"), "ledger-3.eml")
    assert issue.format == "email/web-page/markdown-post"
    assert (issue.newsletter, issue.number, issue.title) == ("Ledger", "3", "Prices")
    assert _titles(issue) == ["Chips got cheaper", "Clouds too"]
    alternative = next(block for block in issue.dropped if block.rule == "alternative-part")
    assert alternative.text == "Hello. Chips got cheaper. Clouds too."


def test_a_plain_part_that_kept_its_structure_is_read_instead_of_the_html():
    raw = _multipart("## Plain one\n\nText.\n\n## Plain two\n\nText.\n", STORIES_HTML)
    issue = parse_text(raw.decode("utf-8"), "ledger-3.eml")
    assert issue.format == "email/markdown-post"
    assert _titles(issue) == ["Plain one", "Plain two"]
    alternative = next(block for block in issue.dropped if block.rule == "alternative-part")
    assert "Chips got cheaper" in alternative.text


def test_an_8bit_part_in_another_charset_is_read_by_its_charset(tmp_path):
    path = tmp_path / "ledger-3.eml"
    path.write_bytes(_multipart("x\n", STORIES_HTML, html_charset="iso-8859-1"))
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")  # why ingest reads .eml files with surrogate escapes
    issue = parse_text(read_newsletter(path), path.name)
    assert "in a café" in issue.stories[0].body
    html_line = path.read_bytes().split(b"\n").index(b"<h2>Chips got cheaper</h2>") + 1
    assert issue.stories[0].line == html_line


def test_a_saved_page_gives_metadata_drops_chrome_by_rule_and_opens_layout_tables():
    assert choose(PAGE, "bolt-9.html").adapter.name == "web-page"
    issue = parse_text(PAGE, "bolt-9.html")
    assert (issue.newsletter, issue.number, issue.title) == ("Weekly Bolt", "9", "Issue 9: Robots")
    assert (issue.date, issue.url) == (dt.date(2026, 1, 12), "https://bolt.example/9/")
    assert _titles(issue) == ["Robot one", "Robot two"]
    assert [story.line for story in issue.stories] == [15, 18]
    assert issue.intro == "Intro text.\n\n12 January"
    assert [(block.line, block.rule, block.text) for block in issue.dropped] == [
        (3, "page-head", "Issue 9: Robots | Weekly Bolt"),
        (7, "script", ""),
        (10, "navigation", "Home"),
        (22, "footer", "Unsubscribe any time."),
    ]


def test_page_markdown_keeps_lists_emphasis_and_links_and_leaves_images_out():
    page = read_page('<main><p>A <em>big</em> <a href="https://x.example">link</a>.'
                     '<img src="i.png" alt="pic"></p><ul><li>one</li><li>two</li></ul></main>')
    assert page.markdown == "A *big* [link](https://x.example).\n\n- one\n- two"
