"""The command line: `build` (default), `ingest` and `parse`. Thin: it reads options, loads the
config, calls a stage or the pipeline, prints what happened and picks the exit code
(0 ok, 1 build problems under --strict or errors, 2 usage or setup errors)."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from . import annotate, check, ingest, load, pipeline, publish
from .config import Config, ConfigError, load_config
from .diagnostics import Diagnostics

# What one command alone needs (the preview server and watchdog, the parsers, enrich with numpy) is
# imported by that command, so that `build` with nothing to do starts at once.

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DEFAULT_CONFIG = "site_config.toml"
LOG_FORMAT = "%(message)s"  # serve's builds, each in a process of its own, log the same way


class UsageError(Exception):
    """Bad options or setup; printed as one line, exit code 2."""


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(format=LOG_FORMAT, level=logging.INFO)
    gc.set_threshold(*pipeline.GC_THRESHOLDS)
    args = _parser().parse_args(_with_default_command(sys.argv[1:] if argv is None else argv))
    try:
        return args.run(args)
    except (UsageError, ConfigError, pipeline.SetupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug, not bad input: say so in one line unless asked for more
        if os.environ.get("NEWSARCHIVE_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error} "
              "(set NEWSARCHIVE_DEBUG=1 to see where)", file=sys.stderr)
        return EXIT_PROBLEMS


def _with_default_command(argv: list[str]) -> list[str]:
    """`build.py` and `build.py --strict` mean `build.py build …`."""
    commands = {"build", "ingest", "parse", "annotate", "check", "serve"}
    if argv[:1] and (argv[0] in commands or argv[0] in {"-h", "--help"}):
        return argv
    return ["build", *argv]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build an annotated static archive from newsletter issues.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _command(commands, "build", _run_build, "newsletters -> per-story Markdown -> site (default)",
             content=True, output=True)
    ingest_parser = _command(commands, "ingest", _run_ingest, "newsletters -> per-story Markdown only",
                             content=True)
    ingest_parser.add_argument("--refresh", action="store_true",
                               help="re-import ingested issues, keeping every file edited by hand")
    _add_parse_command(commands)
    check_parser = _command(commands, "check", _run_check,
                            "check every internal link, anchor and asset of the built site")
    check_parser.add_argument("--out", type=Path, metavar="DIR", help="the built site (default: site/)")
    check_parser.add_argument("--offline", action="store_true", help="links must name files")
    check_parser.add_argument("--base-url", metavar="URL", help="absolute links under URL are internal")
    serve_parser = _command(commands, "serve", _run_serve,
                            "build, then preview the site over HTTP, rebuilding after every change",
                            content=True)
    serve_parser.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: site/)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free one)")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="address to listen on (default: 127.0.0.1, this machine only)")
    annotate_parser = _command(commands, "annotate", _run_annotate,
                               "create an editor's note for a story and print its path", content=True)
    annotate_parser.add_argument("target", metavar="STORY_ID",
                                 help="a story id (or an issue id, a newsletter slug, tags/<tag>)")
    return parser


def _add_parse_command(commands) -> None:
    parser = _command(commands, "parse", _run_parse, "show how newsletter files are understood")
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print one JSON list of issues")
    shown.add_argument("--explain", action="store_true",
                       help="why each file was read as it was: every form's score, where each story "
                            "starts, what was dropped and by which rule")


def _command(commands, name: str, run: Callable, help_text: str, content: bool = False,
             output: bool = False) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(run=run)
    sub.add_argument("--config", type=Path, metavar="FILE",
                     help=f"config file (default: ./{DEFAULT_CONFIG} when present)")
    if content:
        sub.add_argument("--content", type=Path, metavar="DIR",
                         help="content folder: DIR/newsletters/ holds the newsletter files")
    if output:
        sub.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: site/)")
        sub.add_argument("--strict", action="store_true", help="any warning fails the build (exit 1)")
        sub.add_argument("--base-url", metavar="URL", help="the URL the site is published at")
        sub.add_argument("--offline", action="store_true",
                         help="links name files (…/index.html) so the site works from file://")
        sub.add_argument("--zip", action="store_true",
                         help=f"also write {publish.ZIP_NAME}, an offline copy, linked from the home page")
    return sub


def _config(args: argparse.Namespace) -> Config:
    """The config file's values, overridden by command-line options (paths relative to the cwd)."""
    path = args.config or Path(DEFAULT_CONFIG)
    if args.config and not args.config.is_file():
        raise UsageError(f"config file not found: {args.config}")
    config = load_config(path) if path.is_file() else Config(root=Path.cwd())
    build_changes = {
        "content_dir": str(args.content.resolve()) if getattr(args, "content", None) else None,
        "output_dir": str(args.out.resolve()) if getattr(args, "out", None) else None,
        "strict": True if getattr(args, "strict", False) else None,
        "offline": True if getattr(args, "offline", False) else None,
        "zip": True if getattr(args, "zip", False) else None,
    }
    config = config.with_build(**{k: v for k, v in build_changes.items() if v is not None})
    if getattr(args, "base_url", None):
        config = config.with_site(base_url=args.base_url)
    return config


