"""Shared boundary heuristics for format adapters: lines with numbers, blocks, front matter,
separator lines, headline shapes and dates. Adapters and config-described forms both use these.

Choosing a form asks every adapter to sniff the same text, and the chosen one then reads it again,
so the costliest pure steps (numbering a text's lines, parsing its front matter) remember their
last few answers: a copy is handed out each time, so no caller can change another's.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import html
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple, Protocol

import yaml
from bs4 import BeautifulSoup

from ..dates import parse_date
from ..model import DroppedBlock, ParsedIssue, ParsedStory, Source


class Line(NamedTuple):  # a named tuple: texts have many lines, and a tuple is quick to make
    number: int  # 1-based line number in the source file
    text: str


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines (a paragraph, a list, a headline)."""

    lines: tuple[Line, ...]

    @property
    def line(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def first(self) -> str:
        return self.lines[0].text


@dataclass
class IssueParts:
    """What an adapter gathers while it reads an issue: its stories, the text before and after
    them (Markdown paragraphs), and the blocks it dropped with their rules."""

    stories: list[ParsedStory] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)
    outro: list[str] = field(default_factory=list)
    dropped: list[DroppedBlock] = field(default_factory=list)

    def drop(self, block: Block, rule: str) -> None:
        self.dropped.append(DroppedBlock(block.line, rule, block.text))


def numbered_lines(text: str, first_number: int = 1) -> list[Line]:
    return list(_numbered_lines(text, first_number))


# A handful of texts: the sniffs and the parse of one file ask for the same text's lines in turn.
@functools.lru_cache(maxsize=8)
def _numbered_lines(text: str, first_number: int) -> tuple[Line, ...]:
    return tuple([Line(first_number + i, t.rstrip()) for i, t in enumerate(text.splitlines())])


def blocks(lines: list[Line]) -> list[Block]:
    """Group lines into blocks separated by blank lines."""
    result: list[Block] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            result.append(Block(tuple(current)))
            current = []
    if current:
        result.append(Block(tuple(current)))
    return result


