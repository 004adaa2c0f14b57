"""Render stage: Archive -> pages, through the theme's Jinja2 templates. Reads theme/, writes nothing.

A theme folder need hold only what it changes: templates and static files it leaves out come from
the built-in theme (theme/ beside the package), and "default/NAME" names a built-in template.

Every template receives `site` (the [site] config), `page_path` (its own output path), `url(path)`
(a link to another output path, relative to this page), `static(name)` (a link to static/<name>),
the archive-wide globals set in `_environment`, and the objects of its page. Markdown (story
bodies, issue intros and outros, editors' notes) is converted once, for the one page that shows
it, so its `archive:ID` links are relative to that page. Output is a pure function of the archive,
the config and the theme: sorted iteration, no clock.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import math
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
from jinja2 import meta
from markupsafe import Markup

from newsarchive import depends, feeds, markup, publish, search, urls
from newsarchive.cache import digest
from newsarchive.config import Config
from newsarchive.ids import slugify
from newsarchive.model import Archive, Issue, KeptPage, Note, Page, Story, issue_order

HOME_ISSUES = 30  # newest issues listed on the home page; the newsletter pages list them all
HOME_TAGS = 24  # most-used tags on the home page
LEAD_WORDS = 40
TAG_SIZES = 5  # steps of the tag cloud: classes tag--s1 (least used) .. tag--s5 (most used)
RATING_SCALE = 5  # a note's rating is out of this many stars
MONTHS = tuple(
    "January February March April May June July August September October November December".split()
)
BUILTIN_THEME = Path(__file__).resolve().parent.parent / "theme"  # what a theme leaves out comes from here
CUSTOM_CSS = "custom.css"  # a theme's static/custom.css is linked after style.css, to restyle by variables
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")  # nh3 escapes ">" in values: [^>]* stays in the tag


@dataclass(frozen=True)
class Text:
    """Markdown converted once, for the page that shows it, and the excerpts listing pages show."""

    html: Markup
    lead: str  # first words, for the issue page
    sentence: str  # first sentence, for tag pages and the annotated page


@dataclass(frozen=True)
class Ref:
    """A page of the archive named by an id, as a link to it shows it."""

    id: str
    path: str  # output path
    title: str
    context: str  # what it is and where it comes from: "Import AI · #226 · 7 December 2020"


@dataclass(frozen=True)
class TagSize:
    """One tag of the tag cloud."""

    slug: str
    name: str
    count: int
    size: int  # 1 .. TAG_SIZES, by how many stories the tag marks


@dataclass(frozen=True)
class Month:
    """Stories of one month on a tag page's timeline."""

    label: str  # "March 2026", or "Undated"
    anchor: str  # "2026-03", or "undated"
    stories: list[Story]


@dataclass(frozen=True)
class IssueMonth:
    """Issues of one month on the archive page."""

    label: str  # "March", or "" for undated issues
    anchor: str  # "2026-03", or "undated"
    issues: list[Issue]


@dataclass(frozen=True)
class Orphan:
    """A note whose target is not in the archive, as the notes report explains it."""

    note: Note
    sentence: str
    suggestion: str  # the archive id closest to the note's target, "" when none is close


def render(archive: Archive, config: Config) -> list[Page]:
    """Every page of the site and the search index, sorted by path (static_pages gives the
    assets): a whole render, with nothing to reuse."""
    return [page for page in render_site(archive, config).pages if isinstance(page, Page)]


@dataclass(frozen=True)
class PageRecord:
    """What one page was made from: the digest of the objects its template was given, and its
    dependencies (depends.py) with the digest of their values at the time."""

    inputs: str
    deps: tuple[depends.Dep, ...]
    deps_digest: str


@dataclass(frozen=True)
class Rendered:
    pages: list[Page | KeptPage]  # sorted by path
    records: dict[str, PageRecord]  # template pages only: path -> what it was made from
    markdown: dict[str, str]  # the Markdown conversions this render used, for the next one


