"""Load stage: the story files under content/stories/ -> an Archive.

The story files are the build's source once ingested: a title fixed or a tag added by hand there
is what the site shows. A file that cannot be read is reported with its path and line and left
out; the rest of the archive still builds.

Reading and YAML-parsing every file is most of the work, so the build cache keeps each file's
parsed document with its stamp (size, inode, modification and change times) and its text's
digest: a file whose stamp is the one recorded is not read again. Any write changes the change
time, even one that puts the modification time back, so an edited file is always read again. The
stamp of a file modified in the last moments before it is read is not trusted next time, since a
second edit within the file system's clock tick could leave it as it was: that file is read
again, and parsed again only when its text changed. How recent is too recent depends on the file
system's clock (SETTLE_NS, FINE_SETTLE_NS).
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path

from . import parallel, storyfiles
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
# recently is read again by the next build rather than trusted by its stamp. A file whose times
# hold fractions of a second lies on a file system that keeps them, whose clock ticks every few
# milliseconds (Linux: 1/HZ, at most 10 ms; NTFS: about 16 ms): FINE_SETTLE_NS is enough there,
# and the build right after a first build, which wrote every story file, need not read them again.
SETTLE_NS = 2_000_000_000
FINE_SETTLE_NS = 100_000_000

Stamp = tuple[int, int, int, int]  # size, inode, modification and change times (ns)
# The file's stamp (None when it was too recent to be trusted alone), its text's digest, its document
Entry = tuple[Stamp | None, str, storyfiles.Document]


@dataclass(frozen=True)
class Inputs:
    """The files load reads, found and stamped at one moment: the issue folders under
    content/stories/ (relative name -> path) with the names of their files (the issue file
    first), and the note files. Paths as strings, not Path objects: with the cache, pathlib would
    be most of the work of loading."""

    folders: dict[str, str]
    files: dict[str, list[str]]  # folder -> the names of its files
    notes: list[tuple[str, str]]  # (path, relative) of each note file, in order
    stamps: dict[str, Stamp]  # path -> its stamp; a file that could not be stamped is missing
    taken: int  # time.time_ns() just before the files were stamped

    def story_files(self) -> list[tuple[str, str]]:
        """(path, relative) of every file of every issue folder."""
        return [(f"{self.folders[folder]}/{name}", f"{folder}/{name}")
                for folder, names in self.files.items() for name in names]

    def digest(self) -> str | None:
        """The digest of every file's relative name and stamp: the same digest, the same archive
        (with the same config and code). None when a file could not be stamped, or was modified
        too recently for its stamp to be trusted (`_settled`)."""
        parts = []
        for path, relative in [*self.story_files(), *self.notes]:
            stamp = self.stamps.get(path)
            if stamp is None or not _settled(stamp, self.taken):
                return None
            parts.append(f"{relative}:{stamp}")
        return digest(*parts)


def find_inputs(config: Config) -> Inputs:
    """The files load.load reads, stamped now."""
    content = config.content_dir
    folders = {_rel(index.parent, content): str(index.parent)
               for index in sorted((content / "stories").rglob(storyfiles.ISSUE_FILE))}
    files = {folder: [storyfiles.ISSUE_FILE, *_story_names(where)] for folder, where in folders.items()}
    notes = [(str(path), _rel(path, content)) for path in sorted((content / NOTES_DIR).rglob("*.md"))]
    unstamped = Inputs(folders, files, notes, {}, time.time_ns())
    stamps = {}
    for path, _ in [*unstamped.story_files(), *notes]:
        try:
            stamps[path] = _stamp(os.stat(path))
        except OSError:
            continue  # read reports it
    return dataclasses.replace(unstamped, stamps=stamps)


class Documents:
    """Reads story and note files, reusing the documents an earlier build parsed (see above);
    `save` keeps this build's for the next one."""

    def __init__(self, config: Config, inputs: Inputs):
        self._cache = Cache(config.cache_dir)
        self._key = digest(str(config.content_dir.resolve()))
        self._known: dict[str, Entry] = self._cache.load_mapping(CACHE_NAME, self._key)
        self._now: dict[str, Entry] = {}
        self._stamps = dict(inputs.stamps)  # path -> its stamp, taken before it is read
        self._ahead: dict[str, tuple[str, storyfiles.Document]] = {}  # path -> what read_ahead found
        self._started = inputs.taken

    def read_ahead(self, files: list[tuple[str, str]]) -> None:
        """Read, spread over the cores, the story files (path, relative) whose stamp is not the
        one recorded: most of a first build's loading. `read` then takes each file's stamp and
        what was found from here; a file that fails is read again there, for its problem to be
        reported."""
        todo = []
        for path, relative in files:
            stamp = self._stamps.get(path)
            if stamp is None:
                continue  # read reports why
            known = self._known.get(relative)
            if not (known and known[0] == stamp):
                todo.append((path, relative))
        found = parallel.map_in_order(self._found_or_none, todo)
        self._ahead = {path: got for (path, _), got in zip(todo, found, strict=True) if got}

    def read(self, path: Path | str, relative: str, optional_front_matter: bool) -> storyfiles.Document:
        """The file's document; OSError, UnicodeDecodeError or StoryFileError as reading it raises."""
        # Stamped before reading: a write after this changes the stamp for next time.
        stamp = self._stamps.pop(str(path), None) or _stamp(os.stat(path))
        known = self._known.get(relative)
        if known and known[0] == stamp:
            text_digest, document = known[1], known[2]
        elif str(path) in self._ahead:
            text_digest, document = self._ahead.pop(str(path))
        else:
            text_digest, document = self._found(path, relative, optional_front_matter)
        self._now[relative] = (stamp if _settled(stamp, self._started) else None, text_digest, document)
        return document

    def save(self) -> None:
        self._cache.save_mapping(CACHE_NAME, self._key, self._now, self._known)

    def _found(self, path: Path | str, relative: str,
               optional_front_matter: bool) -> tuple[str, storyfiles.Document]:
        """The digest of the file's text and its document: the known one when the text is the same."""
        text = _text(path)
        text_digest = digest(text)
        known = self._known.get(relative)
        if known and known[1] == text_digest:
            return text_digest, known[2]
        return text_digest, _parsed(text, optional_front_matter)

    def _found_or_none(self, file: tuple[str, str]) -> tuple[str, storyfiles.Document] | None:
        try:
            return self._found(*file, optional_front_matter=False)
        except (OSError, UnicodeDecodeError, storyfiles.StoryFileError):
            return None


