"""The link checker finds every broken internal link, and nothing else."""

from __future__ import annotations

from newsarchive.check import check_site, resolve


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


def test_reports_broken_links_with_page_and_line(tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="a/">ok</a>\n<a href="missing/">x</a>\n<img src="/abs.png">',
        "a/index.html": '<link href="../static/s.css"><a href="../">home</a>',
        "static/s.css": "",
    })
    problems = check_site(site)
    assert [(p.path, p.line) for p in problems] == [("index.html", 2), ("index.html", 3)]
    assert "missing/" in problems[0].message and "root-relative" in problems[1].message
