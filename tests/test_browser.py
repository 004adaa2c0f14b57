"""The sample archive in headless chromium, as a reader gets it.

Built by the command line into tmp (with an editor's note and an orphaned note added), served over
http from 127.0.0.1 and opened from file:// (an --offline build): a reader follows links from the
home page to a story and one of its tags and switches to the dark theme, which the next page keeps,
with no console error and no failed request; axe-core finds no serious or critical problem on any
kind of page, in the light theme, the system's dark theme and the chosen dark theme; screenshots of
the home, story and search (or tag) pages, light and dark, at desktop and phone widths. Every wait
is bounded by TIMEOUT_MS. Set NEWSARCHIVE_SCREENSHOTS=docs/screenshots to refresh the README's.
"""

from __future__ import annotations

import functools
import os
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser import PageLog
from tests.conftest import ROOT
from tests.helpers import copy_samples, run_cli

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # `make test` installs it: npm ci
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DARK_BACKGROUND = "rgb(17, 19, 24)"  # --bg of the dark palette
SCREENSHOTS_ENV = "NEWSARCHIVE_SCREENSHOTS"
SCREENSHOT_LIMIT = 300_000  # bytes per PNG
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ` +
                v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""
CHOOSE_DARK = "try { localStorage.setItem('theme', 'dark'); } catch (error) {}"


def required(path: Path, what: str) -> Path:
    """A test tool installed by `make test`: skip without it, but fail under CI, which must have it."""
    if path.is_file():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing at {path} (`make test` installs it)")
    pytest.skip(f"{what} is missing at {path} (`make test` installs it)")


# ---- the sample sites -------------------------------------------------------------------------


@dataclass(frozen=True)
class Samples:
    content: Path
    story: str  # output path of a story page with tags and an editor's note


def sample_content(root: Path) -> Samples:
    """The samples, ingested, with a note on the first story that has tags and one orphaned note."""
    content = copy_samples(root / "content")
    story = next(p for p in stories(build(content, root / "first")) if 'class="tags"' in p[1])[0]
    story_id = posixpath.dirname(story)
    note = content / "notes" / f"{story_id}.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text("---\ndate: 2026-03-21\nrating: 4\nsee_also:\n  - https://example.com/follow-up\n---\n"
                    "Worth rereading: the numbers held up in later work.\n", encoding="utf-8")
    orphan = content / "notes" / story_id.split("/")[0] / "999" / "gone.md"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_text("A note on a story that is gone.\n", encoding="utf-8")
    return Samples(content, story)


def build(content: Path, out: Path, *options: str) -> Path:
    result = run_cli("build", "--content", str(content), "--out", str(out), *options)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def stories(site: Path) -> list[tuple[str, str]]:
    """(output path, html) of every story page: <newsletter>/<issue>/<story>/index.html."""
    return [(p.relative_to(site).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted(site.glob("*/*/*/index.html"))]


def page_types(site: Path, story: str) -> dict[str, str]:
    """One output path of each kind of page."""
    issue = posixpath.dirname(posixpath.dirname(story))
    types = {
        "home": "index.html", "story": story, "issue": f"{issue}/index.html",
        "newsletter": f"{posixpath.dirname(issue)}/index.html", "tags": "tags/index.html",
        "tag": sorted(site.glob("tags/*/index.html"))[0].relative_to(site).as_posix(),
        "annotated": "annotated/index.html", "notes report": "notes-report/index.html",
        "archive": "archive/index.html", "404": "404.html",
    }
    if (site / "search" / "index.html").is_file():
        types["search"] = "search/index.html"
    return types


@dataclass(frozen=True)
class Sites:
    online: Path  # relative links, with the zip and its download link
    offline: Path  # --offline: links name files, for file://
    story: str


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Sites:
    root = tmp_path_factory.mktemp("sites")
    samples = sample_content(root)
    return Sites(build(samples.content, root / "online", "--zip"),
                 build(samples.content, root / "offline", "--offline"), samples.story)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test output."""


@pytest.fixture(scope="module")
def server(sites: Sites) -> Iterator[str]:
    """The online build over http on 127.0.0.1, a free port; its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(sites.online))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


@contextmanager
def opened(browser, scheme: str = "light", viewport: dict | None = None,
           init_script: str = "") -> Iterator[tuple[object, PageLog]]:
    """A fresh page (its own storage) with bounded waits, and the log of what went wrong on it."""
    context = browser.new_context(color_scheme=scheme, reduced_motion="reduce", viewport=viewport or DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    log = PageLog()
    log.watch(page)
    try:
        yield page, log
    finally:
        context.close()


# ---- a reader's visit -------------------------------------------------------------------------


@pytest.fixture(params=["http", "file"])
def home_url(request, sites: Sites) -> str:
    if request.param == "http":
        return request.getfixturevalue("server")
    return (sites.offline / "index.html").as_uri()


def follow(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def theme(page) -> tuple[str | None, str | None, str]:
    """data-theme on <html>, the toggle's aria-pressed, and the page's background colour."""
    return (page.evaluate("document.documentElement.getAttribute('data-theme')"),
            page.locator(".theme-toggle").get_attribute("aria-pressed"),
            page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_a_reader_follows_links_and_keeps_the_dark_theme(browser, home_url):
    with opened(browser) as (page, log):
        page.goto(home_url)
        follow(page, ".issue-row__title")
        follow(page, ".toc__title a")
        assert page.locator("h1.story__title").is_visible()
        tag = page.locator(".story__header .tags a.tag").first
        name = tag.inner_text()
        toggle = page.get_by_role("button", name="Dark theme")
        assert toggle.is_visible() and theme(page)[:2] == (None, "false")
        toggle.click()
        assert theme(page) == ("dark", "true", DARK_BACKGROUND)
        follow(page, ".story__header .tags a.tag")
        assert name in page.locator("h1").inner_text()
        assert theme(page) == ("dark", "true", DARK_BACKGROUND)
        page.get_by_role("button", name="Dark theme").click()
        page.reload()
        assert theme(page)[:2] == ("light", "false")
    assert log.console_errors == [] and log.failed_requests == []


def test_the_system_dark_theme_applies_until_the_reader_chooses(browser, home_url):
    with opened(browser, scheme="dark") as (page, log):
        page.goto(home_url)
        assert theme(page) == (None, "true", DARK_BACKGROUND)
        page.get_by_role("button", name="Dark theme").click()
        assert theme(page)[:2] == ("light", "false")
    assert log.console_errors == [] and log.failed_requests == []


def test_the_home_page_offers_the_download(browser, server):
    with opened(browser) as (page, log):
        page.goto(server)
        link = page.get_by_role("link", name="Download the archive")
        response = page.request.get(server + link.get_attribute("href"))
        assert response.ok and response.headers["content-type"] == "application/zip"
    assert log.console_errors == [] and log.failed_requests == []


def test_the_keyboard_reaches_the_skip_link_and_the_toggle(browser, server, sites):
    with opened(browser) as (page, log):
        page.goto(server + sites.story)
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
        assert skip.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        toggle = page.get_by_role("button", name="Dark theme")
        toggle.focus()
        page.keyboard.press("Space")
        assert theme(page) == ("dark", "true", DARK_BACKGROUND)
    assert log.console_errors == [] and log.failed_requests == []


def test_print_is_black_on_white_without_navigation(browser, server, sites):
    with opened(browser, scheme="dark", init_script=CHOOSE_DARK) as (page, log):
        page.goto(server + sites.story)
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
        assert not page.locator(".site-header").is_visible() and not page.locator(".pager").is_visible()
    assert log.console_errors == [] and log.failed_requests == []


# ---- accessibility ----------------------------------------------------------------------------


@pytest.mark.parametrize(("scheme", "init_script"), [("light", ""), ("dark", ""), ("light", CHOOSE_DARK)],
                         ids=["light", "system-dark", "chosen-dark"])
def test_axe_finds_no_serious_problem_on_any_kind_of_page(browser, server, sites, scheme, init_script):
    axe = required(AXE, "axe-core")
    found = {}
    with opened(browser, scheme, init_script=init_script) as (page, log):
        for kind, path in page_types(sites.online, sites.story).items():
            page.goto(server + path)
            page.add_script_tag(path=str(axe))
            found[kind] = page.evaluate(AXE_RUN)
    assert {kind: problems for kind, problems in found.items() if problems} == {}
    assert log.console_errors == [] and log.failed_requests == []


# ---- screenshots ------------------------------------------------------------------------------


def test_screenshots_light_and_dark_at_desktop_and_phone_width(browser, server, sites, tmp_path):
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    types = page_types(sites.online, sites.story)
    third = "search" if "search" in types else "tag"
    types["search"] = types.get("search", "") + "?q=robot"  # a search page with results
    written = []
    for scheme in ("light", "dark"):
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            with opened(browser, scheme, viewport) as (page, log):
                for kind in ("home", "story", third):
                    page.goto(server + types[kind])
                    page.wait_for_load_state("networkidle")
                    written.append(folder / f"{kind}-{scheme}-{width}.png")
                    page.screenshot(path=written[-1], animations="disabled")
            assert log.console_errors == [] and log.failed_requests == []
    assert all(0 < path.stat().st_size < SCREENSHOT_LIMIT for path in written)
