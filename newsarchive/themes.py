"""The theme's folders and files: where templates and static files come from, and the digests a
build compares to tell whether the theme changed. Apart from render, so that a build with nothing
to do can tell so without importing Jinja, Markdown and the rest of rendering."""

from __future__ import annotations

from pathlib import Path

from .cache import digest
from .config import Config

BUILTIN_THEME = Path(__file__).resolve().parent.parent / "theme"  # what a theme leaves out comes from here
CUSTOM_CSS = "custom.css"  # a theme's static/custom.css is linked after style.css, to restyle by variables


def theme_key(config: Config) -> str:
    """What of the theme every page depends on beyond its templates (which pages track one by one)."""
    return f"custom_css={CUSTOM_CSS in static_files(config)}"


def theme_digest(config: Config) -> str:
    """A digest of every file the themes give (templates and static files, by name and bytes)."""
    files = sorted((p.relative_to(theme).as_posix(), p) for theme in theme_dirs(config)
                   for p in theme.rglob("*") if p.is_file())
    return digest(*(part for name, path in files for part in (name, path.read_bytes())))


def theme_dirs(config: Config) -> list[Path]:
    """The theme folders, most specific first: the configured theme, then the built-in one, which
    gives every template and static file the configured theme leaves out."""
    return list(dict.fromkeys([config.theme_dir.resolve(), BUILTIN_THEME]))


def static_files(config: Config) -> dict[str, Path]:
    """Name under static/ -> file; the configured theme's files win over the built-in theme's."""
    files: dict[str, Path] = {}
    for theme in reversed(theme_dirs(config)):
        folder = theme / "static"
        if folder.is_dir():
            files.update((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())
    return files