_FRONT_MATTER = re.compile(r"\A(?P<fence>---|\+\+\+)[ \t]*\n(?P<raw>.*?\n)(?P=fence)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """Split front matter off a text: (metadata, body, line number where the body starts). YAML
    between `---` lines (Jekyll, Hugo, Substack exports) or TOML between `+++` lines (Hugo).

    Saved pages often carry front matter that is not valid YAML (unescaped quotes in a long
    excerpt); then each top-level `key: value` (TOML: `key = value`) line is read as a plain
    string instead.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    raw = match["raw"]
    meta = copy.deepcopy(_front_matter(raw, match["fence"] == "+++"))
    return meta, text[match.end():], raw.count("\n") + 3


@functools.lru_cache(maxsize=8)
def _front_matter(raw: str, toml: bool) -> dict:
    meta = _toml_front_matter(raw) if toml else _yaml_front_matter(raw)
    return meta if isinstance(meta, dict) else _loose_front_matter(raw, "=" if toml else ":")


def _yaml_front_matter(raw: str) -> object:
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return None  # read loosely by the caller


def _toml_front_matter(raw: str) -> object:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError:
        return None  # read loosely by the caller


def _loose_front_matter(raw: str, separator: str) -> dict:
    meta: dict[str, str] = {}
    for line in raw.splitlines():
        key, sep, value = line.partition(separator)
        key = key.rstrip()  # top-level keys only: an indented key belongs to a nested table
        if sep and re.fullmatch(r"[A-Za-z_][\w-]*", key):
            meta[key] = value.strip().strip('"').strip("'")
    return meta


SEPARATOR_LINE = re.compile(r"^\s*([#*=_~-])(\s*\1){2,}\s*$")


def is_separator(text: str) -> bool:
    """A line made of one repeated mark: `#####`, `***`, `* * *`, `---`, `===`."""
    return bool(SEPARATOR_LINE.match(text))


_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def markdown_heading(text: str) -> tuple[int, str] | None:
    """(level, title) when the line is an ATX Markdown heading."""
    match = _MARKDOWN_HEADING.match(text)
    return (len(match.group(1)), match.group(2)) if match else None


def decode_entities(text: str) -> str:
    """HTML entities to characters; non-breaking spaces to plain spaces."""
    return html.unescape(text).replace("\u00a0", " ")


_ISSUE_NUMBER = re.compile(r"(?:#|\bissue\s+|\bno\.\s*)(\d+)\b|^[A-Z][\w .]*?\s(\d+)\s*[:\-–—]", re.I)


def issue_number(title: str) -> str | None:
    """"Import AI 226: ..." -> "226"; "#21: ..." -> "21"; "Issue 5" -> "5"."""
    match = _ISSUE_NUMBER.search(title)
    if not match:
        return None
    return match.group(1) or match.group(2)


# Prose shapes shared by forms whose headings and lists lost their markup (saved web pages).

Rule = tuple[str, re.Pattern[str]]  # (rule name for `parse --explain`, pattern searched in a text)


def matching_rule(text: str, rules: tuple[Rule, ...]) -> str | None:
    """The name of the first rule whose pattern occurs in the text, None when none does."""
    for name, pattern in rules:  # a plain loop: this runs for every line of every file
        if pattern.search(text):
            return name
    return None


_BULLET = re.compile(r"^\s*[-*+•·▪◦‣]\s+(?P<item>\S.*)$")


def bullet_item(text: str) -> str | None:
    """The item of a bulleted line ("  • item", "- item"), None for any other line."""
    match = None if is_separator(text) else _BULLET.match(text)
    return match.group("item").strip() if match else None


def join_markdown(parts: list[str]) -> str:
    """Paragraphs joined by blank lines; consecutive list items ("- x") stay one list."""
    text = ""
    previous = ""
    for part in parts:
        tight = previous.startswith("- ") and part.startswith("- ")
        text += ("\n" if tight else "\n\n") + part if text else part
        previous = part
    return text


def section_note(label: str, text: str) -> str:
    """A section's introduction, kept outside the stories under its section's name in bold."""
    return f"**{label}**\n\n{text}" if text else f"**{label}**"


def heading_shaped(text: str, max_words: int = 16) -> bool:
    """A line that reads as an unmarked heading: short, opens with a capital or digit, and does not
    end as a sentence or a lead-in does (`.` `,` `;` `:`); `?` and `!` may end a headline."""
    stripped = text.strip()
    if not stripped or stripped.endswith((".", ",", ";", ":")):
        return False
    # A bulleted line opens with its mark, never with a capital or a digit: no heading either.
    return (stripped[0].isupper() or stripped[0].isdigit()) and len(stripped.split()) <= max_words


def ends_with_emoji(text: str) -> bool:
    """True when a line ends in a pictographic emoji ("Cool Things ✨"), not in © or ™."""
    stripped = text.rstrip().rstrip("\ufe0f\u200d")
    return bool(stripped) and ord(stripped[-1]) >= 0x2300 and unicodedata.category(stripped[-1]) == "So"


def doubled_blocks(found: list[Block]) -> set[int]:
    """Indices of both copies of every block repeated right after itself: saved pages print an
    image's alt text and its caption, which are usually the same words."""
    squashed = [" ".join(block.text.split()) for block in found]
    doubled: set[int] = set()
    for i in range(len(found) - 1):
        if squashed[i] == squashed[i + 1]:
            doubled |= {i, i + 1}
    return doubled


_SUBHEAD = re.compile(r"^(?P<lead>[A-Z][^:.!?\n]{0,80}?(?P<mark>[:?]))\s+(?P<rest>\S.*)$", re.S)


def subhead_lead(text: str, max_words: int = 6, questions: bool = False) -> tuple[str, str] | None:
    """(lead, rest) for a paragraph opened by a short phrase and a colon ("What's new: ..."), the
    lead without its colon; with `questions`, a short question opens one too ("Does it work?
    ..."), the lead keeping its question mark."""
    match = _SUBHEAD.match(text.strip())
    if not match or len(match["lead"].split()) > max_words:
        return None
    if match["mark"] == "?" and not questions:
        return None
    return match["lead"].removesuffix(":"), match["rest"]


def bold_lead(text: str, max_words: int = 6, questions: bool = False) -> str:
    """The paragraph with its short lead phrase in bold (`**What's new:** ...`), else unchanged."""
    lead = subhead_lead(text, max_words, questions)
    if not lead:
        return text
    mark = "" if lead[0].endswith("?") else ":"
    return f"**{lead[0]}{mark}** {lead[1]}"


_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\bet al|\be\.g|\bi\.e|\bvs|\bcf|\bDr|\bMrs?|\bMs|\bProf|\bSt|\bInc|\bLtd|\bJr|\bNo|\bU\.S"
    r"|\bU\.K|\b[A-Z])\.$"
)


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph, not fooled by "et al.", "vs." or an initial ("M.")."""
    for match in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.search(text[: match.start() + 1]):
            return text[: match.end()].strip()
    return text.strip()


# Where a clause or an aside starts: punctuation, a relative or subordinating word, or a participle
# that opens a modifier ("... inclusive originating from ...", "... a model trained by ..."). Other
# prepositions would also cut compounds ("sand mining on rivers").
_CLAUSE_BREAK = re.compile(
    r"\s*[;:(—–]|,\s|\s-\s"
    r"|\s(?=(?:which|who|whose|whom|where|while|whereas|because|although|though|unless|until)\s)"
    r"|\s(?=\w+(?:ing\sfrom|ed\sby)\s)"
)


def shorten_at_clause(sentence: str, limit: int = 100, shortest: int = 30) -> str:
    """A long sentence cut at its last clause boundary that keeps it within `limit` characters
    (and at least `shortest`), so a lead sentence can serve as a headline; never cut mid-word."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    cuts = [m.start() for m in _CLAUSE_BREAK.finditer(sentence) if shortest <= m.start() <= limit]
    if cuts:
        return sentence[: cuts[-1]].rstrip(" ,;:—–-")
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(" ,;:—–-") + "…"


