"""Rebuilds reuse what the last build made, and never change what a build writes: after any edit,
a rebuild with the cache gives the same bytes as a clean build of the same content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsarchive import load, parallel, pipeline
from newsarchive.config import Config
from tests.conftest import ROOT
from tests.helpers import copy_samples


def _config(root: Path, out: str = "site", theme: Path | None = None) -> Config:
    return Config(root=root).with_build(content_dir=str(root / "content"), output_dir=str(root / out),
                                        theme_dir=str(theme or ROOT / "theme"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_same_as_clean_build(config: Config) -> None:
    """The incremental output equals a build from nothing (own output folder, no cache)."""
    clean_root = config.root / "clean"
    shutil.rmtree(clean_root, ignore_errors=True)
    clean = config.with_build(output_dir=str(clean_root / "site"), cache_dir=str(clean_root / "cache"))
    pipeline.build(clean)
    built, expected = _files(config.output_dir), _files(clean.output_dir)
    assert sorted(built) == sorted(expected)
    assert [path for path in expected if built[path] != expected[path]] == []


@pytest.fixture
def built(tmp_path: Path) -> Config:
    copy_samples(tmp_path / "content")
    config = _config(tmp_path)
    pipeline.build(config)
    return config


def _story_file(config: Config) -> Path:
    return sorted((config.content_dir / "stories").rglob("01-*.md"))[0]


def test_a_rebuild_with_nothing_changed_renders_nothing_and_leaves_the_site_alone(built):
    index = built.output_dir / "index.html"
    before = (built.output_dir.stat().st_ino, index.stat().st_mtime_ns)
    result = pipeline.build(built)
    assert result.rendered == 0
    assert (built.output_dir.stat().st_ino, index.stat().st_mtime_ns) == before


def test_an_edited_story_renders_only_the_pages_that_show_it(built):
    story = _story_file(built)
    story.write_text(story.read_text(encoding="utf-8") + "\nA sentence added by the editor.\n", encoding="utf-8")
    result = pipeline.build(built)
    assert 0 < result.rendered < (result.rendered + result.kept) / 5
    page_texts = [p.read_text(encoding="utf-8") for p in built.output_dir.rglob("index.html")]
    assert any("A sentence added by the editor." in text for text in page_texts)
    _assert_same_as_clean_build(built)


NEW_ISSUE = """Dear friends,
This week I visited a cooperative of beekeepers who count their hives with cameras.
Keep learning!
Maya
News
Hives That Count Themselves
Cameras at the entrance of each hive count foragers leaving and returning.
What's new: A cooperative of beekeepers in Tasmania fitted 300 hives with entrance cameras and a small
vision model that counts bees, flags wasps and spots mites on returning foragers.
Why it matters: Beekeepers learn of a failing colony weeks before they would by opening the hive.
Glaciers Mapped From Orbit
A model traces the calving fronts of Greenland's glaciers in every new radar image.
What's new: Glaciologists trained a segmentation model on twenty years of radar images of calving fronts,
and it now redraws each front within a day of the satellite passing over.
Why it matters: Calving fronts retreat in bursts that monthly hand-drawn maps miss.
"""


def test_a_new_issue_on_other_topics_leaves_the_older_story_pages_as_they_were(built):
    """Its stories shift every related-story score a little and join tags older stories have:
    neither changes what an older story's page shows, so those pages are not made again."""
    older = pipeline.build(built).stories
    (built.content_dir / "newsletters" / "the-weekly-gradient" / "2026-03-27.txt").write_text(
        NEW_ISSUE, encoding="utf-8")
    result = pipeline.build(built)
    assert result.stories == older + 3  # the letter, and two stories
    assert result.rendered < older  # pages of the new stories, their issue, tags, lists, feeds
    _assert_same_as_clean_build(built)


def test_a_template_edit_renders_the_pages_made_with_it(built, tmp_path):
    theme = tmp_path / "my-theme"
    (theme / "templates").mkdir(parents=True)
    config = _config(tmp_path, theme=theme)
    pipeline.build(config)  # a theme of its own that overrides nothing: all kept
    assert pipeline.build(config).rendered == 0
    tag_template = (ROOT / "theme" / "templates" / "tag.html").read_text(encoding="utf-8")
    (theme / "templates" / "tag.html").write_text(tag_template.replace("{% block content %}",
                                                  "{% block content %}<!-- edited -->", 1), encoding="utf-8")
    result = pipeline.build(config)
    tag_pages = list((config.output_dir / "tags").glob("*/index.html"))
    assert result.rendered == len(tag_pages)
    assert all("<!-- edited -->" in page.read_text(encoding="utf-8") for page in tag_pages)
    _assert_same_as_clean_build(config)


