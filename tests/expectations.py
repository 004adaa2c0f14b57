"""Newsletter files with golden answers, found automatically, and how to compare a parse with one.

Golden answers come in two shapes. A folder's expected.json (the seeds' format) is a list of
{"file", "newsletter", "issue", "date", "stories": [headline, ...], "not_stories": [...]} entries:
the five seeds (../shared/seeds/expected.json) and the sample content
(tests/golden/content.expected.json, paths relative to content/newsletters/). Golden pairs per form
sit in tests/samples/<form>/: `<case>.<ext>` beside `<case>.expected.json` (the same fields without
"file"), and `<case>.forms.toml` when the case needs forms described in a config. Headlines compare
modulo whitespace, quote style and a trailing colon or full stop.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from newsarchive.config import Config, load_config
from newsarchive.formats import forms_from_config, parse_text
from newsarchive.ingest import NEWSLETTER_SUFFIXES, read_newsletter
from newsarchive.model import ParsedIssue
from tests.conftest import ROOT, SEEDS

SAMPLES = ROOT / "tests" / "samples"
CONTENT = ROOT / "content" / "newsletters"
GOLDEN = ROOT / "tests" / "golden" / "content.expected.json"
EXPECTED_SUFFIX = ".expected.json"
FORMS_SUFFIX = ".forms.toml"

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


@dataclass(frozen=True)
class Case:
    path: Path  # the newsletter file
    expected: dict | None = None  # its golden answer, when it has one
    forms: Path | None = None  # a config file whose [forms] tables the file needs

    @property
    def id(self) -> str:
        return self.path.relative_to(self.path.parent.parent).as_posix()

    def parse(self) -> ParsedIssue:
        """Read and parse the file as ingest does, with the forms its config describes."""
        config = load_config(self.forms) if self.forms else Config()
        return parse_text(read_newsletter(self.path), self.path.name, forms_from_config(config))


def normalise(title: str) -> str:
    title = re.sub(r"\s+", " ", title.translate(_QUOTES)).strip()
    return title.rstrip(".:").strip()


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def golden_cases() -> list[Case]:
    """Every newsletter file that has a golden answer: the seeds (when present), the sample content
    and the golden pairs under tests/samples/."""
    cases = []
    for folder, expected in ((SEEDS, SEEDS / "expected.json"), (CONTENT, GOLDEN)):
        if expected.is_file():
            cases += [Case(folder / entry["file"], entry) for entry in load(expected)]
    return cases + [_sample_case(path) for path in sorted(SAMPLES.rglob(f"*{EXPECTED_SUFFIX}"))]


def _sample_case(expected: Path) -> Case:
    stem = expected.name.removesuffix(EXPECTED_SUFFIX)
    inputs = [
        path for path in expected.parent.glob(f"{stem}.*")
        if path.name not in {expected.name, stem + FORMS_SUFFIX}
    ]
    assert len(inputs) == 1, f"{expected}: expected one newsletter file {stem}.<ext>, found {inputs}"
    forms = expected.with_name(stem + FORMS_SUFFIX)
    return Case(inputs[0], load(expected), forms if forms.is_file() else None)


def every_newsletter_file() -> list[Case]:
    """Every newsletter file the project has: samples (with their forms), content, seeds."""
    golden = {case.path: case for case in golden_cases()}
    found = [p for p in sorted(SAMPLES.rglob("*")) + sorted(CONTENT.rglob("*")) if _is_newsletter(p)]
    if SEEDS.is_dir():
        found += sorted(SEEDS.glob("0*.txt"))
    return [golden.get(path, Case(path)) for path in found]


def _is_newsletter(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in NEWSLETTER_SUFFIXES and ".expected" not in path.name
