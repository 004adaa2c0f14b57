"""`build.py serve` end to end: a real server in a subprocess on loopback, driven over HTTP.

Every server works on copies in tmp_path (content, theme, config), so editing a template here never
touches the repository. Every wait is bounded: short polling loops with a deadline.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT
from tests.helpers import copy_samples

START_SECONDS = 30  # python start-up and the first build of the samples
CHANGE_SECONDS = 15  # an edit reaching the served pages


def wait_for(condition: Callable[[], object], what: str, timeout: float = CHANGE_SECONDS) -> object:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
    return value


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Preview:
    """A running `build.py serve` and the tmp folders it works on."""

    process: subprocess.Popen
    url: str
    folder: Path

    @property
    def content(self) -> Path:
        return self.folder / "content"

    @property
    def out(self) -> Path:
        return self.folder / "site"

    @property
    def config(self) -> Path:
        return self.folder / "site_config.toml"

    def stderr(self) -> str:
        return (self.folder / "serve.err").read_text(encoding="utf-8")

    def get(self, path: str, method: str = "GET") -> Reply:
        """One request with the path sent exactly as given (no client-side clean-up of `..`)."""
        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def page_when(self, path: str, test: Callable[[str], bool], what: str) -> str:
        """The page at `path` once `test` accepts it."""

        def ready() -> str:
            text = self.get(path).text
            return text if test(text) else ""

        try:
            return wait_for(ready, what)
        except AssertionError as error:  # the server's log says why: a build error, most likely
            raise AssertionError(f"{error}; the server said:\n{self.stderr()[-3000:]}") from None

    def stop(self, sig: int = signal.SIGINT) -> float:
        """Send `sig`; return how long the server took to exit."""
        started = time.monotonic()
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        return time.monotonic() - started


def serve_command(folder: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(folder / "content"),
            "--out", str(folder / "site"), "--config", str(folder / "site_config.toml"), *extra]


def project_copy(folder: Path) -> Path:
    """Samples, theme and config copied into `folder`."""
    copy_samples(folder / "content")
    shutil.copytree(ROOT / "theme", folder / "theme")
    shutil.copy(ROOT / "site_config.toml", folder / "site_config.toml")
    return folder


def start_preview(folder: Path) -> Preview:
    project_copy(folder)
    with open(folder / "serve.out", "w") as out, open(folder / "serve.err", "w") as err:
        process = subprocess.Popen(serve_command(folder, "--port", "0"), cwd=folder, stdout=out, stderr=err)

    def started() -> str:
        if process.poll() is not None:
            errors = (folder / "serve.err").read_text(encoding="utf-8")
            raise AssertionError(f"serve exited with {process.returncode}: {errors}")
        match = re.search(r"http://\S+/", (folder / "serve.out").read_text(encoding="utf-8"))
        return match.group(0) if match else ""

    try:
        return Preview(process, wait_for(started, "the URL on stdout", START_SECONDS), folder)
    except AssertionError:
        process.kill()
        raise


@pytest.fixture
def preview(tmp_path) -> Iterator[Preview]:
    server = start_preview(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory) -> Iterator[Preview]:
    """One server for the tests that only read."""
    server = start_preview(tmp_path_factory.mktemp("shared"))
    yield server
    server.stop()


def epoch_of(page: str) -> str:
    return re.search(r'var epoch = "([^"]+)"', page).group(1)


def story_file_and_url(content: Path) -> tuple[Path, str]:
    story = sorted((content / "stories" / "loss-landscape").rglob("01-*.md"))[0]
    story_id = re.search(r"^id: (\S+)$", story.read_text(encoding="utf-8"), re.M).group(1)
    return story, f"/{story_id}/"


def retitle(text: str, title: str) -> str:
    return re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)


# ---- rebuilding ----------------------------------------------------------------------------------


def test_story_edits_in_place_and_by_atomic_rename_reach_the_page(preview):
    story, url = story_file_and_url(preview.content)
    assert "Saved in place" not in preview.get(url).text
    story.write_text(retitle(story.read_text(encoding="utf-8"), "Saved in place"), encoding="utf-8")
    preview.page_when(url, lambda page: "Saved in place" in page, "the in-place edit")

    temporary = story.with_name(story.name + ".tmp")  # vim, VS Code, JetBrains: temp file, then rename
    temporary.write_text(retitle(story.read_text(encoding="utf-8"), "Saved by rename"), encoding="utf-8")
    os.replace(temporary, story)
    preview.page_when(url, lambda page: "Saved by rename" in page, "the atomic-rename edit")


def test_an_edit_rebuilds_only_the_pages_it_affects(preview):
    story, url = story_file_and_url(preview.content)
    story_pages = sorted(preview.out.glob("*/*/*/index.html"))
    untouched = next(page for page in story_pages if f"{url.strip('/')}/" not in page.as_posix())
    tag_index = preview.out / "tags" / "index.html"
    before = {page: page.stat().st_mtime_ns for page in (untouched, tag_index)}
    builds = len(re.findall("pages made anew", preview.stderr()))
    story.write_text(story.read_text(encoding="utf-8") + "\nA line only this story has.\n", encoding="utf-8")
    preview.page_when(url, lambda page: "A line only this story has." in page, "the edit")
    wait_for(lambda: len(re.findall("pages made anew", preview.stderr())) == builds + 1, "the rebuild")
    assert "Showing the edited page" in preview.stderr()  # the page was shown before the rebuild ended
    assert {page: page.stat().st_mtime_ns for page in before} == before
    made = [int(n) for n in re.findall(r"(\d+) pages made anew", preview.stderr())]
    kept = [int(n) for n in re.findall(r"(\d+) kept as they were", preview.stderr())]
    assert made[-1] < kept[-1] / 5  # the edited story, its issue and tag pages, feeds, search index

    template = preview.folder / "theme" / "templates" / "tag.html"
    edited = template.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<!-- edited -->")
    template.write_text(edited, encoding="utf-8")
    wait_for(lambda: len(re.findall("pages made anew", preview.stderr())) == len(made) + 1, "the rebuild")
    assert untouched.stat().st_mtime_ns == before[untouched]  # story pages are not made from tag.html
    assert "<!-- edited -->" in preview.get("/tags/" + sorted((preview.out / "tags").iterdir())[0].name + "/").text


def test_a_new_newsletter_rebuilds_once_not_again_for_its_own_story_files(preview):
    epoch = epoch_of(preview.get("/").text)
    gradient = preview.content / "newsletters" / "the-weekly-gradient"
    shutil.copy(gradient / "2026-03-20.txt", gradient / "2026-03-27.txt")
    after = wait_for(lambda: (now := epoch_of(preview.get("/").text)) != epoch and now, "a rebuild")
    assert preview.get("/the-weekly-gradient/2026-03-27/").status == 200
    time.sleep(1.0)  # a rebuild set off by ingest's own writes would have started (and logged) by now
    assert preview.stderr().count("Changed:") == 1
    assert epoch_of(preview.get("/").text) == after
    assert "Warning" not in preview.stderr()


def test_a_broken_template_shows_an_overlay_and_fixing_it_recovers(preview):
    story, url = story_file_and_url(preview.content)
    template = preview.folder / "theme" / "templates" / "story.html"
    good = template.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    template.write_text("".join([*lines[:2], "{% if %}\n", *lines[2:]]), encoding="utf-8")
    page = preview.page_when(url, lambda page: "story.html:3" in page, "the error in the overlay")
    assert re.search(r'id="preview-build-error".*<strong>theme/templates/story.html:3</strong>', page)
    assert "<h1 class=\"story__title\">" in page  # the last good page is still served under it

    story.write_text(retitle(story.read_text(encoding="utf-8"), "Edited while broken"), encoding="utf-8")
    template.write_text(good, encoding="utf-8")
    page = preview.page_when(url, lambda page: "story.html:3" not in page, "the error to go")
    assert "Edited while broken" in page


def test_a_broken_story_file_is_named_in_the_overlay_until_fixed(preview):
    story, _ = story_file_and_url(preview.content)
    good = story.read_text(encoding="utf-8")
    story.write_text(good.replace("title: ", "title: [unclosed <b>", 1), encoding="utf-8")
    page = preview.page_when("/", lambda page: "front matter" in page, "the error in the overlay")
    where = re.escape(story.relative_to(preview.content).as_posix())
    assert re.search(rf"{where}:\d+</strong>: front matter", page)
    story.write_text(good, encoding="utf-8")
    preview.page_when("/", lambda page: "front matter" not in page, "the error to go")


def test_a_bad_config_shows_an_overlay_and_fixing_it_recovers(preview):
    good = preview.config.read_text(encoding="utf-8")
    preview.config.write_text(good.replace("strict = false", "stict = false"), encoding="utf-8")
    page = preview.page_when("/", lambda page: "stict" in page, "the error in the overlay")
    assert re.search(r'id="preview-build-error".*unknown key &#x27;stict&#x27;', page)
    preview.config.write_text(good, encoding="utf-8")
    preview.page_when("/", lambda page: "stict" not in page, "the error to go")


# ---- serving -------------------------------------------------------------------------------------


def test_it_says_once_edits_show_at_once(shared_preview):
    said = "Watching for changes: an edited story or template shows at once"
    wait_for(lambda: said in shared_preview.stderr(), "the line that says so")


@pytest.mark.parametrize("path", [
    "/../site_config.toml", "/%2e%2e/site_config.toml", "/%2E%2E/%2e%2e/etc/passwd",
    "/..%2f..%2fetc/passwd", "/static%2f..%2f..%2fsite_config.toml", "//etc/passwd",
    "/static/..%5c..%5csite_config.toml", "/%00",
])
def test_paths_out_of_the_output_folder_get_404(shared_preview, path):
    reply = shared_preview.get(path)
    assert reply.status == 404
    assert "[site]" not in reply.text and "root:" not in reply.text


def test_symlinks_out_of_the_output_folder_get_404(shared_preview):
    (shared_preview.out / "leak.txt").symlink_to(shared_preview.config)
    (shared_preview.out / "up").symlink_to(shared_preview.folder, target_is_directory=True)
    assert shared_preview.get("/leak.txt").status == 404
    assert shared_preview.get("/up/site_config.toml").status == 404


def test_unknown_paths_get_the_themes_404_page(shared_preview):
    reply = shared_preview.get("/no/such/page/")
    assert reply.status == 404
    assert "Page not found" in reply.text and "__livereload" in reply.text


def test_content_types_caching_and_head(shared_preview):
    expected = {"/": "text/html; charset=utf-8", "/static/style.css": "text/css; charset=utf-8",
                "/feed.xml": "application/xml; charset=utf-8", "/robots.txt": "text/plain; charset=utf-8",
                "/static/favicon.svg": "image/svg+xml; charset=utf-8"}
    for path, content_type in expected.items():
        reply = shared_preview.get(path)
        assert (reply.status, reply.headers["Content-Type"]) == (200, content_type), path
        head = shared_preview.get(path, method="HEAD")
        assert (head.status, head.body) == (200, b"")
        assert head.headers["Content-Length"] == str(len(reply.body))
    assert shared_preview.get("/").headers["Cache-Control"] == "no-store"


def test_folders_serve_their_index_and_redirect_without_a_slash(shared_preview):
    reply = shared_preview.get("/tags?x=1")
    assert reply.status == 302 and reply.headers["Location"] == "/tags/?x=1"
    assert shared_preview.get("/tags/").status == 200


def test_the_reload_script_is_injected_but_never_written(shared_preview):
    page = shared_preview.get("/").text
    assert page.index("/__livereload") < page.rindex("</body>")
    assert "__livereload" not in shared_preview.get("/static/style.css").text
    files = [path for path in shared_preview.out.rglob("*") if path.is_file()]
    assert [path for path in files if b"__livereload" in path.read_bytes()] == []


# ---- starting and stopping -----------------------------------------------------------------------


def test_a_busy_port_is_one_clear_line_and_exit_2(tmp_path):
    project_copy(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(serve_command(tmp_path, "--port", str(port)), cwd=tmp_path,
                                capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"port {port}" in result.stderr and "in use" in result.stderr


def test_an_output_folder_inside_the_watched_content_is_refused(tmp_path):
    project_copy(tmp_path)
    command = serve_command(tmp_path, "--port", "0")
    command[command.index("--out") + 1] = str(tmp_path / "content" / "site")
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "must lie outside" in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_it_within_a_second_even_with_a_page_waiting(preview, sig):
    epoch = epoch_of(preview.get("/").text)
    poll = threading.Thread(target=lambda: preview.get(f"/__livereload?epoch={epoch}"), daemon=True)
    poll.start()
    time.sleep(0.2)  # the long poll is now waiting in the server
    seconds = preview.stop(sig)
    assert seconds < 1.0, f"{seconds:.2f} s; the server said:\n{preview.stderr()[-2000:]}"
    assert preview.process.returncode == 0
    assert "Traceback" not in preview.stderr()
    poll.join(timeout=5)


# ---- in a browser --------------------------------------------------------------------------------


def test_an_open_page_reloads_itself_after_an_edit(preview, browser):
    story, url = story_file_and_url(preview.content)
    page = browser.new_page()
    try:
        page.goto(preview.url.rstrip("/") + url)
        story.write_text(retitle(story.read_text(encoding="utf-8"), "Reloaded by itself"), encoding="utf-8")
        page.wait_for_function("document.querySelector('h1').textContent.includes('Reloaded by itself')",
                               timeout=CHANGE_SECONDS * 1000)
    finally:
        page.close()
