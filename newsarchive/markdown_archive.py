"""Render stage, Markdown side: the enriched archive as Markdown files beside the HTML pages.

One job: Archive -> `index.md` pages. The story files under content/stories/ are sources people
edit, so the build never rewrites them; what enrich adds (tags, issue mentions and [[wiki links]]
as links, related stories, backlinks, editors' notes) is written here as build output instead.
Every story, issue, newsletter and tag folder gets an index.md beside its index.html, and the site
root and tags/ get one listing what is there, so the Markdown alone is a browsable archive.

Each file is YAML front matter (keys in a fixed order, frontmatter.dump) and a Markdown body. Every
`[label](archive:ID)` link points at ID's index.md, relative and naming the file, so links work
when the folder is read from disk; an unknown ID keeps only its label, as on the HTML pages.
Tags in front matter are slugs (the tags/<slug>/ folder's name, stable when a display name
changes); the body shows them by display name. Newsletter text stays as it was: this is Markdown,
not HTML, and whatever shows it must sanitise it as it would any Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from newsarchive import frontmatter, markup, urls, views
from newsarchive.config import Config
from newsarchive.depends import PageJob
from newsarchive.model import Archive, Issue, Newsletter, Page, Source, Story, issue_order

MARKDOWN_FILE = "index.md"
TRUNCATED = "> **Truncated in the source.** The newsletter cuts this story off here."

Link = Callable[[str], str]  # output page path -> link from this Markdown file to that page's index.md

# Code is left alone (fenced blocks, then code spans); an image cannot show a page, so an
# archive: image keeps only its alt text, as the HTML sanitiser drops its src.
_CODE = r"^ {0,3}(?P<fence>`{3,}|~{3,}).*?^ {0,3}(?P=fence)|`[^`\n]*`"
_ARCHIVE_LINK = re.compile(
    rf"(?P<code>{_CODE})|(?P<image>!?)\[(?P<label>[^\]\n]*)\]\(\s*archive:(?P<id>[^)\s]+)\s*\)",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_LABEL_SPECIAL = re.compile(r"([\\\[\]])")
_HAS_ARCHIVE_LINK = re.compile(r"\]\(\s*archive:", re.IGNORECASE)  # most texts have none: skip them


def markdown_path(page: str) -> str:
    """The Markdown twin of an output page: "import-ai/226/index.html" -> "import-ai/226/index.md"."""
    folder = page.rpartition("/")[0]
    return f"{folder}/{MARKDOWN_FILE}" if folder else MARKDOWN_FILE


def jobs(archive: Archive, config: Config, tags: views.TagPages) -> list[PageJob]:
    """Every index.md of the Markdown archive, as page jobs: each is made from the archive view
    it is given, so a rebuild makes again only those whose inputs changed (depends.py). `tags`:
    how the tag pages are split (views.tag_pages), an index.md beside each."""
    def job(page: str, inputs: object, make: Callable[[Archive], Page]) -> PageJob:
        return PageJob(markdown_path(page), inputs, make)

    return [
        job(urls.HOME, config.site, lambda view: _home(view, config)),
        job(urls.TAGS, None, _tag_list),
        *(job(urls.story_path(s.id), s, lambda view, s=s: _story(view, s)) for s in archive.stories),
        *(job(urls.issue_path(i.id), i, lambda view, i=i: _issue(view, i)) for i in archive.issues),
        *(job(urls.newsletter_path(n.slug), n, lambda view, n=n: _newsletter(view, n))
          for n in archive.newsletters),
        *_tag_jobs(tags),
    ]


def _tag_jobs(tags: views.TagPages) -> Iterator[PageJob]:
    """Each page of each tag, listing that page's stories."""
    for tag, (pages, paths) in tags.items():
        for number, months in enumerate(pages, 1):
            listed = tuple((m.label, m.continued, tuple(s.id for s in m.stories)) for m in months)
            where = views.Pages(number, paths)
            yield PageJob(markdown_path(paths[number - 1]), (tag, listed, where),
                          lambda view, tag=tag, listed=listed, where=where: _tag(view, tag, listed, where))