# Email and post shapes (Import AI and newsletters written like it): issue title lines, `...dek…`
# lines, headlines glued to their body, "Read more" source lines, boilerplate dropped by rules,
# texts cut off mid-word.

_ISSUE_TITLE = re.compile(
    r"^(?:#{1,6}\s+)?(?P<name>[A-Z][\w&'’ .-]*?)\s+#?(?P<number>\d+)(?:\s*\[[^\]]*\])?\s*:\s*(?P<title>\S.*)$"
)


def issue_title(text: str) -> tuple[str, str, str] | None:
    """Name, number and title of an issue title line: "Import AI 226: AlphaFold; ..." -> ("Import AI",
    "226", "AlphaFold; ..."). A leading Markdown `#` and a note before the colon ("Import AI 220
    [FIXED]: ...") are allowed."""
    match = _ISSUE_TITLE.match(text.strip())
    return (match["name"].strip(), match["number"], match["title"].strip()) if match else None


_ELLIPSIS = r"(?:…|\.{3})"
_DEK = re.compile(rf"^{_ELLIPSIS}\s*(\S.*?)\s*{_ELLIPSIS}$")


def dek(text: str) -> str | None:
    """The subtitle inside a `...dek…` line (three dots or an ellipsis at both ends), else None."""
    match = _DEK.match(text.strip())
    return match.group(1) if match else None


_GLUED = re.compile(rf"^(?P<title>.+?):\s*{_ELLIPSIS}(?P<dek>.+?){_ELLIPSIS}\s*(?P<body>.*)$")


def split_glued_headline(text: str) -> tuple[str, str, str] | None:
    """(headline, dek, body) of a "Headline:…dek…Body text" run together on one line."""
    match = _GLUED.match(text.strip())
    if not match or not heading_shaped(match["title"]):
        return None
    return match["title"].strip(), match["dek"].strip(), match["body"]


_SOURCE_LEAD = re.compile(
    r"Read (?:more|the [^:.()\n]{1,40}?)\s?:"
    r"|(?:Get|Grab|Download|Find|Check out|Watch|Listen to) the\b[^:.()\n]{1,40}?here(?=\s*\()"
)
_URL = re.compile(r"https?://[^\s()]+")
_TITLE_AND_SITE = re.compile(r"^(?P<title>.*?)\s*\((?P<site>[^()]*)\)$")
_SENTENCE_CLOSE = (".", "!", "?", ")", '"', "”", "’")


