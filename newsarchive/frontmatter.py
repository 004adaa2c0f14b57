"""YAML front matter, written fast: block-style YAML for the plain data of front matter
(mappings with string keys, lists, strings, dates, numbers, booleans, None).

PyYAML's emitter walks each value through its representer in pure Python, which cost more than
rendering a page's HTML; this writes the same kind of text directly. A string is written plain
when YAML's own resolver patterns cannot read it as anything else (a number, date, boolean or
null), single-quoted when it holds no control characters or line breaks, and double-quoted
(JSON's escapes, which YAML's double-quoted style shares) otherwise, so `yaml.safe_load` always
gives back the value written. Keys keep the order given; values are never folded, so each sits on
one line.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections.abc import Mapping

import yaml

_UNPRINTABLE_CHARS = "\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff"  # or line breaks
# Plain when it holds only printable characters and starts with none of YAML's indicators.
_PLAIN = re.compile(f"[^-?:,\\[\\]{{}}#&*!|>'\"%@`\\s{_UNPRINTABLE_CHARS}][^{_UNPRINTABLE_CHARS}]*")
_PRINTABLE = re.compile(f"[^{_UNPRINTABLE_CHARS}]*")
# What JSON leaves unescaped in a double-quoted string but YAML does not accept there literally.
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
# The patterns by which a YAML loader reads a plain scalar as a boolean, number, date or null.
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
INDENT = "  "


def dump(meta: Mapping[str, object]) -> str:
    """The YAML text of a mapping, one `key: value` a line, ending with a newline."""
    lines: list[str] = []
    _mapping(meta, "", lines)
    lines.append("")
    return "\n".join(lines)


def scalar(value: object) -> str:
    """One value as YAML reads it back: a string, date, number, boolean or None."""
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"front matter cannot hold {value!r}")


@functools.lru_cache(maxsize=1 << 14)  # keys, tags, names and titles recur from file to file
def _string(text: str) -> str:
    if (_PLAIN.fullmatch(text) and ": " not in text and " #" not in text
            and not text.endswith((" ", ":"))
            and not any(pattern.match(text) for _, pattern in _IMPLICIT.get(text[0], ()))):
        return text
    if _PRINTABLE.fullmatch(text):
        return "'" + text.replace("'", "''") + "'"
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match[0]):04x}", quoted)


def _mapping(meta: Mapping[str, object], indent: str, lines: list[str]) -> None:
    for key, value in meta.items():
        if not isinstance(key, str) or _string(key) != key:
            raise TypeError(f"front matter key {key!r} is not a plain name")
        if isinstance(value, str):  # most values: written on the key's line
            lines.append(f"{indent}{key}: {_string(value)}")
        elif isinstance(value, Mapping) and value:
            lines.append(f"{indent}{key}:")
            _mapping(value, indent + INDENT, lines)
        elif isinstance(value, list | tuple) and value:
            lines.append(f"{indent}{key}:")
            _sequence(value, indent, lines)  # "- item" under its key, as PyYAML writes it
        else:
            lines.append(f"{indent}{key}: {_empty_or_scalar(value)}")


def _sequence(items: list | tuple, indent: str, lines: list[str]) -> None:
    inner = indent + INDENT
    for item in items:
        first = len(lines)
        if isinstance(item, Mapping) and item:
            _mapping(item, inner, lines)
        elif isinstance(item, list | tuple) and item:
            _sequence(item, inner, lines)
        else:
            lines.append(f"{indent}- {_empty_or_scalar(item)}")
            continue
        lines[first] = f"{indent}- {lines[first][len(inner):]}"  # the item's first line after its dash


def _empty_or_scalar(value: object) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    return scalar(value)