def linked_text(archive: Archive, text: str, link: Link) -> str:
    """Markdown with each `[label](archive:ID)` pointed at ID's index.md, or unwrapped to its
    label when the archive has no ID; code is left as written."""

    def replace(match: re.Match) -> str:
        if match["code"]:
            return match["code"]
        ref = views.ref_of(archive, match["id"].strip())
        if ref is None or match["image"]:
            return match["label"]
        return f"[{match['label']}]({link(ref.path)})"

    return _ARCHIVE_LINK.sub(replace, text) if _HAS_ARCHIVE_LINK.search(text) else text


# ---- documents -------------------------------------------------------------------------------


def _linker(path: str) -> Link:
    """Links from the Markdown file at `path`, naming files (…/index.md) so they work on disk."""
    link = urls.linker(path, offline=True)
    return lambda target: link(markdown_path(target))


def _document(path: str, meta: dict, blocks: Iterable[str]) -> Page:
    """Front matter, then the non-empty blocks separated by blank lines."""
    front = frontmatter.dump(meta)  # one value per line, so `grep "^title:"` finds whole titles
    body = "\n\n".join(block.strip() for block in blocks if block.strip())
    return Page(path, f"---\n{front}---\n\n{body}\n".encode("utf-8"))


def _label(text: str) -> str:
    """Text for inside [...]: brackets and backslashes escaped, so a title cannot end the link."""
    return _LABEL_SPECIAL.sub(r"\\\1", text) if _LABEL_SPECIAL.search(text) else text


def _anchor(text: str, target: str, link: Link) -> str:
    """A Markdown link with `text` to the index.md of the output page `target`."""
    return f"[{_label(text)}]({link(target)})"


def _ref_meta(ref: views.Ref, link: Link) -> dict:
    return {"id": ref.id, "title": ref.title, "link": link(ref.path)}


def _ref_item(ref: views.Ref, link: Link, reason: str = "") -> str:
    why = f" — {reason}" if reason else ""
    return f"- {_anchor(ref.title, ref.path, link)} · {ref.context}{why}"


def _section(heading: str, items: list[str], level: int = 2) -> str:
    """A heading over a list; nothing at all when the list is empty."""
    return f"{'#' * level} {heading}\n\n" + "\n".join(items) if items else ""


# ---- stories ---------------------------------------------------------------------------------


def _story(archive: Archive, story: Story) -> Page:
    path = markdown_path(urls.story_path(story.id))
    link = _linker(path)
    related = [(ref, r.reason) for r in archive.related.get(story.id, ())
               if (ref := views.ref_of(archive, r.story))]
    mentions = views.refs(archive, archive.backlinks.get(story.id, ()))
    blocks = [
        f"# {story.title}",
        f"*{story.dek}*" if story.dek else "",
        _story_line(archive, story, link),
        _tag_line(archive, story.tags, link),
        linked_text(archive, story.body, link),
        TRUNCATED if story.truncated else "",
        *_note_blocks(archive, story.id, link),
        _section("Sources", [_source_item(source) for source in story.sources]),
        _section("Related stories", [_ref_item(ref, link, reason) for ref, reason in related]),
        _section("Mentioned in", [_ref_item(ref, link) for ref in mentions]),
    ]
    return _document(path, _story_meta(archive, story, related, mentions, link), blocks)


def _story_meta(archive: Archive, story: Story, related: list[tuple[views.Ref, str]],
                mentions: list[views.Ref], link: Link) -> dict:
    issue = archive.issue_by_id[story.issue]
    meta = {
        "id": story.id,
        "title": story.title,
        "dek": story.dek,
        "newsletter": archive.newsletter_by_slug[story.newsletter].name,
        "issue": issue.id,
        "issue_title": issue.title,
        "date": story.date,
        "tags": list(story.tags),
        "source": issue.source,
        "sources": [{"title": s.title, "site": s.site, "url": s.url} for s in story.sources],
        "related": [{"id": ref.id, "title": ref.title, "reason": reason, "link": link(ref.path)}
                    for ref, reason in related],
        "mentioned_in": [_ref_meta(ref, link) for ref in mentions],
    }
    note = archive.notes.get(story.id)
    if note:
        meta["note"] = {"file": note.path, "date": note.date, "rating": note.rating,
                        "tags": list(note.tags), "see_also": list(note.see_also)}
    return meta


