"""Render stage: Archive -> pages, through the theme's Jinja2 templates. Reads theme/; hands each
page to the write stage as it is made.

A theme folder need hold only what it changes: templates and static files it leaves out come from
the built-in theme (theme/ beside the package), and "default/NAME" names a built-in template.

Every template receives `site` (the [site] config), `page_path` (its own output path), `url(path)`
(a link to another output path, relative to this page), `static(name)` (a link to static/<name>),
the archive-wide globals set in `_environment`, and the objects of its page. Markdown (story
bodies, issue intros and outros, editors' notes) is converted once, for the one page that shows
it, so its `archive:ID` links are relative to that page. Output is a pure function of the archive,
the config and the theme: sorted iteration, no clock.

Every output file (template pages, feeds, the Markdown archive, the search index) is made by a
page job (depends.py), which templates and code read the archive through; a rebuild makes again
only the jobs whose inputs or dependencies changed. The templates' globals that are not tracked
(custom_css) are part of the build cache's key instead (themes.theme_key).
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from newsarchive import depends, feeds, markdown_archive, markup, publish, search, themes, urls, views
from newsarchive.cache import Cache, digest
from newsarchive.config import Config
from newsarchive.ids import slugify
from newsarchive.model import Archive, Note, Page, Story, issue_order
from newsarchive.views import (
    RATING_SCALE,
    Pages,
    TagPages,
    annotated_stories,
    by_year,
    by_year_and_month,
    date_label,
    neighbours,
    ref_of,
    stars,
    tag_cloud,
    tag_counts,
    tag_name,
    tag_pages,
    timeline,
)

HOME_ISSUES = 30  # newest issues listed on the home page; the newsletter pages list them all
HOME_TAGS = 24  # most-used tags on the home page
LEAD_WORDS = 40
_TEMPLATE_TAG = re.compile(r"""\{%[-+]?\s*(?:extends|include|import|from)\s+("[^"]*"|'[^']*'|[^\s%]+)""")
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")  # nh3 escapes ">" in values: [^>]* stays in the tag
SEARCH_ENTRY = "search"  # the build cache's entry of what the search index reuses (search.Kept)


@dataclass(frozen=True)
class Text:
    """Markdown converted once, for the page that shows it, and the excerpts listing pages show."""

    html: Markup
    plain: str  # its words, for the search index
    lead: str  # first words, for the issue page
    sentence: str  # first sentence, for tag pages and the annotated page


@dataclass(frozen=True)
class Orphan:
    """A note whose target is not in the archive, as the notes report explains it."""

    note: Note
    sentence: str
    suggestion: str  # the archive id closest to the note's target, "" when none is close


def render(archive: Archive, config: Config) -> list[Page]:
    """Every page of the site and the search index, sorted by path (static_pages gives the
    assets): a whole render, with nothing to reuse, every page in hand."""
    rendered = render_site(archive, config, output=lambda page: page)
    return sorted(rendered.paged.carried, key=lambda page: page.path)


@dataclass(frozen=True)
class Rendered:
    paged: depends.Paged  # how each job's pages were made (for the next render), how many anew
    markdown: dict[str, tuple[str, str]]  # the Markdown conversions it used, for the next render


def render_site(archive: Archive, config: Config, previous: depends.Made | None = None,
                reusable: Callable[[str], bool] = lambda path: False,
                markdown: Mapping[str, tuple[str, str]] | None = None,
                output: Callable[[Page], Page | None] = lambda page: page) -> Rendered:
    """Every page of the site, its feeds, the Markdown archive and the search index, each handed
    to `output` as it is made (see depends.Pager). A page whose record in `previous` still holds,
    and whose file `reusable` says is still as written, is kept and not made; a page that links
    other stories carries the map of them that link previews read."""
    renderer = markup.MarkdownRenderer(markdown)
    renderer.prepare([s.body for s in archive.stories] + [n.body for n in archive.notes.values()]
                     + [t for i in archive.issues for t in (i.intro, i.outro)])
    texts = _story_texts(archive, renderer, config)
    note_texts = _note_texts(archive, renderer, config)
    keys = search.link_keys(archive)
    tracker = depends.Tracker()
    env = _environment(config, archive, texts, note_texts, tracker)
    values = depends.Values(lambda name: _collection(archive, texts, note_texts, keys, name),
                            _calls(archive), _template_digests(env))
    templates = _Templates(env, config, tracker, keys)
    tracked_texts = depends.TrackedMapping(tracker, "texts", texts)
    tags = tag_pages(archive, config.tags.per_page)  # for the HTML pages and their Markdown twins
    pages = [templates.job(job) for job in _template_jobs(archive, config, renderer, tags)]
    jobs = [_search_job(tracked_texts, config), *pages]  # the costliest first (parallel.py)
    jobs += feeds.jobs(archive, config, [job.path for job in pages], tracked_texts)
    jobs += markdown_archive.jobs(archive, config, tags)
    pager = depends.Pager(tracker, depends.TrackedArchive(archive, tracker), values,
                          previous or depends.Made(), reusable, output)
    return Rendered(pager.pages(jobs), renderer.used)