def render_site(archive: Archive, config: Config, previous: Mapping[str, PageRecord] | None = None,
                reusable: Callable[[str], bool] = lambda path: False,
                markdown_memo: Mapping[str, str] | None = None) -> Rendered:
    """Every page of the site and the search index. A template page whose record in `previous`
    still holds, and whose file `reusable` says is still as written, is a KeptPage; a page that
    links other stories carries the map of them that link previews read."""
    renderer = markup.MarkdownRenderer(markdown_memo)
    texts = _story_texts(archive, renderer, config)
    note_texts = _note_texts(archive, renderer, config)
    keys = search.link_keys(archive)
    tracker = depends.Tracker()
    env = _environment(config, archive, texts, note_texts, tracker)
    values = depends.Values(lambda name: _collection(archive, texts, note_texts, keys, name),
                            _calls(archive), _template_digests(env))
    jobs = [
        *_site_pages(archive, config),
        _report_page(archive, renderer),
        *_story_pages(archive),
        *_issue_pages(archive, config, renderer),
        *_newsletter_pages(archive),
        *_tag_pages(archive),
    ]
    pager = _Pager(env, config, tracker, values, previous or {}, reusable, keys)
    pages: list[Page | KeptPage] = [pager.page(job) for job in jobs]
    pages += search.index_pages(archive, _search_entries(archive, texts), config.build.offline)
    leads = {story_id: text.lead for story_id, text in texts.items()}
    pages += feeds.output_pages(archive, config, [page.path for page in pages], leads)
    return Rendered(sorted(pages, key=lambda page: page.path), pager.records, renderer.used)


def _search_entries(archive: Archive, texts: dict[str, Text]) -> dict[str, search.Entry]:
    """What the search index and link previews show of each story: its context line and text."""
    return {story.id: search.Entry(_story_ref(archive, story).context,
                                   markup.plain_text(texts[story.id].html))
            for story in archive.stories}


def static_pages(config: Config) -> list[Page]:
    """Every file under the themes' static/ folders, plus the generated code-colour stylesheet."""
    files = _static_files(config)
    pages = [Page(f"static/{name}", files[name].read_bytes()) for name in sorted(files)]
    css = markup.pygments_css(config.site.code_style, config.site.code_style_dark).encode("utf-8")
    return [*pages, Page("static/pygments.css", css)]


def theme_key(config: Config) -> str:
    """What of the theme every page depends on beyond its templates (which pages track one by one)."""
    return f"custom_css={CUSTOM_CSS in _static_files(config)}"


def theme_dirs(config: Config) -> list[Path]:
    """The theme folders, most specific first: the configured theme, then the built-in one, which
    gives every template and static file the configured theme leaves out."""
    return list(dict.fromkeys([config.theme_dir.resolve(), BUILTIN_THEME]))


