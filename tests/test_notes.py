"""Editors' notes: created by `annotate`, never overwritten, never lost, never dropped silently."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import copy_samples, run_cli

STORY = "tensor-dispatch/41/halcyon-labs-releases-meridian-7-with-open-weights"


def _note(content: Path, target: str, text: str) -> Path:
    path = content / "notes" / f"{target}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _site_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html")))


def test_the_sample_story_id_exists(tmp_path):
    content = copy_samples(tmp_path / "c")
    result = run_cli("parse", str(content / "newsletters/tensor-dispatch/tensor-dispatch-41.txt"), "--json")
    assert STORY in [s["id"] for s in json.loads(result.stdout)[0]["stories"]]


def test_annotate_creates_a_note_once_and_prints_its_path(tmp_path):
    content = copy_samples(tmp_path / "c")
    first = run_cli("annotate", STORY, "--content", str(content))
    path = content / "notes" / f"{STORY}.md"
    assert first.returncode == 0 and first.stdout.strip() == str(path)
    path.write_text("My own words.\n")
    second = run_cli("annotate", STORY, "--content", str(content))
    assert second.returncode == 0 and "already there" in second.stdout
    assert path.read_text() == "My own words.\n"


def test_annotate_rejects_an_unknown_id(tmp_path):
    result = run_cli("annotate", "nope/1/x", "--content", str(copy_samples(tmp_path / "c")))
    assert result.returncode == 2 and "nope/1/x" in result.stderr and "Traceback" not in result.stderr


def test_notes_survive_rebuild_reingest_and_refresh_byte_for_byte(tmp_path):
    content = copy_samples(tmp_path / "c")
    text = "---\ntags: [open weights]\nrating: 4\n---\nA note with *emphasis* — and “quotes”. 🧪\n"
    note = _note(content, STORY, text)
    out = tmp_path / "site"
    for command in (["build", "--out", str(out)], ["ingest"], ["ingest", "--refresh"], ["build", "--out", str(out)]):
        assert run_cli(*command, "--content", str(content)).returncode == 0
        assert note.read_bytes() == text.encode("utf-8")
    assert "A note with <em>emphasis</em>" in (out / STORY / "index.html").read_text(encoding="utf-8")


def test_refresh_after_a_parser_change_keeps_notes(tmp_path):
    content = copy_samples(tmp_path / "c")
    note = _note(content, STORY, "Kept.\n")
    run_cli("ingest", "--content", str(content))
    for story_file in (content / "stories").rglob("01-*.md"):
        story_file.unlink()  # as if the parser split differently now
    assert run_cli("ingest", "--refresh", "--content", str(content)).returncode == 0
    assert note.read_text() == "Kept.\n"


def test_note_whose_story_is_gone_is_warned_listed_and_fails_strict(tmp_path):
    content = copy_samples(tmp_path / "c")
    _note(content, "tensor-dispatch/41/a-story-that-is-gone", "Orphan.\n")
    out = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0
    assert "notes/tensor-dispatch/41/a-story-that-is-gone.md" in result.stderr
    assert "a-story-that-is-gone" in _site_text(out)
    strict = run_cli("build", "--strict", "--content", str(content), "--out", str(tmp_path / "strict"))
    assert strict.returncode == 1
