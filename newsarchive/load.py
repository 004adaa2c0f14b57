"""Load stage: the story files under content/stories/ -> an Archive.

The story files are the build's source once ingested: a title fixed or a tag added by hand there
is what the site shows. A file that cannot be read is reported with its path and line and left
out; the rest of the archive still builds.

Reading and YAML-parsing every file is most of the work, so the build cache keeps each file's
parsed document with its stamp (size, inode, modification and change times): a file whose stamp is
the one recorded is not read again. Any write changes the change time, even one that puts the
modification time back, so an edited file is always read again. A file modified in the last
moments before it is read is not recorded, since a second edit within the file system's clock
tick could leave its stamp as it was.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import storyfiles
from .cache import Cache, digest
from .config import Config
from .dates import parse_date
from .diagnostics import Diagnostics
from .ids import slugify
from .model import Archive, Issue, IssueRef, Newsletter, Note, Source, Story, issue_order

NOTES_DIR = "notes"
TAG_NOTES = "_tags"  # content/notes/_tags/<tag>.md holds a tag page's note
CACHE_NAME = "load"
# No file system's clock ticks more coarsely (FAT: 2 s; ext3, HFS+: 1 s): a file modified this
# recently is read again by the next build rather than trusted by its stamp.
SETTLE_NS = 2_000_000_000

Stamp = tuple[int, int, int, int]  # size, inode, modification and change times (ns)
Entry = tuple[Stamp, storyfiles.Document]


class Documents:
    """Reads story and note files, reusing the documents an earlier build parsed from files whose
    stamp is unchanged; `save` keeps this build's for the next one."""

    def __init__(self, config: Config):
        self._cache = Cache(config.cache_dir)
        self._key = digest(str(config.content_dir.resolve()))
        self._known: dict[str, Entry] = self._cache.load(CACHE_NAME, self._key) or {}
        self._now: dict[str, Entry] = {}
        self._settled_before = time.time_ns() - SETTLE_NS

    def read(self, path: Path | str, relative: str, optional_front_matter: bool) -> storyfiles.Document:
        """The file's document; OSError, UnicodeDecodeError or StoryFileError as reading it raises."""
        status = os.stat(path)  # before reading: a write after this changes the stamp for next time
        stamp = (status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns)
        known = self._known.get(relative)
        document = known[1] if known and known[0] == stamp else _parse(path, optional_front_matter)
        if max(status.st_mtime_ns, status.st_ctime_ns) < self._settled_before:
            self._now[relative] = (stamp, document)
        return document

    def save(self) -> None:
        if self._now != self._known:
            self._cache.save(CACHE_NAME, self._key, self._now)


def _parse(path: Path | str, optional_front_matter: bool) -> storyfiles.Document:
    with open(path, encoding="utf-8") as file:
        text = file.read()
    if optional_front_matter and not text.startswith("---\n"):
        return storyfiles.Document({}, text.strip())
    return storyfiles.parse(text)


def load(config: Config, diagnostics: Diagnostics) -> Archive:
    content = config.content_dir
    documents = Documents(config)
    issues: list[Issue] = []
    stories: list[Story] = []
    names: dict[str, str] = {}
    for index in sorted((content / "stories").rglob(storyfiles.ISSUE_FILE)):
        folder = _rel(index.parent, content)
        document = _read(index, f"{folder}/{index.name}", diagnostics, documents)
        if document is None:
            continue
        issue = _issue(document, f"{folder}/{index.name}")
        names.setdefault(issue.newsletter, str(document.meta.get("newsletter_name") or issue.newsletter))
        issues.append(issue)
        stories += _stories_of(issue, index.parent, folder, diagnostics, documents)
    newsletters = tuple(
        Newsletter(slug, config.newsletters[slug].name if slug in config.newsletters else name)
        for slug, name in sorted(names.items())
    )
    issues.sort(key=issue_order)
    rank = {issue.id: i for i, issue in enumerate(issues)}
    stories.sort(key=lambda s: (rank[s.issue], s.position, s.id))
    notes = load_notes(content, diagnostics, documents)
    documents.save()
    return Archive(newsletters, tuple(issues), _unique(stories, diagnostics), notes=notes)


def _read(path: Path | str, relative: str, diagnostics: Diagnostics, documents: Documents,
          optional_front_matter: bool = False) -> storyfiles.Document | None:
    """The file's document; None (and the problem reported, with its line) when it cannot be read."""
    try:
        return documents.read(path, relative, optional_front_matter)
    except (OSError, UnicodeDecodeError) as error:
        diagnostics.error("load", relative, f"cannot read: {error}")
    except storyfiles.StoryFileError as error:
        diagnostics.error("load", relative, str(error), error.line)
    return None


