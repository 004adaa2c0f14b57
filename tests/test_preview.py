"""serve's preview: an edited story's page, or after a template edit the pages visited lately,
made alone, at once, from the last build, before the rebuild that follows makes the rest; for an
edit that changes nothing else, they are the very pages the rebuild makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive import pipeline, preview, render, urls
from newsarchive.config import Config, TagsSection
from newsarchive.model import Archive
from tests.conftest import ROOT
from tests.helpers import copy_samples


@pytest.fixture
def built(tmp_path: Path) -> tuple[Config, Archive]:
    copy_samples(tmp_path / "content")
    config = Config(root=tmp_path).with_build(content_dir=str(tmp_path / "content"),
                                              output_dir=str(tmp_path / "site"),
                                              theme_dir=str(ROOT / "theme"))
    return config, pipeline.build(config).archive


def _story(config: Config, archive: Archive) -> tuple[Path, Path]:
    """A story file and its page."""
    path = sorted((config.content_dir / "stories").rglob("01-*.md"))[0]
    relative = path.relative_to(config.content_dir).as_posix()
    story = next(s for s in archive.stories if s.path == relative)
    return path, config.output_dir / urls.story_path(story.id)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize("after_a_build_with_nothing_to_do", [False, True])
def test_the_page_of_an_edited_story_is_shown_at_once_as_the_rebuild_then_makes_it(
        built, after_a_build_with_nothing_to_do):
    config, archive = built
    if after_a_build_with_nothing_to_do:
        assert pipeline.build(config).archive is None  # nothing was enriched
        archive = preview.archive_of(config)
    story, page = _story(config, archive)
    _append(story, "\nIt is so, as we all do.\n")  # no word that tags or relates stories
    assert preview.show_edits(config, archive, [story]).pages == 1
    shown = page.read_bytes()
    assert b"as we all do." in shown
    assert pipeline.build(config).rendered > 0
    assert page.read_bytes() == shown


def test_the_rebuild_after_a_preview_makes_the_page_again(built):
    config, archive = built
    story, page = _story(config, archive)
    _append(story, "\nA sentence about [[no-such-story]] and DeepMind.<script>alert(1)</script>\n")
    preview.show_edits(config, archive, [story])
    assert b"<script>alert" not in page.read_bytes()  # the preview's text is cleaned as a build's is
    previewed = page.stat()
    pipeline.build(config)
    assert page.stat().st_ino != previewed.st_ino  # the build did not keep the preview's file


def _theme_with_story_template_edited(config: Config, folder: Path) -> tuple[Config, Path]:
    """The config with a theme of its own, in which only story.html differs: it says "Edited."."""
    templates = folder / "theme" / "templates"
    templates.mkdir(parents=True)
    template = templates / "story.html"
    builtin = (ROOT / "theme" / "templates" / "story.html").read_text(encoding="utf-8")
    template.write_text(builtin.replace('<article class="story">', '<article class="story"><p>Edited.</p>'),
                        encoding="utf-8")
    return config.with_build(theme_dir=str(folder / "theme")), template


def test_a_template_edit_shows_the_pages_visited_lately_at_once_as_the_rebuild_then_makes_them(
        built, tmp_path):
    config, archive = built
    _, page = _story(config, archive)
    home = config.output_dir / "index.html"
    home_before = home.stat()
    config, template = _theme_with_story_template_edited(config, tmp_path)
    visited = ["index.html", page.relative_to(config.output_dir).as_posix(), "no/such/page.html"]
    assert preview.show_edits(config, archive, [template], visited).pages == 1  # the home page is as it was
    shown = page.read_bytes()
    assert b"<p>Edited.</p>" in shown
    assert home.stat().st_ino == home_before.st_ino
    assert preview.show_edits(config, archive, [template], []).pages == 0  # none visited: the rebuild shows
    pipeline.build(config)
    assert page.read_bytes() == shown


def test_a_template_edit_after_a_story_edit_shows_both(built, tmp_path):
    config, archive = built
    story, page = _story(config, archive)
    _append(story, "\nIt is so, as we all do.\n")
    edited = preview.show_edits(config, archive, [story]).archive
    config, template = _theme_with_story_template_edited(config, tmp_path)
    preview.show_edits(config, edited, [template], [page.relative_to(config.output_dir).as_posix()])
    shown = page.read_bytes()
    assert b"<p>Edited.</p>" in shown and b"as we all do." in shown


def test_pages_made_alone_are_the_very_pages_of_a_build(tmp_path):
    copy_samples(tmp_path / "content")
    config = Config(root=tmp_path, tags=TagsSection(per_page=2)).with_build(
        content_dir=str(tmp_path / "content"), output_dir=str(tmp_path / "site"),
        theme_dir=str(ROOT / "theme"))
    archive = pipeline.build(config).archive
    paths = {p.relative_to(config.output_dir).as_posix() for p in config.output_dir.rglob("*.html")}
    assert {urls.HOME, urls.NOTES_REPORT, "404.html", "tags/compute/page/2/index.html"} <= paths
    made = render.pages_at(archive, config, paths | {"no/such/page/index.html"})
    assert {page.path for page in made} == paths  # every kind of page, each once
    assert [page.path for page in made if page.content != (config.output_dir / page.path).read_bytes()] == []
    alone = render.pages_at(archive, config, ["tags/compute/page/2/index.html", urls.HOME])
    assert [page.path for page in alone] == [urls.HOME, "tags/compute/page/2/index.html"]


def test_anything_but_edits_of_known_stories_waits_for_the_rebuild(built):
    config, archive = built
    story, page = _story(config, archive)
    before = page.read_bytes()
    new_story = story.with_name("99-a-new-story.md")
    new_story.write_text(story.read_text(encoding="utf-8"), encoding="utf-8")
    broken = story.read_text(encoding="utf-8").replace("---\n", "---\ntitle: [unclosed\n", 1)
    template = config.theme_dir / "templates" / "story.html"
    for paths in ([new_story], [story, template], [story.parent / "_index.md"]):
        assert preview.show_edits(config, archive, paths).pages == 0
    story.write_text(broken, encoding="utf-8")
    assert preview.show_edits(config, archive, [story]).pages == 0
    assert page.read_bytes() == before
