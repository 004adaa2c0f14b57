"""site_config.toml: read with tomllib into typed, frozen dataclasses.

The schema is the dataclasses below. Unknown keys and wrong types are errors that name their key
path ("[build].strict: expected a boolean, got 'yes'") with a "did you mean" where a known key is
close; every problem in the file is reported at once. Paths are relative to the config file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """The config file cannot be used; the message lists every problem, one per line."""


@dataclass(frozen=True)
class SiteSection:
    title: str = "AI Newsletter Archive"
    description: str = "An annotated archive of AI newsletters."
    base_url: str = ""  # "https://user.github.io/archive/"; empty: relative links only
    language: str = "en"
    author: str = ""
    domain: str = ""  # a custom domain for GitHub Pages: written to CNAME
    code_style: str = "default"  # Pygments style for code blocks in light mode
    code_style_dark: str = "github-dark"  # ...and in dark mode


@dataclass(frozen=True)
class BuildSection:
    content_dir: str = "content"
    output_dir: str = "site"
    theme_dir: str = "theme"
    strict: bool = False  # warnings fail the build
    offline: bool = False  # every link names a file, for reading from file://
    zip: bool = False  # also write site.zip, an offline copy of the site, linked from the home page
    cache_dir: str = ""  # what earlier builds worked out (default: .<output_dir>.cache beside it)


@dataclass(frozen=True)
class NewsletterSection:
    name: str
    url_pattern: str = ""  # an issue's original URL, e.g. "https://example.com/issue-{number}/"
    aliases: list[str] = field(default_factory=list)  # other names the files use for it


@dataclass(frozen=True)
class TagsSection:
    default_taxonomy: bool = True  # use the shipped taxonomy for AI news (newsarchive/data/)
    automatic: bool = True  # also tag organisations, models and datasets that stories name
    min_stories: int = 2  # an automatic tag needs this many stories
    max_share: float = 0.3  # ...and is dropped when more than this share of stories name it
    per_page: int = 100  # stories on each page of a tag; the others go on its next pages


@dataclass(frozen=True)
class TaxonomyEntry:
    name: str = ""  # display name; default: the slug in title case
    phrases: list[str] = field(default_factory=list)  # text that means the tag
    aliases: list[str] = field(default_factory=list)  # other tag names that mean it


@dataclass(frozen=True)
class FormDropRule:
    rule: str  # the name `parse --explain` shows for what it drops
    pattern: str  # a regular expression searched in each stripped line
    scope: str = "line"  # what a match drops: its "line", the rest of its "block", or its "section"


@dataclass(frozen=True)
class FormSection:
    """A newsletter form described without Python (`[forms.<name>]`); see the README."""

    recognise: list[str]  # patterns that must ALL occur in a file (^ and $ anchor lines)
    newsletter: str = ""  # display name of the newsletter written in this form
    separator: str = ""  # a line between stories
    headline: str = ""  # a line opening a story; a named group `title` is its title
    section: str = ""  # a section heading over several stories; group `title` is its name
    title: str = ""  # the issue's title in the first lines (group `title`)
    number: str = ""  # the issue's number in the title or the first lines (group `number`)
    date: str = ""  # the issue's date in the title or the first lines (group `date`)
    header_lines: int = 10  # how many non-blank lines title/number/date look at
    subheads: list[str] = field(default_factory=list)  # paragraph leads set in bold
    drop: list[FormDropRule] = field(default_factory=list)


FORM_SCOPES = ("line", "block", "section")
_SINGLE_PATTERNS = ("separator", "headline", "section", "title", "number", "date")


@dataclass(frozen=True)
class Config:
    site: SiteSection = field(default_factory=SiteSection)
    build: BuildSection = field(default_factory=BuildSection)
    newsletters: dict[str, NewsletterSection] = field(default_factory=dict)
    tags: TagsSection = field(default_factory=TagsSection)
    taxonomy: dict[str, TaxonomyEntry] = field(default_factory=dict)
    # Dates for newsletter files that give none: path under content/newsletters/ -> date.
    issue_dates: dict[str, dt.date] = field(default_factory=dict)
    # Newsletter forms described as data, asked before the built-in forms.
    forms: dict[str, FormSection] = field(default_factory=dict)
    root: Path = Path(".")  # folder of the config file; not a TOML key

    @property
    def content_dir(self) -> Path:
        return self.root / self.build.content_dir

    @property
    def output_dir(self) -> Path:
        return self.root / self.build.output_dir

    @property
    def theme_dir(self) -> Path:
        return self.root / self.build.theme_dir

    @property
    def cache_dir(self) -> Path:
        """The build cache; by default beside the output folder it belongs to, so that every
        output folder has its own. Deleting it is always safe."""
        if self.build.cache_dir:
            return self.root / self.build.cache_dir
        output = self.output_dir
        return output.with_name(f".{output.name}.cache")

    def with_build(self, **changes: object) -> Config:
        """A copy with some [build] values replaced (command-line options win over the file)."""
        return dataclasses.replace(self, build=dataclasses.replace(self.build, **changes))

    def with_site(self, **changes: object) -> Config:
        return dataclasses.replace(self, site=dataclasses.replace(self.site, **changes))


def load_config(path: Path) -> Config:
    """Read and check a config file; raise ConfigError naming the file and every problem."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    problems: list[str] = []
    values = _convert(Config, raw, "", problems, skip={"root"})
    if values is not None:
        problems += _form_problems(values.forms) + _style_problems(values.site) + _tags_problems(values.tags)
    if problems:
        raise ConfigError("\n".join(f"{path}: {p}" for p in problems))
    return dataclasses.replace(values, root=path.resolve().parent)


