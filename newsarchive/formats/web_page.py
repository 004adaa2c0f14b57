"""Parse stage, web pages saved from a browser (.html, .htm), and the HTML part of an email.

The page's head gives the metadata: title (`og:title`, else `<title>` without the site's name),
site name (`og:site_name`, the newsletter when the title does not name one), date
(`article:published_time`, a `date` meta, else the first `<time datetime>`), author and canonical
URL. Scripts, styles, navigation, headers, footers, asides, forms and buttons are dropped, each
under its own rule, and so is everything outside the content (`<main>`, else the first
`<article>`, else `<body>`). The content is converted to Markdown with markdownify, one block at a
time, remembering the file line each block came from, so story line numbers are the file's.
Images are left out (their alt text is no text a reader of the page saw).

The Markdown goes to whichever body form fits it best (usually the Markdown post form, which
splits it at its headings); body forms are handed in by the format registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
from markdownify import MarkdownConverter

from ..model import DroppedBlock, ParsedIssue
from .blocks import HTML_DOCUMENT, BodyForm, IssueMeta, best_form, parse_date, title_meta, with_meta

# (CSS selector, rule): what a reader of the page does not read as the issue, dropped in this
# order (so a script inside a footer is dropped as a script).
DROPPED_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("script", "script"),
    ("style", "style"),
    ("noscript, template", "no-script-fallback"),
    ("nav, [role=navigation]", "navigation"),
    ("header, [role=banner]", "page-header"),
    ("footer, [role=contentinfo]", "footer"),
    ("aside, [role=complementary]", "aside"),
    ("form, button", "form"),
    ("iframe, svg", "embed"),
)
CONTENT_ROOTS = ("main, [role=main]", "article", "body")
# Elements that hold blocks and are descended into; any other element is converted as one block.
CONTAINERS = frozenset("[document] html body main article section div center details".split())
BLOCKS = CONTAINERS | frozenset("p h1 h2 h3 h4 h5 h6 ul ol dl blockquote pre table hr figure address".split())
CODE = frozenset(("script", "style", "template"))
TABLE_PARTS = frozenset("table thead tbody tfoot tr td th".split())
LAYOUT_SIGNS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
_NOT_TEXT = (Comment, Declaration, Doctype)
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|div|li|td)>", re.I)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ")


@dataclass(frozen=True)
class Page:
    """What a saved page holds: its metadata, its content as Markdown, and what was dropped."""

    meta: IssueMeta
    markdown: str
    dropped: tuple[DroppedBlock, ...]
    origins: tuple[int, ...]  # the file line each Markdown line came from

    def file_line(self, markdown_line: int) -> int:
        inside = 0 < markdown_line <= len(self.origins)
        return self.origins[markdown_line - 1] if inside else markdown_line


@dataclass(frozen=True)
class WebPage:
    body_forms: tuple[BodyForm, ...]
    name: str = "web-page"

    def sniff(self, text: str, filename: str) -> float:
        if HTML_DOCUMENT.match(text):
            return 0.9
        if filename.lower().endswith((".html", ".htm")):
            return 0.6
        return 0.5 if len(_BLOCK_END.findall(text)) >= 3 else 0.0

    def parse(self, text: str, filename: str) -> ParsedIssue:
        page = read_page(text)
        form, _ = best_form(self.body_forms, page.markdown, filename)
        issue = _in_file_lines(form.parse(page.markdown, filename), page)
        return with_meta(issue, page.meta, f"{self.name}/{issue.format}", page.dropped)


def read_page(html: str) -> Page:
    """Read a page: metadata from the head, then drop what is not content and convert the rest."""
    soup = BeautifulSoup(html, "html.parser")
    meta = _page_meta(soup)
    dropped = _drop_elements(soup)
    root = next((found for css in CONTENT_ROOTS if (found := soup.select_one(css))), soup)
    dropped += _outside(root)
    markdown, origins = _markdown(root)
    return Page(meta, markdown, tuple(sorted(dropped, key=lambda block: block.line)), origins)


def _in_file_lines(issue: ParsedIssue, page: Page) -> ParsedIssue:
    """The body form's reading with its Markdown line numbers turned into the file's."""
    return replace(
        issue,
        stories=tuple(replace(story, line=page.file_line(story.line)) for story in issue.stories),
        dropped=tuple(replace(block, line=page.file_line(block.line)) for block in issue.dropped),
    )


def _page_meta(soup: BeautifulSoup) -> IssueMeta:
    site = _meta(soup, "og:site_name", "application-name")
    title_tag = soup.find("title")
    heading = soup.find("h1")
    title = _meta(soup, "og:title", "twitter:title") or _without_site(
        _text(title_tag) if title_tag else "", site) or (_text(heading) if heading else "")
    named = title_meta(title)
    time_tag = soup.find("time", attrs={"datetime": True})
    published = _meta(soup, "article:published_time", "date", "dc.date", "pubdate")
    canonical = soup.find("link", rel="canonical")
    return IssueMeta(
        newsletter=named.newsletter or site,
        number=named.number,
        title=named.title,
        date=parse_date(published or (str(time_tag["datetime"]) if time_tag else "")),
        url=_meta(soup, "og:url") or (str(canonical.get("href", "")) if canonical else ""),
        author=_meta(soup, "author", "article:author"),
    )


def _meta(soup: BeautifulSoup, *keys: str) -> str:
    """The content of the first `<meta>` named (by `property`, `name` or `itemprop`) by a key."""
    for key in keys:
        for attribute in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attribute: key})
            if tag and str(tag.get("content", "")).strip():
                return str(tag["content"]).strip()
    return ""


def _without_site(title: str, site: str) -> str:
    """ "Issue 12: Robots | Gradient Notes" -> "Issue 12: Robots" when the site is Gradient Notes."""
    for separator in _TITLE_SEPARATORS if site else ():
        if title.endswith(separator + site):
            return title[: -len(separator + site)].strip()
    return title


def _text(element: Tag | NavigableString) -> str:
    """The text a browser shows of an element: none of comments, doctypes, or code."""
    if isinstance(element, _NOT_TEXT) or (isinstance(element, Tag) and element.name in CODE):
        return ""
    text = element.get_text(" ") if isinstance(element, Tag) else str(element)
    return " ".join(text.split())


def _drop_elements(soup: BeautifulSoup) -> list[DroppedBlock]:
    """Drop the elements no reader reads as the issue, each recorded with the text a browser
    would show of it (none for code: scripts, styles, templates)."""
    dropped: list[DroppedBlock] = []
    for css, rule in DROPPED_ELEMENTS:
        for element in soup.select(css):
            if element.decomposed:  # inside an element this rule dropped already
                continue
            dropped.append(DroppedBlock(element.sourceline or 1, rule, _text(element)))
            element.decompose()
    head = soup.find("head")
    if head:
        dropped.append(DroppedBlock(head.sourceline or 1, "page-head", _text(head)))
        head.decompose()
    return dropped


def _outside(root: Tag) -> list[DroppedBlock]:
    """Everything around the content root, from its siblings up to the document's."""
    dropped: list[DroppedBlock] = []
    child, parent = root, root.parent
    while parent is not None:
        for sibling in parent.children:
            text = "" if sibling is child else _text(sibling)
            if text:
                line = sibling.sourceline if isinstance(sibling, Tag) else None
                dropped.append(DroppedBlock(line or parent.sourceline or 1, "outside-content", text))
        child, parent = parent, parent.parent
    return dropped