def pages_at(archive: Archive, config: Config, paths: Collection[str]) -> list[Page]:
    """The template pages at `paths` (output paths; others are left out), as render_site makes
    them: for serve's previews (preview.py) of edited stories, and of a template edit, which
    shows the pages browsers visited first. Texts are converted as the pages ask for them (a
    few: the last build's conversions would take longer to read); nothing else is made and
    nothing is recorded."""
    renderer = markup.MarkdownRenderer()
    stories = _OnDemand(archive.story_by_id,
                        lambda key: _story_text(archive, renderer, config, archive.story_by_id[key]))
    notes = _OnDemand(set(_shown_notes(archive)), lambda key: _note_text(archive, renderer, config, key))
    tracker = depends.Tracker()
    templates = _Templates(_environment(config, archive, stories, notes, tracker), config, tracker,
                           search.link_keys(archive))
    wanted = set(paths)
    folders = {tag: posixpath.dirname(urls.tag_path(tag)) + "/" for tag in archive.tags}
    tags = [tag for tag, folder in folders.items() if any(path.startswith(folder) for path in wanted)]
    jobs = _template_jobs(archive, config, renderer, tag_pages(archive, config.tags.per_page, tags),
                          wanted.__contains__)
    return [templates.render(job) for job in jobs]


def _search_job(texts: Mapping[str, Text], config: Config) -> depends.PageJob:
    """The search index: one job, as every file of it depends on every story. What making it
    worked out is kept in the build cache (search.Kept; the offline copy, whose links differ,
    keeps its own), so a rebuild tokenises only the stories that changed. The job loads and
    saves it itself: it may run in a worker process. It reads the stories, the issues and
    newsletters their context lines name, and the tags: not the notes, related stories or
    backlinks, whose changes leave the index as it is."""
    offline = config.build.offline
    name = f"{SEARCH_ENTRY}-offline" if offline else SEARCH_ENTRY

    def make(view: depends.TrackedArchive) -> list[Page]:
        archive = view.whole("stories", "issues", "newsletters", "tags", "tag_names")
        cache = Cache(config.cache_dir)
        pages, kept = search.index(archive, _search_entries(archive, texts), offline, cache.load(name, ""))
        cache.save(name, "", kept)
        return pages

    return depends.PageJob(search.DATA_DIR, offline, make)


def _template_jobs(archive: Archive, config: Config, renderer: markup.MarkdownRenderer, tags: TagPages,
                   keep: Callable[[str], bool] = lambda path: True) -> list[TemplateJob]:
    """The template pages (those at the paths `keep` accepts: their objects alone are worked out)."""
    return [
        *_site_pages(archive, config, renderer, keep),
        *_story_pages(archive, keep),
        *_issue_pages(archive, config, renderer, keep),
        *_newsletter_pages(archive, keep),
        *_tag_pages(archive, tags, keep),
    ]


def _search_entries(archive: Archive, texts: Mapping[str, Text]) -> dict[str, search.Entry]:
    """What the search index and link previews show of each story: its context line and text."""
    return {story.id: search.Entry(views.story_ref(archive, story).context,
                                   texts[story.id].plain)
            for story in archive.stories}


def static_pages(config: Config) -> list[Page]:
    """Every file under the themes' static/ folders, plus the generated code-colour stylesheet."""
    files = themes.static_files(config)
    pages = [Page(f"static/{name}", files[name].read_bytes()) for name in sorted(files)]
    css = markup.pygments_css(config.site.code_style, config.site.code_style_dark).encode("utf-8")
    return [*pages, Page("static/pygments.css", css)]


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


def _text(renderer: markup.MarkdownRenderer, text: str, link: markup.ArchiveLink | None) -> Text:
    html, plain = renderer.converted(text, link)
    return Text(_with_alt(html), plain, markup.first_words(plain, LEAD_WORDS), markup.first_sentence(plain))


def _html(renderer: markup.MarkdownRenderer, text: str, link: markup.ArchiveLink | None) -> Markup:
    return _with_alt(renderer.html(text, link))


