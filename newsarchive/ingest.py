"""Ingest stage: newsletter files -> per-story Markdown files under content/stories/.

Each newsletter file is parsed (formats/), its newsletter and issue named, and every story written
as content/stories/<newsletter>/<issue>/<NN>-<slug>.md beside the issue's `_index.md`. Ingest adds
new issues and never touches an existing one unless asked (`refresh`); then it replaces only the
files a person has not edited and reports the ones it kept. Editors' notes live in content/notes/
and are never touched here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from . import formats, storyfiles
from .config import Config
from .diagnostics import Diagnostics
from .ids import issue_key, slugify, story_slugs
from .model import ParsedIssue

NEWSLETTER_SUFFIXES = (".txt", ".md", ".markdown", ".eml", ".html", ".htm")
_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


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
    try:
        return path.resolve().relative_to(content_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _date_in_name(stem: str) -> dt.date | None:
    match = _DATE_IN_NAME.search(stem)
    try:
        return dt.date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


def read_newsletter(path: Path) -> str:
    """A newsletter file's text. An email export may carry 8-bit parts in charsets other than
    UTF-8; its undecodable bytes are kept as surrogate escapes, so the email form can encode the
    text back to the file's exact bytes and decode each part by its own charset."""
    errors = "surrogateescape" if path.suffix.lower() == ".eml" else "strict"
    return path.read_text(encoding="utf-8", errors=errors)


def read_and_plan(path: Path, config: Config, diagnostics: Diagnostics) -> IssuePlan | None:
    """Parse one newsletter file; a file that cannot be read or parsed is reported, not fatal."""
    source = _relative(path, config.content_dir)
    try:
        text = read_newsletter(path)
    except (OSError, UnicodeDecodeError) as error:
        diagnostics.error("parse", source, f"cannot read newsletter file: {error}")
        return None
    try:
        parsed = formats.parse_text(text, path.name, formats.forms_from_config(config))
    except Exception as error:  # a parser bug must not stop the rest of the archive
        diagnostics.error("parse", source, f"parser failed: {type(error).__name__}: {error}")
        return None
    if not parsed.stories:
        diagnostics.warn("parse", source, "no stories found in this file")
    return plan(parsed, path, config)


def ingest(config: Config, diagnostics: Diagnostics, refresh: bool = False) -> IngestReport:
    """Write story files for every newsletter file not ingested yet (all of them with refresh)."""
    report = IngestReport()
    claimed: dict[str, str] = {}  # issue id -> source that claimed it in this run
    for path in newsletter_files(config.content_dir):
        issue = read_and_plan(path, config, diagnostics)
        if issue is None:
            continue
        if issue.issue_id in claimed:
            diagnostics.warn("ingest", issue.source, f"same issue as {claimed[issue.issue_id]}; skipped")
            continue
        claimed[issue.issue_id] = issue.source
        _write_issue(issue, config.content_dir, refresh, report, diagnostics)
    return report


def _write_issue(issue: IssuePlan, content_dir: Path, refresh: bool, report: IngestReport,
                 diagnostics: Diagnostics) -> None:
    folder = content_dir / issue.folder
    if (folder / storyfiles.ISSUE_FILE).exists() and not refresh:
        report.kept += 1
        return
    wanted = issue_files(issue)
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
