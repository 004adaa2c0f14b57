"""Ingest with the build cache: a newsletter file already ingested is not parsed again, yet every
build reports, writes and keeps exactly what a build without the cache would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from newsarchive import ingest as ingest_module
from newsarchive.config import Config
from newsarchive.diagnostics import Diagnostics
from newsarchive.ingest import ingest, parse_files
from tests.helpers import copy_samples

FIELD_NOTES = """\
# Field Notes 3: robots and chips

## Robots learn to fold laundry

A lab taught a robot arm to fold shirts.

## New chip for training

A startup announced a training chip.
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    content = copy_samples(tmp_path / "content")
    (content / "newsletters" / "field-notes").mkdir()
    (content / "newsletters" / "field-notes" / "03.md").write_text(FIELD_NOTES, encoding="utf-8")
    return Config(root=tmp_path).with_build(content_dir=str(content))


def _run(config: Config, refresh: bool = False) -> tuple[ingest_module.IngestReport, list[str]]:
    diagnostics = Diagnostics()
    report = ingest(config, diagnostics, refresh)
    return report, [str(problem) for problem in diagnostics.problems]


def _story_files(config: Config) -> dict[str, bytes]:
    folder = config.content_dir / "stories"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def _count_parses(monkeypatch) -> list[Path]:
    """The paths parsed from now on (the cache's whole point is to make this short)."""
    parsed: list[Path] = []
    real = ingest_module.parse_file

    def counting(path: Path, config: Config) -> ingest_module.ParsedFile:
        parsed.append(path)
        return real(path, config)

    monkeypatch.setattr(ingest_module, "parse_file", counting)
    return parsed


def _newsletter(config: Config, name: str) -> Path:
    return config.content_dir / "newsletters" / name


def test_a_second_build_parses_nothing_and_reports_the_same(config, monkeypatch):
    first = _run(config)
    files = _story_files(config)
    parsed = _count_parses(monkeypatch)
    report, problems = _run(config)
    assert parsed == []
    assert problems == first[1]
    assert report.written == 0 and report.kept == sum(name.endswith("/_index.md") for name in files)
    assert _story_files(config) == files


def test_cached_and_uncached_builds_report_and_write_the_same(config, tmp_path):
    shutil.copy(_newsletter(config, "field-notes/03.md"), _newsletter(config, "field-notes/03b.md"))
    _newsletter(config, "empty.txt").write_text("\n", encoding="utf-8")
    _run(config)
    cached = _run(config)
    shutil.rmtree(config.cache_dir)
    uncached = _run(config)
    assert cached == uncached
    assert any("no stories found" in p for p in cached[1]) and any("same issue as" in p for p in cached[1])


def test_the_duplicate_issue_warning_appears_on_every_build(config):
    shutil.copy(_newsletter(config, "field-notes/03.md"), _newsletter(config, "field-notes/03b.md"))
    for _ in range(3):
        _, problems = _run(config)
        assert problems == ["newsletters/field-notes/03b.md: warning: same issue as "
                            "newsletters/field-notes/03.md; skipped [ingest]"]


def test_a_parse_warning_is_reported_again_from_the_cache(config, monkeypatch):
    _newsletter(config, "empty.txt").write_text("\n", encoding="utf-8")
    _, first = _run(config)
    parsed = _count_parses(monkeypatch)
    _, second = _run(config)
    assert parsed == [] and second == first
    assert first == ["newsletters/empty.txt: warning: no stories found in this file [parse]"]


def test_an_unreadable_file_is_reported_on_every_build(config):
    _newsletter(config, "broken.txt").write_bytes(b"Issue 1\n\xff\xfe not utf-8\n")
    first, second = _run(config)[1], _run(config)[1]
    assert first == second and len(first) == 1 and "cannot read newsletter file" in first[0]


def test_a_changed_file_is_parsed_again(config, monkeypatch):
    _run(config)
    changed = _newsletter(config, "field-notes/03.md")
    changed.write_text(FIELD_NOTES.replace("Field Notes 3", "Field Notes 4"), encoding="utf-8")
    parsed = _count_parses(monkeypatch)
    report, _ = _run(config)
    assert parsed == [changed] and report.written == 3
    assert "field-notes/4/_index.md" in _story_files(config)


def test_a_change_that_empties_a_file_warns_at_once(config):
    _run(config)
    _newsletter(config, "field-notes/03.md").write_text("\n\n", encoding="utf-8")
    _, problems = _run(config)
    assert problems == ["newsletters/field-notes/03.md: warning: no stories found in this file [parse]"]


def test_an_issue_whose_story_files_were_deleted_is_written_again(config):
    _run(config)
    files = _story_files(config)
    shutil.rmtree(config.content_dir / "stories" / "field-notes")
    report, _ = _run(config)
    assert report.written == 3 and _story_files(config) == files


def test_refresh_parses_every_file_and_rewrites_what_changed(config):
    _run(config)
    _newsletter(config, "field-notes/03.md").write_text(
        FIELD_NOTES.replace("training chip.", "training chip, again."), encoding="utf-8")
    _run(config, refresh=True)
    assert b"training chip, again." in _story_files(config)["field-notes/3/02-new-chip-for-training.md"]


def test_a_corrupt_cache_is_ignored_and_rebuilt(config):
    first = _run(config)
    cache_file = config.cache_dir / f"{ingest_module.CACHE_NAME}.pickle"
    assert cache_file.is_file()
    cache_file.write_bytes(b"not a pickle at all")
    assert _run(config)[1] == first[1]
    assert _run(config)[1] == first[1]
    assert cache_file.read_bytes() != b"not a pickle at all"


def test_a_config_change_makes_every_file_parse_again(config, monkeypatch):
    _run(config)
    parsed = _count_parses(monkeypatch)
    _run(config.with_build(content_dir=str(config.content_dir) + "/"))  # same folder: still cached
    assert parsed == []
    dated = dataclasses.replace(config, issue_dates={"field-notes/03.md": dt.date(2020, 1, 1)})
    _run(dated)
    assert len(parsed) == len(ingest_module.newsletter_files(config.content_dir))


def test_parallel_and_serial_parses_are_the_same(config):
    paths = ingest_module.newsletter_files(config.content_dir) * 3  # enough for several chunks
    serial = list(parse_files(paths, config, workers=1))
    parallel = list(parse_files(paths, config, workers=2))
    assert parallel == serial
    assert [p.plan.source for p in serial if p.plan] == [ingest_module._relative(p, config.content_dir)
                                                          for p in paths]
