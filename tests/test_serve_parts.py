"""The preview server's parts, each alone and in-process: the watcher's rules on real file events,
the debouncer, the build footprint, the rebuild loop, the build state, the injected script and
overlay, and the request handler's answers. Every wait is bounded."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import queue
import threading
import time
from pathlib import Path

import pytest

from newsarchive import livereload, pipeline, preview, serve, watch
from newsarchive.config import Config, ConfigError
from newsarchive.diagnostics import Problem
from newsarchive.livereload import BuildState, Failure, Fault, Rebuilder, failure_of_error, inject
from newsarchive.watch import BuildFootprint, Debouncer, Watcher, watch_rules
from tests.conftest import ROOT
from tests.helpers import copy_samples

# ---- watching ------------------------------------------------------------------------------------


@pytest.fixture
def watched(tmp_path):
    """A project in tmp_path under a running Watcher; yields (root, queue of reported path sets)."""
    for folder in ("content/newsletters/a", "content/notes", "content/stories/a/1", "content/other",
                   "theme/templates", "site"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "content/newsletters/a/one.txt").write_text("one")
    (tmp_path / "theme/templates/story.html").write_text("story")
    (tmp_path / "site_config.toml").write_text("")
    reports: queue.Queue[set[Path]] = queue.Queue()
    config = Config(root=tmp_path.resolve())
    with Watcher(watch_rules(config, tmp_path / "site_config.toml"), reports.put):
        yield tmp_path.resolve(), reports


def reported(reports: queue.Queue, last: Path) -> set[Path]:
    """Every path reported until `last` shows up and then a short quiet spell (one save can be
    several events), without the markers. Events of one watched folder arrive in order, so what
    was not reported before a marker written after it never will be."""
    seen: set[Path] = set()
    deadline = time.monotonic() + 5
    while last not in seen:
        seen |= reports.get(timeout=max(0.01, deadline - time.monotonic()))
    with contextlib.suppress(queue.Empty):
        for _ in range(100):  # bounded, even if something kept writing
            seen |= reports.get(timeout=0.15)
    return {path for path in seen if not path.name.startswith("marker")}


def marker(folder: Path, name: str) -> Path:
    (folder / f"marker-{name}").write_text("marker")
    return folder / f"marker-{name}"


def test_saves_in_every_editor_style_are_reported(watched):
    root, reports = watched
    newsletter, notes = root / "content/newsletters/a/one.txt", root / "content/notes"
    newsletter.write_text("in place")
    assert reported(reports, marker(notes, "1")) == {newsletter}

    temporary = newsletter.with_name("one.txt.tmp")  # write aside, rename over: vim, VS Code, JetBrains
    temporary.write_text("renamed over")
    os.replace(temporary, newsletter)
    assert reported(reports, marker(notes, "2")) == {newsletter}  # the temp file itself: no

    newsletter.unlink()  # delete and create
    newsletter.write_text("re-created")
    assert reported(reports, marker(notes, "3")) == {newsletter}


def test_reading_the_watched_files_raises_no_events(tmp_path, monkeypatch):
    """A build reads every story file; were opens and closes watched, a large archive would
    overflow inotify's queue (16,384 events), and watchdog's rescan of every folder after an
    overflow, opening each, would overflow it again."""
    (tmp_path / "theme").mkdir()
    (tmp_path / "site_config.toml").write_text("")
    stories = tmp_path / "content" / "stories"
    for issue in range(5):
        (stories / f"a/{issue}").mkdir(parents=True)
        for story in range(20):
            (stories / f"a/{issue}/{story:02d}.md").write_text("x")
    seen: queue.Queue[str] = queue.Queue()
    monkeypatch.setattr(watch._Forward, "on_any_event", lambda self, event: seen.put(event.event_type))
    with Watcher(watch_rules(Config(root=tmp_path.resolve()), tmp_path / "site_config.toml"), print):
        for path in sorted(stories.rglob("*.md")):
            path.read_bytes()
        time.sleep(0.5)
    assert seen.empty()


def test_new_deleted_and_renamed_folders_are_reported(watched):
    root, reports = watched
    folder, notes = root / "content/newsletters/a", root / "content/notes"
    folder.rename(root / "content/newsletters/b")
    assert {folder, root / "content/newsletters/b"} <= reported(reports, marker(notes, "1"))
    (root / "content/newsletters/b/two.txt").write_text("new file in the renamed folder")
    assert reported(reports, marker(notes, "2")) == {root / "content/newsletters/b/two.txt"}


def test_only_the_content_theme_and_config_file_count(watched):
    root, reports = watched
    (root / "content/other/x.md").write_text("not a content folder the build reads")
    (root / "content/newsletters/a/.one.txt.swp").write_text("vim's swap file")
    (root / "content/newsletters/a/one.txt~").write_text("a backup")
    assert reported(reports, marker(root / "content/notes", "1")) == set()
    (root / "other.toml").write_text("beside the config, not the config")
    (root / "site/index.html").write_text("the output folder")
    (root / "site_config.toml").write_text("[site]\n")
    assert reported(reports, root / "site_config.toml") == {root / "site_config.toml"}
    (root / "theme/templates/story.html").write_text("edited template")
    assert reported(reports, root / "theme/templates/story.html") == {root / "theme/templates/story.html"}


def test_debouncer_coalesces_a_burst_into_one_set():
    changes = Debouncer(quiet=0.1, patience=2.0)
    for n in range(5):
        changes.add({Path(f"/x/{n}")})
        time.sleep(0.02)
    started = time.monotonic()
    assert changes.wait() == {Path(f"/x/{n}") for n in range(5)}
    assert time.monotonic() - started < 0.5


def test_debouncer_hands_over_a_steady_stream_after_its_patience():
    changes = Debouncer(quiet=0.1, patience=0.3)
    stop = threading.Event()

    def stream() -> None:
        while not stop.wait(0.03):
            changes.add({Path("/x")})

    threading.Thread(target=stream, daemon=True).start()
    started = time.monotonic()
    try:
        assert changes.wait() == {Path("/x")}
        assert time.monotonic() - started < 1.0
    finally:
        stop.set()


def test_a_closed_debouncer_answers_none():
    changes = Debouncer()
    threading.Timer(0.05, changes.close).start()
    assert changes.wait() is None


def test_the_builds_own_story_files_do_not_count_a_persons_edits_do(tmp_path):
    stories = tmp_path / "stories"
    (stories / "a").mkdir(parents=True)
    edited_during, kept = stories / "a/01-edited.md", stories / "a/02-kept.md"
    edited_during.write_text("before")
    kept.write_text("kept")
    footprint = BuildFootprint(stories)
    footprint.before_build()
    (stories / "b").mkdir()  # what ingest does during a build: new folders and files
    (stories / "b/01-new.md").write_text("ingested")
    edited_during.write_text("a person saved while the build ran")
    footprint.after_build()
    assert footprint.made_by_build(stories / "b") and footprint.made_by_build(stories / "b/01-new.md")
    assert footprint.made_by_build(kept)
    assert not footprint.made_by_build(edited_during)  # the build may have read it too early
    kept.write_text("edited after the build")
    assert not footprint.made_by_build(kept)
    assert not footprint.made_by_build(tmp_path / "theme/story.html")


# ---- rebuilding ----------------------------------------------------------------------------------


def in_this_process(function, *args):
    """Rebuilder's `apart` for tests that stand in for the build: here, where monkeypatch reaches."""
    return function(*args)


