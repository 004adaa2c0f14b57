"""The build, stage by stage: ingest (parse newsletters, write story files) -> load -> enrich ->
render -> write -> check. One function runs them in order; each problem is tagged with its stage
and file, and a stage that fails outright leaves the previous site in place."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from . import check, ingest, load, render, write
from .config import Config
from .diagnostics import Diagnostics

log = logging.getLogger(__name__)


class SetupError(Exception):
    """The build cannot start (a missing content folder, say); the message is one line."""


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    stories: int = 0
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def failed(self, strict: bool) -> bool:
        return bool(self.diagnostics.errors) or (strict and bool(self.diagnostics.problems))


def check_setup(config: Config) -> None:
    newsletters = config.content_dir / "newsletters"
    if not newsletters.is_dir():
        raise SetupError(f"no newsletters folder: {newsletters} does not exist")
    if not (config.theme_dir / "templates").is_dir():
        raise SetupError(f"no theme templates: {config.theme_dir / 'templates'} does not exist")


def build(config: Config) -> BuildResult:
    """Run every stage; the output folder is replaced only when rendering succeeded."""
    check_setup(config)
    result = BuildResult(Diagnostics())
    diagnostics = result.diagnostics
    with _timed(result, "ingest"):
        ingest.ingest(config, diagnostics)
    with _timed(result, "load"):
        archive = load.load(config, diagnostics)
    with _timed(result, "render"):
        pages = render.render(archive, config) + render.static_pages(config)
    with _timed(result, "write"):
        result.pages = write.write_site(pages, config.output_dir)
    with _timed(result, "check"):
        diagnostics.problems += check.check_site(config.output_dir)
    result.stories = len(archive.stories)
    return result


class _timed:
    """Record how long a stage took, for the build summary and benchmarks."""

    def __init__(self, result: BuildResult, stage: str):
        self.result, self.stage = result, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.result.timings[self.stage] = time.perf_counter() - self.start
        log.debug("%s: %.3f s", self.stage, self.result.timings[self.stage])