def _story_line(archive: Archive, story: Story, link: Link) -> str:
    """"[Import AI](…) · [#226: Protein folding](…) · 7 December 2020"."""
    issue = archive.issue_by_id[story.issue]
    newsletter = archive.newsletter_by_slug[story.newsletter]
    return (f"{_anchor(newsletter.name, urls.newsletter_path(newsletter.slug), link)} · "
            f"{_anchor(_issue_name(issue), urls.issue_path(issue.id), link)} · "
            f"{views.date_label(story.date)}")


def _issue_name(issue: Issue) -> str:
    """"#226: Protein folding", as a story names the issue it is from."""
    title = issue.title or issue.key
    return f"#{issue.number}: {title}" if issue.number else title


def _tag_line(archive: Archive, tags: Iterable[str], link: Link) -> str:
    """"Tags: [DeepMind](…), …" by display name; a tag with no page stays unlinked."""
    names = [_anchor(views.tag_name(archive, tag), urls.tag_path(tag), link) if tag in archive.tags else tag
             for tag in tags]
    return "Tags: " + ", ".join(names) if names else ""


def _source_item(source: Source) -> str:
    """A cited link; only http, https and mailto addresses become links, as on the HTML page."""
    url = markup.safe_url(source.url)
    title = source.title or url
    text = f"[{_label(title)}]({url})" if url else title
    return f"- {text}" + (f" ({source.site})" if source.site else "")


def _note_blocks(archive: Archive, target: str, link: Link) -> list[str]:
    """The editor's note on `target` (any kind of page), with its date, rating and see-also."""
    note = archive.notes.get(target)
    if note is None:
        return []
    when = views.date_label(note.date) if note.date else ""
    rating = f"rated {note.rating}/{views.RATING_SCALE}" if note.rating is not None else ""
    meta = " · ".join(part for part in (when, rating) if part)
    see_also = [_see_also_item(archive, item, link) for item in note.see_also]
    return ["## Editor’s note", f"*{meta}*" if meta else "", linked_text(archive, note.body, link),
            "See also:\n\n" + "\n".join(see_also) if see_also else ""]


def _see_also_item(archive: Archive, item: str, link: Link) -> str:
    ref = views.ref_of(archive, item)
    if ref:
        return _ref_item(ref, link)
    url = markup.safe_url(item)
    return f"- <{url}>" if url else f"- {item}"


# ---- issues, newsletters, tags, home ---------------------------------------------------------


def _issue(archive: Archive, issue: Issue) -> Page:
    path = markdown_path(urls.issue_path(issue.id))
    link = _linker(path)
    newsletter = archive.newsletter_by_slug[issue.newsletter]
    stories = views.refs(archive, (story.id for story in archive.stories_by_issue.get(issue.id, ())))
    mentions = views.refs(archive, archive.backlinks.get(issue.id, ()))
    original = markup.safe_url(issue.url)
    meta = {"id": issue.id, "title": issue.title, "newsletter": newsletter.name, "number": issue.number,
            "date": issue.date, "source": issue.source, "url": issue.url,
            "stories": [_ref_meta(ref, link) for ref in stories],
            "mentioned_in": [_ref_meta(ref, link) for ref in mentions]}
    blocks = [
        f"# {issue.title or issue.id}",
        f"{_anchor(newsletter.name, urls.newsletter_path(newsletter.slug), link)} · "
        f"{views.date_label(issue.date)}" + (f" · [Read the original]({original})" if original else ""),
        *_note_blocks(archive, issue.id, link),
        linked_text(archive, issue.intro, link),
        _section("In this issue",
                 [f"{n}. {_anchor(ref.title, ref.path, link)}" for n, ref in enumerate(stories, 1)]),
        linked_text(archive, issue.outro, link),
        _section("Mentioned in", [_ref_item(ref, link) for ref in mentions]),
    ]
    return _document(path, meta, blocks)