def test_a_build_apart_sends_back_its_result_and_its_errors_whole(tmp_path):
    copy_samples(tmp_path / "content")
    config = Config(root=tmp_path).with_build(content_dir=str(tmp_path / "content"),
                                              output_dir=str(tmp_path / "site"),
                                              theme_dir=str(ROOT / "theme"))
    result = livereload.in_fresh_process(pipeline.build, config)
    assert result.stories > 0 and result.archive is not None
    assert (tmp_path / "site" / "index.html").exists()
    with pytest.raises(pipeline.SetupError, match="no newsletters folder"):
        livereload.in_fresh_process(pipeline.build, config.with_build(content_dir=str(tmp_path / "none")))
    with pytest.raises(ValueError) as raised:  # a bug: its traceback in the build's process comes along
        livereload.in_fresh_process(int, "not a number")
    assert "In the build's own process" in raised.value.__notes__[0]
    problem = Problem("theme/templates/story.html", 3, "render", "error", "Expected an expression")
    assert pickle.loads(pickle.dumps(pipeline.BuildError(problem))).problem == problem


def test_serve_started_again_on_the_same_sources_previews_with_the_archive_its_last_build_kept(
        tmp_path, monkeypatch):
    copy_samples(tmp_path / "content")
    config = Config(root=tmp_path).with_build(content_dir=str(tmp_path / "content"),
                                              output_dir=str(tmp_path / "site"),
                                              theme_dir=str(ROOT / "theme"))
    enriched = preview.build(config).archive  # as serve's build process ran it, last time
    assert enriched is not None

    def started(enrich: object) -> Rebuilder:
        """A serve started now, its first build done and its archive held."""
        monkeypatch.setattr(livereload.preview, "archive_of", enrich)
        rebuilder = Rebuilder(lambda: config, BuildState(), BuildFootprint(tmp_path / "content/stories"),
                              Debouncer(), apart=in_this_process)
        rebuilder.build()
        rebuilder.changes.close()
        rebuilder.run()
        return rebuilder

    again = started(lambda config: pytest.fail("the archive kept was enriched again"))
    assert again.archive == enriched and again.archive is not enriched  # read from the build cache
    story = next((tmp_path / "content/stories").rglob("0*.md"))
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    pipeline.build(config)  # `build.py build` after an edit: the site is made from other sources now
    fresh = object()
    assert started(lambda config: fresh).archive is fresh  # so what serve kept is not used


