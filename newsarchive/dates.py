"""Dates as newsletters and front matter write them. Its own module, so that reading story files
(load) does not import the newsletter parsers (formats/, BeautifulSoup), which only ingest needs."""

from __future__ import annotations

import datetime as dt
import re

_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%A, %B %d, %Y")
_ISO_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def parse_date(value: object) -> dt.date | None:
    """Read a date from front matter or text: a date object, ISO (with or without a time), or
    "December 14, 2020" / "Monday, November 2, 2020" / "14 December 2020". None when unsure."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = _ISO_PREFIX.match(text)
    if iso:
        text = iso.group(1)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
