"""The Markdown archive: index.md beside every page, carrying what enrich computed (tags, mention
and wiki links, related stories, backlinks, notes) with links that work on disk. Built from an
inline mini-archive of story files and notes, through the real pipeline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from newsarchive import markdown_archive, pipeline
from newsarchive.check import check_site
from newsarchive.config import Config, TagsSection
from newsarchive.model import Archive, Issue, Newsletter, Story
from tests.conftest import ROOT

FOLDS = "import-ai/226/deepmind-folds-proteins"
LAST = "import-ai/226/last-one"
ROBOTS = "import-ai/225/robots-learn"
ROBOTS_TITLE = 'Robots: "learning" to walk, the \'hard\' way'
KEYS = ["id", "title", "dek", "newsletter", "issue", "issue_title", "date", "tags", "source", "sources",
        "related", "mentioned_in"]

ISSUES = {
    "import-ai/225": {"title": "Robots", "number": 225, "date": "2020-11-30"},
    "import-ai/226": {"title": "Protein folding", "number": 226, "date": "2020-12-07"},
}
STORIES = {
    ROBOTS: (1, ROBOTS_TITLE, [], "DeepMind robots learn to walk in simulation, then on real legs. "
             "The DeepMind team trained the robots with reinforcement learning."),
    FOLDS: (1, "DeepMind folds proteins with AlphaFold", ["Biology"],
            "DeepMind's AlphaFold predicts protein structures. The DeepMind team, fresh from its walking "
            "robots (Import AI 225), trained it on the protein data bank.\n\n"
            "Written as code: `[x](archive:import-ai/225)`."),
    LAST: (2, "Last one", [], "See [[import-ai/225/robots-learn]] and [[import-ai/999/gone]]."),
}
NOTE = ("---\ndate: 2021-01-05\nrating: 4\n"
        "see_also: [import-ai/225/robots-learn, https://example.com/paper]\n"
        "---\nA landmark result. Compare [[import-ai/225/robots-learn|the robots]].\n")


def _write_content(content: Path) -> None:
    (content / "newsletters").mkdir(parents=True)
    for issue_id, meta in ISSUES.items():
        folder = content / "stories" / issue_id
        folder.mkdir(parents=True)
        front = {"id": issue_id, "newsletter_name": "Import AI", "source": f"newsletters/{issue_id}.txt",
                 **meta}
        (folder / "_index.md").write_text(f"---\n{yaml.safe_dump(front)}---\n\nWelcome.\n", encoding="utf-8")
    for story_id, (position, title, tags, body) in STORIES.items():
        issue_id, slug = story_id.rsplit("/", 1)
        front = {"id": story_id, "title": title, "position": position, "tags": tags,
                 "sources": [{"title": "The paper", "site": "example.com", "url": "https://example.com/p"}]}
        path = content / "stories" / issue_id / f"{position:02d}-{slug}.md"
        front_matter = yaml.safe_dump(front, sort_keys=False)
        path.write_text(f"---\n{front_matter}---\n\n{body}\n", encoding="utf-8")
    note = content / "notes" / f"{FOLDS}.md"
    note.parent.mkdir(parents=True)
    note.write_text(NOTE, encoding="utf-8")


def _build(root: Path) -> Path:
    _write_content(root / "content")
    config = Config(root=root).with_build(theme_dir=str(ROOT / "theme"))
    pipeline.build(config)
    return config.output_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("markdown"))


def _read(site: Path, page_id: str) -> tuple[dict, str]:
    """(front matter, body) of the index.md of a page id's folder."""
    _, front, body = (site / page_id / "index.md").read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def _links(text: str) -> list[str]:
    """The destinations of Markdown links, and the `link:` values of front matter."""
    return re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"^\s*link: (\S+)$", text, re.M)


def test_story_markdown_has_front_matter_in_a_fixed_order(site):
    meta, _ = _read(site, FOLDS)
    assert list(meta) == [*KEYS, "note"]
    assert meta["newsletter"] == "Import AI" and meta["issue"] == "import-ai/226"
    assert meta["issue_title"] == "Protein folding" and meta["date"] == dt.date(2020, 12, 7)
    assert meta["source"] == "newsletters/import-ai/226.txt"
    assert meta["sources"] == [{"title": "The paper", "site": "example.com", "url": "https://example.com/p"}]
    assert list(_read(site, LAST)[0]) == KEYS  # no note, no note key


def test_story_markdown_has_the_computed_tags_as_slugs_and_linked_names(site):
    meta, body = _read(site, FOLDS)
    assert {"biology", "deepmind", "alphafold"} <= set(meta["tags"])  # given, taxonomy, taxonomy
    assert "[DeepMind](../../../tags/deepmind/index.md)" in body
    tag_meta, tag_body = _read(site, "tags/alphafold")
    assert tag_meta["stories"][0]["id"] == FOLDS
    assert "(../../import-ai/226/deepmind-folds-proteins/index.md)" in tag_body


def test_mentions_and_wiki_links_point_at_markdown_files(site):
    _, folds = _read(site, FOLDS)
    assert "[Import AI 225](../../225/index.md)" in folds
    assert "`[x](archive:import-ai/225)`" in folds  # code stays as written
    _, last = _read(site, LAST)
    assert f"[{ROBOTS_TITLE}](../../225/robots-learn/index.md)" in last
    assert "import-ai/999/gone" in last and "archive:" not in last