def test_a_build_apart_whose_server_is_gone_ends_quietly(capfd):
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=livereload._run_apart, args=(time.sleep, (0.5,), logging.INFO, sender))
    process.start()
    sender.close()
    receiver.close()  # as when the server was stopped while its build ran
    process.join(timeout=30)
    assert process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


def test_changes_during_a_build_give_one_more_build_not_a_queue(tmp_path, monkeypatch):
    builds: list[float] = []

    def slow_build(config: Config) -> pipeline.BuildResult:
        builds.append(time.monotonic())
        time.sleep(0.3)
        return pipeline.BuildResult(pipeline.Diagnostics())

    monkeypatch.setattr(livereload.pipeline, "build", slow_build)
    monkeypatch.setattr(livereload.preview, "archive_of", lambda config: None)  # no archive to preview with
    changes, state = Debouncer(quiet=0.02), BuildState()
    rebuilder = Rebuilder(lambda: Config(root=tmp_path), state, BuildFootprint(tmp_path / "stories"), changes,
                          apart=in_this_process)
    loop = threading.Thread(target=rebuilder.run)
    loop.start()
    changes.add({tmp_path / "theme/a.html"})
    time.sleep(0.1)  # the first build is running now; five more saves arrive during it
    for n in range(5):
        changes.add({tmp_path / f"theme/{n}.html"})
        time.sleep(0.02)
    time.sleep(1.0)
    changes.close()
    loop.join(timeout=5)
    assert len(builds) == 2
    assert state.current()[0].endswith(".2")