def split_sources(text: str) -> tuple[str, tuple[Source, ...]]:
    """Split the source items off the end of a paragraph: (the rest, the sources).

    An item opens with a lead ("Read more:", "Read the paper:", "Get the code here (…)") at the
    start of the text or right after a sentence, and runs to the next lead; from the first lead on,
    the paragraph is all sources ("…they write.Read more:TITLE (SITE).").
    """
    starts = [m.start() for m in _SOURCE_LEAD.finditer(text) if _after_sentence(text, m.start())]
    if not starts:
        return text, ()
    ends = starts[1:] + [len(text)]
    return text[: starts[0]].rstrip(), tuple(_source(text[a:b]) for a, b in zip(starts, ends, strict=True))


def _after_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before.endswith(_SENTENCE_CLOSE)


def _source(item: str) -> Source:
    """One "LEAD TITLE (SITE)." item; with no title after the lead, the lead is the title."""
    lead = _SOURCE_LEAD.match(item)
    label = lead.group(0) if lead else ""
    rest = item[len(label) :]
    url = _URL.search(rest)
    rest = _URL.sub("", rest).strip().rstrip(".").strip()
    match = _TITLE_AND_SITE.match(rest)
    title, site = (match["title"], match["site"]) if match else (rest, "")
    # The lead is kept as the source's label, unless it has to stand in for a missing title.
    link = url.group(0).rstrip(".,") if url else ""
    return Source(title or label.rstrip(": "), site, link, label if title else "")


_CUT_OFF = re.compile(rf"(?<=\w){_ELLIPSIS}[\"'”’]?\s*$")


def cut_truncation(text: str) -> tuple[str, bool]:
    """A text that stops mid-word on an ellipsis ("…built a small ro…"): the text without the
    ellipsis, and True. Other texts come back unchanged, with False."""
    match = _CUT_OFF.search(text)
    return (text[: match.start()], True) if match else (text, False)


def drop_matching(
    lines: list[Line], rules: tuple[Rule, ...], scope: str = "line"
) -> tuple[list[Line], list[DroppedBlock]]:
    """Drop what the rules match, each drop recorded under its rule's name; dropped lines come back
    blank, so blocks stay apart and line numbers true. `scope` is how much a match drops: its
    "line", the rest of its "block", or its "section" (up to the next line a rule matches)."""
    kept, dropped = list(lines), []
    index = 0
    while index < len(lines):
        text = lines[index].text.strip()
        name = matching_rule(text, rules) if text else None
        if name is None:
            index += 1
            continue
        end = _match_end(lines, index, rules, scope)
        found = "\n".join(line.text for line in lines[index:end]).strip()
        dropped.append(DroppedBlock(lines[index].number, name, found))
        kept[index:end] = [Line(line.number, "") for line in lines[index:end]]
        index = end
    return kept, dropped


def _match_end(lines: list[Line], start: int, rules: tuple[Rule, ...], scope: str) -> int:
    """Index just past what a match on lines[start] drops."""
    if scope == "line":
        return start + 1
    for end in range(start + 1, len(lines)):
        text = lines[end].text.strip()
        if scope == "block" and not text:
            return end
        if scope == "section" and text and matching_rule(text, rules):
            return end
    return len(lines)


# Wrapped forms (front matter, email headers, a saved page's head) around a body that some other
# form reads: choosing that body form, and laying the wrapper's metadata over its reading.


class BodyForm(Protocol):
    """What a wrapping form needs of the form that reads its body."""

    name: str

    def sniff(self, text: str, filename: str) -> float: ...

    def parse(self, text: str, filename: str) -> ParsedIssue: ...


def best_form(forms: tuple[BodyForm, ...], text: str, filename: str) -> tuple[BodyForm, float]:
    """The form that scores highest on a text, with its score; ties go to the one listed first."""
    scores = [form.sniff(text, filename) for form in forms]
    best = max(range(len(forms)), key=lambda i: (scores[i], -i))
    return forms[best], scores[best]


def padded_body(body: str, start: int) -> str:
    """A body as it sits in its file: blank lines stand in for what comes before it (front matter,
    headers), so a body form's line numbers are the file's."""
    return "\n" * (start - 1) + body