def _static_files(config: Config) -> dict[str, Path]:
    """Name under static/ -> file; the configured theme's files win over the built-in theme's."""
    files: dict[str, Path] = {}
    for theme in reversed(theme_dirs(config)):
        folder = theme / "static"
        if folder.is_dir():
            files.update((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())
    return files


# ---- ids -------------------------------------------------------------------------------------


def ref_of(archive: Archive, target: str) -> Ref | None:
    """The page of a story, issue, newsletter or tag ("tags/<slug>") id; None when there is none.

    The one place an archive id becomes an output path: archive: links, notes' "see also",
    backlinks and related stories all go through it.
    """
    if target in archive.story_by_id:
        return _story_ref(archive, archive.story_by_id[target])
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


def _story_ref(archive: Archive, story: Story) -> Ref:
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


def orphans(archive: Archive, renderer: markup.MarkdownRenderer) -> list[Orphan]:
    """The notes whose target is gone, each with the closest id the archive does have."""
    known = sorted({*archive.story_by_id, *archive.issue_by_id, *archive.newsletter_by_slug,
                    *(f"tags/{tag}" for tag in archive.tags)})
    found = []
    for note in sorted(archive.orphan_notes, key=lambda n: (n.path, n.target)):
        close = difflib.get_close_matches(note.target, known, n=1)
        found.append(Orphan(note, _text(renderer, note.body, None).sentence, close[0] if close else ""))
    return found


# ---- text ------------------------------------------------------------------------------------


def date_label(date: dt.date | None) -> str:
    """A date as "5 August 2019", or "date unknown". Month names are spelt here, not by the locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}" if date else "date unknown"


def stars(rating: int) -> str:
    """A rating as filled and empty stars out of RATING_SCALE: 4 -> "★★★★☆"."""
    filled = min(max(rating, 0), RATING_SCALE)
    return "★" * filled + "☆" * (RATING_SCALE - filled)


def _text(renderer: markup.MarkdownRenderer, text: str, link: markup.ArchiveLink | None) -> Text:
    html = _html(renderer, text, link)
    plain = markup.plain_text(html)
    return Text(html, markup.first_words(plain, LEAD_WORDS), markup.first_sentence(plain))


def _html(renderer: markup.MarkdownRenderer, text: str, link: markup.ArchiveLink | None) -> Markup:
    """Markdown as a page shows it: an image the text gave no alt text is marked decorative
    (alt=""), so no <img> of a page lacks alt; `![](x.png)` already gives alt=""."""
    return Markup(_IMG_WITHOUT_ALT.sub('<img alt=""', renderer.html(text, link)))


def _story_texts(archive: Archive, renderer: markup.MarkdownRenderer, config: Config) -> dict[str, Text]:
    """Each body converted once, for its story page; the listing pages use only its excerpts."""
    return {story.id: _text(renderer, story.body, _archive_link(archive, urls.story_path(story.id), config))
            for story in archive.stories}


def _note_texts(archive: Archive, renderer: markup.MarkdownRenderer, config: Config) -> dict[str, Text]:
    """Each note converted for the page of what it annotates (where the note is shown)."""
    texts = {}
    for target, note in sorted(archive.notes.items()):
        page = ref_of(archive, target)
        if page:
            texts[target] = _text(renderer, note.body, _archive_link(archive, page.path, config))
    return texts


def _archive_link(archive: Archive, page: str, config: Config) -> markup.ArchiveLink:
    """archive:ID -> the link from `page` to ID's page, or None when the archive has no ID."""
    link = _linker(page, config)

    def archive_link(target: str) -> str | None:
        ref = ref_of(archive, target)
        return link(ref.path) if ref else None

    return archive_link


# ---- templates -------------------------------------------------------------------------------


def _loader(config: Config) -> jinja2.BaseLoader:
    """Templates from the configured theme, else the built-in one; "default/NAME" is always the
    built-in template, so a theme's own base.html can extend "default/base.html"."""
    return jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([theme / "templates" for theme in theme_dirs(config)]),
        jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(BUILTIN_THEME / "templates")}),
    ])


