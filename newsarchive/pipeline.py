"""The build, stage by stage: ingest (parse newsletters, write story files) -> load -> enrich ->
render -> write -> check. One function runs them in order; each problem is tagged with its stage
and file, and a stage that fails outright leaves the previous site in place."""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import check, enrich, ingest, load, publish, render, write
from .config import Config
from .diagnostics import Diagnostics, Problem

log = logging.getLogger(__name__)


class SetupError(Exception):
    """The build cannot start (a missing content folder, say); the message is one line."""


class BuildError(Exception):
    """A stage failed outright; nothing was written and the previous site is untouched."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    stories: int = 0
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)

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
    """Run every stage; the output folder is replaced only when rendering succeeded."""
    check_setup(config)
    result = BuildResult(Diagnostics())
    diagnostics = result.diagnostics
    with _timed(result, "ingest"):
        ingest.ingest(config, diagnostics)
    with _timed(result, "load"):
        archive = load.load(config, diagnostics)
    with _timed(result, "enrich"):
        archive = enrich.enrich(archive, config, diagnostics)
    with _timed(result, "render"):
        pages = _site_pages(archive, config)
        if config.build.zip and not config.build.offline:
            pages.append(publish.zip_page(_site_pages(archive, config.with_build(offline=True))))
    with _timed(result, "write"):
        result.pages = write.write_site(pages, config.output_dir)
    if config.build.strict:  # a full link check re-reads every page: `build.py check` runs it alone
        with _timed(result, "check"):
            diagnostics.problems += check.check_site(config.output_dir, check_options(config))
    result.stories = len(archive.stories)
    return result


def _site_pages(archive, config: Config) -> list:
    """Every file of the site: pages and feeds, static assets, and what the host needs."""
    return _render(archive, config) + publish.host_files(config)


def _render(archive, config: Config) -> list:
    """Render every page; a template error becomes a BuildError naming the template and line."""
    try:
        return render.render(archive, config) + render.static_pages(config)
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