_TYPE_NAMES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number",
               dt.date: "a date (1970-01-31)"}


def _convert(kind: object, value: object, where: str, problems: list[str], skip=frozenset()):
    """Check `value` against the type `kind`; collect problems; return the typed value."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        return _convert_table(kind, value, where, problems, skip)
    if origin is list:
        (item,) = typing.get_args(kind)
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list, got {value!r}")
            return []
        return [_convert(item, v, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    if origin is dict:
        _, item = typing.get_args(kind)
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a table, got {value!r}")
            return {}
        return {k: _convert(item, v, _table_path(where, k), problems) for k, v in value.items()}
    if origin in (types.UnionType, typing.Union):
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if kind is float and type(value) is int:
        return float(value)
    if type(value) is not kind:  # exact: TOML's true is not an integer, 1 is not a boolean
        problems.append(f"{where}: expected {_TYPE_NAMES.get(kind, kind)}, got {value!r}")
    return value


def _convert_table(kind, value, where, problems, skip):
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a table, got {value!r}")
        return None
    hints = typing.get_type_hints(kind)
    known = [f.name for f in dataclasses.fields(kind) if f.name not in skip]
    for key in sorted(set(value) - set(known)):
        problems.append(f"{where or '[top level]'}: unknown key '{key}'{_suggest(key, known)}")
    given, missing = {}, False
    for f in dataclasses.fields(kind):
        hint = hints[f.name]
        is_table = dataclasses.is_dataclass(hint) or typing.get_origin(hint) is dict
        path = _table_path(where, f.name) if is_table else f"{where}.{f.name}"
        if f.name in value and f.name in known:
            given[f.name] = _convert(hint, value[f.name], path, problems)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            problems.append(f"{path}: missing (required)")
            missing = True
    return None if missing else kind(**given)


def _style_problems(site: SiteSection | None) -> list[str]:
    from pygments.styles import get_all_styles  # imported here: only config checks need it

    if site is None:
        return []
    styles = sorted(get_all_styles())
    return [f"[site].{key}: unknown Pygments style {name!r}{_suggest(name, styles)}"
            for key, name in (("code_style", site.code_style), ("code_style_dark", site.code_style_dark))
            if name not in styles]


def _tags_problems(tags: TagsSection | None) -> list[str]:
    if tags is None or type(tags.per_page) is not int or tags.per_page >= 1:  # a wrong type: reported
        return []
    return [f"[tags].per_page: expected at least 1 story a page, got {tags.per_page}"]


def _table_path(where: str, key: str) -> str:
    """"" + "build" -> "[build]"; "[newsletters]" + "import-ai" -> "[newsletters.import-ai]"."""
    return f"[{where[1:-1]}.{key}]" if where else f"[{key}]"


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _form_problems(forms: dict[str, FormSection | None]) -> list[str]:
    """What the type check cannot see in `[forms]`: patterns that do not compile, bad scopes, a
    form nothing recognises."""
    problems = []
    for name, form in forms.items():
        if form is None:  # already reported as missing a required key
            continue
        where = f"[forms.{name}]"
        if not form.recognise:
            problems.append(f"{where}.recognise: give at least one pattern")
        for key, pattern in _form_patterns(form):
            try:
                re.compile(pattern)
            except re.error as error:
                problems.append(f"{where}.{key}: not a valid regular expression: {error}")
        for i, rule in enumerate(form.drop):
            if rule is not None and isinstance(rule.scope, str) and rule.scope not in FORM_SCOPES:
                expected = ", ".join(FORM_SCOPES)
                problems.append(f"{where}.drop[{i}].scope: expected one of {expected}, got {rule.scope!r}")
    return problems


def _form_patterns(form: FormSection) -> list[tuple[str, str]]:
    """(key path, pattern) for every regular expression of a form."""
    single = [(key, getattr(form, key)) for key in _SINGLE_PATTERNS]
    listed = [(f"{key}[{i}]", p) for key in ("recognise", "subheads")
              for i, p in enumerate(getattr(form, key))]
    drops = [(f"drop[{i}].pattern", r.pattern) for i, r in enumerate(form.drop) if r is not None]
    # A pattern of the wrong type is reported by the type check already.
    return [(key, p) for key, p in single + listed + drops if isinstance(p, str) and p]
