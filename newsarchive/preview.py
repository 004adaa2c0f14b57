"""Serve helper: the pages an edit changes, made at once from the last build's archive, ahead of
the rebuild that follows, as Hugo's server renders the changed pages first. At 10,000 stories a
rebuild takes seconds (related stories, tag pages and the search index are worked out across the
archive; a template edit makes thousands of pages); one page alone, a fraction of one.

An edited story's page shows the story as load reads it now, linked as enrich links it, with the
tags, related stories and neighbours of the last build. A template edit shows first the pages
browsers visited lately (Hugo's "fast render"), made with the templates as they are now. The
rebuild then makes them again with whatever the edit changed elsewhere: a file the preview wrote
no longer has the stamp the build recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import load, pipeline, storyfiles, themes, urls, write
from .cache import Cache
from .config import Config
from .diagnostics import Diagnostics
from .model import Archive, Story


def story_edits(config: Config, archive: Archive, paths: Iterable[Path]) -> list[Story] | None:
    """The stories as load reads them now, when every path is the file of a story the archive
    has; None otherwise (a new or removed story, an issue, a note, a template or the config
    changed, or a file cannot be read: the rebuild alone shows those, and reports what is wrong)."""
    content = config.content_dir.resolve()
    by_path = {story.path: story for story in archive.stories}
    edits = []
    for path in paths:
        try:
            relative = path.resolve().relative_to(content).as_posix()
            document = storyfiles.parse(path.read_text(encoding="utf-8"))
        except (ValueError, OSError, UnicodeDecodeError, storyfiles.StoryFileError):
            return None
        story = by_path.get(relative)
        if story is None:
            return None
        edited = load.make_story(document, archive.issue_by_id[story.issue], relative)
        if edited.id != story.id:
            return None
        edits.append(edited)
    return edits


ARCHIVE_ENTRY = "serve-archive"  # the build cache's entry of the archive serve's last build enriched


def build(config: Config) -> pipeline.BuildResult:
    """pipeline.build as serve runs it (in a process of its own). The archive it enriched is also
    kept in the build cache, so that serve started again on the same sources has it at hand for
    previews as soon as it is read (kept_archive), instead of loading and enriching it all again:
    4 s at 10,000 stories, 39 s at 100,000."""
    result = pipeline.build(config)
    if result.archive is not None:
        Cache(config.cache_dir).save(ARCHIVE_ENTRY, result.made_from, result.archive)
    return result


def kept_archive(config: Config, made_from: str) -> Archive | None:
    """The archive serve's build kept (see `build`), if it was enriched from what the last
    build was made from (pipeline.BuildResult.made_from); None otherwise."""
    return Cache(config.cache_dir).load(ARCHIVE_ENTRY, made_from) if made_from else None


def archive_of(config: Config) -> Archive:
    """The archive loaded and enriched as a build would, for previews when the last build had
    nothing to do (so enriched nothing) and no archive was kept from what it was made from; kept
    in turn, for the next start."""
    from . import enrich  # numpy and scipy: not for a build with nothing to do

    diagnostics = Diagnostics()  # the builds report what is wrong
    loaded = load.load(config, diagnostics)
    archive = enrich.enrich(loaded, config, diagnostics, Cache(config.cache_dir))
    Cache(config.cache_dir).save(ARCHIVE_ENTRY, pipeline.made_from(loaded, config), archive)
    return archive


def template_edits(config: Config, paths: Iterable[Path]) -> bool:
    """Whether every path lies in a templates/ folder of the theme (or of the built-in one)."""
    folders = [theme / "templates" for theme in themes.theme_dirs(config)]
    return all(any(path.resolve().is_relative_to(folder) for folder in folders) for path in paths)


def get_ready() -> None:
    """Import what previews use (numpy, scipy, Markdown, Jinja: a second or so on a first edit)."""
    from . import enrich, render  # noqa: F401


@dataclass(frozen=True)
class Shown:
    pages: int  # how many pages were written
    archive: Archive  # with the edited stories in, for the previews that follow until the rebuild is in


def show_edits(config: Config, archive: Archive, paths: Iterable[Path], visited: Iterable[str] = ()) -> Shown:
    """Write into the output folder the pages of the edited stories among `paths`, when the change
    is only such edits (story_edits); or, when it only edits templates, the pages browsers visited
    lately (`visited`, output paths), as the templates make them now. `archive` is the last
    build's, as enriched, with the edits earlier previews showed. A page that comes out as the
    output holds it is not written, and nothing else is: a build may be running."""
    from . import enrich, render  # numpy, scipy, Markdown, Jinja: not for a build with nothing to do

    paths = list(paths)
    if paths and template_edits(config, paths):
        pages = render.pages_at(archive, config, list(visited))
    else:
        edits = story_edits(config, archive, paths)
        if not edits:
            return Shown(0, archive)
        diagnostics = Diagnostics()  # the rebuild that follows reports what is wrong
        for story in edits:
            archive = enrich.with_story_edited(archive, config, story, diagnostics)
        pages = render.pages_at(archive, config, [urls.story_path(story.id) for story in edits])
    changed = [page for page in pages if not _as_written(config.output_dir / page.path, page.content)]
    for page in changed:
        write.put_now(config.output_dir, page)
    return Shown(len(changed), archive)


def _as_written(path: Path, content: bytes) -> bool:
    try:
        return path.read_bytes() == content
    except OSError:
        return False
