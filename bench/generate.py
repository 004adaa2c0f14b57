#!/usr/bin/env python3
"""Benchmark archive generator: `generate.py --stories N [--seed S] --out DIR`.

Writes a synthetic, deterministic archive of exactly N stories for `build.py build --content DIR`:
- DIR/newsletters/<newsletter>/<date>-<newsletter>-<number>.{txt,md}: issues of 4-12 stories in
  the email, Jekyll-mirror and plain-Markdown forms (see forms.py), dated over several years, with
  cross-references between issues ("see Circuit Notes 12");
- DIR/notes/<story-id>.md: a few editors' notes;
- DIR/hugo/: the same stories as a Hugo site (config, a tiny theme, content/posts/...);
- DIR/pelican/: the same stories as a Pelican site (pelicanconf.py, content/...);
- DIR/manifest.json: the story ids the build should produce, for checking the parse.
Standard library only; the same N and seed always give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import synth
from forms import Issue, Newsletter, Story, hugo_post, newsletter_file, pelican_post

_FIRST_WORDS = (
    "Circuit",
    "Gradient",
    "Latent",
    "Signal",
    "Vector",
    "Kernel",
    "Sparse",
    "Token",
    "Epoch",
    "Sample",
    "Weight",
    "Logit",
    "Tensor",
    "Manifold",
    "Entropy",
    "Bayes",
    "Frontier",
    "Pixel",
)
_SECOND_WORDS = (
    "Notes",
    "Dispatch",
    "Digest",
    "Weekly",
    "Letter",
    "Review",
    "Report",
    "Bulletin",
    "Brief",
    "Ledger",
    "Post",
    "Roundup",
)
MIRROR_SHARE = 0.3  # of an email newsletter's issues, saved as Jekyll mirrors
CROSS_REF_SHARE = 0.12  # of stories, that cite an earlier issue
NOTE_SHARE = 0.005  # of stories, with an editor's note (at least 3)
CADENCES = (7, 7, 14)  # days between issues


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, required=True, help="how many stories (N)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    args = parser.parse_args(argv)
    if args.stories < 1:
        parser.error("--stories must be at least 1")
    issues = plan_archive(args.stories, args.seed)
    write_archive(issues, args.out, random.Random(args.seed + 1))
    print(
        f"Wrote {sum(len(i.stories) for i in issues)} stories in {len(issues)} issues "
        f"of {len({i.newsletter for i in issues})} newsletters to {args.out}"
    )
    return 0


def slugify(text: str, max_words: int = 10) -> str:
    """The build's slug rule (newsarchive/ids.py), so ids can be predicted without importing it."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", ascii_text.lower()))
    return "-".join(words[:max_words])


def issue_sizes(rng: random.Random, total: int) -> list[int]:
    """Issue sizes of 4-12 stories adding up to `total` (a smaller archive is one issue)."""
    sizes: list[int] = []
    left = total
    while left > 12:  # leaves 4-12 for the last issue
        size = rng.randint(4, min(12, left - 4))
        sizes.append(size)
        left -= size
    return sizes + ([left] if left else [])


def make_newsletters(rng: random.Random, count: int) -> list[Newsletter]:
    names = [f"{a} {b}" for a in _FIRST_WORDS for b in _SECOND_WORDS]
    rng.shuffle(names)
    forms = ["email" if i % 2 == 0 else "markdown" for i in range(count)]
    return [Newsletter(name, slugify(name), form) for name, form in zip(names[:count], forms, strict=True)]