def test_an_edit_during_a_build_is_shown_at_once_and_again_once_the_build_is_in(tmp_path, monkeypatch):
    building, shown = threading.Event(), []

    def slow_build(config: Config) -> pipeline.BuildResult:
        building.set()
        time.sleep(0.6)
        return pipeline.BuildResult(pipeline.Diagnostics())

    def show_edits(config: Config, archive: object, paths: list[Path], visited: list[str]) -> preview.Shown:
        shown.append((time.monotonic(), building.is_set() and not built.is_set(), paths))
        return preview.Shown(1, archive)

    built = threading.Event()
    monkeypatch.setattr(livereload.pipeline, "build", slow_build)
    monkeypatch.setattr(livereload.preview, "show_edits", show_edits)
    changes, edits, state = Debouncer(quiet=0.02), Debouncer(quiet=0.02), BuildState()
    rebuilder = Rebuilder(lambda: Config(root=tmp_path), state, BuildFootprint(tmp_path / "stories"), changes,
                          apart=in_this_process)
    rebuilder.archive = object()  # as the last build left it
    loops = [threading.Thread(target=rebuilder.run, daemon=True),
             threading.Thread(target=rebuilder.previews, args=(edits,), daemon=True)]
    for loop in loops:
        loop.start()
    try:
        changes.add({tmp_path / "theme/story.html"})
        building.wait(timeout=5)
        story = tmp_path / "stories/a/1/01-x.md"
        story.parent.mkdir(parents=True)
        story.write_text("---\ntitle: X\n---\nEdited.\n", encoding="utf-8")
        edits.add({story})
        time.sleep(0.3)
        assert [during for _, during, _ in shown] == [True]  # shown while the build ran
        assert state.current()[0].endswith(".1")  # and open pages told to reload
        time.sleep(0.6)
        built.set()
    finally:
        for burst in (changes, edits):
            burst.close()
        for loop in loops:
            loop.join(timeout=5)
    assert [paths for _, _, paths in shown] == [[story], [story]]  # again, once the build's files were in


def test_a_preview_is_given_the_pages_visited_lately_and_the_edits_shown_before(tmp_path, monkeypatch):
    asked, built, edited = [], object(), object()

    def show_edits(config: Config, archive: object, paths: list[Path], visited: list[str]) -> preview.Shown:
        asked.append((archive, paths, visited))
        return preview.Shown(1, edited if paths[0].suffix == ".md" else archive)

    monkeypatch.setattr(livereload.preview, "show_edits", show_edits)
    state = BuildState()
    rebuilder = Rebuilder(lambda: Config(root=tmp_path), state, BuildFootprint(tmp_path / "stories"),
                          Debouncer())
    rebuilder.archive = built  # as the last build left it
    rebuilder._ready.set()
    state.visit("tags/x/index.html")
    state.visit("index.html")
    story, template = tmp_path / "stories/a/1/01-x.md", tmp_path / "theme/templates/tag.html"
    rebuilder.preview([story])
    rebuilder.preview([template])
    assert asked == [(built, [story], ["tags/x/index.html", "index.html"]),
                     (edited, [template], ["tags/x/index.html", "index.html"])]
    assert state.current()[0].endswith(".2")  # open pages reloaded each time


def test_an_edit_saved_at_start_waits_for_the_archive_not_for_a_rebuild(tmp_path, monkeypatch):
    archive, shown = object(), []

    def archive_of(config: Config) -> object:
        time.sleep(0.3)  # loading and enriching, after a first build that had nothing to do
        return archive

    monkeypatch.setattr(livereload.preview, "archive_of", archive_of)
    monkeypatch.setattr(livereload.preview, "show_edits",
                        lambda config, held, paths, visited: shown.append(held) or preview.Shown(1, held))
    changes, edits = Debouncer(quiet=0.02), Debouncer(quiet=0.02)
    rebuilder = Rebuilder(lambda: Config(root=tmp_path), BuildState(), BuildFootprint(tmp_path / "stories"),
                          changes, apart=in_this_process)
    story = tmp_path / "stories/a/1/01-x.md"
    story.parent.mkdir(parents=True)
    story.write_text("---\ntitle: X\n---\nEdited.\n", encoding="utf-8")
    loops = [threading.Thread(target=rebuilder.previews, args=(edits,), daemon=True),
             threading.Thread(target=rebuilder.run, daemon=True)]
    for loop in loops:
        loop.start()
    edits.add({story})
    time.sleep(0.6)
    for burst in (changes, edits):
        burst.close()
    for loop in loops:
        loop.join(timeout=5)
    assert shown == [archive]


def test_a_failing_build_keeps_the_epoch_until_the_error_changes(tmp_path):
    state = BuildState()

    def bad_config() -> Config:
        raise ConfigError("site_config.toml: [build]: unknown key 'stict'")

    rebuilder = Rebuilder(bad_config, state, BuildFootprint(tmp_path / "stories"), Debouncer())
    rebuilder.build()
    epoch, failure = state.current()
    assert failure == Failure((Fault("", None, "site_config.toml: [build]: unknown key 'stict'"),), True)
    rebuilder.build()
    assert state.current()[0] == epoch  # the same error again: open pages need not reload