def _with_alt(html: str) -> Markup:
    """Markdown as a page shows it: an image the text gave no alt text is marked decorative
    (alt=""), so no <img> of a page lacks alt; `![](x.png)` already gives alt=""."""
    return Markup(_IMG_WITHOUT_ALT.sub('<img alt=""', html))


def _story_texts(archive: Archive, renderer: markup.MarkdownRenderer, config: Config) -> dict[str, Text]:
    """Each body converted once, for its story page; the listing pages use only its excerpts."""
    return {story.id: _story_text(archive, renderer, config, story) for story in archive.stories}


def _story_text(archive: Archive, renderer: markup.MarkdownRenderer, config: Config, story: Story) -> Text:
    return _text(renderer, story.body, _archive_link(archive, urls.story_path(story.id), config))


class _OnDemand(Mapping):
    """key -> make(key), made when first asked for: a page made alone reads a few of them."""

    def __init__(self, keys: Collection[str], make: Callable[[str], Text]):
        self._keys, self._make = keys, make
        self._made: dict[str, Text] = {}

    def __getitem__(self, key: str) -> Text:
        if key not in self._made:
            if key not in self._keys:
                raise KeyError(key)
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _note_texts(archive: Archive, renderer: markup.MarkdownRenderer, config: Config) -> dict[str, Text]:
    """Each note converted for the page of what it annotates (where the note is shown)."""
    return {target: _note_text(archive, renderer, config, target) for target in _shown_notes(archive)}


def _shown_notes(archive: Archive) -> list[str]:
    """The targets of the notes a page shows: those the archive has a page for."""
    return [target for target in sorted(archive.notes) if ref_of(archive, target)]


def _note_text(archive: Archive, renderer: markup.MarkdownRenderer, config: Config, target: str) -> Text:
    link = _archive_link(archive, ref_of(archive, target).path, config)
    return _text(renderer, archive.notes[target].body, link)


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
        jinja2.FileSystemLoader([theme / "templates" for theme in themes.theme_dirs(config)]),
        jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(themes.BUILTIN_THEME / "templates")}),
    ])


