"""What pages show of the archive, shared by the HTML pages (render.py) and the Markdown archive
(markdown_archive.py): the page an id names and how a link to it reads, display names and dates,
and the orders and groupings listing pages use. Pure functions of the archive.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsarchive import urls
from newsarchive.model import Archive, Issue, Note, Story, issue_order

TAG_SIZES = 5  # steps of the tag cloud: classes tag--s1 (least used) .. tag--s5 (most used)
RATING_SCALE = 5  # a note's rating is out of this many stars
MONTHS = tuple(
    "January February March April May June July August September October November December".split()
)


@dataclass(frozen=True, slots=True)
class Ref:
    """A page of the archive named by an id, as a link to it shows it."""

    id: str
    path: str  # output path
    title: str
    context: str  # what it is and where it comes from: "Import AI · #226 · 7 December 2020"


@dataclass(frozen=True, slots=True)
class TagSize:
    """One tag of the tag cloud."""

    slug: str
    name: str
    count: int
    size: int  # 1 .. TAG_SIZES, by how many stories the tag marks


@dataclass(frozen=True, slots=True)
class Month:
    """Stories of one month on a tag page's timeline."""

    label: str  # "March 2026", or "Undated"
    anchor: str  # "2026-03", or "undated"
    stories: list[Story]
    continued: bool = False  # the month began on the page before


@dataclass(frozen=True, slots=True)
class TimelineMonth:
    """A month on the timeline atop every page of a tag: a jump to where its stories begin."""

    label: str
    anchor: str
    count: int  # its stories, on all pages
    path: str  # the page its first story is on


