"""Check stage: every internal link, image and stylesheet of the built site points at a file.

Reads the output folder as a browser would: each href/src of each HTML page is resolved against
the page; links to folders mean their index.html; external and mailto links are not followed.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .diagnostics import Problem

_LINK_ATTRIBUTES = {"href", "src"}


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _LINK_ATTRIBUTES and value is not None:
                self.links.append((self.getpos()[0], value))


def page_links(html: str) -> list[tuple[int, str]]:
    """(line, URL) of every href and src in a page."""
    collector = _LinkCollector()
    collector.feed(html)
    return collector.links


def check_site(output_dir: Path) -> list[Problem]:
    """One Problem per broken internal link, naming the page, its line and the target."""
    files = {p.relative_to(output_dir).as_posix() for p in output_dir.rglob("*") if p.is_file()}
    problems = []
    for page in sorted(f for f in files if f.endswith(".html")):
        html = (output_dir / page).read_text(encoding="utf-8")
        for line, url in page_links(html):
            message = _link_problem(page, url, files)
            if message:
                problems.append(Problem(page, line, "check", "error", message))
    return problems


def _link_problem(page: str, url: str, files: set[str]) -> str | None:
    parts = urlsplit(url)
    if parts.path.startswith("/") and not (parts.scheme or parts.netloc):
        return f"root-relative link {url} (breaks when the site is not at the domain root)"
    target = resolve(page, url)
    return f"broken link to {url}" if target is not None and target not in files else None


def resolve(page: str, url: str) -> str | None:
    """The site file an internal URL on `page` names, or None for external or same-page links."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if parts.path.endswith("/") or path == ".":
        path = posixpath.join(path, "index.html")
    return path.removeprefix("./")
