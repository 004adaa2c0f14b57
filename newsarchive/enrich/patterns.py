"""Regular-expression building shared by the enrich modules."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable


def alternatives(words: Iterable[str]) -> str:
    """Regex source matching any of `words` (none empty), longest first ("Google X" before
    "Google"), grouped by first character: at each position the engine then tries only the words
    that start with the character there, not all of them."""
    by_first: dict[str, list[str]] = defaultdict(list)
    for word in sorted(words, key=lambda w: (-len(w), w)):
        by_first[word[0]].append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in sorted(by_first.items()))