def test_failures_name_file_line_and_message():
    problem = Problem("theme/templates/story.html", 3, "render", "error", "Expected an expression")
    assert failure_of_error(pipeline.BuildError(problem)).faults == (
        Fault("theme/templates/story.html", 3, "Expected an expression"),)
    assert failure_of_error(KeyError("x")).faults == (Fault("", None, "KeyError: 'x'"),)


def test_build_state_long_poll_is_bounded_and_wakes_on_change_and_close():
    state = BuildState()
    epoch, _ = state.current()
    started = time.monotonic()
    assert state.wait_for_change(epoch, timeout=0.1) == epoch
    assert time.monotonic() - started < 1.0
    threading.Timer(0.05, state.record, (None, True)).start()
    assert state.wait_for_change(epoch, timeout=5) != epoch
    epoch, _ = state.current()
    threading.Timer(0.05, state.close).start()
    started = time.monotonic()
    state.wait_for_change(epoch, timeout=5)
    assert time.monotonic() - started < 1.0


# ---- what pages get ------------------------------------------------------------------------------


def test_the_script_and_overlay_go_before_the_last_body_end_tag_escaped():
    failure = Failure((Fault("stories/a.md", 2, "bad <script>alert(1)</script> & more"),), True)
    page = inject(b"<html><body><p>x</p></BODY></html>", "ab.1", failure).decode()
    assert page.endswith("</script></BODY></html>")
    assert "<strong>stories/a.md:2</strong>" in page
    assert "bad &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "<script>alert" not in page
    assert inject(b"no body", "ab.1", None).startswith(b"no body<script>")


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    (root / "tags").mkdir(parents=True)
    (root / "index.html").write_text("<body>home</body>")
    (root / "tags/index.html").write_text("<body>tags</body>")
    (root / "404.html").write_text("<body>our own 404</body>")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "leak").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.mark.parametrize("url", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/leak",
                                 "/tags/..%5c..%5csecret.txt", "/no-such-page"])
def test_answers_outside_the_site_are_its_404_page(site, url):
    response = serve.respond(site, url, BuildState())
    assert response.status == 404 and b"our own 404" in response.body


def test_answers_for_folders_files_and_types(site):
    state = BuildState()
    assert serve.respond(site, "/tags?a=1", state).headers == (("Location", "/tags/?a=1"),
                                                                ("Cache-Control", "no-store"))
    assert ("Location", "/tags/") in serve.respond(site, "http://example.org//tags", state).headers
    tags = serve.respond(site, "/tags/", state)
    assert tags.status == 200 and b"tags" in tags.body and b"/__livereload" in tags.body
    assert ("Content-Type", "text/html; charset=utf-8") in tags.headers
    assert serve.content_type(".css") == "text/css; charset=utf-8"
    assert serve.content_type(".png") == "image/png"


def test_the_html_pages_served_are_remembered_latest_last_and_only_the_last_few(site):
    state = BuildState()
    for url in ("/tags/", "/", "/tags/index.html", "/no-such-page", "/404.html?x=1"):
        serve.respond(site, url, state)
    assert state.visited() == ["index.html", "tags/index.html", "404.html"]  # not the page that was missing
    for n in range(livereload.VISITS_KEPT + 2):
        state.visit(f"p{n}.html")
    assert state.visited() == [f"p{n}.html" for n in range(2, livereload.VISITS_KEPT + 2)]


def test_before_any_site_was_built_every_page_is_a_bare_404_with_the_overlay(tmp_path):
    state = BuildState()
    state.record(Failure((Fault("theme/templates/base.html", 1, "unexpected end of template"),), True), False)
    response = serve.respond(tmp_path / "no-site-yet", "/", state)
    assert response.status == 404
    assert b"<strong>theme/templates/base.html:1</strong>" in response.body


def test_only_loopback_hosts_go_without_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        for host in ("127.0.0.1", "::1", "localhost"):
            serve._warn_if_exposed(host)
        assert caplog.records == []
        serve._warn_if_exposed("0.0.0.0")
    assert "other machines" in caplog.text
