"""Ingest stage: newsletter files -> per-story Markdown files under content/stories/.

Each newsletter file is parsed (formats/), its newsletter and issue named, and every story written
as content/stories/<newsletter>/<issue>/<NN>-<slug>.md beside the issue's `_index.md`. Ingest adds
new issues and never touches an existing one unless asked (`refresh`); then it replaces only the
files a person has not edited and reports the ones it kept. Editors' notes live in content/notes/
and are never touched here.

Parsing is most of the work, so the build cache keeps a record of each newsletter file: the hash
of its bytes, the issue it names and the problems its parse reported. A file whose bytes are the
ones recorded and whose issue is already ingested is not parsed again (the parse could change
nothing), and its problems are reported again as they were. The files that do need parsing are
parsed in parallel, one process per core.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import parallel, storyfiles
from .cache import Cache, digest
from .config import Config
from .diagnostics import Diagnostics, Problem
from .ids import issue_key, slugify, story_slugs
from .model import ParsedIssue

NEWSLETTER_SUFFIXES = (".txt", ".md", ".markdown", ".eml", ".html", ".htm")
_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
CACHE_NAME = "ingest"
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 16


@dataclass(frozen=True)
class IssuePlan:
    """A parsed issue with the names and ids it gets in the archive."""

    parsed: ParsedIssue
    source: str  # newsletter file, relative to the content folder
    newsletter: str  # slug
    newsletter_name: str
    key: str
    date: dt.date | None
    story_ids: tuple[str, ...]

    @property
    def issue_id(self) -> str:
        return f"{self.newsletter}/{self.key}"

    @property
    def folder(self) -> str:
        return f"stories/{self.issue_id}"


@dataclass(frozen=True)
class FileRecord:
    """What parsing one newsletter file came to, as the build cache keeps it: the hash of the bytes
    parsed ("" when they could not be read), the issue id (None when the file could not be read or
    parsed) and the problems reported."""

    digest: str
    issue_id: str | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ParsedFile:
    """A newsletter file parsed: its record, its plan when it could be parsed, and the text of its
    story files when they were rendered beside the parse (file name -> text, as `issue_files`)."""

    record: FileRecord
    plan: IssuePlan | None
    files: dict[str, str] | None = None


@dataclass
class IngestReport:
    written: int = 0
    kept: int = 0  # issues already ingested, left as they are
    removed: int = 0


def newsletter_files(content_dir: Path) -> list[Path]:
    """Every newsletter file under content/newsletters/ (any sub-folder), in a stable order."""
    folder = content_dir / "newsletters"
    found = (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in NEWSLETTER_SUFFIXES)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def plan(parsed: ParsedIssue, path: Path, config: Config) -> IssuePlan:
    """Name a parsed issue: its newsletter (from the text, else its folder), key, date, story ids."""
    folder = _newsletter_folder(path, config.content_dir)
    slug, name = resolve_newsletter(parsed.newsletter, folder, config)
    date = parsed.date or config.issue_dates.get(_in_newsletters(path, config)) or _date_in_name(path.stem)
    key = issue_key(parsed.number, date.isoformat() if date else None, path.stem)
    slugs = story_slugs([s.title for s in parsed.stories])
    return IssuePlan(
        parsed=parsed,
        source=_relative(path, config.content_dir),
        newsletter=slug,
        newsletter_name=name,
        key=key,
        date=date,
        story_ids=tuple(f"{slug}/{key}/{s}" for s in slugs),
    )


def resolve_newsletter(name: str, folder: str | None, config: Config) -> tuple[str, str]:
    """(slug, display name): a configured newsletter whose name or alias matches, else the name the
    file gives, else the folder the file sits in under newsletters/."""
    wanted = name.casefold()
    for slug, section in sorted(config.newsletters.items()):
        if wanted and wanted in {n.casefold() for n in (section.name, *section.aliases)}:
            return slug, section.name
    if name:
        return slugify(name) or "unsorted", name
    if folder:
        section = config.newsletters.get(folder)
        return folder, section.name if section else folder.replace("-", " ").title()
    return "unsorted", "Unsorted"


def _newsletter_folder(path: Path, content_dir: Path) -> str | None:
    """The sub-folder of content/newsletters/ the file sits in, as a slug."""
    parts = _under_newsletters(path, content_dir)
    return slugify(parts[0]) if parts and len(parts) > 1 else None


def _in_newsletters(path: Path, config: Config) -> str:
    """The file's path under content/newsletters/ ("the-batch/2021-03-24.txt"), the key of
    [issue_dates] in the config."""
    parts = _under_newsletters(path, config.content_dir)
    return "/".join(parts) if parts else path.name


def _under_newsletters(path: Path, content_dir: Path) -> tuple[str, ...] | None:
    try:
        return path.resolve().relative_to((content_dir / "newsletters").resolve()).parts
    except ValueError:
        return None


def _relative(path: Path, content_dir: Path) -> str:
    return _relative_to(path, content_dir.resolve())


def _relative_to(path: Path, resolved_content_dir: Path) -> str:
    try:
        return path.resolve().relative_to(resolved_content_dir).as_posix()
    except ValueError:
        return path.as_posix()


def _date_in_name(stem: str) -> dt.date | None:
    match = _DATE_IN_NAME.search(stem)
    try:
        return dt.date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


def read_newsletter(path: Path) -> str:
    """A newsletter file's text."""
    return decode_newsletter(path.read_bytes(), path)


