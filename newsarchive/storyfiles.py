"""The per-story Markdown files: YAML front matter in a fixed key order, then the body.

content/stories/<newsletter>/<issue>/<NN>-<slug>.md holds one story; `_index.md` beside them holds
the issue (its metadata, intro and outro). Ingest writes these files once; after that they are
the build's source and people may edit them. Each file records a hash of what ingest wrote
(`imported`), so a later `ingest --refresh` can tell an untouched file from an edited one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import yaml

from . import frontmatter

ISSUE_FILE = "_index.md"
# libyaml's C loader is several times faster; the pinned PyYAML wheels include it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
OUTRO_MARKER = "<!-- outro -->"
_HASH_LINE = re.compile(r"^imported: .*$", re.M)
_PLACEHOLDER = "imported: ''"


class StoryFileError(ValueError):
    """A story file that cannot be read; `line` is 1-based within the file when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Document:
    meta: dict
    body: str


def dump(meta: dict, body: str) -> str:
    """Front matter (keys in the given order) + body, with the `imported` hash filled in."""
    front = frontmatter.dump({**meta, "imported": ""})
    text = f"---\n{front}---\n\n{body.strip()}\n"
    return text.replace(_PLACEHOLDER, f"imported: {_digest(text)}", 1)


def is_edited(text: str) -> bool:
    """True when the file differs from what ingest wrote (or carries no `imported` hash)."""
    match = _HASH_LINE.search(text)
    if not match:
        return True
    recorded = match.group(0).split(":", 1)[1].strip()
    return recorded != _digest(_HASH_LINE.sub(_PLACEHOLDER, text, count=1))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse(text: str) -> Document:
    """Split a story file into its front matter and body; StoryFileError when malformed."""
    if not text.startswith("---\n"):
        raise StoryFileError("no front matter (the file must start with a '---' line)", 1)
    end = text.find("\n---\n", 3)
    if end < 0:
        raise StoryFileError("front matter is not closed by a '---' line", 1)
    try:
        meta = yaml.load(text[4:end + 1], Loader=_LOADER) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise StoryFileError(f"front matter is not valid YAML: {getattr(error, 'problem', error)}", line) from None
    if not isinstance(meta, dict):
        raise StoryFileError("front matter must be a mapping of keys to values", 2)
    return Document(meta, text[end + 5:].strip())


def split_outro(body: str) -> tuple[str, str]:
    intro, _, outro = body.partition(OUTRO_MARKER)
    return intro.strip(), outro.strip()


def join_outro(intro: str, outro: str) -> str:
    return f"{intro.strip()}\n\n{OUTRO_MARKER}\n\n{outro.strip()}" if outro.strip() else intro