def _environment(config: Config, archive: Archive, texts: dict[str, Text], note_texts: dict[str, Text],
                 tracker: depends.Tracker) -> jinja2.Environment:
    """The templates' environment. What they may read of the archive goes through recording
    views, so each page's dependencies are known (depends.py)."""
    env = jinja2.Environment(
        loader=_loader(config),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(date_label=date_label, safe_url=markup.safe_url, slugify=slugify, stars=stars)
    calls = {name: depends.tracked_call(tracker, name, function) for name, function in _calls(archive).items()}
    env.globals.update(
        archive=depends.TrackedArchive(archive, tracker),
        texts=depends.TrackedMapping(tracker, "texts", texts),
        note_texts=depends.TrackedMapping(tracker, "note_texts", note_texts),
        ref=calls["ref"],
        refs=lambda ids: [found for found in map(calls["ref"], ids) if found],
        tag_name=calls["tag_name"],
        RATING_SCALE=RATING_SCALE,
        custom_css=CUSTOM_CSS in _static_files(config),
        public_url=lambda path: _public_url(config, path),
        story_path=urls.story_path,
        issue_path=urls.issue_path,
        newsletter_path=urls.newsletter_path,
        tag_path=urls.tag_path,
        HOME=urls.HOME,
        TAGS=urls.TAGS,
        ANNOTATED=urls.ANNOTATED,
        NOTES_REPORT=urls.NOTES_REPORT,
        ARCHIVE=urls.ARCHIVE,
        SEARCH=urls.SEARCH,
        FEED=feeds.feed_path(),
    )
    return env


def _calls(archive: Archive) -> dict[str, Callable]:
    """The template globals that look the archive up, untracked."""
    return {"ref": lambda target: ref_of(archive, target), "tag_name": lambda tag: tag_name(archive, tag)}


def _collection(archive: Archive, texts: dict[str, Text], note_texts: dict[str, Text],
                search_keys: dict[str, str], name: str) -> object:
    """What a dependency named `name` refers to (depends.Values asks)."""
    own = {"texts": texts, "note_texts": note_texts, "search_keys": search_keys}
    return own[name] if name in own else getattr(archive, name)


def _template_digests(env: jinja2.Environment) -> dict[str, str]:
    """Template name -> digest of its source and of every template it extends, includes or
    imports, so that a template edit renders again just the pages made with it."""
    sources: dict[str, str] = {}
    refers: dict[str, set[str]] = {}
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0]
        sources[name] = source
        try:
            refers[name] = {n for n in meta.find_referenced_templates(env.parse(source)) if n}
        except jinja2.TemplateSyntaxError:
            refers[name] = set()  # reported when a page uses it
    return {name: digest(*(sources[n] for n in sorted(_closure(name, refers)) if n in sources))
            for name in sources}


def _closure(name: str, refers: dict[str, set[str]]) -> set[str]:
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo += refers.get(current, ())
    return found


@dataclass(frozen=True)
class PageJob:
    """One template page to render: its template, output path and the objects it is given."""

    template: str
    path: str
    objects: dict[str, Any]


class _Pager:
    """Renders page jobs, or keeps the page already written when nothing it was made from changed."""

    def __init__(self, env: jinja2.Environment, config: Config, tracker: depends.Tracker,
                 values: depends.Values, previous: Mapping[str, PageRecord], reusable: Callable[[str], bool],
                 search_keys: dict[str, str]):
        self.env, self.config, self.tracker, self.values = env, config, tracker, values
        self.previous, self.reusable = previous, reusable
        self.search_keys = depends.TrackedMapping(tracker, "search_keys", search_keys)
        self.records: dict[str, PageRecord] = {}
        self._memo: dict[int, str] = {}

    def page(self, job: PageJob) -> Page | KeptPage:
        inputs = depends.fingerprint((job.template, job.objects), self._memo)
        old = self.previous.get(job.path)
        if (old and old.inputs == inputs and self.reusable(job.path)
                and self.values.combined(old.deps) == old.deps_digest):
            self.records[job.path] = old
            return KeptPage(job.path)
        self.tracker.take()
        page = search.with_story_links(self._render(job), self.search_keys)
        deps = tuple(sorted(self.tracker.take() | {("template", job.template)}, key=repr))
        self.records[job.path] = PageRecord(inputs, deps, self.values.combined(deps))
        return page

    def _render(self, job: PageJob) -> Page:
        """Render one template to the page at its path, with links relative to that path."""
        link = _linker(job.path, self.config)
        html = self.env.get_template(job.template).render(
            site=self.config.site,
            page_path=job.path,
            url=link,
            static=lambda name: link(f"static/{name}"),
            **job.objects,
        )
        return Page(job.path, html.encode("utf-8"))


def _public_url(config: Config, path: str) -> str:
    """The page's address on the published site, for rel=canonical and Open Graph: "" without a
    base_url, and in an offline copy, which is read from disk wherever the reader put it."""
    if not config.site.base_url or config.build.offline:
        return ""
    return urls.absolute(config.site.base_url, path)


