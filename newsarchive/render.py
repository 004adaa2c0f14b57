"""Render stage: Archive -> pages, through the theme's Jinja2 templates. Reads theme/, writes nothing.

Every template receives `site` (the [site] config), `page_path` (its own output path), `url(path)`
(a link to another output path, relative to this page), `static(name)` (a link to static/<name>),
the archive-wide globals set in `_environment`, and the objects of its page. Output is a pure
function of the archive, the config and the theme: sorted iteration, no clock.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from newsarchive import markup, urls
from newsarchive.config import Config
from newsarchive.model import Archive, Issue, Page, Story, issue_order

HOME_ISSUES = 30  # newest issues listed on the home page; the newsletter pages list them all
HOME_TAGS = 24  # most-used tags on the home page
LEAD_WORDS = 40
MONTHS = tuple(
    "January February March April May June July August September October November December".split()
)


@dataclass(frozen=True)
class StoryText:
    """A story body converted once, and the excerpts the listing pages show."""

    html: Markup
    lead: str  # first words, for the issue page
    sentence: str  # first sentence, for tag pages


def render(archive: Archive, config: Config) -> list[Page]:
    """Every page of the site, sorted by path (static_pages gives the assets)."""
    renderer = markup.MarkdownRenderer()
    env = _environment(config, archive, _story_texts(archive, renderer))
    pages = [
        *_site_pages(env, archive, config),
        *_story_pages(env, archive, config),
        *_issue_pages(env, archive, config, renderer),
        *_newsletter_pages(env, archive, config),
        *_tag_pages(env, archive, config),
    ]
    return sorted(pages, key=lambda page: page.path)


def static_pages(config: Config) -> list[Page]:
    """Every file under the theme's static/ folder, plus the generated code-colour stylesheet."""
    folder = config.theme_dir / "static"
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    pages = [Page(f"static/{p.relative_to(folder).as_posix()}", p.read_bytes()) for p in files]
    css = markup.pygments_css().encode("utf-8")
    return [*pages, Page("static/pygments.css", css)]


# ---- order -----------------------------------------------------------------------------------


def story_order(archive: Archive) -> Callable[[Story], tuple]:
    """Sort key for stories from many issues: by their issue's order, then position within it."""
    return lambda story: (issue_order(archive.issue_by_id[story.issue]), story.position)


def tag_counts(archive: Archive) -> list[tuple[str, int]]:
    """(tag, number of stories), most used first, then by name."""
    counts = [(tag, len(ids)) for tag, ids in archive.tags.items()]
    return sorted(counts, key=lambda pair: (-pair[1], pair[0]))


def by_year(issues: list[Issue]) -> list[tuple[str, list[Issue]]]:
    """Issues (already in issue_order) grouped under "2020", "2019", ..., then "Undated"."""
    groups = itertools.groupby(issues, key=lambda i: str(i.date.year) if i.date else "Undated")
    return [(year, list(group)) for year, group in groups]


def neighbours(archive: Archive, story: Story) -> tuple[Story | None, Story | None]:
    """The stories before and after this one in its issue."""
    siblings = archive.stories_by_issue[story.issue]
    index = siblings.index(story)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following


# ---- templates -------------------------------------------------------------------------------


def date_label(date: dt.date | None) -> str:
    """A date as "5 August 2019", or "date unknown". Month names are spelt here, not by the locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}" if date else "date unknown"


def _story_texts(archive: Archive, renderer: markup.MarkdownRenderer) -> dict[str, StoryText]:
    """Each body converted once, however many pages show it."""
    texts = {}
    for story in archive.stories:
        html = renderer.html(story.body)
        plain = markup.plain_text(html)
        texts[story.id] = StoryText(
            Markup(html), markup.first_words(plain, LEAD_WORDS), markup.first_sentence(plain)
        )
    return texts


def _environment(config: Config, archive: Archive, texts: dict[str, StoryText]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.theme_dir / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(date_label=date_label, safe_url=markup.safe_url)
    env.globals.update(
        archive=archive,
        texts=texts,
        story_path=urls.story_path,
        issue_path=urls.issue_path,
        newsletter_path=urls.newsletter_path,
        tag_path=urls.tag_path,
        HOME=urls.HOME,
        TAGS=urls.TAGS,
    )
    return env


def _page(env: jinja2.Environment, template: str, path: str, config: Config, **objects) -> Page:
    """Render one template to the page at `path`, with links relative to that path."""
    link = _linker(path, config)
    html = env.get_template(template).render(
        site=config.site,
        page_path=path,
        url=link,
        static=lambda name: link(f"static/{name}"),
        **objects,
    )
    return Page(path, html.encode("utf-8"))


def _linker(path: str, config: Config) -> Callable[[str], str]:
    """Links from the page at `path`. The host serves 404.html at whatever URL was missing, so
    relative links there would break; with a known base_url it links absolutely instead."""
    offline = config.build.offline
    if path == "404.html" and config.site.base_url:
        base = config.site.base_url.rstrip("/") + "/"
        return lambda target: urljoin(base, urls.relative(urls.HOME, target, offline))
    return lambda target: urls.relative(path, target, offline)


# ---- pages -----------------------------------------------------------------------------------


def _site_pages(env: jinja2.Environment, archive: Archive, config: Config) -> Iterator[Page]:
    issues = sorted(archive.issues, key=issue_order)
    yield _page(
        env,
        "index.html",
        urls.HOME,
        config,
        issues=issues[:HOME_ISSUES],
        newsletters=sorted(archive.newsletters, key=lambda n: (n.name.lower(), n.slug)),
        top_tags=tag_counts(archive)[:HOME_TAGS],
    )
    yield _page(env, "tags.html", urls.TAGS, config, tags=sorted(tag_counts(archive)))
    yield _page(env, "404.html", "404.html", config)


def _story_pages(env: jinja2.Environment, archive: Archive, config: Config) -> Iterator[Page]:
    for story in archive.stories:
        issue = archive.issue_by_id[story.issue]
        previous, following = neighbours(archive, story)
        yield _page(
            env,
            "story.html",
            urls.story_path(story.id),
            config,
            story=story,
            issue=issue,
            newsletter=archive.newsletter_by_slug[story.newsletter],
            previous=previous,
            next=following,
        )


def _issue_pages(
    env: jinja2.Environment, archive: Archive, config: Config, renderer: markup.MarkdownRenderer
) -> Iterator[Page]:
    for issue in archive.issues:
        yield _page(
            env,
            "issue.html",
            urls.issue_path(issue.id),
            config,
            issue=issue,
            newsletter=archive.newsletter_by_slug[issue.newsletter],
            intro=Markup(renderer.html(issue.intro)),
            stories=archive.stories_by_issue.get(issue.id, ()),
        )


def _newsletter_pages(env: jinja2.Environment, archive: Archive, config: Config) -> Iterator[Page]:
    for newsletter in archive.newsletters:
        issues = sorted(archive.issues_by_newsletter.get(newsletter.slug, ()), key=issue_order)
        yield _page(
            env,
            "newsletter.html",
            urls.newsletter_path(newsletter.slug),
            config,
            newsletter=newsletter,
            years=by_year(issues),
            issue_count=len(issues),
        )


def _tag_pages(env: jinja2.Environment, archive: Archive, config: Config) -> Iterator[Page]:
    order = story_order(archive)
    for tag, ids in sorted(archive.tags.items()):
        stories = sorted((archive.story_by_id[i] for i in ids), key=order)
        yield _page(env, "tag.html", urls.tag_path(tag), config, tag=tag, stories=stories)
