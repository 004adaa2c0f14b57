"""The link checker finds every broken internal link, and nothing else."""

from __future__ import annotations

from newsarchive.check import CheckOptions, check_site, resolve


def _site(tmp_path, pages: dict[str, str]):
    for path, html in pages.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(html)
    return tmp_path


def test_resolves_folder_links_to_their_index():
    assert resolve("a/b/index.html", "../") == "a/index.html"
    assert resolve("a/b/index.html", "../../static/x.css") == "static/x.css"
    assert resolve("index.html", "./") == "index.html"
    assert resolve("index.html", "https://example.com/") is None
    assert resolve("index.html", "#top") is None


def test_escaped_queried_and_plain_paths_name_the_same_files():
    assert resolve("a/b/index.html", "../c%20d/") == resolve("a/b/index.html", "../c d/") == "a/c d/index.html"
    assert resolve("a/index.html", "b/?page=2#top") == resolve("a/index.html", "b/") == "a/b/index.html"
    assert resolve("a/index.html", "./x.css") == resolve("a/index.html", "x.css") == "a/x.css"
    assert resolve("a/index.html", "//cdn.example.com/x.js") is None
    assert resolve("a/index.html", "mailto:x@example.com") is None
    assert resolve("a/b/index.html", "/static/x.css") == "/static/x.css"  # rooted: reported as broken


def test_reports_broken_links_with_page_and_line(tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="a/">ok</a>\n<a href="missing/">x</a>\n<img src="/abs.png">',
        "a/index.html": '<link href="../static/s.css"><a href="../">home</a>',
        "static/s.css": "",
    })
    problems = check_site(site)
    assert [(p.path, p.line) for p in problems] == [("index.html", 2), ("index.html", 3)]
    assert "missing/" in problems[0].message and "root-relative" in problems[1].message


def test_checks_anchors_on_the_target_page(tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="a/#here">ok</a>\n<a href="a/#gone">x</a>\n<a href="#top">t</a><h1 id="top"></h1>',
        "a/index.html": '<p id="here"></p><a href="#nowhere">n</a>',
    })
    problems = check_site(site)
    assert [(p.path, p.line) for p in problems] == [("a/index.html", 1), ("index.html", 2)]


def test_offline_links_must_name_files(tmp_path):
    site = _site(tmp_path, {"index.html": '<a href="a/">folder</a><a href="a/index.html">file</a>',
                            "a/index.html": ""})
    assert check_site(site) == []
    problems = check_site(site, CheckOptions(offline=True))
    assert len(problems) == 1 and "offline" in problems[0].message


def test_links_under_the_base_url_and_feed_entries_are_checked(tmp_path):
    site = _site(tmp_path, {
        "index.html": '<link rel="canonical" href="https://x.org/arc/"><a href="https://x.org/arc/b/">b</a>',
        "feed.xml": '<feed>\n<link href="https://x.org/arc/"/>\n<link href="https://x.org/arc/gone/"/></feed>',
    })
    problems = check_site(site, CheckOptions(base_url="https://x.org/arc/"))
    assert [(p.path, p.line) for p in problems] == [("feed.xml", 3), ("index.html", 1)]
