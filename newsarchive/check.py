"""Check stage: every internal link, anchor, image and stylesheet of the built site resolves.

Reads the output folder as a browser would: each href/src of each HTML page (and each link of the
feeds and the sitemap) is resolved against its page; a link to a folder means its index.html; a
#fragment must name an id on the target page. External links are not followed, except those under
the site's own base URL, which must name a file of the site. In offline mode a link must name a
file, not a folder, because file:// shows no index.html for a folder.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .diagnostics import Problem

_LINK_ATTRIBUTES = {"href", "src"}
# A URL that is a plain relative path, as the site's own links are: splitting and unquoting it
# would give it back as it is, so resolving it skips both (a build resolves every page's links).
_PLAIN_PATH = re.compile(r"(?!//)[\w./~-]+")
_XML_LINK = re.compile(r"<link\b[^>]*\bhref=\"([^\"]+)\"|<loc>([^<]+)</loc>")


class _PageReader(HTMLParser):
    """The links (with their line) and the ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LINK_ATTRIBUTES:
                self.links.append((self.getpos()[0], value))
            elif name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)


def page_links(html: str) -> list[tuple[int, str]]:
    """(line, URL) of every href and src in a page."""
    reader = _PageReader()
    reader.feed(html)
    return reader.links


@dataclass(frozen=True)
class CheckOptions:
    offline: bool = False
    base_url: str = ""


@dataclass
class CheckReport:
    problems: list[Problem]
    pages: int
    links: int


def check_site(output_dir: Path, options: CheckOptions = CheckOptions()) -> list[Problem]:
    return check_report(output_dir, options).problems


def check_report(output_dir: Path, options: CheckOptions = CheckOptions()) -> CheckReport:
    """One Problem per broken link, naming the page, its line and the target."""
    files = {p.relative_to(output_dir).as_posix() for p in output_dir.rglob("*") if p.is_file()}
    pages = {f: _read(output_dir / f) for f in sorted(files) if f.endswith(".html")}
    problems, links = [], 0
    for page, reader in pages.items():
        for line, url in reader.links:
            links += 1
            message = _link_problem(page, url, files, pages, options)
            if message:
                problems.append(Problem(page, line, "check", "error", message))
    for feed in sorted(f for f in files if f.endswith(".xml")):
        for line, url in _xml_links(output_dir / feed):
            links += 1
            message = _link_problem(feed, url, files, pages, CheckOptions(base_url=options.base_url))
            if message:
                problems.append(Problem(feed, line, "check", "error", message))
    return CheckReport(sorted(problems), len(pages), links)


def _read(path: Path) -> _PageReader:
    reader = _PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def _xml_links(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1) or m.group(2)) for m in _XML_LINK.finditer(text)]


def _link_problem(page: str, url: str, files: set[str], pages: dict[str, _PageReader],
                  options: CheckOptions) -> str | None:
    parts = urlsplit(url)
    if _under_base(url, options.base_url):
        target = _site_file(url[len(options.base_url.rstrip("/")):].lstrip("/"))
    elif parts.scheme or parts.netloc:
        return None
    elif parts.path.startswith("/"):
        return f"root-relative link {url} (breaks when the site is not at the domain root)"
    else:
        target = resolve(page, url)
    if target is None:
        return _anchor_problem(page, parts.fragment, pages) if parts.fragment else None
    if target not in files:
        return f"broken link to {url}"
    if options.offline and target.endswith("index.html") and not parts.path.endswith("index.html"):
        return f"link to a folder {url} (offline reading needs the file: …/index.html)"
    return _anchor_problem(target, parts.fragment, pages) if parts.fragment else None


def _under_base(url: str, base_url: str) -> bool:
    return bool(base_url) and (url + "/").startswith(base_url.rstrip("/") + "/")


def _site_file(path: str) -> str:
    """A path below the site root as the file it names: "a/" and "" mean their index.html."""
    path = path if _PLAIN_PATH.fullmatch(path) else unquote(urlsplit(path).path)
    return path + "index.html" if path.endswith("/") or not path else path


def _anchor_problem(target: str, fragment: str, pages: dict[str, _PageReader]) -> str | None:
    reader = pages.get(target)
    if reader is None or unquote(fragment) in reader.ids:
        return None
    return f"no element with id {fragment!r} on {target}"


def resolve(page: str, url: str) -> str | None:
    """The site file an internal URL on `page` names, or None for external or same-page links."""
    if _PLAIN_PATH.fullmatch(url):
        raw = written = url
    else:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        raw, written = parts.path, unquote(parts.path)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), written))
    return _site_file("" if path == "." else path + ("/" if raw.endswith("/") else ""))
