"""The build, stage by stage: ingest (parse newsletters, write story files) -> load -> enrich ->
render -> write -> check. One function runs them in order; each problem is tagged with its stage
and file, and a stage that fails outright leaves the previous site in place."""

from __future__ import annotations

import dataclasses
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import check, depends, ingest, load, publish, themes, write
from .cache import Cache, digest
from .config import Config
from .diagnostics import Diagnostics, Problem
from .model import Archive, Page

if TYPE_CHECKING:
    from . import render

log = logging.getLogger(__name__)

# enrich and render (numpy, scipy, Markdown, Jinja) are imported by the functions that run them, so
# a build with nothing to do, which never runs them, starts in a fraction of the time.

OUTPUT_ENTRY, RENDER_ENTRY = "output", "render"  # the build cache's records of the last build
# For gc.set_threshold in a process that builds. A build holds millions of long-lived objects (the
# archive, the build cache's records); at the collector's default thresholds its full collections
# scan them again and again: 1.2 s of a 9 s rebuild at 10,000 stories, 0.5 s with these. Garbage
# is still freed as it was, by reference count.
GC_THRESHOLDS = (50_000, 20, 10)


class SetupError(Exception):
    """The build cannot start (a missing content folder, say); the message is one line."""


class BuildError(Exception):
    """A stage failed outright; nothing was written and the previous site is untouched."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem

    def __reduce__(self) -> tuple:  # pickled whole: serve's builds run in a process of their own
        return BuildError, (self.problem,)


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    stories: int = 0
    pages: int = 0
    rendered: int = 0  # pages made anew (static files and the search index aside, made every time)
    kept: int = 0  # pages kept as the last build wrote them: nothing they were made from changed
    timings: dict[str, float] = field(default_factory=dict)
    archive: Archive | None = None  # as enriched; None when nothing changed, so enrich did not run
    made_from: str = ""  # the digest of what the site was made from (see `made_from`)

    def failed(self, strict: bool) -> bool:
        """Bad input is reported and skipped; only --strict turns any problem into a failure."""
        return strict and bool(self.diagnostics.problems)


def check_setup(config: Config) -> None:
    newsletters = config.content_dir / "newsletters"
    if not newsletters.is_dir():
        raise SetupError(f"no newsletters folder: {newsletters} does not exist")
    if not (config.theme_dir / "templates").is_dir():
        raise SetupError(f"no theme templates: {config.theme_dir / 'templates'} does not exist")


def check_options(config: Config) -> check.CheckOptions:
    return check.CheckOptions(offline=config.build.offline, base_url=config.site.base_url)


def build(config: Config) -> BuildResult:
    """Run every stage; the output folder is replaced only when rendering succeeded. What the last
    build of this config and output folder made is reused where its inputs did not change, and
    when nothing it was made from changed at all, the site is left as it is: known at once when
    no file load reads was touched since (as make knows), else once the archive is loaded."""
    check_setup(config)
    result = BuildResult(Diagnostics())
    diagnostics = result.diagnostics
    with _timed(result, "ingest"):
        ingest.ingest(config, diagnostics)
    cache, key = Cache(config.cache_dir), _site_key(config)
    output = cache.load(OUTPUT_ENTRY, key) or OutputRecord()
    inputs, theme = load.find_inputs(config), themes.theme_digest(config)
    stamped = digest(stamps, theme) if (stamps := inputs.digest()) else ""
    if stamped and stamped == output.stamped and write.unchanged(config.output_dir, output.written):
        diagnostics.problems += output.loaded + output.problems  # what the stages said of these inputs
        result.kept, result.stories = len(output.written), output.stories
        result.made_from = digest(key, output.source)
        return _checked(result, config)
    before_load = len(diagnostics.problems)
    with _timed(result, "load"):
        archive = load.load(config, diagnostics, inputs)
    loaded = tuple(diagnostics.problems[before_load:])
    source = _source(archive, theme)
    result.made_from, result.stories = digest(key, source), len(archive.stories)
    if source == output.source and write.unchanged(config.output_dir, output.written):
        diagnostics.problems += output.problems  # what enrich and render said of these same inputs
        written, problems, result.kept = output.written, output.problems, len(output.written)
    else:
        reported = len(diagnostics.problems)
        last = cache.load(RENDER_ENTRY, key) or RenderRecord()
        made, written = _enrich_render_write(archive, config, last, output.written, result)
        cache.save(RENDER_ENTRY, key, made)
        problems = tuple(diagnostics.problems[reported:])
    record = OutputRecord(source, written, problems, stamped, loaded, result.stories)
    if record != output:
        cache.save(OUTPUT_ENTRY, key, record)
    return _checked(result, config)


def _checked(result: BuildResult, config: Config) -> BuildResult:
    if config.build.strict:  # a full link check re-reads every page: `build.py check` runs it alone
        with _timed(result, "check"):
            result.diagnostics.problems += check.check_site(config.output_dir, check_options(config))
    return result


def made_from(archive: Archive, config: Config) -> str:
    """The digest of all a site is made from: the config and its folders, the archive as loaded
    (before enrich), and the theme. Builds of the same digest enrich and render alike."""
    return digest(_site_key(config), _source(archive, themes.theme_digest(config)))


def _source(archive: Archive, theme: str) -> str:
    return depends.fingerprint((_fields(archive), theme))


def _fields(archive: Archive) -> tuple:
    """The archive's own fields (what it caches of them aside), to digest."""
    return tuple(getattr(archive, field.name) for field in dataclasses.fields(archive))