@dataclass(frozen=True)
class IssueMeta:
    """What a wrapper says about its issue; empty fields say nothing."""

    newsletter: str = ""
    number: str | None = None
    title: str = ""
    date: dt.date | None = None
    url: str = ""
    author: str = ""


# Words that open "Issue 12: …" titles; they name no newsletter.
_NOT_NEWSLETTER_NAMES = frozenset("issue edition no number vol volume episode part week".split())


def title_meta(heading: str) -> IssueMeta:
    """Newsletter, number and title of an issue's title: "Import AI 226: AlphaFold" names all three;
    "Issue 12: Robots" only a number (and keeps the whole title)."""
    heading = heading.strip()
    named = issue_title(heading)
    if named and named[0].casefold() not in _NOT_NEWSLETTER_NAMES:
        return IssueMeta(newsletter=named[0], number=named[1], title=named[2])
    return IssueMeta(number=issue_number(heading), title=heading)


def front_matter_meta(meta: dict) -> IssueMeta:
    """The issue fields of Jekyll/Hugo front matter; Hugo's lists (`series`, `authors`) give their
    first or all items."""
    named = title_meta(decode_entities(_meta_text(meta.get("title"))))
    number = _meta_text(meta.get("issue") or meta.get("number"))
    return IssueMeta(
        newsletter=_meta_text(meta.get("newsletter") or meta.get("series")) or named.newsletter,
        number=number or named.number,
        title=named.title,
        date=parse_date(meta.get("date")),
        url=_meta_text(meta.get("link") or meta.get("url")),
        author=_meta_text(meta.get("author")) or ", ".join(map(str, _as_list(meta.get("authors")))),
    )


def _meta_text(value: object) -> str:
    items = _as_list(value)
    return str(items[0]).strip() if items else ""


def _as_list(value: object) -> list:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def with_meta(
    issue: ParsedIssue, meta: IssueMeta, format_name: str, dropped: Iterable[DroppedBlock] = ()
) -> ParsedIssue:
    """The body's reading with what the wrapper says taking precedence, named by `format_name`;
    the wrapper's dropped blocks join the body's, in line order."""
    return replace(
        issue,
        format=format_name,
        newsletter=meta.newsletter or issue.newsletter,
        number=meta.number or issue.number,
        title=meta.title or issue.title,
        date=meta.date or issue.date,
        url=meta.url or issue.url,
        author=meta.author or issue.author,
        dropped=tuple(sorted((*dropped, *issue.dropped), key=lambda block: block.line)),
    )


# Markdown and HTML text.

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def inline_text(markdown: str) -> str:
    """A Markdown line as plain text, for a title: links keep their text, emphasis and code marks go."""
    text = _LINK.sub(r"\1", markdown)
    return _EMPHASIS.sub(r"\2", text).replace("\\", "").strip()


def html_text(html_source: str) -> str:
    """Every text of an HTML document or fragment, on one line (what a dropped part said)."""
    return " ".join(BeautifulSoup(html_source, "html.parser").get_text(" ").split())


# Wrappers: an email export or an HTML document is opened by its own form, which hands what is
# inside to the text forms; no text form reads the wrapper as it is.

_MAIL_HEADER = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9-]*):(?:[ \t]|$)")
HTML_DOCUMENT = re.compile(r"\A\s*(?:<!--.*?-->\s*)*(?:<!doctype html|<html)", re.I | re.S)


def mail_header_names(text: str) -> set[str]:
    """The (lower-case) names of the header lines an email export opens with, up to its first
    blank line; empty when the text does not open with headers. An mbox "From " line may come
    first; folded lines continue the header above them."""
    names: set[str] = set()
    for index, line in enumerate(text.splitlines()):
        if not line.strip():
            break
        if (line[:1] in " \t" and names) or (index == 0 and line.startswith("From ")):
            continue
        match = _MAIL_HEADER.match(line)
        if not match:
            return set()
        names.add(match["name"].lower())
    return names


def is_email(text: str) -> bool:
    """Opens with a sender and a subject or a date: an email export."""
    names = mail_header_names(text)
    return "from" in names and bool(names & {"subject", "date"})


def is_wrapper(text: str) -> bool:
    return is_email(text) or bool(HTML_DOCUMENT.match(text))