def _rel(path: Path, content: Path) -> str:
    return path.relative_to(content).as_posix()


def _issue(document: storyfiles.Document, path: str) -> Issue:
    meta = document.meta
    issue_id = str(meta.get("id") or path.rsplit("/", 1)[0].removeprefix("stories/"))
    newsletter, _, key = issue_id.partition("/")
    intro, outro = storyfiles.split_outro(document.body)
    number = meta.get("number")
    return Issue(
        id=issue_id,
        newsletter=newsletter,
        key=key,
        number=str(number) if number is not None else None,
        title=str(meta.get("title") or issue_id),
        date=parse_date(meta.get("date")),
        source=str(meta.get("source") or ""),
        url=str(meta.get("url") or ""),
        intro=intro,
        outro=outro,
        other_issues=tuple(_issue_ref(r) for r in meta.get("other_issues") or () if isinstance(r, dict)),
    )


def _issue_ref(entry: dict) -> IssueRef:
    number = entry.get("number")
    return IssueRef(str(entry.get("title") or ""), str(number) if number is not None else None,
                    parse_date(entry.get("date")))


def _stories_of(issue: Issue, folder: Path, relative: str, diagnostics: Diagnostics,
                documents: Documents) -> list[Story]:
    """The issue's stories, in file name order; `relative` is the folder under content/."""
    stories = []
    # Names and strings, not Path objects: with the cache, pathlib would be most of the work here.
    where = str(folder)
    for name in sorted(n for n in os.listdir(where) if n.endswith(".md") and n != storyfiles.ISSUE_FILE):
        document = _read(f"{where}/{name}", f"{relative}/{name}", diagnostics, documents)
        if document is not None:
            stories.append(make_story(document, issue, f"{relative}/{name}"))
    return stories


def make_story(document: storyfiles.Document, issue: Issue, path: str) -> Story:
    """The story a story file's document holds; `path` is the file's, relative to the content folder."""
    meta = document.meta
    title = str(meta.get("title") or Path(path).stem)
    return Story(
        id=str(meta.get("id") or f"{issue.id}/{slugify(title)}"),
        issue=issue.id,
        newsletter=issue.newsletter,
        position=int(meta.get("position") or 0),
        title=title,
        body=document.body,
        date=parse_date(meta.get("date")) or issue.date,
        path=path,
        dek=str(meta.get("dek") or ""),
        tags=tuple(str(t) for t in meta.get("tags") or ()),  # normalised by the enrich stage
        sources=tuple(_source(s) for s in meta.get("sources") or () if isinstance(s, dict)),
        truncated=bool(meta.get("truncated")),
    )


def _source(entry: dict) -> Source:
    return Source(str(entry.get("title") or ""), str(entry.get("site") or ""), str(entry.get("url") or ""))


def _unique(stories: list[Story], diagnostics: Diagnostics) -> tuple[Story, ...]:
    """Drop (and report) a story whose id another file already uses."""
    seen: dict[str, Story] = {}
    for story in stories:
        if story.id in seen:
            diagnostics.error("load", story.path, f"story id {story.id!r} is also used by {seen[story.id].path}")
        else:
            seen[story.id] = story
    return tuple(seen.values())


def load_notes(content: Path, diagnostics: Diagnostics, documents: Documents) -> dict[str, Note]:
    """Editors' notes: content/notes/<id>.md is the note on the story, issue or newsletter with that
    id; content/notes/_tags/<tag>.md the note on a tag page. Front matter is optional."""
    folder = content / NOTES_DIR
    notes = {}
    for path in sorted(folder.rglob("*.md")):
        target = path.relative_to(folder).with_suffix("").as_posix()
        target = "tags/" + target.removeprefix(TAG_NOTES + "/") if target.startswith(TAG_NOTES + "/") else target
        document = _read(path, _rel(path, content), diagnostics, documents, optional_front_matter=True)
        if document is not None:
            notes[target] = _note(document, target, _rel(path, content), diagnostics)
    return notes


def _note(document: storyfiles.Document, target: str, path: str, diagnostics: Diagnostics) -> Note:
    meta = document.meta
    rating = meta.get("rating")
    if rating is not None and not isinstance(rating, int):
        diagnostics.warn("load", path, f"rating must be a whole number, got {rating!r}")
        rating = None
    return Note(
        target=target,
        path=path,
        body=document.body,
        date=parse_date(meta.get("date")),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        rating=rating,
        see_also=tuple(str(t) for t in meta.get("see_also") or ()),
    )
