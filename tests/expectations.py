"""Read an expected.json (the seeds' format) and compare a parse against it.

expected.json is a list of {"file", "newsletter", "issue", "date", "stories": [headline, ...],
"not_stories": [...]} entries. Headlines compare modulo whitespace, quote style and a trailing
colon or full stop.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


def normalise(title: str) -> str:
    title = re.sub(r"\s+", " ", title.translate(_QUOTES)).strip()
    return title.rstrip(".:").strip()


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))