def _linker(path: str, config: Config) -> Callable[[str], str]:
    """Links from the page at `path`. The host serves 404.html at whatever URL was missing, so
    relative links there would break; with a known base_url it links absolutely instead."""
    offline = config.build.offline
    if path == "404.html" and config.site.base_url:
        base = config.site.base_url.rstrip("/") + "/"
        return lambda target: urljoin(base, urls.relative(urls.HOME, target, offline))
    return lambda target: urls.relative(path, target, offline)


# ---- pages -----------------------------------------------------------------------------------


def _site_pages(archive: Archive, config: Config) -> Iterator[PageJob]:
    issues = sorted(archive.issues, key=issue_order)
    yield PageJob("index.html", urls.HOME, dict(
        issues=issues[:HOME_ISSUES],
        newsletters=sorted(archive.newsletters, key=lambda n: (n.name.lower(), n.slug)),
        top_tags=tag_counts(archive)[:HOME_TAGS],
        download=publish.ZIP_NAME if config.build.zip and not config.build.offline else "",
    ))
    yield PageJob("archive.html", urls.ARCHIVE, dict(years=by_year_and_month(issues)))
    yield PageJob("search.html", urls.SEARCH, dict(tags=tag_cloud(archive)))
    yield PageJob("tags.html", urls.TAGS, dict(tags=tag_cloud(archive)))
    yield PageJob("annotated.html", urls.ANNOTATED, dict(notes=annotated_stories(archive)))
    yield PageJob("404.html", "404.html", {})


def _report_page(archive: Archive, renderer: markup.MarkdownRenderer) -> PageJob:
    """Always written, empty or not, so the footer's link to it never breaks."""
    return PageJob("notes_report.html", urls.NOTES_REPORT, dict(orphans=orphans(archive, renderer)))


def _story_pages(archive: Archive) -> Iterator[PageJob]:
    for story in archive.stories:
        previous, following = neighbours(archive, story)
        yield PageJob("story.html", urls.story_path(story.id), dict(
            story=story,
            issue=archive.issue_by_id[story.issue],
            newsletter=archive.newsletter_by_slug[story.newsletter],
            previous=previous,
            next=following,
            related=[(ref, r.reason) for r in archive.related.get(story.id, ())
                     if (ref := ref_of(archive, r.story))],
        ))


def _issue_pages(archive: Archive, config: Config, renderer: markup.MarkdownRenderer) -> Iterator[PageJob]:
    for issue in archive.issues:
        path = urls.issue_path(issue.id)
        link = _archive_link(archive, path, config)
        yield PageJob("issue.html", path, dict(
            issue=issue,
            newsletter=archive.newsletter_by_slug[issue.newsletter],
            intro=_html(renderer, issue.intro, link),
            outro=_html(renderer, issue.outro, link),
            stories=archive.stories_by_issue.get(issue.id, ()),
        ))


def _newsletter_pages(archive: Archive) -> Iterator[PageJob]:
    for newsletter in archive.newsletters:
        issues = sorted(archive.issues_by_newsletter.get(newsletter.slug, ()), key=issue_order)
        path = urls.newsletter_path(newsletter.slug)
        yield PageJob("newsletter.html", path, dict(
            feed=_feed_beside(path), newsletter=newsletter, years=by_year(issues), issue_count=len(issues)))


def _tag_pages(archive: Archive) -> Iterator[PageJob]:
    for tag, ids in sorted(archive.tags.items()):
        months = by_month(archive, (archive.story_by_id[i] for i in ids))
        path = urls.tag_path(tag)
        yield PageJob("tag.html", path, dict(
            tag=tag, name=tag_name(archive, tag), months=months, count=len(ids), feed=_feed_beside(path)))


def _feed_beside(path: str) -> str:
    """The feed of a newsletter's or tag's page, written beside its index.html."""
    return feeds.feed_path(posixpath.dirname(path))
