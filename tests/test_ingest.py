"""Ingest: stable ids, story files written once, hand edits never lost."""

from __future__ import annotations

from pathlib import Path

from newsarchive import storyfiles
from newsarchive.config import Config
from newsarchive.diagnostics import Diagnostics
from newsarchive.ids import issue_key, slugify, story_slugs
from newsarchive.ingest import ingest

NEWSLETTER = """\
# Field Notes 3: robots and chips

## Robots learn to fold laundry

A lab taught a robot arm to fold shirts.

## New chip for training

A startup announced a training chip.
"""


def _content(tmp_path: Path, text: str = NEWSLETTER) -> Config:
    (tmp_path / "newsletters" / "field-notes").mkdir(parents=True)
    (tmp_path / "newsletters" / "field-notes" / "03.md").write_text(text, encoding="utf-8")
    return Config(root=tmp_path).with_build(content_dir=str(tmp_path))


def _story_files(config: Config) -> dict[str, str]:
    folder = config.content_dir / "stories"
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*.md")}


def test_slugs_and_keys_are_stable_and_readable():
    assert slugify("Google's balloons learn to fly with RL") == "googles-balloons-learn-to-fly-with-rl"
    assert slugify("Amazon enters the “AI” race — with Trainium chips") == "amazon-enters-the-ai-race-with-trainium-chips"
    assert issue_key("226", "2020-12-07", "x") == "226"
    assert issue_key(None, "2020-12-07", "x") == "2020-12-07"
    assert issue_key(None, None, "My Post") == "my-post"


def test_repeated_headlines_get_numbered_slugs_in_order():
    assert story_slugs(["Quick takes", "Other", "Quick takes"]) == ["quick-takes", "other", "quick-takes-2"]


def test_ingest_writes_one_file_per_story_and_an_issue_file(tmp_path):
    config = _content(tmp_path)
    ingest(config, Diagnostics())
    assert sorted(_story_files(config)) == [
        "field-notes/3/01-robots-learn-to-fold-laundry.md",
        "field-notes/3/02-new-chip-for-training.md",
        "field-notes/3/_index.md",
    ]


def test_ingest_leaves_ingested_issues_alone(tmp_path):
    config = _content(tmp_path)
    ingest(config, Diagnostics())
    story = config.content_dir / "stories/field-notes/3/01-robots-learn-to-fold-laundry.md"
    story.write_text(story.read_text().replace("fold shirts", "fold shirts (edited)"))
    before = _story_files(config)
    report = ingest(config, Diagnostics())
    assert report.kept == 1 and report.written == 0
    assert _story_files(config) == before


def test_refresh_replaces_untouched_files_and_keeps_edited_ones(tmp_path):
    config = _content(tmp_path)
    ingest(config, Diagnostics())
    edited = config.content_dir / "stories/field-notes/3/01-robots-learn-to-fold-laundry.md"
    edited.write_text(edited.read_text().replace("fold shirts", "fold shirts (edited)"))
    newsletter = config.content_dir / "newsletters/field-notes/03.md"
    newsletter.write_text(NEWSLETTER.replace("training chip", "training chip, again"))
    diagnostics = Diagnostics()
    ingest(config, diagnostics, refresh=True)
    files = _story_files(config)
    assert "(edited)" in files["field-notes/3/01-robots-learn-to-fold-laundry.md"]
    assert "again" in files["field-notes/3/02-new-chip-for-training.md"]
    assert any("edited by hand" in p.message for p in diagnostics.problems)


def test_refresh_keeps_an_edited_story_the_parser_no_longer_finds(tmp_path):
    config = _content(tmp_path)
    ingest(config, Diagnostics())
    edited = config.content_dir / "stories/field-notes/3/02-new-chip-for-training.md"
    edited.write_text(edited.read_text() + "\nMy own paragraph.\n")
    (config.content_dir / "newsletters/field-notes/03.md").write_text(NEWSLETTER.split("## New chip")[0])
    ingest(config, Diagnostics(), refresh=True)
    assert "My own paragraph." in edited.read_text()


def test_untouched_story_file_is_not_edited_and_a_changed_one_is():
    text = storyfiles.dump({"id": "a/1/b", "title": "B"}, "Body")
    assert not storyfiles.is_edited(text)
    assert storyfiles.is_edited(text.replace("Body", "Body!"))
    assert storyfiles.is_edited(text.replace("title: B", "title: C"))


def test_newsletter_without_a_name_is_named_by_its_folder(tmp_path):
    config = _content(tmp_path, "Just one story.\n\nWith two paragraphs.\n")
    ingest(config, Diagnostics())
    index = storyfiles.parse((config.content_dir / "stories/field-notes/03/_index.md").read_text())
    assert index.meta["newsletter_name"] == "Field Notes"