def test_related_stories_have_reasons_and_links(site):
    meta, body = _read(site, FOLDS)
    assert meta["related"], "the mini-archive is built so that the stories relate"
    first = meta["related"][0]
    assert list(first) == ["id", "title", "reason", "link"] and first["reason"].startswith("also about")
    assert (site / FOLDS / first["link"]).resolve().is_file()
    assert f"]({first['link']})" in body.split("## Related stories", 1)[1]


def test_backlinks_are_listed_with_links(site):
    meta, body = _read(site, ROBOTS)
    assert [m["id"] for m in meta["mentioned_in"]] == [FOLDS, LAST]  # the note's link and the wiki link
    assert "## Mentioned in" in body and "(../../226/last-one/index.md)" in body
    issue, _ = _read(site, "import-ai/225")
    assert [m["id"] for m in issue["mentioned_in"]] == [FOLDS]


def test_the_editors_note_is_in_front_matter_and_body(site):
    meta, body = _read(site, FOLDS)
    assert meta["note"] == {"file": f"notes/{FOLDS}.md", "date": dt.date(2021, 1, 5), "rating": 4, "tags": [],
                            "see_also": [ROBOTS, "https://example.com/paper"]}
    note = body.split("## Editor’s note", 1)[1]
    assert "*5 January 2021 · rated 4/5*" in note
    assert "Compare [the robots](../../225/robots-learn/index.md)." in note
    assert "- <https://example.com/paper>" in note


def test_a_title_with_a_colon_and_quotes_round_trips(site):
    meta, body = _read(site, ROBOTS)
    assert meta["title"] == ROBOTS_TITLE
    assert body.startswith(f"\n# {ROBOTS_TITLE}\n")


def _assert_links_resolve(site: Path) -> None:
    """Every link of every index.md is relative, names an index.md, and that file is there."""
    for path in sorted(site.rglob("*.md")):
        for link in _links(path.read_text(encoding="utf-8")):
            if urlsplit(link).scheme:
                continue
            assert not link.startswith("/") and link.endswith("index.md"), f"{path}: {link}"
            assert (path.parent / link).resolve().is_file(), f"{path}: broken {link}"


def test_every_link_in_every_markdown_file_resolves(site):
    written = sorted(site.rglob("*.md"))
    assert len(written) == 3 + 2 + 1 + 2 + len(list((site / "tags").glob("*/index.md")))  # + root, tags
    _assert_links_resolve(site)


def test_the_root_index_reaches_every_story(site):
    """Browsing the Markdown alone: root -> newsletter or issue -> story, tags -> tag -> story."""
    seen, queue = set(), [site / "index.md"]
    while queue:
        path = queue.pop().resolve()
        if path not in seen:
            seen.add(path)
            queue += [path.parent / link for link in _links(path.read_text(encoding="utf-8"))
                      if not urlsplit(link).scheme]
    assert seen == {p.resolve() for p in site.rglob("*.md")}


def test_story_page_links_its_markdown(site):
    html = (site / FOLDS / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="text/markdown" href="index.md">' in html
    assert '<a href="index.md" type="text/markdown">Markdown</a>' in html
    assert check_site(site) == []


def test_building_twice_gives_identical_markdown(site, tmp_path):
    again = _build(tmp_path)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*.md")}
    assert first == {p.relative_to(again): p.read_bytes() for p in again.rglob("*.md")}


def test_the_build_leaves_story_files_alone(site):
    """The enriched Markdown is output; the story files (sources people edit) stay as written."""
    stories = site.parent / "content" / "stories"
    for story_id, (position, _, _, body) in STORIES.items():
        issue_id, slug = story_id.rsplit("/", 1)
        text = (stories / issue_id / f"{position:02d}-{slug}.md").read_text(encoding="utf-8")
        assert text.endswith(f"---\n\n{body}\n") and "related:" not in text


def test_unknown_ids_and_images_keep_their_label():
    issue = Issue("n/1", "n", "1", "1", "One", None, "n/1.txt")
    story = Story("n/1/s", "n/1", "n", 1, "S", "", None, "n/1/01-s.md")
    archive = Archive((Newsletter("n", "N"),), (issue,), (story,))
    link = markdown_archive._linker("n/1/s/index.md")
    text = ("[a](archive:n/1) [b](archive:gone) ![c](archive:n/1) [d]( ARCHIVE:n/1/s )\n"
            "```\n[e](archive:n)\n```")
    assert markdown_archive.linked_text(archive, text, link) == (
        "[a](../index.md) b c [d](index.md)\n```\n[e](archive:n)\n```")


def test_markdown_path_swaps_the_file_name():
    assert markdown_archive.markdown_path("import-ai/226/index.html") == "import-ai/226/index.md"
    assert markdown_archive.markdown_path("index.html") == "index.md"


def test_a_tag_on_several_pages_has_an_index_md_beside_each(tmp_path):
    _write_content(tmp_path / "content")
    config = Config(root=tmp_path, tags=TagsSection(per_page=1)).with_build(theme_dir=str(ROOT / "theme"))
    pipeline.build(config)
    site = config.output_dir
    pages = sorted(site.glob("tags/*/page/*/index.html"))
    assert pages and all((page.parent / "index.md").is_file() for page in pages)
    tag = pages[0].parent.parent.parent
    front, body = _read(site, f"{tag.relative_to(site).as_posix()}/page/2")
    assert front["page"] == 2 and len(front["stories"]) == 1
    assert "[← Newer](../../index.md) · page 2 of" in body
    first, _ = _read(site, tag.relative_to(site).as_posix())
    assert first["stories"] != front["stories"]
    _assert_links_resolve(site)
