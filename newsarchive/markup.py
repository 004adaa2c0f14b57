"""Render stage helper: Markdown from newsletters and editors' notes -> safe HTML.

Newsletter text is untrusted: it was pasted from e-mails and web pages. Python-Markdown turns it
into HTML (raw HTML passes through, as Markdown allows), then nh3 keeps only an allowlist of the
tags and attributes a story needs, so scripts, styles, frames, event handlers, inline styles and
javascript: URLs never reach a page. Links into the archive, written `[label](archive:ID)`, pass the
sanitiser and are then pointed at the page for ID, or unlinked when there is none. Also here:
plain-text excerpts and the Pygments stylesheet.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Mapping

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

from . import parallel
from .cache import digest

HIGHLIGHT_CLASS = "highlight"

# "extra" minus attr_list (lets text set any attribute) and md_in_html (parses raw HTML deeper).
EXTENSIONS = ("abbr", "def_list", "fenced_code", "footnotes", "tables", "sane_lists", "codehilite")
EXTENSION_CONFIGS = {
    "codehilite": {"css_class": HIGHLIGHT_CLASS, "guess_lang": False},
    "tables": {"use_align_attribute": True},  # align="left", not style="...": styles are stripped
}

TAGS = frozenset(
    {"p", "a", "em", "strong", "b", "i", "code", "pre", "span", "div", "blockquote", "ul", "ol",
     "li", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img", "hr",
     "br", "sup", "sub", "dl", "dt", "dd", "abbr", "del", "ins", "kbd", "mark", "small"}
)
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "sup": {"id"},
    "li": {"id"},
}
# Only the classes our own extensions emit, so newsletter text cannot pass itself off as, say,
# an editor's note (.note) or restyle the page.
ALLOWED_CLASSES = {
    "span": {c for c in STANDARD_TYPES.values() if c},  # Pygments token classes
    "div": {HIGHLIGHT_CLASS, "footnote"},
    "a": {"footnote-ref", "footnote-backref"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
ARCHIVE_SCHEME = "archive"
_FOOTNOTE_ID = re.compile(r"fn(ref)?:[\w-]+")
_ARCHIVE_URL = re.compile(rf"\s*{ARCHIVE_SCHEME}:", re.IGNORECASE)
# A sanitised <a> whose href names an archive id. nh3 writes every attribute as name="value" with
# quotes and angle brackets escaped, and never nests <a>, so this cannot cut a tag or a link short.
_ATTRIBUTES = r'(?:\s+[\w-]+="[^"]*")*'
_ARCHIVE_ANCHOR = re.compile(
    rf'<a(?P<before>{_ATTRIBUTES}?)\s+href="{_ARCHIVE_URL.pattern}(?P<id>[^"]*)"(?P<after>{_ATTRIBUTES})>'
    r"(?P<label>.*?)</a>",
    re.IGNORECASE | re.DOTALL,
)

ArchiveLink = Callable[[str], str | None]  # archive id -> URL relative to the page, None if unknown


class _DemoteHeadings(Treeprocessor):
    """Shift headings one level down: the page's <h1> is the story title, so a body's "#" is an h2."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if re.fullmatch(r"h[1-5]", element.tag):
                element.tag = f"h{int(element.tag[1]) + 1}"


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3 attribute filter: ids only as footnote anchors, so text cannot clobber the page's ids;
    archive: URLs only as link targets (an image cannot show a page)."""
    if name == "id":
        return value if _FOOTNOTE_ID.fullmatch(value) else None
    if name == "src" and _ARCHIVE_URL.match(value):
        return None
    return value


def _keep_relative_url(url: str) -> str | None:
    """Relative links in a newsletter point into its own site, not ours: keep only #fragments."""
    return url if url.startswith("#") else None


