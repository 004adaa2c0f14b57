"""Output stage: Atom feeds (site-wide, per newsletter, per tag), sitemap.xml and robots.txt.

Feeds list the newest dated stories. Entry ids are URNs derived from story ids, so they stay the
same wherever the site is published; links are absolute when base_url is set and relative to the
feed otherwise. The sitemap needs absolute URLs, so it is written only when base_url is set.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from xml.sax.saxutils import escape, quoteattr

from . import urls
from .config import Config
from .depends import PageJob
from .model import Archive, Page, Story

FEED_SIZE = 50
_NAMESPACE = uuid.UUID("6f6c6b2e-7e3a-4d0e-9c55-0b1f4f6b7a10")  # fixed: ids must never change


def feed_path(scope: str = "") -> str:
    """"feed.xml" for the site, "<dir>/feed.xml" beside a newsletter's or tag's index page."""
    return f"{scope}/feed.xml" if scope else "feed.xml"


def jobs(archive: Archive, config: Config, page_paths: Iterable[str],
         texts: Mapping[str, object]) -> list[PageJob]:
    """Feeds for the site, each newsletter and each tag; robots.txt; sitemap.xml with a base_url.
    A feed shows each story's plain-text lead (`texts[id].lead`, as the render stage made it)."""
    def feed(path: str, title: str, stories: Callable[[Archive], Iterable[Story]]) -> PageJob:
        return PageJob(path, (path, title, config.site),
                       lambda view: _feed(view, config, texts, path, title, stories(view)))

    found = [feed(feed_path(), config.site.title, lambda view: view.stories)]
    for newsletter in archive.newsletters:
        folder = urls.newsletter_path(newsletter.slug).rsplit("/", 1)[0]
        found.append(feed(feed_path(folder), f"{newsletter.name} · {config.site.title}",
                          lambda view, slug=newsletter.slug: view.stories_by_newsletter.get(slug, ())))
    for tag in archive.tags:
        folder = urls.tag_path(tag).rsplit("/", 1)[0]
        found.append(feed(feed_path(folder), f"{archive.tag_names.get(tag, tag)} · {config.site.title}",
                          lambda view, tag=tag: [view.story_by_id[i] for i in view.tags[tag]]))
    robots = Page("robots.txt", _robots(config).encode())
    found.append(PageJob(robots.path, config.site, lambda view: robots))
    if config.site.base_url:
        paths = sorted(page_paths)
        found.append(PageJob("sitemap.xml", (config.site, paths),
                             lambda view: Page("sitemap.xml", _sitemap(config, paths).encode("utf-8"))))
    return found


def newest(stories: Iterable[Story], count: int = FEED_SIZE) -> list[Story]:
    dated = [s for s in stories if s.date]
    return sorted(dated, key=lambda s: (-s.date.toordinal(), s.id))[:count]


def _feed(archive: Archive, config: Config, texts: Mapping[str, object], path: str, title: str,
          stories: Iterable[Story]) -> Page:
    entries = newest(stories)
    updated = _timestamp(entries[0].date) if entries else "1970-01-01T00:00:00Z"
    link = _link(config, path)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(title)}</title>",
        f"  <id>urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed:' + path)}</id>",
        f"  <updated>{updated}</updated>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link(urls.HOME))}/>",
        f"  <link rel=\"self\" href={quoteattr(link(path))}/>",
        *(line for story in entries for line in _entry(archive, story, texts[story.id].lead, link)),
        "</feed>",
        "",
    ]
    return Page(path, "\n".join(lines).encode("utf-8"))


def _entry(archive: Archive, story: Story, summary: str, link) -> list[str]:
    newsletter = archive.newsletter_by_slug[story.newsletter].name
    return [
        "  <entry>",
        f"    <title>{escape(story.title)}</title>",
        f"    <id>urn:uuid:{uuid.uuid5(_NAMESPACE, story.id)}</id>",
        f"    <updated>{_timestamp(story.date)}</updated>",
        f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link(urls.story_path(story.id)))}/>",
        f"    <author><name>{escape(newsletter)}</name></author>",
        *(f"    <category term={quoteattr(tag)} label={quoteattr(archive.tag_names.get(tag, tag))}/>"
          for tag in story.tags),
        f"    <summary>{escape(summary)}</summary>",
        "  </entry>",
    ]


def _timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _link(config: Config, from_path: str):
    """Absolute links with a base_url; otherwise relative to the feed (what a reader resolves)."""
    if config.site.base_url:
        return lambda target: urls.absolute(config.site.base_url, target)
    return urls.linker(from_path)


def _robots(config: Config) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if config.site.base_url:
        lines.append(f"Sitemap: {config.site.base_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def _sitemap(config: Config, page_paths: Iterable[str]) -> str:
    link = _link(config, urls.HOME)
    html_pages = sorted(p for p in page_paths if p.endswith(".html") and p != "404.html")
    entries = [f"  <url><loc>{escape(link(p))}</loc></url>" for p in html_pages]
    return "\n".join([
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *entries,
        "</urlset>",
        "",
    ])