def _enrich_render_write(archive: Archive, config: Config, last: RenderRecord,
                         written: dict[str, write.Stamp],
                         result: BuildResult) -> tuple[RenderRecord, dict[str, write.Stamp]]:
    from . import enrich

    with _timed(result, "enrich"):
        archive = result.archive = enrich.enrich(archive, config, result.diagnostics, Cache(config.cache_dir))
    staging = write.Staging(config.output_dir, written)
    try:
        with _timed(result, "render"):  # pages are written aside as they are made
            reusable = write.still_written(config.output_dir, written)
            rendered = _render(archive, config, last, reusable, staging.put)
            files = _fixed_files(config)
            if config.build.zip and not config.build.offline:
                files.append(_zip(archive, config, rendered))
            for page in files:
                staging.put(page)
        with _timed(result, "write"):
            written = staging.finish([*rendered.paged.paths, *(page.path for page in files)])
    except BaseException:
        staging.abandon()
        raise
    result.pages, result.rendered = len(written), rendered.paged.made_count
    result.kept = len(rendered.paged.paths) - rendered.paged.made_count
    return RenderRecord(rendered.paged.made, rendered.markdown), written


def _fixed_files(config: Config) -> list[Page]:
    """The files of the site not made from the archive: static assets, and what the host needs."""
    from . import render

    return render.static_pages(config) + publish.host_files(config)


def _zip(archive: Archive, config: Config, rendered: render.Rendered) -> Page:
    """site.zip: the site rendered again with links that work from disk, every page in hand."""
    offline = config.with_build(offline=True)
    converted = RenderRecord(markdown=rendered.markdown)  # the same texts, linked for file://
    pages = _render(archive, offline, converted, lambda path: False, lambda page: page).paged.carried
    return publish.zip_page(pages + _fixed_files(offline))


@dataclass(frozen=True)
class OutputRecord:
    """What the output folder holds: the digest of what it was made from (the archive as
    loaded, and the theme), the stamp of each file (write.Staging), and the problems enrich and
    render reported. And what a rebuild with nothing to do needs to say so without loading the
    archive: the digest of the stamps of every file load read and of the theme ("" when a stamp
    could not be trusted), the problems load reported and the number of stories. Small: such a
    rebuild reads only this."""

    source: str = ""
    written: dict[str, write.Stamp] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    stamped: str = ""
    loaded: tuple[Problem, ...] = ()
    stories: int = 0


@dataclass(frozen=True)
class RenderRecord:
    """How each page was made and the Markdown converted (render.render_site), for the next render."""

    made: depends.Made = field(default_factory=depends.Made)
    markdown: dict[str, tuple[str, str]] = field(default_factory=dict)


def _site_key(config: Config) -> str:
    """One record per config and output folder: a config change renders everything again. The
    folders count as the folders they are, however the config or the command line spelt them."""
    folders = {name: str(getattr(config, name).resolve())
               for name in ("content_dir", "output_dir", "theme_dir")}
    spelt_alike = dataclasses.replace(config.with_build(**folders, cache_dir=""), root=Path("/"))
    return digest(repr(spelt_alike), themes.theme_key(config))


def _render(archive: Archive, config: Config, last: RenderRecord, reusable: Callable[[str], bool],
            output: Callable[[Page], Page | None]) -> render.Rendered:
    """Render every page; a template error becomes a BuildError naming the template and line."""
    import jinja2

    from . import render

    try:
        return render.render_site(archive, config, last.made, reusable, last.markdown, output)
    except jinja2.TemplateSyntaxError as error:
        where, line = error.filename or error.name or "theme", error.lineno
        raise BuildError(Problem(_shorten(where, config), line, "render", "error", error.message or "")) from None
    except jinja2.TemplateError as error:
        where, line = _template_frame(error, config)
        raise BuildError(Problem(where, line, "render", "error", str(error))) from None


def _template_frame(error: Exception, config: Config) -> tuple[str, int | None]:
    """The innermost template file and line in a rendering error's traceback."""
    theme = str(config.theme_dir.resolve())
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(theme)]
    if not frames:
        return _shorten(str(config.theme_dir), config), None
    return _shorten(frames[-1].filename, config), frames[-1].lineno


def _shorten(path: str, config: Config) -> str:
    try:
        return Path(path).resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return path


class _timed:
    """Record how long a stage took, for the build summary and benchmarks."""

    def __init__(self, result: BuildResult, stage: str):
        self.result, self.stage = result, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.result.timings[self.stage] = time.perf_counter() - self.start
        log.debug("%s: %.3f s", self.stage, self.result.timings[self.stage])