@dataclass(frozen=True, slots=True)
class Pages:
    """Where one page of a list split over several pages stands among them."""

    number: int  # from 1
    paths: tuple[str, ...]  # every page's output path, the first page's first

    @property
    def newer(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def older(self) -> str | None:
        return self.paths[self.number] if self.number < len(self.paths) else None

    def window(self, around: int = 2) -> list[tuple[int, str] | None]:
        """(number, path) of the first page, the last and those within `around` of this one; None
        where pages are left out between them."""
        shown = sorted({1, len(self.paths), *range(self.number - around, self.number + around + 1)})
        found: list[tuple[int, str] | None] = []
        for number in (n for n in shown if 1 <= n <= len(self.paths)):
            if found and found[-1] is not None and found[-1][0] != number - 1:
                found.append(None)
            found.append((number, self.paths[number - 1]))
        return found


@dataclass(frozen=True, slots=True)
class IssueMonth:
    """Issues of one month on the archive page."""

    label: str  # "March", or "" for undated issues
    anchor: str  # "2026-03", or "undated"
    issues: list[Issue]


# ---- ids -------------------------------------------------------------------------------------


def ref_of(archive: Archive, target: str) -> Ref | None:
    """The page of a story, issue, newsletter or tag ("tags/<slug>") id; None when there is none.

    The one place an archive id becomes an output path: archive: links, notes' "see also",
    backlinks and related stories all go through it.
    """
    if target in archive.story_by_id:
        return story_ref(archive, archive.story_by_id[target])
    if target in archive.issue_by_id:
        issue = archive.issue_by_id[target]
        context = f"{archive.newsletter_by_slug[issue.newsletter].name} · {date_label(issue.date)}"
        return Ref(target, urls.issue_path(target), issue.title or target, context)
    if target in archive.newsletter_by_slug:
        name = archive.newsletter_by_slug[target].name
        return Ref(target, urls.newsletter_path(target), name, "Newsletter")
    tag = target.removeprefix("tags/")
    if target.startswith("tags/") and tag in archive.tags:
        return Ref(target, urls.tag_path(tag), tag_name(archive, tag), "Tag")
    return None


def story_ref(archive: Archive, story: Story) -> Ref:
    issue = archive.issue_by_id[story.issue]
    parts = [archive.newsletter_by_slug[story.newsletter].name, f"#{issue.number}" if issue.number else "",
             date_label(story.date)]
    return Ref(story.id, urls.story_path(story.id), story.title, " · ".join(p for p in parts if p))


def refs(archive: Archive, ids: Iterable[str]) -> list[Ref]:
    """The pages of those ids the archive has, in the given order."""
    found = (ref_of(archive, target) for target in ids)
    return [ref for ref in found if ref]


def tag_name(archive: Archive, tag: str) -> str:
    """A tag's display name ("AlphaFold"), its slug when enrich named none."""
    return archive.tag_names.get(tag, tag)


# ---- order -----------------------------------------------------------------------------------


def newest_first(date: dt.date | None) -> tuple[bool, int]:
    """Sort key part for dates: newest first, missing dates last."""
    return date is None, -date.toordinal() if date else 0


def story_order(archive: Archive) -> Callable[[Story], tuple]:
    """Sort key for stories from many issues: by their issue's order, then position within it."""
    return lambda story: (issue_order(archive.issue_by_id[story.issue]), story.position)


def tag_counts(archive: Archive) -> list[tuple[str, int]]:
    """(tag, number of stories), most used first, then by name."""
    counts = [(tag, len(ids)) for tag, ids in archive.tags.items()]
    return sorted(counts, key=lambda pair: (-pair[1], pair[0]))


def tag_cloud(archive: Archive) -> list[TagSize]:
    """Every tag, sorted by display name, sized 1..TAG_SIZES on a log scale of its story count
    (so a few very common tags do not shrink all the others to one size)."""
    counts = {tag: max(len(ids), 1) for tag, ids in archive.tags.items()}
    if not counts:
        return []
    low, high = math.log(min(counts.values())), math.log(max(counts.values()))
    scale = (TAG_SIZES - 1) / (high - low) if high > low else 0.0
    cloud = [TagSize(tag, tag_name(archive, tag), count, 1 + round((math.log(count) - low) * scale))
             for tag, count in counts.items()]
    return sorted(cloud, key=lambda t: (t.name.casefold(), t.slug))


def by_year(issues: list[Issue]) -> list[tuple[str, list[Issue]]]:
    """Issues (already in issue_order) grouped under "2020", "2019", ..., then "Undated"."""
    groups = itertools.groupby(issues, key=lambda i: str(i.date.year) if i.date else "Undated")
    return [(year, list(group)) for year, group in groups]


def by_year_and_month(issues: list[Issue]) -> list[tuple[str, list[IssueMonth]]]:
    """Issues (already in issue_order) grouped by year, then by month within it; undated last."""
    return [(year, _by_month_of(year, in_year)) for year, in_year in by_year(issues)]


def _by_month_of(year: str, issues: list[Issue]) -> list[IssueMonth]:
    groups = itertools.groupby(issues, key=lambda i: i.date.month if i.date else 0)
    return [_issue_month(year, month, list(group)) for month, group in groups]


def _issue_month(year: str, month: int, issues: list[Issue]) -> IssueMonth:
    if not month:
        return IssueMonth("", "undated", issues)
    return IssueMonth(MONTHS[month - 1], f"{year}-{month:02d}", issues)


def by_month(archive: Archive, stories: Iterable[Story]) -> list[Month]:
    """Stories grouped by month, newest month first, undated last; within a month newest first."""
    order = story_order(archive)
    ordered = sorted(stories, key=lambda s: (newest_first(s.date), order(s)))
    groups = itertools.groupby(ordered, key=lambda s: (s.date.year, s.date.month) if s.date else None)
    return [
        Month(f"{MONTHS[month[1] - 1]} {month[0]}", f"{month[0]}-{month[1]:02d}", list(group))
        if month else Month("Undated", "undated", list(group))
        for month, group in groups
    ]


def paginate(months: list[Month], per_page: int) -> list[list[Month]]:
    """Months (as by_month gives them) on pages of `per_page` stories: a month cut by the end of a
    page goes on, marked continued, at the top of the next. One page when there is no story."""
    pages: list[list[Month]] = []
    page: list[Month] = []
    room = per_page
    for month in months:
        stories, continued = month.stories, False
        while stories:
            if room == 0:
                pages.append(page)
                page, room = [], per_page
            page.append(Month(month.label, month.anchor, stories[:room], continued))
            stories, room, continued = stories[room:], max(room - len(stories), 0), True
    pages.append(page)
    return pages


TagPages = dict[str, tuple[list[list[Month]], tuple[str, ...]]]  # tag -> its pages' months, their paths


def tag_pages(archive: Archive, per_page: int, tags: Iterable[str] | None = None) -> TagPages:
    """Each tag's (or each of `tags`') stories by month, newest first, on pages of `per_page`
    stories, and the output path of each page (its index.html; the Markdown archive's index.md
    lies beside it)."""
    found: TagPages = {}
    for tag in sorted(archive.tags if tags is None else tags):
        pages = paginate(by_month(archive, (archive.story_by_id[i] for i in archive.tags[tag])), per_page)
        found[tag] = pages, tuple(urls.tag_path(tag, number) for number in range(1, len(pages) + 1))
    return found


def timeline(pages: list[list[Month]], paths: tuple[str, ...]) -> list[TimelineMonth]:
    """Every month of the pages, newest first, with its count and the page it begins on."""
    months: dict[str, TimelineMonth] = {}
    for page, path in zip(pages, paths, strict=True):
        for month in page:
            known = months.get(month.anchor)
            count, first = (known.count, known.path) if known else (0, path)
            months[month.anchor] = TimelineMonth(month.label, month.anchor, count + len(month.stories), first)
    return list(months.values())


def neighbours(archive: Archive, story: Story) -> tuple[Story | None, Story | None]:
    """The stories before and after this one in its issue."""
    siblings = archive.stories_by_issue[story.issue]
    index = siblings.index(story)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following


def annotated_stories(archive: Archive) -> list[Note]:
    """The notes on stories, newest note first, undated notes last, then by story id."""
    notes = [note for target, note in archive.notes.items() if target in archive.story_by_id]
    return sorted(notes, key=lambda n: (newest_first(n.date), n.target))


def date_label(date: dt.date | None) -> str:
    """A date as "5 August 2019", or "date unknown". Month names are spelt here, not by the locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}" if date else "date unknown"


def stars(rating: int) -> str:
    """A rating as filled and empty stars out of RATING_SCALE: 4 -> "★★★★☆"."""
    filled = min(max(rating, 0), RATING_SCALE)
    return "★" * filled + "☆" * (RATING_SCALE - filled)