def _print_problems(diagnostics: Diagnostics) -> None:
    for problem in sorted(diagnostics.problems):
        print(problem, file=sys.stderr)


def _run_build(args: argparse.Namespace) -> int:
    config = _config(args)
    try:
        result = pipeline.build(config)
    except pipeline.BuildError as error:
        print(f"{error}\nBuild failed; {config.output_dir} was left as it was.", file=sys.stderr)
        return EXIT_PROBLEMS
    _print_problems(result.diagnostics)
    seconds = sum(result.timings.values())
    print(f"Built {result.stories} stories into {config.output_dir}: {result.rendered} pages made anew, "
          f"{result.kept} kept as they were ({seconds:.2f} s, {len(result.diagnostics.problems)} problems)")
    return EXIT_PROBLEMS if result.failed(config.build.strict) else EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from . import serve

    config = _config(args)

    def announce(url: str) -> None:
        print(f"Serving {config.output_dir} at {url} (Ctrl-C stops)", flush=True)

    try:
        serve.serve(config, lambda: _config(args), args.config or Path(DEFAULT_CONFIG), args.host, args.port,
                    on_ready=announce)
    except serve.ServeError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK


def _run_ingest(args: argparse.Namespace) -> int:
    config = _config(args)
    pipeline.check_setup(config)
    diagnostics = Diagnostics()
    report = ingest.ingest(config, diagnostics, refresh=args.refresh)
    _print_problems(diagnostics)
    print(f"Wrote {report.written} story files, kept {report.kept} ingested issues as they were, "
          f"removed {report.removed} files, under {config.content_dir / 'stories'}")
    return EXIT_PROBLEMS if diagnostics.errors else EXIT_OK


def _run_parse(args: argparse.Namespace) -> int:
    config = _config(args)
    diagnostics = Diagnostics()
    plans = []
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        plans.append((path, ingest.read_and_plan(path, config, diagnostics)))
    _print_problems(diagnostics)
    if args.explain:
        print("\n".join(_explained(path, plan, config) for path, plan in plans if plan))
    else:
        issues = [_issue_summary(path, plan) for path, plan in plans if plan]
        print(json.dumps(issues, ensure_ascii=False, indent=2) if args.json else _human(issues))
    return EXIT_PROBLEMS if diagnostics.errors else EXIT_OK


def _explained(path: Path, plan: ingest.IssuePlan, config: Config) -> str:
    """`parse --explain` for one file: the scores come from asking the forms again."""
    from .formats import choose, forms_from_config
    from .formats.explain import explain

    choice = choose(ingest.read_newsletter(path), path.name, forms_from_config(config))
    return explain(str(path), choice.scores, plan.parsed, plan.issue_id)


def _run_check(args: argparse.Namespace) -> int:
    config = _config(args)
    if not config.output_dir.is_dir():
        raise UsageError(f"no built site at {config.output_dir} (run `build.py build` first)")
    report = check.check_report(config.output_dir, pipeline.check_options(config))
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"Checked {report.pages} pages and {report.links} links in {config.output_dir}: "
          f"{len(report.problems)} problems")
    return EXIT_PROBLEMS if report.problems else EXIT_OK


def _run_annotate(args: argparse.Namespace) -> int:
    from .enrich import title_of

    config = _config(args)
    pipeline.check_setup(config)
    diagnostics = Diagnostics()
    ingest.ingest(config, diagnostics)
    archive = load.load(config, diagnostics)
    if title_of(archive, args.target) is None and not args.target.startswith("tags/"):
        raise UsageError(f"no story, issue or newsletter with the id {args.target!r} "
                         "(`build.py parse FILE --json` shows the ids)")
    path, created = annotate.create_note(config.content_dir, args.target, dt.date.today())
    print(path if created else f"{path} (already there; left as it is)")
    editor = os.environ.get("EDITOR")
    if editor and sys.stdin.isatty():
        subprocess.run([*editor.split(), str(path)], check=False)
    return EXIT_OK


def _issue_summary(path: Path, plan: ingest.IssuePlan) -> dict:
    parsed = plan.parsed
    return {
        "file": str(path),
        "newsletter": plan.newsletter_name,
        "issue": parsed.number,
        "title": parsed.title,
        "date": plan.date.isoformat() if plan.date else None,
        "url": parsed.url,
        "stories": [
            {"id": story_id, "title": story.title, "text": story.body}
            for story, story_id in zip(parsed.stories, plan.story_ids)
        ],
    }


def _human(issues: list[dict]) -> str:
    lines = []
    for issue in issues:
        lines += [
            f"{issue['file']}",
            f"  newsletter: {issue['newsletter']}   issue: {issue['issue'] or '-'}   "
            f"date: {issue['date'] or 'unknown'}",
            f"  title: {issue['title']}",
            f"  url: {issue['url'] or '-'}",
            f"  {len(issue['stories'])} stories:",
        ]
        for n, story in enumerate(issue["stories"], start=1):
            words = story["text"].split()
            lines.append(f"  {n:3d}. {story['title']}  ({len(words)} words)")
            lines.append(f"       {' '.join(words[:12])}…")
        lines.append("")
    return "\n".join(lines)