def schedule(rng: random.Random, sizes: list[int]) -> list[tuple[Newsletter, int, dt.date, str, int]]:
    """(newsletter, number, date, form, size) per issue, in date order: issues are dealt to the
    newsletters in turn, each numbered from a start of its own at its own cadence."""
    newsletters = make_newsletters(rng, max(4, min(60, len(sizes) // 50)))
    state = {
        n: (
            rng.randint(1, 150),
            dt.date(2016, 1, 4) + dt.timedelta(days=rng.randrange(5 * 365)),
            rng.choice(CADENCES),
        )
        for n in newsletters
    }
    plan = []
    for index, size in enumerate(sizes):
        newsletter = newsletters[index % len(newsletters)]
        number, date, cadence = state[newsletter]
        mirrored = newsletter.form == "email" and rng.random() < MIRROR_SHARE
        plan.append((newsletter, number, date, "jekyll" if mirrored else newsletter.form, size))
        state[newsletter] = (number + 1, date + dt.timedelta(days=cadence), cadence)
    return sorted(plan, key=lambda p: (p[2], p[0].slug))


def plan_archive(total: int, seed: int) -> list[Issue]:
    """Every issue with its stories, oldest first; a cross-reference cites an issue already out."""
    rng = random.Random(seed)
    writer = synth.Writer(rng, synth.make_vocabulary(rng))
    topics = synth.make_topics(rng)
    weights = synth.zipf_weights(len(topics))
    issues: list[Issue] = []
    for newsletter, number, date, form, size in schedule(rng, issue_sizes(rng, total)):
        key = f"{newsletter.slug}/{number}"
        texts = _unique_headlines(writer, [_story_text(writer, topics, weights, issues) for _ in range(size)])
        stories = tuple(Story(f"{key}/{slugify(t.headline)}", t) for t in texts)
        intro = " ".join(writer.sentence() for _ in range(rng.randint(1, 3)))
        issues.append(Issue(newsletter, number, date, form, stories, intro))
    return issues


def _story_text(
    writer: synth.Writer, topics: tuple[synth.Topic, ...], weights: list[float], earlier: list[Issue]
) -> synth.StoryText:
    rng = writer.rng
    cited = rng.choice(earlier[-400:]) if earlier and rng.random() < CROSS_REF_SHARE else None
    cross_ref = f"{cited.newsletter.name} {cited.number}" if cited else None
    return synth.write_story(writer, synth.pick_topics(rng, topics, weights), cross_ref)


def _unique_headlines(writer: synth.Writer, texts: list[synth.StoryText]) -> list[synth.StoryText]:
    """Headlines whose slugs differ within the issue, so ids need no -2 suffix."""
    seen: set[str] = set()
    result = []
    for text in texts:
        while slugify(text.headline) in seen:
            text = synth.StoryText(
                writer.headline(text.topics[0]), text.dek, text.paragraphs, text.sources, text.topics
            )
        seen.add(slugify(text.headline))
        result.append(text)
    return result


def write_archive(issues: list[Issue], out: Path, rng: random.Random) -> None:
    _clear(out)
    for issue in issues:
        path, text = newsletter_file(issue)
        _write(out / "newsletters" / path, text)
        for position, story in enumerate(issue.stories, start=1):
            for folder, (path, text) in (
                ("hugo/content", hugo_post(issue, position, story)),
                ("pelican/content", pelican_post(issue, position, story)),
            ):
                _write(out / folder / path, text)
    stories = [story for issue in issues for story in issue.stories]
    write_notes(out / "notes", stories, rng)
    write_site_configs(out)
    manifest = {"stories": len(stories), "issues": len(issues), "ids": [s.id for s in stories]}
    _write(out / "manifest.json", json.dumps(manifest, indent=1) + "\n")


def write_notes(folder: Path, stories: list[Story], rng: random.Random) -> None:
    """Editors' notes on a few stories, each linking another story."""
    count = min(len(stories), max(3, round(NOTE_SHARE * len(stories))))
    for story in rng.sample(stories, count):
        other = rng.choice(stories)
        text = (
            f"---\ndate: 2024-01-15\ntags: [editors-pick]\nrating: {rng.randint(1, 5)}\n"
            f"see_also: [{other.id}]\n---\n\nWorth rereading next to [[{other.id}]]: the "
            f"{story.text.topics[0].name} angle held up better than expected.\n"
        )
        _write(folder / f"{story.id}.md", text)


def write_site_configs(out: Path) -> None:
    """Hugo's config and tiny theme, and Pelican's settings file, from bench/sites/."""
    templates = Path(__file__).resolve().parent / "sites"
    shutil.copytree(templates / "hugo", out / "hugo", dirs_exist_ok=True)
    shutil.copy(templates / "pelicanconf.py", out / "pelican" / "pelicanconf.py")


def _clear(out: Path) -> None:
    """Remove an earlier archive; refuse to touch a folder this generator did not write."""
    if out.exists() and any(out.iterdir()):
        if not (out / "manifest.json").is_file():
            sys.exit(f"error: {out} is not empty and holds no manifest.json; not replacing it")
        shutil.rmtree(out)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