def decode_newsletter(data: bytes, path: Path) -> str:
    """A newsletter file's bytes as text, read as `Path.read_text` reads a file (universal
    newlines). An email export may carry 8-bit parts in charsets other than UTF-8; its undecodable
    bytes are kept as surrogate escapes, so the email form can encode the text back to the file's
    exact bytes and decode each part by its own charset."""
    errors = "surrogateescape" if path.suffix.lower() == ".eml" else "strict"
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors).read()


def read_and_plan(path: Path, config: Config, diagnostics: Diagnostics) -> IssuePlan | None:
    """Parse one newsletter file; a file that cannot be read or parsed is reported, not fatal."""
    parsed = parse_file(path, config)
    diagnostics.problems += parsed.record.problems
    return parsed.plan


def parse_file(path: Path, config: Config) -> ParsedFile:
    """Parse one newsletter file into its plan and the record the cache keeps of it. The bytes
    hashed are the bytes parsed, so a record never vouches for text it did not read."""
    diagnostics = Diagnostics()
    try:
        data: bytes | None = path.read_bytes()
    except OSError as error:
        data = None
        source = _relative(path, config.content_dir)
        diagnostics.error("parse", source, f"cannot read newsletter file: {error}")
    issue = None if data is None else _plan_bytes(data, path, config, diagnostics)
    # No bytes hash to "": an unreadable file's record matches nothing and it is read again.
    record = FileRecord("" if data is None else digest(data), issue.issue_id if issue else None,
                        tuple(diagnostics.problems))
    return ParsedFile(record, issue)


def _plan_bytes(data: bytes, path: Path, config: Config, diagnostics: Diagnostics) -> IssuePlan | None:
    source = _relative(path, config.content_dir)
    try:
        text = decode_newsletter(data, path)
    except UnicodeDecodeError as error:
        diagnostics.error("parse", source, f"cannot read newsletter file: {error}")
        return None
    from . import formats  # the parsers (BeautifulSoup): only for files not ingested yet

    try:
        parsed = formats.parse_text(text, path.name, formats.forms_from_config(config))
    except Exception as error:  # a parser bug must not stop the rest of the archive
        diagnostics.error("parse", source, f"parser failed: {type(error).__name__}: {error}")
        return None
    if not parsed.stories:
        diagnostics.warn("parse", source, "no stories found in this file")
    return plan(parsed, path, config)


def parse_files(paths: list[Path], config: Config, refresh: bool = False,
                workers: int | None = None) -> list[ParsedFile]:
    """Parse newsletter files, rendering the story files of each issue not ingested yet (of every
    issue, with refresh), spread over the cores (parallel.py), in the order of `paths`."""
    job = functools.partial(_prepare, config=config, refresh=refresh)
    return parallel.map_in_order(job, paths, min_items=PARALLEL_MIN_FILES, workers=workers)


def _prepare(path: Path, config: Config, refresh: bool) -> ParsedFile:
    """Parse a file, and render its story files when they are to be written: YAML is much of the
    writing's work, done here where it runs in parallel."""
    parsed = parse_file(path, config)
    if parsed.plan is None or (not refresh and _index_file(config.content_dir, parsed.plan.issue_id).exists()):
        return parsed
    return dataclasses.replace(parsed, files=issue_files(parsed.plan))


def ingest(config: Config, diagnostics: Diagnostics, refresh: bool = False) -> IngestReport:
    """Write story files for every newsletter file not ingested yet (all of them with refresh)."""
    report = IngestReport()
    claimed: dict[str, str] = {}  # issue id -> source that claimed it in this run
    cache, key = Cache(config.cache_dir), _cache_key(config)
    known: dict[str, FileRecord] = cache.load(CACHE_NAME, key) or {}
    records: dict[str, FileRecord] = {}
    for source, parsed in _parsed_files(config, known, refresh):
        records[source] = parsed.record
        diagnostics.problems += parsed.record.problems
        issue_id = parsed.record.issue_id
        if issue_id is None:
            continue
        if issue_id in claimed:
            diagnostics.warn("ingest", source, f"same issue as {claimed[issue_id]}; skipped")
            continue
        claimed[issue_id] = source
        if parsed.plan is None:  # the cache knows the issue is ingested, and refresh is off
            report.kept += 1
        else:
            _write_issue(parsed, config.content_dir, refresh, report, diagnostics)
    if records != known:
        cache.save(CACHE_NAME, key, records)
    return report


