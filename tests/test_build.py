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


def test_a_broken_story_file_is_named_and_the_rest_still_builds(tmp_path):
    content = copy_samples(tmp_path / "content")
    assert run_cli("ingest", "--content", str(content)).returncode == 0
    broken = sorted((content / "stories").rglob("02-*.md"))[0]
    broken.write_text("---\ntitle: [unclosed\nid: x\n---\nBody\n", encoding="utf-8")
    out = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    relative = broken.relative_to(content).as_posix()
    assert f"{relative}:3: error: front matter is not valid YAML" in result.stderr
    assert (out / "index.html").is_file()
    assert run_cli("build", "--strict", "--content", str(content), "--out", str(out)).returncode == 1


def test_a_broken_template_fails_the_build_and_keeps_the_previous_site(tmp_path):
    import shutil

    from tests.conftest import ROOT
    content = copy_samples(tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    config = tmp_path / "site_config.toml"
    config.write_text(f'[build]\ntheme_dir = "{tmp_path / "theme"}"\n')
    out = tmp_path / "site"
    assert run_cli("build", "--config", str(config), "--content", str(content), "--out", str(out)).returncode == 0
    before = (out / "index.html").read_bytes()
    story = tmp_path / "theme" / "templates" / "story.html"
    story.write_text(story.read_text() + "\n{% if %}\n")
    result = run_cli("build", "--config", str(config), "--content", str(content), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "theme/templates/story.html:" in result.stderr
    assert (out / "index.html").read_bytes() == before
