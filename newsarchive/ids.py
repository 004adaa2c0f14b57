"""Stable ids for newsletters, issues and stories, derived from names, numbers and headlines,
never from build order. An id, once written into a story file, is what the build uses."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_WORDS = 10


def slugify(text: str, max_words: int = MAX_SLUG_WORDS) -> str:
    """Lower-case ASCII words joined by hyphens: "Google's balloons learn" -> "googles-balloons-learn"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    words = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(words[:max_words])


def issue_key(number: str | None, date_iso: str | None, file_stem: str) -> str:
    """The issue's part of an id: its number, else its date, else the file name."""
    return slugify(number or "") or date_iso or slugify(file_stem) or "issue"


def story_slugs(titles: list[str]) -> list[str]:
    """One slug per headline, unique within the issue: repeats get -2, -3 in order."""
    seen: dict[str, int] = {}
    result = []
    for title in titles:
        base = slugify(title) or "story"
        seen[base] = seen.get(base, 0) + 1
        result.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return result