def test_a_base_template_edit_renders_every_page(built, tmp_path):
    theme = tmp_path / "my-theme"
    (theme / "templates").mkdir(parents=True)
    base = (ROOT / "theme" / "templates" / "base.html").read_text(encoding="utf-8")
    config = _config(tmp_path, theme=theme)
    (theme / "templates" / "base.html").write_text(base.replace("<body", "<!-- edited --><body", 1), encoding="utf-8")
    assert pipeline.build(config).kept == 0


def test_new_notes_and_a_removed_issue_give_what_a_clean_build_gives(built):
    story = _story_file(built)
    story_id = next(line.split(": ", 1)[1] for line in story.read_text(encoding="utf-8").splitlines()
                    if line.startswith("id: "))
    note = built.content_dir / "notes" / f"{story_id}.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text("---\ntags: [robotics]\n---\nWorth reading twice.\n", encoding="utf-8")
    pipeline.build(built)
    _assert_same_as_clean_build(built)
    newsletter = sorted((built.content_dir / "newsletters").rglob("*.txt"))[-1]
    newsletter.unlink()
    shutil.rmtree(built.content_dir / "stories")
    pipeline.build(built)
    _assert_same_as_clean_build(built)


def test_a_config_change_renders_everything(built):
    changed = built.with_site(title="Another title")
    assert pipeline.build(changed).kept == 0


def test_a_corrupt_cache_is_ignored_and_rebuilt(built):
    entries = [path for path in built.cache_dir.rglob("*") if path.is_file()]
    assert len(entries) > 3  # ingest, load, site, compiled templates
    for entry in entries:
        entry.write_bytes(b"\x80\x04 not a pickle")
    story = _story_file(built)
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert pipeline.build(built).kept == 0
    _assert_same_as_clean_build(built)
    assert pipeline.build(built).rendered == 0  # and the rebuilt cache serves the next build


def test_an_output_file_changed_by_hand_is_written_again(built):
    index = built.output_dir / "index.html"
    original = index.read_bytes()
    index.write_bytes(b"scribbled over")
    pipeline.build(built)
    assert index.read_bytes() == original


def test_an_unchanged_rebuild_reports_the_same_problems(built):
    note = built.content_dir / "notes" / "no-such-newsletter" / "1" / "gone.md"
    note.parent.mkdir(parents=True)
    note.write_text("A note whose story is gone.\n", encoding="utf-8")
    first = pipeline.build(built).diagnostics.problems
    again = pipeline.build(built)
    assert again.kept and again.rendered == 0
    assert first and again.diagnostics.problems == first


def test_a_rebuild_with_no_file_touched_since_knows_it_without_loading_the_archive(built, monkeypatch):
    monkeypatch.setattr(load, "FINE_SETTLE_NS", 0)  # every stamp is trusted at once (no waiting here)
    monkeypatch.setattr(load, "SETTLE_NS", 0)
    broken = _story_file(built).parent / "99-broken.md"  # a problem load reports on every build
    broken.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    first = pipeline.build(built)
    assert any(problem.stage == "load" for problem in first.diagnostics.problems)
    again = pipeline.build(built)
    assert "load" not in again.timings and again.rendered == 0 and again.kept == first.kept > 0
    assert (again.diagnostics.problems, again.stories, again.made_from) == \
        (first.diagnostics.problems, first.stories, first.made_from)
    story = _story_file(built)
    story.touch()  # the same bytes, another stamp: loaded again, and nothing to make
    touched = pipeline.build(built)
    assert "load" in touched.timings and touched.rendered == 0
    assert touched.diagnostics.problems == first.diagnostics.problems
    assert "load" not in pipeline.build(built).timings  # the new stamp was recorded
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert pipeline.build(built).rendered > 0


def test_a_build_spread_over_worker_processes_writes_what_one_process_writes(tmp_path, monkeypatch):
    """Loading, enrich's reading of texts, Markdown and pages, each shared among forked workers
    (the sample archive is small, so every step is made to spread), give the same bytes."""
    copy_samples(tmp_path / "content")
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    alone = _config(tmp_path, "alone").with_build(cache_dir=str(tmp_path / "alone-cache"))
    pipeline.build(alone)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    spread = _config(tmp_path, "spread").with_build(cache_dir=str(tmp_path / "spread-cache"))
    pipeline.build(spread)
    assert _files(spread.output_dir) == _files(alone.output_dir)
