"""Where each page of the archive lives in the output, and relative links between pages.

Pages are folders with an index.html ("import-ai/226/index.html"), so URLs stay short and stable.
Every internal link is relative to the page that holds it, so the site works at any base path;
in offline mode links name the file (".../index.html") so the site also works from file://.
"""

from __future__ import annotations

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


def tag_path(tag: str) -> str:
    return f"tags/{tag}/index.html"


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
    target, hash_mark, fragment = to_path.partition("#")
    link = _relpath(target, from_page.rpartition("/")[0])
    if not offline and (link == "index.html" or link.endswith("/index.html")):
        link = link[: -len("index.html")] or "./"
    return link + hash_mark + fragment


def _relpath(target: str, folder: str) -> str:
    """posixpath.relpath for the clean, root-relative paths of the output (a build asks for a
    hundred thousand links; relpath's normalising is most of its cost)."""
    start = folder.split("/") if folder else []
    parts = target.split("/")
    common = 0
    for a, b in zip(start, parts, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def absolute(base_url: str, to_path: str) -> str:
    """The full URL of an output path: ("https://x.io/archive", "a/index.html") -> "https://x.io/archive/a/"."""
    link = relative(HOME, to_path)
    return base_url.rstrip("/") + "/" + ("" if link == "./" else link)