def _environment(config: Config, archive: Archive, texts: Mapping[str, Text], note_texts: Mapping[str, Text],
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
        bytecode_cache=_compiled_templates(config.cache_dir / "templates"),
    )
    env.filters.update(date_label=date_label, safe_url=markup.safe_url, slugify=slugify, stars=stars)
    calls = {name: depends.tracked_call(tracker, name, call) for name, call in _calls(archive).items()}
    env.globals.update(
        archive=depends.TrackedArchive(archive, tracker),
        texts=depends.TrackedMapping(tracker, "texts", texts),
        note_texts=depends.TrackedMapping(tracker, "note_texts", note_texts),
        ref=calls["ref"],
        refs=lambda ids: [found for found in map(calls["ref"], ids) if found],
        tag_name=calls["tag_name"],
        RATING_SCALE=RATING_SCALE,
        custom_css=themes.CUSTOM_CSS in themes.static_files(config),
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


def _compiled_templates(folder: Path) -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates, in the build cache: compiling the theme costs a
    small rebuild more than rendering its pages. None where the folder cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


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
    sources = {name: env.loader.get_source(env, name)[0] for name in env.list_templates()}
    refers = {name: _references(source) for name, source in sources.items()}
    return {name: digest(*(sources[n] for n in sorted(_closure(name, refers)) if n in sources))
            for name in sources}


def _references(source: str) -> set[str] | None:
    """The templates a template's source names; None when it names one by a variable (it may
    then use any of them)."""
    names = set()
    for argument in _TEMPLATE_TAG.findall(source):
        if argument[:1] not in "'\"" or argument[-1:] != argument[:1]:
            return None
        names.add(argument[1:-1])
    return names


def _closure(name: str, refers: dict[str, set[str] | None]) -> set[str]:
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            named = refers.get(current, set())
            todo += refers if named is None else named
    return found


@dataclass(frozen=True)
class TemplateJob:
    """One template page to render: its template, output path and the objects it is given."""

    template: str
    path: str
    objects: dict[str, Any]


class _Templates:
    """Template pages as page jobs: rendered with links relative to their path, and given the map
    of story links that link previews read."""

    def __init__(self, env: jinja2.Environment, config: Config, tracker: depends.Tracker,
                 search_keys: dict[str, str]):
        self.env, self.config, self.tracker = env, config, tracker
        self.story_links = search.StoryLinks(depends.TrackedMapping(tracker, "search_keys", search_keys))

    def job(self, job: TemplateJob) -> depends.PageJob:
        return depends.PageJob(job.path, (job.template, job.objects), lambda view: self.render(job))

    def render(self, job: TemplateJob) -> Page:
        self.tracker.note(("template", job.template))
        link = _linker(job.path, self.config)
        html = self.env.get_template(job.template).render(
            site=self.config.site,
            page_path=job.path,
            url=link,
            static=lambda name: link(f"static/{name}"),
            **job.objects,
        )
        return self.story_links.add_to(Page(job.path, html.encode("utf-8")))


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
    return urls.linker(path, offline)


# ---- pages -----------------------------------------------------------------------------------


def _site_pages(archive: Archive, config: Config, renderer: markup.MarkdownRenderer,
                keep: Callable[[str], bool]) -> Iterator[TemplateJob]:
    issues = sorted(archive.issues, key=issue_order)
    pages = {  # path -> template, and what it is given
        urls.HOME: ("index.html", lambda: dict(
            issues=issues[:HOME_ISSUES],
            newsletters=sorted(archive.newsletters, key=lambda n: (n.name.lower(), n.slug)),
            top_tags=tag_counts(archive)[:HOME_TAGS],
            download=publish.ZIP_NAME if config.build.zip and not config.build.offline else "",
        )),
        urls.ARCHIVE: ("archive.html", lambda: dict(years=by_year_and_month(issues))),
        urls.SEARCH: ("search.html", lambda: dict(tags=tag_cloud(archive))),
        urls.TAGS: ("tags.html", lambda: dict(tags=tag_cloud(archive))),
        urls.ANNOTATED: ("annotated.html", lambda: dict(notes=annotated_stories(archive))),
        "404.html": ("404.html", dict),
        # Always written, empty or not, so the footer's link to it never breaks.
        urls.NOTES_REPORT: ("notes_report.html", lambda: dict(orphans=orphans(archive, renderer))),
    }
    for path, (template, objects) in pages.items():
        if keep(path):
            yield TemplateJob(template, path, objects())


def _story_pages(archive: Archive, keep: Callable[[str], bool]) -> Iterator[TemplateJob]:
    ref = functools.cache(functools.partial(ref_of, archive))  # a story is related to several others
    for story in archive.stories:
        if keep(urls.story_path(story.id)):
            yield _story_page(archive, story, ref)


def _story_page(archive: Archive, story: Story, ref: Callable[[str], views.Ref | None]) -> TemplateJob:
    previous, following = neighbours(archive, story)
    return TemplateJob("story.html", urls.story_path(story.id), dict(
        story=story,
        issue=archive.issue_by_id[story.issue],
        newsletter=archive.newsletter_by_slug[story.newsletter],
        previous=previous,
        next=following,
        related=[(found, r.reason) for r in archive.related.get(story.id, ()) if (found := ref(r.story))],
    ))


def _issue_pages(archive: Archive, config: Config, renderer: markup.MarkdownRenderer,
                 keep: Callable[[str], bool]) -> Iterator[TemplateJob]:
    for issue in archive.issues:
        path = urls.issue_path(issue.id)
        if not keep(path):
            continue
        link = _archive_link(archive, path, config)
        yield TemplateJob("issue.html", path, dict(
            issue=issue,
            newsletter=archive.newsletter_by_slug[issue.newsletter],
            intro=_html(renderer, issue.intro, link),
            outro=_html(renderer, issue.outro, link),
            stories=archive.stories_by_issue.get(issue.id, ()),
        ))


def _newsletter_pages(archive: Archive, keep: Callable[[str], bool]) -> Iterator[TemplateJob]:
    for newsletter in archive.newsletters:
        path = urls.newsletter_path(newsletter.slug)
        if not keep(path):
            continue
        issues = sorted(archive.issues_by_newsletter.get(newsletter.slug, ()), key=issue_order)
        yield TemplateJob("newsletter.html", path, dict(
            feed=_feed_beside(path), newsletter=newsletter, years=by_year(issues), issue_count=len(issues)))


def _tag_pages(archive: Archive, tags: TagPages, keep: Callable[[str], bool]) -> Iterator[TemplateJob]:
    """A tag's stories by month, newest first, a fixed number to a page: an edit makes anew only
    the page that lists the story, and no page grows with the archive."""
    for tag, (pages, paths) in tags.items():
        shared = dict(tag=tag, name=tag_name(archive, tag), count=len(archive.tags[tag]),
                      feed=_feed_beside(paths[0]), timeline=timeline(pages, paths))
        for number, months in enumerate(pages, 1):
            if keep(paths[number - 1]):
                yield TemplateJob("tag.html", paths[number - 1], dict(
                    shared, months=months, pages=Pages(number, paths)))


def _feed_beside(path: str) -> str:
    """The feed of a newsletter's or tag's page, written beside its index.html."""
    return feeds.feed_path(posixpath.dirname(path))
