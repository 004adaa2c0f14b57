"""End to end: newsletters in, a browsable archive out, with no broken internal link."""

from __future__ import annotations

from pathlib import Path

from newsarchive.check import check_site
from tests.helpers import copy_samples, copy_seeds, run_cli


def _build(content: Path, out: Path, *extra: str):
    result = run_cli("build", "--content", str(content), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr
    return result


def test_samples_build_into_a_site_with_every_page(tmp_path):
    out = tmp_path / "site"
    _build(copy_samples(tmp_path / "content"), out)
    assert (out / "index.html").is_file()
    assert (out / "tags" / "index.html").is_file()
    assert (out / "404.html").is_file()
    stories = list((tmp_path / "content" / "stories").rglob("[0-9][0-9]-*.md"))
    assert len(stories) >= 20
    for newsletter in ("tensor-dispatch", "loss-landscape", "the-weekly-gradient"):
        assert (out / newsletter / "index.html").is_file()


def test_samples_site_has_no_broken_links(tmp_path):
    out = tmp_path / "site"
    _build(copy_samples(tmp_path / "content"), out)
    assert check_site(out) == []


def test_seeds_site_has_no_broken_links(seeds, tmp_path):
    out = tmp_path / "site"
    _build(copy_seeds(seeds, tmp_path / "content"), out)
    assert check_site(out) == []
    assert (out / "import-ai" / "226" / "deepmind-cracks-the-protein-folding-problem" / "index.html").is_file()


def test_story_files_carry_front_matter(tmp_path):
    content = copy_samples(tmp_path / "content")
    assert run_cli("ingest", "--content", str(content)).returncode == 0
    story = sorted((content / "stories").rglob("01-*.md"))[0].read_text(encoding="utf-8")
    for key in ("id:", "title:", "newsletter:", "issue:", "date:", "position:", "tags:", "source:"):
        assert f"\n{key}" in story


def test_building_twice_gives_identical_output(tmp_path):
    content = copy_samples(tmp_path / "content")
    _build(content, tmp_path / "one")
    _build(content, tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two