def _newsletter(archive: Archive, newsletter: Newsletter) -> Page:
    path = markdown_path(urls.newsletter_path(newsletter.slug))
    link = _linker(path)
    issues = sorted(archive.issues_by_newsletter.get(newsletter.slug, ()), key=issue_order)
    refs = views.refs(archive, (issue.id for issue in issues))
    meta = {"id": newsletter.slug, "title": newsletter.name, "issues": [_ref_meta(ref, link) for ref in refs]}
    blocks = [f"# {newsletter.name}", *_note_blocks(archive, newsletter.slug, link),
              _section("Issues", [_ref_item(ref, link) for ref in refs])]
    return _document(path, meta, blocks)


def _tag(archive: Archive, tag: str, listed: tuple[tuple[str, bool, tuple[str, ...]], ...],
         where: views.Pages) -> Page:
    """One page of a tag: `listed` holds its months (label, continued, story ids)."""
    path = markdown_path(where.paths[where.number - 1])
    link = _linker(path)
    months = [(f"{label} (continued)" if continued else label, views.refs(archive, ids))
              for label, continued, ids in listed]
    name = views.tag_name(archive, tag)
    pages = {"page": where.number, "pages": len(where.paths)} if len(where.paths) > 1 else {}
    meta = {"id": f"tags/{tag}", "title": name, **pages,
            "stories": [_ref_meta(ref, link) for _, refs in months for ref in refs]}
    notes = _note_blocks(archive, f"tags/{tag}", link) if where.number == 1 else []
    blocks = [f"# {name}", *notes,
              *(_section(label, [_ref_item(ref, link) for ref in refs]) for label, refs in months),
              _page_links(where, link)]
    return _document(path, meta, blocks)


def _page_links(where: views.Pages, link: Link) -> str:
    """"[← Newer](…) · page 2 of 5 · [Older →](…)", for a list on several pages."""
    if len(where.paths) < 2:
        return ""
    steps = [_anchor("← Newer", where.newer, link) if where.newer else "",
             f"page {where.number} of {len(where.paths)}",
             _anchor("Older →", where.older, link) if where.older else ""]
    return " · ".join(step for step in steps if step)


def _tag_list(archive: Archive) -> Page:
    path = markdown_path(urls.TAGS)
    link = _linker(path)
    items = [f"- {_anchor(t.name, urls.tag_path(t.slug), link)} · {t.count} "
             f"{'story' if t.count == 1 else 'stories'}" for t in views.tag_cloud(archive)]
    return _document(path, {"title": "Tags"}, ["# Tags", "\n".join(items)])


def _home(archive: Archive, config: Config) -> Page:
    """The root index.md: the newsletters, the tags, and every issue by year, newest first."""
    path = markdown_path(urls.HOME)
    link = _linker(path)
    newsletters = sorted(archive.newsletters, key=lambda n: (n.name.lower(), n.slug))
    years = views.by_year(sorted(archive.issues, key=issue_order))
    blocks = [
        f"# {config.site.title}",
        config.site.description,
        _section("Newsletters",
                 [f"- {_anchor(n.name, urls.newsletter_path(n.slug), link)}" for n in newsletters]),
        _section("Tags", [f"- {_anchor('Every tag', urls.TAGS, link)} ({len(archive.tags)})"]),
        "## Issues" if years else "",
        *(_section(year, [_ref_item(ref, link) for ref in views.refs(archive, (i.id for i in issues))], 3)
          for year, issues in years),
    ]
    return _document(path, {"title": config.site.title}, blocks)