def _markdown(root: Tag) -> tuple[str, tuple[int, ...]]:
    """The content as Markdown, blocks apart by a blank line, and the file line of each of its
    lines (a block's lines all count from the line the block starts on)."""
    converter = MarkdownConverter(heading_style="ATX", bullets="-", strip=["img"])
    lines: list[str] = []
    origins: list[int] = []
    for block in _blocks(root):
        markdown = converter.convert_soup(block).strip()
        if not markdown:
            continue
        start = block.sourceline or 1
        if lines:
            lines.append("")
            origins.append(start)
        lines += markdown.splitlines()
        origins += [start] * (len(lines) - len(origins))
    return "\n".join(lines), tuple(origins)


def _blocks(element: Tag) -> list[Tag]:
    """The blocks to convert one by one: a container holding only blocks is opened up."""
    children = [child for child in element.children if _text(child) or _is_rule(child)]
    if _opens(element) and children and all(
        isinstance(child, Tag) and (child.name in BLOCKS or _opens(child)) for child in children
    ):
        return [block for child in children for block in _blocks(child)]
    return [element]


def _opens(element: Tag) -> bool:
    """A container, or a part of a layout table (one holding paragraphs or headings, as HTML
    emails are laid out) rather than a table of data."""
    if element.name in CONTAINERS:
        return True
    return element.name in TABLE_PARTS and element.find(LAYOUT_SIGNS) is not None


def _is_rule(element: Tag | NavigableString) -> bool:
    """An `<hr>`: no text, but a separator the body form may split at."""
    return isinstance(element, Tag) and element.name == "hr"
