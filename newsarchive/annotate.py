"""`annotate`: create an editor's note for a story (or an issue, a newsletter, a tag) from a template.

Notes are hand-written files under content/notes/ that no command ever overwrites: when the note
exists, its path is returned as it is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .load import NOTES_DIR, TAG_NOTES

TEMPLATE = """\
---
date: {today}
tags: []        # extra tags for the story, e.g. [protein-folding, deepmind]
rating:         # optional, 1 to 5
see_also: []    # story ids or URLs, e.g. [import-ai/226/deepmind-cracks-the-protein-folding-problem]
---

<!-- Write the note below in Markdown. Link a story with [[story-id]] or [[story-id|label]]. -->

"""


def note_path(content_dir: Path, target: str) -> Path:
    """content/notes/<id>.md, or content/notes/_tags/<tag>.md for "tags/<tag>"."""
    relative = f"{TAG_NOTES}/{target.removeprefix('tags/')}" if target.startswith("tags/") else target
    return content_dir / NOTES_DIR / f"{relative}.md"


def create_note(content_dir: Path, target: str, today: dt.date) -> tuple[Path, bool]:
    """(path, created): write the template unless a note is already there."""
    path = note_path(content_dir, target)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(today=today.isoformat()), encoding="utf-8")
    return path, True
