"""Where each page of the archive lives in the output, and relative links between pages.

Pages are folders with an index.html ("import-ai/226/index.html"), so URLs stay short and stable.
Every internal link is relative to the page that holds it, so the site works at any base path;
in offline mode links name the file (".../index.html") so the site also works from file://.
"""

from __future__ import annotations

from collections.abc import Callable

RESERVED = frozenset(
    {"tags", "static", "search", "archive", "annotated", "notes-report", "404.html", "index.html"}
)


def newsletter_dir(slug: str) -> str:
    """A newsletter's folder; renamed when it would clash with the site's own folders."""
    return f"{slug}-newsletter" if slug in RESERVED else slug


def story_path(story_id: str) -> str:
    newsletter, rest = story_id.split("/", 1)
    return f"{newsletter_dir(newsletter)}/{rest}/index.html"


def issue_path(issue_id: str) -> str:
    newsletter, rest = issue_id.split("/", 1)
    return f"{newsletter_dir(newsletter)}/{rest}/index.html"


def newsletter_path(slug: str) -> str:
    return f"{newsletter_dir(slug)}/index.html"


def tag_path(tag: str, page: int = 1) -> str:
    """A tag's page; when its stories fill several, the others are page/2/, page/3/ and on."""
    return f"tags/{tag}/index.html" if page == 1 else f"tags/{tag}/page/{page}/index.html"


HOME = "index.html"
TAGS = "tags/index.html"
ANNOTATED = "annotated/index.html"  # every story with an editor's note
NOTES_REPORT = "notes-report/index.html"  # notes whose story, issue or tag is gone
ARCHIVE = "archive/index.html"  # every issue by year and month
SEARCH = "search/index.html"  # full results and filters; the index data lives in search/data/


def relative(from_page: str, to_path: str, offline: bool = False) -> str:
    """The link from one output file to another, both given relative to the site root.

    "tags/ai/index.html" -> "import-ai/226/index.html" gives "../../import-ai/226/" (or
    "../../import-ai/226/index.html" offline). A "#fragment" on the target is kept.
    """
    return linker(from_page, offline)(to_path)


def linker(from_page: str, offline: bool = False) -> Callable[[str], str]:
    """`relative` from one page, its folder split once: a page holds dozens of links. The paths
    are the output's clean, root-relative ones, so posixpath.relpath's normalising (most of its
    cost, for the hundreds of thousands of links a build makes) is not needed."""
    folder = from_page.rpartition("/")[0]
    start = folder.split("/") if folder else []
    top, climb = (start[0] if start else None), "../" * len(start)

    def link(to_path: str) -> str:
        target, hash_mark, fragment = to_path.partition("#")
        parts = target.split("/")
        if parts[0] != top:  # most links leave the page's top folder: up to the root and down
            found = climb + target or "."
        else:
            common = 0
            for a, b in zip(start, parts, strict=False):
                if a != b:
                    break
                common += 1
            found = "/".join([".."] * (len(start) - common) + parts[common:]) or "."
        if not offline and (found == "index.html" or found.endswith("/index.html")):
            found = found[: -len("index.html")] or "./"
        return found + hash_mark + fragment

    return link


def absolute(base_url: str, to_path: str) -> str:
    """The full URL of an output path: ("https://x.io/archive", "a/index.html") -> "https://x.io/archive/a/"."""
    link = relative(HOME, to_path)
    return base_url.rstrip("/") + "/" + ("" if link == "./" else link)
