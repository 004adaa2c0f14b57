"""Publish anywhere: the site served under a sub-path (and at the root) has no broken link, asset,
feed or sitemap entry; the offline zip reads from file:// with no failed request."""

from __future__ import annotations

import functools
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from newsarchive.check import page_links
from tests.browser import PageLog
from tests.helpers import copy_samples, run_cli

_XML_LINKS = ("<loc>", 'href="')


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log in the test output."""


@contextmanager
def _serving(folder: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def _xml_links(text: str) -> list[str]:
    found = []
    for marker in _XML_LINKS:
        for part in text.split(marker)[1:]:
            found.append(part.split("<" if marker == "<loc>" else '"', 1)[0])
    return found


def crawl(base: str) -> tuple[int, int, list[str]]:
    """Every page, asset, feed and sitemap entry reachable from `base` under it: (pages, links, broken)."""
    queue, seen, broken, pages = [base, base + "feed.xml", base + "sitemap.xml"], set(), [], 0
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, kind, body = _fetch(url)
        if status != 200:
            broken.append(f"{url} ({status})")
            continue
        text = body.decode("utf-8", "replace")
        links = [u for _, u in page_links(text)] if kind == "text/html" else (
            _xml_links(text) if url.endswith(".xml") else [])
        pages += kind == "text/html"
        for link in links:
            target = urldefrag(urljoin(url, link))[0]
            if target.startswith(base) and not urlsplit(target).query:
                queue.append(target)
    return pages, len(seen), broken


@pytest.mark.parametrize("sub_path", ["some-archive/", ""], ids=["sub-path", "root"])
def test_every_page_link_asset_feed_and_sitemap_entry_resolves(tmp_path, sub_path):
    content = copy_samples(tmp_path / "content")
    served = tmp_path / "www"
    served.mkdir()
    with _serving(served) as root:
        base = root + sub_path
        result = run_cli("build", "--content", str(content), "--out", str(served / sub_path),
                         "--base-url", base, "--zip")
        assert result.returncode == 0, result.stderr
        pages, links, broken = crawl(base)
    assert broken == []
    assert pages > 50 and links > pages


def test_the_zip_reads_from_file_home_story_tag_search(browser, tmp_path):
    content = copy_samples(tmp_path / "content")
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--zip").returncode == 0
    with zipfile.ZipFile(out / "site.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
    home = tmp_path / "unzipped" / "site" / "index.html"
    page = browser.new_page()
    log = PageLog()
    log.watch(page)
    page.goto(home.as_uri())
    page.locator("main a[href$='tensor-dispatch/43/index.html']").first.click()
    page.wait_for_load_state("load")
    page.locator("main li a[href$='/index.html']").first.click()  # the first story
    page.wait_for_load_state("load")
    assert page.url.startswith("file://") and page.locator("article").count() == 1
    page.locator("ul.tags a.tag").first.click()
    page.wait_for_load_state("load")
    assert "/tags/" in page.url
    search = page.locator("form[role=search] input").first
    search.fill("meridian")
    result = page.locator("[role=listbox] a, [role=option] a, [role=option]").first
    result.wait_for(timeout=5000)
    search.press("ArrowDown")
    search.press("Enter")
    page.wait_for_load_state("load")
    assert page.url.startswith("file://") and "/search/" not in page.url
    external = [u for u in log.failed_requests if not u.startswith("file://")]
    assert log.console_errors == [] and log.failed_requests == [] and external == []
    page.close()