def _stamp(status: os.stat_result) -> Stamp:
    return status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns


def _settled(stamp: Stamp, taken: int) -> bool:
    """Whether the file's modification and change times were old enough, when its stamp was
    taken, to trust the stamp."""
    times = stamp[2:]
    whole_seconds = any(t % 1_000_000_000 == 0 for t in times)
    return max(times) < taken - (SETTLE_NS if whole_seconds else FINE_SETTLE_NS)


def _text(path: Path | str) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def _parsed(text: str, optional_front_matter: bool) -> storyfiles.Document:
    if optional_front_matter and not text.startswith("---\n"):
        return storyfiles.Document({}, text.strip())
    return storyfiles.parse(text)


def load(config: Config, diagnostics: Diagnostics, inputs: Inputs | None = None) -> Archive:
    """The archive the story and note files hold (`inputs`, as find_inputs finds them now)."""
    inputs = inputs or find_inputs(config)
    documents = Documents(config, inputs)
    issues: list[Issue] = []
    stories: list[Story] = []
    names: dict[str, str] = {}
    documents.read_ahead(inputs.story_files())
    for folder, where in inputs.folders.items():
        document = _read(f"{where}/{storyfiles.ISSUE_FILE}", f"{folder}/{storyfiles.ISSUE_FILE}",
                         diagnostics, documents)
        if document is None:
            continue
        issue = _issue(document, f"{folder}/{storyfiles.ISSUE_FILE}")
        names.setdefault(issue.newsletter, str(document.meta.get("newsletter_name") or issue.newsletter))
        issues.append(issue)
        stories += _stories_of(issue, where, folder, inputs.files[folder][1:], diagnostics, documents)
    newsletters = tuple(
        Newsletter(slug, config.newsletters[slug].name if slug in config.newsletters else name)
        for slug, name in sorted(names.items())
    )
    issues.sort(key=issue_order)
    rank = {issue.id: i for i, issue in enumerate(issues)}
    stories.sort(key=lambda s: (rank[s.issue], s.position, s.id))
    notes = load_notes(inputs.notes, diagnostics, documents)
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


def _story_names(folder: str) -> list[str]:
    """The story files of an issue's folder, in name order."""
    return sorted(n for n in os.listdir(folder) if n.endswith(".md") and n != storyfiles.ISSUE_FILE)


def _stories_of(issue: Issue, where: str, relative: str, names: list[str], diagnostics: Diagnostics,
                documents: Documents) -> list[Story]:
    """The issue's stories (the files `names` of the folder `where`, `relative` under content/)."""
    stories = []
    for name in names:
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


def load_notes(files: list[tuple[str, str]], diagnostics: Diagnostics,
               documents: Documents) -> dict[str, Note]:
    """Editors' notes (`files`: path, relative): content/notes/<id>.md is the note on the story,
    issue or newsletter with that id; content/notes/_tags/<tag>.md the note on a tag page. Front
    matter is optional."""
    notes = {}
    for path, relative in files:
        target = Path(relative).relative_to(NOTES_DIR).with_suffix("").as_posix()
        target = "tags/" + target.removeprefix(TAG_NOTES + "/") if target.startswith(TAG_NOTES + "/") else target
        document = _read(path, relative, diagnostics, documents, optional_front_matter=True)
        if document is not None:
            notes[target] = _note(document, target, relative, diagnostics)
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
