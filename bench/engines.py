"""The site builders the benchmark times on one generated archive: ours (`build.py`), Hugo and
Pelican. Each knows how to start from nothing, build, which story file and template to edit, and
how to serve a preview (Pelican's is not measured). All output, caches and theme copies live in
the size's work folder; the repository is only read."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from measure import Sample, run

REPO = Path(__file__).resolve().parent.parent
# Our build runs with the project's virtualenv, whichever Python runs the benchmark.
_VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(_VENV_PYTHON) if _VENV_PYTHON.exists() else sys.executable
PELICAN_VERSION = "4.12.0"
_BUILT = re.compile(r"Built (\d+) stories")


class Engine(Protocol):
    """What run.py needs of a builder."""

    name: str
    work: Path
    ready: re.Pattern[str]  # the server's line that says an edit now shows at once

    def prepare(self) -> None: ...

    def clean(self) -> None: ...

    def build(self, log: Path) -> Sample: ...

    def story_file(self) -> Path: ...

    def template(self) -> tuple[Path, str]: ...  # a template and the text to insert an edit after

    def serve_command(self, port: int) -> list[str] | None: ...  # None: no server to measure

    def story_url(self, port: int, path: Path) -> str: ...


@dataclass
class Ours:
    """`build.py` with a config of its own, pointing at the archive and a copy of the repo's theme."""

    work: Path  # the size's work folder: content/ (the generated archive), site/, theme/
    name: str = "ours"
    # Serving starts after the first build; edits show at once once the archive is held as well.
    ready: re.Pattern[str] = re.compile(r"Watching for changes")
    built: int = 0  # stories the last build reported

    @property
    def content(self) -> Path:
        return self.work / "content"

    @property
    def config(self) -> Path:
        return self.work / "site_config.toml"

    def prepare(self) -> None:
        shutil.rmtree(self.work / "theme", ignore_errors=True)
        shutil.copytree(REPO / "theme", self.work / "theme")
        self.config.write_text(
            '[site]\ntitle = "Benchmark archive"\n\n[build]\ncontent_dir = "content"\n'
            'output_dir = "site"\ntheme_dir = "theme"\n',
            encoding="utf-8",
        )

    def clean(self) -> None:
        """No story files, no cache, no output: the state of a first build."""
        for folder in (
            self.content / "stories",
            self.work / "site",
            self.work / ".site.cache",
        ):
            shutil.rmtree(folder, ignore_errors=True)
        for aside in self.work.glob(".site.*"):
            shutil.rmtree(aside, ignore_errors=True)

    def build(self, log: Path) -> Sample:
        sample = run([PYTHON, "build.py", "build", "--config", str(self.config)], log, cwd=REPO)
        found = _BUILT.search(log.read_text(errors="replace"))
        self.built = int(found.group(1)) if found else -1
        return sample

    def story_file(self) -> Path:
        files = sorted(p for p in (self.content / "stories").rglob("*.md") if p.name != "_index.md")
        return files[len(files) // 2]

    def story_files(self) -> int:
        return sum(1 for p in (self.content / "stories").rglob("*.md") if p.name != "_index.md")

    def template(self) -> tuple[Path, str]:
        return self.work / "theme" / "templates" / "story.html", "{% block content %}"

    def serve_command(self, port: int) -> list[str] | None:
        """`build.py serve`, when `build.py --help` lists it."""
        if not _has_serve():
            return None
        return [PYTHON, "build.py", "serve", "--config", str(self.config), "--port", str(port)]

    def story_url(self, port: int, path: Path) -> str:
        story_id = re.search(r"^id: ['\"]?(.+?)['\"]?$", path.read_text(encoding="utf-8"), re.M).group(1)
        return f"http://127.0.0.1:{port}/{story_id}/"


def _has_serve() -> bool:
    usage = subprocess.run([PYTHON, "build.py", "--help"], cwd=REPO, capture_output=True, text=True)
    return bool(re.search(r"^\s+serve\b", usage.stdout, re.M))


@dataclass
class Hugo:
    """Hugo on the archive's Hugo copy, output and cache in the work folder."""

    work: Path
    binary: str
    name: str = "hugo"
    ready: re.Pattern[str] = re.compile(r"Web Server is available at")

    @property
    def source(self) -> Path:
        return self.work / "content" / "hugo"

    def prepare(self) -> None:
        """The theme lives in the generated copy (scratch), so it is edited in place."""

    def clean(self) -> None:
        for folder in (self.work / "hugo-public", self.work / "hugo-cache", self.source / "resources"):
            shutil.rmtree(folder, ignore_errors=True)
        (self.source / ".hugo_build.lock").unlink(missing_ok=True)

    def build(self, log: Path) -> Sample:
        return run(
            [
                self.binary,
                "--quiet",
                "--source",
                str(self.source),
                "--destination",
                str(self.work / "hugo-public"),
                "--cacheDir",
                str(self.work / "hugo-cache"),
            ],
            log,
        )

    def story_file(self) -> Path:
        files = sorted((self.source / "content").rglob("*.md"))
        return files[len(files) // 2]

    def template(self) -> tuple[Path, str]:
        return (
            self.source / "themes" / "bench" / "layouts" / "_default" / "single.html",
            '{{ define "main" }}',
        )

    def serve_command(self, port: int) -> list[str] | None:
        return [
            self.binary,
            "server",
            "--source",
            str(self.source),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--cacheDir",
            str(self.work / "hugo-cache"),
        ]

    def story_url(self, port: int, path: Path) -> str:
        relative = path.relative_to(self.source / "content").with_suffix("").as_posix()
        return f"http://127.0.0.1:{port}/{relative}/"

    def version(self) -> str:
        return subprocess.run([self.binary, "version"], capture_output=True, text=True).stdout.strip()


@dataclass
class Pelican:
    """Pelican (from its own virtualenv) on the archive's Pelican copy, with a copy of its default
    theme so a template can be edited; content cache on (CACHE_CONTENT, LOAD_CONTENT_CACHE)."""

    work: Path
    venv: Path
    name: str = "pelican"

    @property
    def source(self) -> Path:
        return self.work / "content" / "pelican"

    def prepare(self) -> None:
        shutil.rmtree(self.work / "pelican-theme", ignore_errors=True)
        package = subprocess.run(
            [
                str(self.venv / "bin" / "python"),
                "-c",
                "import pelican, os; print(os.path.dirname(pelican.__file__))",
            ],
            capture_output=True,
            text=True,
        )
        shutil.copytree(Path(package.stdout.strip()) / "themes" / "notmyidea", self.work / "pelican-theme")

    def clean(self) -> None:
        for folder in (self.work / "pelican-output", self.work / "pelican-cache"):
            shutil.rmtree(folder, ignore_errors=True)

    def build(self, log: Path) -> Sample:
        return run(
            [
                str(self.venv / "bin" / "pelican"),
                str(self.source / "content"),
                "--quiet",
                "--settings",
                str(self.source / "pelicanconf.py"),
                "--output",
                str(self.work / "pelican-output"),
                "--cache-path",
                str(self.work / "pelican-cache"),
                "--theme-path",
                str(self.work / "pelican-theme"),
            ],
            log,
        )

    def story_file(self) -> Path:
        files = sorted((self.source / "content").rglob("*.md"))
        return files[len(files) // 2]

    def template(self) -> tuple[Path, str]:
        return self.work / "pelican-theme" / "templates" / "article.html", "{% block content %}"

    def serve_command(self, port: int) -> list[str] | None:
        return None

    def story_url(self, port: int, path: Path) -> str:
        return ""

    def version(self) -> str:
        result = subprocess.run(
            [str(self.venv / "bin" / "pelican"), "--version"], capture_output=True, text=True
        )
        return f"pelican {result.stdout.strip()}"


def ensure_pelican(venv: Path) -> tuple[Path | None, str]:
    """A virtualenv holding pelican[markdown]==PELICAN_VERSION, created when missing: (venv, "")
    or (None, why not)."""
    pelican = venv / "bin" / "pelican"
    if pelican.exists():
        found = subprocess.run([str(pelican), "--version"], capture_output=True, text=True).stdout.strip()
        if found == PELICAN_VERSION:
            return venv, ""
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                f"pelican[markdown]=={PELICAN_VERSION}",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        return (
            None,
            f"could not install pelican {PELICAN_VERSION} into {venv}: {(error.stderr or '').strip()[-300:]}",
        )
    return venv, ""
