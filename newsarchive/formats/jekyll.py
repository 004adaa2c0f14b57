"""Parse stage, Jekyll-style posts: YAML front matter, then a body of HTML-ish text.

The front matter gives the issue's metadata (`title` as "<Newsletter> <number>: <title>", `date`,
`link`, `author`); its `excerpt` repeats the body and is not read. The body, its HTML entities
decoded, goes to whichever body form fits it best (the Import AI story splitter for Import AI's
web copies), so no form's story logic is copied here. Body forms are handed in by the format
registry, which keeps this module free of other adapters. A post whose body no body form claims is
left to the other adapters (the Markdown post form reads front matter too).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import DroppedBlock, ParsedIssue
from .blocks import (
    BodyForm,
    best_form,
    decode_entities,
    front_matter_meta,
    padded_body,
    split_front_matter,
    with_meta,
)

# A little over the body form's own score: the front matter is one more sign this is the form.
_FRONT_MATTER_BONUS = 0.05


@dataclass(frozen=True)
class JekyllPost:
    body_forms: tuple[BodyForm, ...]
    name: str = "jekyll"

    def sniff(self, text: str, filename: str) -> float:
        meta, body, start = split_front_matter(text)
        if not meta.get("title"):
            return 0.0
        _, best = best_form(self.body_forms, padded_body(decode_entities(body), start), filename)
        return min(best + _FRONT_MATTER_BONUS, 1.0) if best > 0 else 0.0

    def parse(self, text: str, filename: str) -> ParsedIssue:
        meta, body, start = split_front_matter(text)
        body_text = padded_body(decode_entities(body), start)
        form, _ = best_form(self.body_forms, body_text, filename)
        front = DroppedBlock(1, "front-matter", text[: len(text) - len(body)].strip())
        return with_meta(form.parse(body_text, filename), front_matter_meta(meta), self.name, [front])
