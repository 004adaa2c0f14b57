"""Parse stage, email exports: `.eml` files and plain-text exports that open with From:, Date:
and Subject: lines.

The message is read with the standard library's `email` package (`policy.default`). Its Subject
gives the title (and the newsletter and number, "Gradient Notes 14: …"), its Date header the date,
and the sender's display name the newsletter when nothing else names it. Of the text parts, the
text/plain one is read when it kept the issue's structure (a body form other than the fallback is
sure of it), else the text/html one (which the web page form converts to Markdown); the other is
dropped as an alternative. The chosen part goes to whichever body form fits it best; body forms are
handed in by the format registry. The headers are dropped as one block.

Line numbers: a part is placed at the line where it starts in the file, so a part sent as it is
(7bit, 8bit) has the file's line numbers; inside a quoted-printable or base64 part they count lines
of the decoded text from there. The text handed in must keep the file's bytes: ingest reads `.eml`
files with `errors="surrogateescape"`, and this module encodes the text back the same way before
parsing, so an 8-bit part in any charset is decoded by its own charset.
"""

from __future__ import annotations

import codecs
import email
import re
from dataclasses import dataclass, replace
from email import policy
from email.message import EmailMessage

from ..model import DroppedBlock, ParsedIssue
from .blocks import (
    BodyForm,
    IssueMeta,
    best_form,
    html_text,
    is_email,
    padded_body,
    parse_date,
    title_meta,
    with_meta,
)

STRUCTURE = 0.3  # a body form this sure of a text/plain part means the part kept the issue's shape
READ_TYPES = ("text/plain", "text/html")
_REPLY_PREFIX = re.compile(r"^(?:(?:re|fwd?|fw)\s*:\s*)+", re.I)
_HEADER_END = re.compile(rb"\r?\n[ \t]*\r?\n")
_ASCII_RUN = re.compile(r"[\x00-\x7f]*")
MIN_NEEDLE = 16  # characters of a part's opening that find it in the file reliably


@dataclass(frozen=True)
class TextPart:
    kind: str  # "text/plain" or "text/html"
    content: str  # decoded
    line: int  # where the part's content starts in the file

    @property
    def body(self) -> str:
        return padded_body(self.content, self.line)


@dataclass(frozen=True)
class EmailExport:
    body_forms: tuple[BodyForm, ...]
    name: str = "email"

    def sniff(self, text: str, filename: str) -> float:
        return 0.95 if is_email(text) else 0.0

    def parse(self, text: str, filename: str) -> ParsedIssue:
        raw = text.encode("utf-8", "surrogateescape")
        message = email.message_from_bytes(raw, policy=policy.default)
        parts = text_parts(message, raw)
        chosen = self._chosen(parts, filename)
        form, _ = best_form(self.body_forms, chosen.body, filename)
        issue = form.parse(chosen.body, filename)
        # Undecodable header bytes are shown as U+FFFD: the block is text for people.
        header_text = raw[: _header_end(raw)].decode("utf-8", "replace").strip()
        headers = DroppedBlock(1, "email-headers", header_text)
        others = [_alternative(part) for part in parts if part is not chosen]
        issue = with_meta(issue, mail_meta(message), f"{self.name}/{issue.format}", [headers, *others])
        return replace(issue, newsletter=issue.newsletter or _sender(message))

    def _chosen(self, parts: list[TextPart], filename: str) -> TextPart:
        """The text/plain part when it kept its structure (or is all there is), else the HTML."""
        plain = next((part for part in parts if part.kind == "text/plain"), None)
        html = next((part for part in parts if part.kind == "text/html"), None)
        if plain and (html is None or best_form(self.body_forms, plain.body, filename)[1] >= STRUCTURE):
            return plain
        return html or plain or TextPart("text/plain", "", 1)


def text_parts(message: EmailMessage, raw: bytes) -> list[TextPart]:
    """The message's readable parts (attachments aside), in the order they come."""
    parts = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() not in READ_TYPES:
            continue
        if part.get_content_disposition() != "attachment":
            line = _body_line(raw) if part is message else _first_line(part, raw)
            parts.append(TextPart(part.get_content_type(), _content(part).lstrip("\r\n"), line))
    return parts


def _content(part: EmailMessage) -> str:
    """The part's text, decoded by its charset. A part that names none (a plain-text export has no
    MIME headers) or one Python does not know is read as UTF-8, as the file was."""
    charset = part.get_content_charset()
    if charset and _known_charset(charset):
        return part.get_content()
    return part.get_payload(decode=True).decode("utf-8", "replace")


def _known_charset(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _header_end(raw: bytes) -> int:
    """Where the header block ends: at the first blank line, else at the end of the file."""
    blank = _HEADER_END.search(raw)
    return blank.start() if blank else len(raw)


def _body_line(raw: bytes) -> int:
    """The file line where a single-part message's content starts: the first after the headers
    that is not blank."""
    start = _header_end(raw)
    start += len(raw[start:]) - len(raw[start:].lstrip(b"\r\n \t"))
    return raw.count(b"\n", 0, start) + 1


def _first_line(part: EmailMessage, raw: bytes) -> int:
    """The file line where the part's content starts: its transfer-encoded text is found in the
    file. 1 when it cannot be found."""
    needle = _needle(str(part.get_payload(decode=False)).lstrip("\r\n")[:200], part.get_content_charset())
    position = raw.find(needle) if needle else -1
    return raw.count(b"\n", 0, position) + 1 if position >= 0 else 1


def _needle(payload: str, charset: str | None) -> bytes:
    """Bytes of the file that open the payload. `get_payload` gives an 8-bit part decoded by its
    charset (non-ASCII bytes of a part without one come back as U+FFFD), so the ASCII text the
    payload opens with is searched; a payload that opens with other characters is encoded back."""
    opening = _ASCII_RUN.match(payload)[0]
    if len(opening) >= MIN_NEEDLE or len(opening) == len(payload):
        return opening.encode("ascii")
    return payload.encode(charset if charset and _known_charset(charset) else "utf-8", "replace")


def _alternative(part: TextPart) -> DroppedBlock:
    text = html_text(part.content) if part.kind == "text/html" else part.content.strip()
    return DroppedBlock(part.line, "alternative-part", text)


def mail_meta(message: EmailMessage) -> IssueMeta:
    """Title, newsletter and number from the Subject ("Fwd:" and "Re:" aside); date from Date."""
    subject = _REPLY_PREFIX.sub("", " ".join(str(message.get("Subject", "")).split()))
    named = title_meta(subject)
    date_header = message.get("Date")
    when = getattr(date_header, "datetime", None)
    return replace(named, date=when.date() if when else parse_date(str(date_header or "")))


def _sender(message: EmailMessage) -> str:
    """The display name of the sender ("Gradient Notes <hello@…>" -> "Gradient Notes")."""
    addresses = getattr(message.get("From"), "addresses", ())
    return addresses[0].display_name.strip() if addresses else ""
