"""The benchmark archive's issues written out in the forms the parser knows, and its stories as
Hugo and Pelican posts.

Newsletter forms (what `build.py` reads from DIR/newsletters/):
- `email`: a newsletter email, "<Name> <number>: <title>" first, stories between `#####` lines,
  each opening with a "Headline:" line and a "...dek…" line (the Import AI form);
- `jekyll`: the web mirror of such an email, YAML front matter, HTML entities, headlines glued
  to their dek and first paragraph (the Jekyll adapter around the Import AI form);
- `markdown`: plain Markdown, an H1 issue title and one `##` heading per story (the generic form).
Emails and Markdown files carry their date in the file name; a Jekyll post in its front matter.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from synth import StoryText

SEPARATOR = "#" * 51


@dataclass(frozen=True)
class Newsletter:
    name: str
    slug: str
    form: str  # "email" (some issues mirrored as "jekyll") or "markdown"


@dataclass(frozen=True)
class Story:
    id: str  # <newsletter-slug>/<issue-number>/<slug-of-headline>
    text: StoryText


@dataclass(frozen=True)
class Issue:
    newsletter: Newsletter
    number: int
    date: dt.date
    form: str
    stories: tuple[Story, ...]
    intro: str

    @property
    def title(self) -> str:
        return "; ".join(s.text.headline for s in self.stories[:3])

    @property
    def key(self) -> str:
        return f"{self.newsletter.slug}/{self.number}"


def newsletter_file(issue: Issue) -> tuple[str, str]:
    """(path under DIR/newsletters/, text) of an issue in its form."""
    stem = f"{issue.date.isoformat()}-{issue.newsletter.slug}-{issue.number}"
    folder = issue.newsletter.slug
    if issue.form == "email":
        return f"{folder}/{stem}.txt", email(issue)
    if issue.form == "jekyll":
        return f"{folder}/{stem}.md", jekyll(issue)
    return f"{folder}/{stem}.md", markdown(issue)


def email(issue: Issue) -> str:
    name = issue.newsletter.name
    lines = [
        f"{name} {issue.number}: {issue.title}",
        "",
        issue.intro,
        "",
        "View this email in your browser",
        "",
        f"Welcome to {name}, a weekly newsletter about machine learning. "
        "If someone forwarded this to you, you can subscribe here.",
        "",
    ]
    for position, story in enumerate(issue.stories):
        lines += [SEPARATOR, ""] if position else []
        lines += _email_story(story.text) + [""]
    lines += [
        "Thanks for reading. Tips and corrections are welcome: just reply to this email.",
        "",
        f"Copyright © {issue.date.year} {name}, All rights reserved.",
        "",
    ]
    return "\n".join(lines)


def _email_story(text: StoryText) -> list[str]:
    """Headline and dek lines, one line per paragraph (a blank line between), "Read more" lines."""
    lines = [f"{text.headline}:", f"...{text.dek}…"]
    for position, (subhead, body) in enumerate(text.paragraphs):
        lines += [""] if position else []
        lines.append(f"{subhead}: {body}" if subhead else body)
    return lines + [f"  Read more: {s.title} ({s.site})." for s in text.sources]


def jekyll(issue: Issue) -> str:
    title = f"{issue.newsletter.name} {issue.number}: {issue.title}"
    front = [
        "---",
        "layout: post",
        "category: newsletter",
        f"title: {json.dumps(title)}",
        f"date: {issue.date.isoformat()} 06:00:00",
        f"link: https://{issue.newsletter.slug}.example/p/{issue.number}",
        f"author: {json.dumps(issue.newsletter.name + ' editors')}",
        "---",
        "",
    ]
    parts = [f"### {_entities(title)}", _entities(issue.intro)]
    for position, story in enumerate(issue.stories):
        parts += [SEPARATOR] if position else []
        parts += _jekyll_story(story.text)
    return "\n".join(front) + "\n\n\n\n".join(parts) + "\n"


def _jekyll_story(text: StoryText) -> list[str]:
    """The headline, dek and first paragraph glued on one line, as saved web pages have them."""
    paragraphs = [f"{subhead}: {body}" if subhead else body for subhead, body in text.paragraphs]
    paragraphs[0] = f"{text.headline}:&hellip;{text.dek}&hellip;{paragraphs[0]}"
    reads = "".join(f"&nbsp; Read more:{s.title} ({s.site})." for s in text.sources)
    paragraphs[-1] += reads
    return [_entities(p) for p in paragraphs]


def _entities(text: str) -> str:
    return text.replace("'", "&rsquo;")


def markdown(issue: Issue) -> str:
    parts = [f"# {issue.newsletter.name} #{issue.number}: {issue.title}", issue.intro]
    for story in issue.stories:
        parts += [f"## {story.text.headline}", story_markdown(story.text, dek=True)]
    return "\n\n".join(parts) + "\n"


def story_markdown(text: StoryText, dek: bool = False) -> str:
    """A story's body as Markdown: subheads in bold, sources as links (the dek in italics first)."""
    parts = [f"*{text.dek}*"] if dek else []
    parts += [f"**{subhead}:** {body}" if subhead else body for subhead, body in text.paragraphs]
    parts += [f"Read more: [{s.title}]({s.url}) ({s.site})" for s in text.sources]
    return "\n\n".join(parts)


def hugo_post(issue: Issue, position: int, story: Story) -> tuple[str, str]:
    """(path under DIR/hugo/content/, text): TOML front matter for even issue numbers, YAML for odd."""
    meta = {
        "title": story.text.headline,
        "date": f"{issue.date.isoformat()}T06:00:00Z",
        "description": story.text.dek,
        "newsletter": issue.newsletter.name,
        "tags": [t.name for t in story.text.topics],
    }
    front = _toml(meta) if issue.number % 2 == 0 else _yaml(meta)
    path = f"posts/{issue.key}/{position:02d}-{story.id.rsplit('/', 1)[1]}.md"
    return path, f"{front}\n{story_markdown(story.text)}\n"


def _toml(meta: dict) -> str:
    return (
        "+++\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items()) + "+++\n"
    )


def _yaml(meta: dict) -> str:
    return "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items()) + "---\n"


def pelican_post(issue: Issue, position: int, story: Story) -> tuple[str, str]:
    """(path under DIR/pelican/content/, text) with Pelican's `Key: value` metadata."""
    slug = f"{issue.newsletter.slug}-{issue.number}-{story.id.rsplit('/', 1)[1]}"
    meta = [
        f"Title: {story.text.headline}",
        f"Date: {issue.date.isoformat()} 06:00",
        f"Category: {issue.newsletter.name}",
        f"Tags: {', '.join(t.name for t in story.text.topics)}",
        f"Slug: {slug}",
        f"Summary: {story.text.dek}",
    ]
    path = f"{issue.key}/{position:02d}-{story.id.rsplit('/', 1)[1]}.md"
    return path, "\n".join(meta) + "\n\n" + story_markdown(story.text) + "\n"