class MarkdownRenderer:
    """One Markdown instance and one sanitiser, reused for every text (not thread-safe).

    Converting is the costliest step of a build, so each text's sanitised HTML (and its words)
    is looked up by the text's digest in `memo` (what an earlier build converted) first; `used`
    collects the conversions of this run, for the next one."""

    def __init__(self, memo: Mapping[str, tuple[str, str]] | None = None) -> None:
        self._memo = memo or {}
        self.used: dict[str, tuple[str, str]] = {}
        self._md = markdown.Markdown(
            extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS, output_format="html"
        )
        self._md.treeprocessors.register(_DemoteHeadings(self._md), "demote_headings", 5)
        self._cleaner = nh3.Cleaner(
            tags=set(TAGS),
            attributes=ATTRIBUTES,
            allowed_classes=ALLOWED_CLASSES,
            attribute_filter=_keep_attribute,
            url_schemes={*URL_SCHEMES, ARCHIVE_SCHEME},
            url_relative=_keep_relative_url,
            link_rel="noopener",
        )

    def html(self, text: str, link: ArchiveLink | None = None) -> str:
        """Markdown -> sanitised HTML fragment; each `archive:ID` link goes to `link(ID)`, and
        keeps only its text when that is None (or no `link` is given)."""
        return self.converted(text, link)[0]

    def converted(self, text: str, link: ArchiveLink | None = None) -> tuple[str, str]:
        """The HTML fragment (as `html` gives it) and its words as plain text."""
        key = digest(text)
        entry = self.used.get(key) or self._memo.get(key)
        if entry is None:
            entry = self._convert(text)
        self.used[key] = entry
        return resolve_archive_links(entry[0], link), entry[1]

    def prepare(self, texts: Iterable[str]) -> None:
        """Convert, spread over the cores, every text not converted yet (a first build's bulk)."""
        todo: dict[str, str] = {}
        for text in texts:
            key = digest(text)
            if key not in self.used and key not in self._memo:
                todo[key] = text
        fragments = parallel.map_in_order(self._convert, list(todo.values()))
        self.used.update(zip(todo, fragments, strict=True))

    def _convert(self, text: str) -> tuple[str, str]:
        self._md.reset()  # footnotes and abbreviations must not leak from one text into the next
        fragment = self._cleaner.clean(self._md.convert(text))
        return fragment, plain_text(fragment)  # archive: links keep their words either way


def resolve_archive_links(fragment: str, link: ArchiveLink | None) -> str:
    """Point the archive: links of sanitised HTML at `link(ID)`, or unwrap them to their text."""

    def replace(match: re.Match) -> str:
        url = link(html.unescape(match["id"]).strip()) if link else None
        if url is None:
            return match["label"]
        return f'<a{match["before"]} href="{html.escape(url)}"{match["after"]}>{match["label"]}</a>'

    return _ARCHIVE_ANCHOR.sub(replace, fragment)


def plain_text(fragment: str) -> str:
    """The words of an HTML fragment, tags dropped and whitespace collapsed."""
    text = nh3.clean(fragment, tags=set())
    return " ".join(html.unescape(text).split())


def safe_url(url: str) -> str:
    """The URL if it is an absolute link we allow (http, https, mailto), else ""."""
    scheme, colon, _ = url.strip().partition(":")
    return url.strip() if colon and scheme.lower() in URL_SCHEMES else ""


def pygments_css(light: str = "default", dark: str = "github-dark") -> str:
    """Code colours: `light` by default, `dark` when the reader's system or the page asks for it."""
    base = f".{HIGHLIGHT_CLASS}"
    chosen_dark = _style_rules(dark, f'[data-theme="dark"] {base}')
    system_dark = _style_rules(dark, f':root:not([data-theme="light"]) {base}')
    indented = "\n".join("  " + line for line in system_dark.splitlines())
    return (
        f"{_style_rules(light, base)}\n\n{chosen_dark}\n\n"
        f"@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
    )


def _style_rules(style: str, selector: str) -> str:
    """One Pygments style under `selector`, without its line-number rules (we show none).

    The first rule resets token looks, so the light style's bold or borders cannot leak into a
    dark style that leaves those tokens plain.
    """
    formatter = HtmlFormatter(style=style)
    reset = f"{selector} span {{ color: inherit; font-weight: inherit; font-style: inherit; border: 0 }}"
    rules = formatter.get_background_style_defs(selector) + formatter.get_token_style_defs(selector)
    return "\n".join([reset, *rules])


def first_words(text: str, count: int = 40) -> str:
    """The first `count` words of plain text, with an ellipsis when there were more."""
    words = text.split(maxsplit=count)  # the words wanted, and the rest (if any) unsplit
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


# A sentence ends at . ! or ? (maybe closed by a quote or bracket) before a capital, digit or
# opening quote, unless the full stop ends an initial ("U.S.", "J. Smith") or a common abbreviation.
_SENTENCE_END = re.compile(  # (?=[.!?]) first: most positions fail there, before the look-behinds
    r"(?=[.!?])(?<!\b[A-Za-z])(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bal)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bSt)"
    r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])"
)


def first_sentence(text: str, max_words: int = 40) -> str:
    """The first sentence of plain text, cut to `max_words` when it runs on."""
    end = _SENTENCE_END.search(text)
    return first_words(text[: end.end()] if end else text, max_words)