def _parsed_files(config: Config, known: dict[str, FileRecord],
                  refresh: bool) -> Iterator[tuple[str, ParsedFile]]:
    """(source, parsed file) for every newsletter file in order: from its cache record (with no
    plan) when parsing it again could change nothing, else parsed now."""
    content, resolved = config.content_dir, config.content_dir.resolve()
    sources = {path: _relative_to(path, resolved) for path in newsletter_files(content)}
    reused = {} if refresh else {
        path: ParsedFile(known[source], None)
        for path, source in sources.items() if source in known and _unchanged(path, known[source], content)
    }
    fresh = iter(parse_files([path for path in sources if path not in reused], config, refresh))
    for path, source in sources.items():
        yield source, reused[path] if path in reused else next(fresh)


def _unchanged(path: Path, record: FileRecord, content_dir: Path) -> bool:
    """Are the file's bytes the ones recorded, and is the issue they name ingested? (A file that
    could not be parsed names none, and has nothing to write.)"""
    try:
        if digest(path.read_bytes()) != record.digest:
            return False
    except OSError:
        return False  # parsed again, which reports why it cannot be read
    return record.issue_id is None or _index_file(content_dir, record.issue_id).exists()


def _index_file(content_dir: Path, issue_id: str) -> Path:
    """The issue's `_index.md`: once it is there, the issue is ingested."""
    return content_dir / "stories" / issue_id / storyfiles.ISSUE_FILE


def _cache_key(config: Config) -> str:
    """What a file's plan depends on besides its bytes and path: where the content is, and the
    configured newsletters, issue dates and described forms (the cache adds the code's version)."""
    return digest(str(config.content_dir.resolve()), repr(sorted(config.newsletters.items())),
                  repr(config.issue_dates), repr(config.forms))


def _write_issue(parsed: ParsedFile, content_dir: Path, refresh: bool, report: IngestReport,
                 diagnostics: Diagnostics) -> None:
    issue = parsed.plan
    assert issue is not None
    folder = content_dir / issue.folder
    if (folder / storyfiles.ISSUE_FILE).exists() and not refresh:
        report.kept += 1
        return
    wanted = issue_files(issue) if parsed.files is None else parsed.files
    existing = {p.name: p for p in folder.glob("*.md")} if folder.is_dir() else {}
    for name, path in sorted(existing.items()):
        if name not in wanted and not _edited(path, issue, diagnostics):
            path.unlink()
            report.removed += 1
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in wanted.items():
        path = folder / name
        if name in existing and _edited(path, issue, diagnostics):
            continue
        path.write_text(text, encoding="utf-8")
        report.written += 1


def _edited(path: Path, issue: IssuePlan, diagnostics: Diagnostics) -> bool:
    if not storyfiles.is_edited(path.read_text(encoding="utf-8")):
        return False
    diagnostics.warn("ingest", f"{issue.folder}/{path.name}", "edited by hand; kept as it is")
    return True


def issue_files(issue: IssuePlan) -> dict[str, str]:
    """File name -> text for the issue's `_index.md` and one file per story."""
    parsed = issue.parsed
    files = {storyfiles.ISSUE_FILE: storyfiles.dump(_issue_meta(issue), storyfiles.join_outro(parsed.intro, parsed.outro))}
    for position, (story, story_id) in enumerate(zip(parsed.stories, issue.story_ids), start=1):
        meta = {
            "id": story_id,
            "title": story.title,
            "dek": story.dek,
            "newsletter": issue.newsletter,
            "issue": issue.issue_id,
            "date": issue.date,
            "position": position,
            "tags": [],
            "sources": [{"title": s.title, "site": s.site, "url": s.url} for s in story.sources],
            "truncated": story.truncated,
            "source": issue.source,
            "source_line": story.line,
        }
        files[f"{position:02d}-{story_id.rsplit('/', 1)[1]}.md"] = storyfiles.dump(meta, story.body)
    return files


def _issue_meta(issue: IssuePlan) -> dict:
    parsed = issue.parsed
    return {
        "id": issue.issue_id,
        "newsletter": issue.newsletter,
        "newsletter_name": issue.newsletter_name,
        "number": parsed.number,
        "title": parsed.title,
        "date": issue.date,
        "url": parsed.url,
        "author": parsed.author,
        "source": issue.source,
        "format": parsed.format,
        "other_issues": [
            {"title": r.title, "number": r.number, "date": r.date} for r in parsed.other_issues
        ],
    }
