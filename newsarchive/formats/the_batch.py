"""The Batch form: the plain text of a web issue, one paragraph per line, with no title, number
or date.

An issue may open with a letter ("Dear friends," … sign-off), which is a story titled by its
salutation. A story is a short headline line, a one-line deck (the story's `dek`) and paragraphs
led by short phrases ("What's new:", "Why it matters:"), kept as bold leads; "- " lines stay a
list. A lone short line above a headline ("News") is a section label; a sponsor's message
("A MESSAGE FROM …" and its paragraph) is dropped. The letter, "We're thinking:" leads and a
sponsor block are the form, which look-alikes share; the newsletter is named "The Batch" only when
the issuer's own signs are there (a letter signed by Andrew, the DeepLearning.AI sponsor, its own
name), else it is "" and the build names it from its folder.
"""

from __future__ import annotations

import re

from ..model import DroppedBlock, ParsedIssue, ParsedStory
from .blocks import (
    Line,
    Rule,
    bold_lead,
    bullet_item,
    decode_entities,
    heading_shaped,
    join_markdown,
    matching_rule,
    numbered_lines,
    parse_date,
    subhead_lead,
)

SALUTATION = re.compile(r"^(?:Dear|Hi|Hello|Hey)\b[^.!?:]{0,40},$")

SPONSOR_RULES: tuple[Rule, ...] = (
    ("sponsor", re.compile(r"^(?:a )?(?:message|word) from\b", re.I)),
    ("sponsor", re.compile(r"^(?:sponsored by|presented by|brought to you by)\b", re.I)),
)

# (newsletter, signs, how many signs name it): every sign is searched in the whole text. The letter,
# "We're thinking:" and a sponsor block are the form, shared by look-alikes; these are the issuer.
NEWSLETTER_SIGNS: tuple[tuple[str, tuple[Rule, ...], int], ...] = (
    (
        "The Batch",
        (
            ("letter signed by Andrew Ng", re.compile(r"^Keep learning!\n(?:Andrew|Andrew Ng)$", re.M)),
            ("DeepLearning.AI sponsor", re.compile(r"^A MESSAGE FROM DEEPLEARNING\.AI$", re.M)),
            ("names itself", re.compile(r"\bThe Batch\b")),
        ),
        2,
    ),
)

HEADLINE_WORDS = 12
LABEL_WORDS = 3


class TheBatchFormat:
    name = "the-batch"

    def sniff(self, text: str, filename: str) -> float:
        lines = _lines(text)
        headlines = sum(1 for i in range(len(lines)) if _is_headline(lines, i))
        if not headlines:
            return 0.0
        score = min(0.4 + 0.1 * headlines, 0.8)
        return score + (0.1 if _newsletter(text) else 0.0)

    def parse(self, text: str, filename: str) -> ParsedIssue:
        text = decode_entities(text)
        lines = _lines(text)
        starts = _starts(lines)
        stories: list[ParsedStory] = []
        dropped: list[DroppedBlock] = []
        intro = lines[: starts[0] if starts else len(lines)]
        for start, end in zip(starts, starts[1:] + [len(lines)]):
            _read_part(lines[start:end], stories, dropped)
        return ParsedIssue(
            format=self.name,
            newsletter=_newsletter(text),
            number=None,
            title="",
            date=None,
            stories=tuple(stories),
            intro=_markdown(intro),
            dropped=tuple(dropped),
        )


def _lines(text: str) -> list[Line]:
    return [line for line in numbered_lines(text) if line.text.strip()]


def _newsletter(text: str) -> str:
    for name, signs, needed in NEWSLETTER_SIGNS:
        if sum(1 for _, pattern in signs if pattern.search(text)) >= needed:
            return name
    return ""


def _is_prose(text: str) -> bool:
    return not heading_shaped(text) and not bullet_item(text) and not subhead_lead(text)


def _is_headline(lines: list[Line], i: int) -> bool:
    """A short heading-shaped line (not a date) opening a run of paragraphs in which at least two
    are led by a short phrase, the first of them right after it or after a one-line deck."""
    text = lines[i].text
    if not heading_shaped(text, HEADLINE_WORDS) or subhead_lead(text) or parse_date(text):
        return False
    run = []
    for line in lines[i + 1 :]:
        if heading_shaped(line.text):
            break
        run.append(line.text)
    leads = [j for j, paragraph in enumerate(run) if subhead_lead(paragraph)]
    return len(leads) >= 2 and leads[0] <= 1 and (leads[0] == 0 or _is_prose(run[0]))


def _is_label(lines: list[Line], i: int) -> bool:
    """A lone short line ("News") right above a headline."""
    short = heading_shaped(lines[i].text, LABEL_WORDS)
    return short and i + 1 < len(lines) and _is_headline(lines, i + 1)


def _is_sponsor(text: str) -> bool:
    return heading_shaped(text) and matching_rule(text, SPONSOR_RULES) is not None


def _starts(lines: list[Line]) -> list[int]:
    """Where each part starts: the letter, every headline, section label and sponsor block."""
    starts = [0] if lines and SALUTATION.match(lines[0].text) else []
    for i in range(len(lines)):
        if i and (_is_headline(lines, i) or _is_label(lines, i) or _is_sponsor(lines[i].text)):
            starts.append(i)
    return starts


def _read_part(part: list[Line], stories: list[ParsedStory], dropped: list[DroppedBlock]) -> None:
    first = part[0]
    if _is_sponsor(first.text):
        dropped.append(DroppedBlock(first.number, "sponsor", "\n".join(line.text for line in part)))
    elif SALUTATION.match(first.text):
        stories.append(ParsedStory(first.text.rstrip(","), _markdown(part[1:]), first.number))
    elif len(part) == 1:  # a section label: the next line starts a story
        dropped.append(DroppedBlock(first.number, "section label", first.text))
    else:
        stories.append(_story(part))


def _story(part: list[Line]) -> ParsedStory:
    has_dek = not subhead_lead(part[1].text)
    body = part[2:] if has_dek else part[1:]
    dek = part[1].text.strip() if has_dek else ""
    return ParsedStory(title=part[0].text.strip(), body=_markdown(body), line=part[0].number, dek=dek)


def _markdown(lines: list[Line]) -> str:
    items = (bullet_item(line.text) for line in lines)
    return join_markdown([f"- {item}" if item else bold_lead(line.text) for line, item in zip(lines, items)])


ADAPTER = TheBatchFormat()
