"""Load with the build cache: a story file whose stamp is unchanged is not read again, an edited
one always is, and the Archive is the one a build without the cache loads."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from newsarchive import load as load_module
from newsarchive.config import Config
from newsarchive.diagnostics import Diagnostics
from newsarchive.ingest import ingest
from newsarchive.load import load
from tests.helpers import copy_samples

STORY_ID = "tensor-dispatch/41/halcyon-labs-releases-meridian-7-with-open-weights"
STORY = "tensor-dispatch/41/01-halcyon-labs-releases-meridian-7-with-open-weights.md"
LONG_AGO_NS = 1_600_000_000 * 10**9
TICK = 0.05  # longer than a file system's clock tick: a write after it gets a new change time


@pytest.fixture
def config(tmp_path: Path, monkeypatch) -> Config:
    """Ingested sample content; files count as settled at once, so a test need not wait."""
    monkeypatch.setattr(load_module, "SETTLE_NS", 0)
    monkeypatch.setattr(load_module, "FINE_SETTLE_NS", 0)
    content = copy_samples(tmp_path / "content")
    (content / "notes" / "tensor-dispatch").mkdir(parents=True, exist_ok=True)
    (content / "notes" / "tensor-dispatch" / "41.md").write_text("A note on the issue.\n", encoding="utf-8")
    config = Config(root=tmp_path).with_build(content_dir=str(content))
    ingest(config, Diagnostics())
    time.sleep(TICK)
    return config


def _load(config: Config) -> tuple[object, list[str]]:
    diagnostics = Diagnostics()
    archive = load(config, diagnostics)
    return archive, [str(problem) for problem in diagnostics.problems]


def _count_reads(monkeypatch) -> list[str]:
    read: list[str] = []
    real = load_module._text

    def counting(path):
        read.append(str(path))
        return real(path)

    monkeypatch.setattr(load_module, "_text", counting)
    return read


def _count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = load_module._parsed

    def counting(text, optional_front_matter):
        parsed.append(text)
        return real(text, optional_front_matter)

    monkeypatch.setattr(load_module, "_parsed", counting)
    return parsed


def _story(config: Config) -> Path:
    return config.content_dir / "stories" / STORY


def test_cached_and_uncached_loads_are_the_same_archive(config, monkeypatch):
    uncached = _load(config)
    read = _count_reads(monkeypatch)
    cached = _load(config)
    assert read == [] and cached == uncached
    shutil.rmtree(config.cache_dir)
    assert _load(config) == uncached and read


def test_an_edit_of_the_same_size_with_a_later_mtime_is_read_again(config):
    _load(config)
    story = _story(config)
    stat = story.stat()
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("Meridian", "Meridiam", 1), encoding="utf-8")
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    archive, _ = _load(config)
    assert "Meridiam" in archive.story_by_id[STORY_ID].title


def test_an_edit_that_puts_the_mtime_back_is_read_again(config):
    _load(config)
    story = _story(config)
    stat = story.stat()
    time.sleep(TICK)
    story.write_text(story.read_text(encoding="utf-8").replace("Meridian", "Meridiam", 1), encoding="utf-8")
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    archive, _ = _load(config)
    assert "Meridiam" in archive.story_by_id[STORY_ID].title


def test_a_file_modified_just_now_is_not_trusted_by_its_stamp_but_parsed_only_if_its_text_changed(
        config, monkeypatch):
    monkeypatch.setattr(load_module, "SETTLE_NS", 10**12)
    monkeypatch.setattr(load_module, "FINE_SETTLE_NS", 10**12)
    first, _ = _load(config)
    read, parsed = _count_reads(monkeypatch), _count_parses(monkeypatch)
    assert _load(config)[0] == first
    assert len(read) > 0 and parsed == []
    story = _story(config)
    story.write_text(story.read_text(encoding="utf-8").replace("Meridian", "Meridiam", 1), encoding="utf-8")
    archive, _ = _load(config)
    assert "Meridiam" in archive.story_by_id[STORY_ID].title and len(parsed) == 1


def test_a_file_with_whole_second_times_waits_longer_before_its_stamp_is_trusted(config, monkeypatch):
    """Such times come from a file system with a coarse clock (FAT, ext3, HFS+), where a second
    write within the same second or two keeps the stamp; finer times are trusted sooner."""
    monkeypatch.setattr(load_module, "SETTLE_NS", 10**12)
    story = _story(config)
    whole_second = time.time_ns() // 10**9 * 10**9
    os.utime(story, ns=(whole_second, whole_second))
    _load(config)
    read = _count_reads(monkeypatch)
    _load(config)
    assert read == [str(story)]


def test_a_broken_story_file_is_reported_on_every_build(config):
    story = _story(config)
    story.write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    os.utime(story, ns=(LONG_AGO_NS, LONG_AGO_NS))
    first, second = _load(config)[1], _load(config)[1]
    assert first == second and len(first) == 1 and f"stories/{STORY}:3: error" in first[0]


def test_a_deleted_story_file_is_gone_and_a_new_note_is_read(config):
    _load(config)
    _story(config).unlink()
    note = config.content_dir / "notes" / "tensor-dispatch" / "42.md"
    note.write_text("Another note.\n", encoding="utf-8")
    archive, _ = _load(config)
    assert STORY_ID not in archive.story_by_id and archive.notes["tensor-dispatch/42"].body == "Another note."


def test_a_corrupt_cache_is_ignored_and_rebuilt(config):
    first = _load(config)
    shards = sorted(config.cache_dir.glob(f"{load_module.CACHE_NAME}-*.pickle"))
    for shard in shards:
        shard.write_bytes(b"\x80\x05garbage")
    assert shards and _load(config) == first
    assert _load(config) == first and all(shard.read_bytes() != b"\x80\x05garbage" for shard in shards)

