#!/usr/bin/env python3
"""The benchmark of "fast at any archive size": `run.py [--sizes 1000,10000] [--runs 3] [--with-100k]
[--no-compare]`.

For each size it generates an archive (generate.py) in a work folder under /tmp and times, with
wall seconds, CPU seconds and peak memory: a cold build, a no-change rebuild, a rebuild after
editing one story file, a rebuild after editing one template, and `serve`'s save-to-reload after
a one-story edit (when `build.py serve` exists). Hugo and Pelican build the same stories in the
same run, as ratios (ours / theirs), unless --no-compare. It prints one table per size (see
bench/README.md for how to read it) and writes every figure to WORK/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from collections.abc import Callable
from pathlib import Path

from engines import REPO, Engine, Hugo, Ours, Pelican, ensure_pelican
from measure import CommandFailed, Sample, Server, fetch, free_port, median, save_to_reload
from report import format_table

BENCH = Path(__file__).resolve().parent
DEFAULT_WORK = Path("/tmp/newsarchive-bench")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    args.work.mkdir(parents=True, exist_ok=True)
    comparators, notes = _comparators(args)
    print(_header(comparators, notes), flush=True)
    results: dict[int, dict] = {}
    for size in _sizes(args):
        results[size] = bench_size(size, args, comparators)
        print(format_table(size, results[size], results.get(10_000)), flush=True)
    (args.work / "results.json").write_text(json.dumps(results, indent=1, default=_plain) + "\n")
    print(f"Total {time.perf_counter() - started:.0f} s, {_load()}; figures in {args.work / 'results.json'}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time our build, Hugo and Pelican on generated archives (see bench/README.md)."
    )
    parser.add_argument(
        "--sizes", default="1000,10000", help="archive sizes in stories (default: 1000,10000)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per measurement; the median is shown (default: 3)"
    )
    parser.add_argument("--with-100k", action="store_true", help="also 100,000 stories")
    parser.add_argument("--no-compare", action="store_true", help="skip Hugo and Pelican")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (default: 1)")
    parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, help=f"scratch folder (default: {DEFAULT_WORK})"
    )
    return parser


def _sizes(args: argparse.Namespace) -> list[int]:
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    return sorted(set(sizes + ([100_000] if args.with_100k else [])))


def _comparators(args: argparse.Namespace) -> tuple[dict[str, object], list[str]]:
    """Hugo (when installed) and Pelican (installed into its own virtualenv on demand)."""
    if args.no_compare:
        return {}, ["comparison skipped (--no-compare)"]
    found: dict[str, object] = {}
    notes = []
    hugo = shutil.which("hugo")
    if hugo:
        found["hugo"] = hugo
    else:
        notes.append("hugo: not installed, skipped (Debian: apt-get install -y hugo)")
    venv, why_not = ensure_pelican(args.work / ".venv-pelican")
    if venv:
        found["pelican"] = venv
    else:
        notes.append(f"pelican: skipped, {why_not}")
    return found, notes


def _header(comparators: dict[str, object], notes: list[str]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    lines = [
        f"newsarchive benchmark: commit {commit.stdout.strip() or '?'}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {_load()}"
    ]
    if "hugo" in comparators:
        lines.append(Hugo(Path("."), str(comparators["hugo"])).version())
    if "pelican" in comparators:
        lines.append(Pelican(Path("."), Path(str(comparators["pelican"]))).version())
    return "\n".join(lines + notes)


def _load() -> str:
    """The 1-minute load average, with a warning when other work shares the cores: wall times
    then grow, CPU times much less."""
    load = os.getloadavg()[0]
    busy = load > (os.cpu_count() or 1)
    return f"load average {load:.1f}" + (
        " (busy machine: trust CPU seconds over wall seconds)" if busy else ""
    )


def bench_size(size: int, args: argparse.Namespace, comparators: dict[str, object]) -> dict:
    """Generate the archive, then time ours and each comparator on it."""
    work = args.work / f"{size}"
    work.mkdir(parents=True, exist_ok=True)
    content = work / "content"
    if content.exists() and not (content / "manifest.json").exists():
        shutil.rmtree(content)  # left half-written by an interrupted run
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate.py"),
            "--stories",
            str(size),
            "--seed",
            str(args.seed),
            "--out",
            str(content),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manifest = json.loads((content / "manifest.json").read_text())
    print(f"\n{size:,} stories: archive generated in {content}; timing…", flush=True)
    ours = Ours(work)
    result = {"stories": manifest["stories"], "issues": manifest["issues"], "runs": args.runs, "engines": {}}
    result["engines"]["ours"] = measure_engine(ours, args.runs, size)
    result["parse_check"] = {
        "expected": manifest["stories"],
        "built": ours.built,
        "story_files": ours.story_files(),
    }
    engines = []
    if "hugo" in comparators:
        engines.append(Hugo(work, str(comparators["hugo"])))
    if "pelican" in comparators:
        engines.append(Pelican(work, Path(str(comparators["pelican"]))))
    for engine in engines:
        result["engines"][engine.name] = measure_engine(engine, args.runs, size)
    return result


def measure_engine(engine: Engine, runs: int, size: int) -> dict[str, Sample | str | None]:
    """Every scenario for one builder, `runs` times each: {scenario: median Sample, or a note}."""
    logs = engine.work / "logs"
    logs.mkdir(exist_ok=True)
    engine.prepare()
    log = logs / f"{engine.name}.log"
    figures: dict[str, Sample | str | None] = {}
    scenarios = {
        "cold": lambda: median([_cold(engine, log) for _ in range(runs)]),
        "no-change": lambda: median([engine.build(log) for _ in range(runs)]),
        "story": lambda: median([_after_story_edit(engine, log, n) for n in range(runs)]),
        "template": lambda: median([_after_template_edit(engine, log, n) for n in range(runs)]),
    }
    try:
        for scenario, measure in scenarios.items():
            figures[scenario] = measure()
            print(f"  {engine.name}, {scenario}: {_progress(figures[scenario])}", flush=True)
        served = ("serve-start", "serve", "serve-template")
        figures.update(zip(served, _serve(engine, runs, size, logs), strict=True))
        for scenario in served:
            print(f"  {engine.name}, {scenario}: {_progress(figures[scenario])}", flush=True)
    except CommandFailed as error:
        figures["error"] = str(error)
        print(f"  {engine.name}: {error}", flush=True)
    return figures


def _progress(figure: Sample | str | None) -> str:
    """One scenario's figures as they come, so a long run shows where it is."""
    if not isinstance(figure, Sample):
        return str(figure or "not measured")
    cpu = f", {figure.cpu:.2f} s CPU" if figure.cpu is not None else ""
    peak = f", {figure.peak_mb:.0f} MB" if figure.peak_mb is not None else ""
    return f"{figure.wall:.2f} s{cpu}{peak}"


def _cold(engine: Engine, log: Path) -> Sample:
    engine.clean()
    return engine.build(log)


def _token(kind: str, n: int) -> str:
    return f"bench{kind}{n}x{time.time_ns() % 10**9}"


def _edited_story(path: Path, token: str) -> str:
    """The story file's text with one more sentence at the end of its body."""
    return path.read_text(encoding="utf-8").rstrip("\n") + f"\n\nBenchmark edit {token}.\n"


def _after_story_edit(engine: Engine, log: Path, n: int) -> Sample:
    path = engine.story_file()
    path.write_text(_edited_story(path, _token("story", n)), encoding="utf-8")
    return engine.build(log)


def _after_template_edit(engine: Engine, log: Path, n: int) -> Sample:
    path, text, _ = _edited_template(engine, _token("template", n))
    path.write_text(text, encoding="utf-8")
    return engine.build(log)


def _edited_template(engine: Engine, token: str) -> tuple[Path, str, str]:
    """One template with a hidden paragraph right after the opening of its main block."""
    path, marker = engine.template()
    text = path.read_text(encoding="utf-8")
    edit = f"\n<p hidden>{token}</p>"
    return path, text.replace(marker, marker + edit, 1) if marker in text else text + edit, token


def _serve(engine: Engine, runs: int, size: int, logs: Path) -> tuple[Sample | str | None, ...]:
    """Seconds from starting the server (on the site the last build left) until it says an edit
    shows at once; then median seconds from saving a story edit, then a template edit, to the
    served story page showing it, with CPU and peak memory of the whole server process. None
    when the builder has no server to measure."""
    port = free_port()
    command = engine.serve_command(port)
    if command is None:
        return None, None, None
    server = Server(command, logs / f"{engine.name}-serve.log", cwd=REPO)
    timeout = 30 + 0.03 * size
    try:
        start = Sample(server.start(engine.ready, timeout=120 + 0.05 * size), None, None)
        story = _reload_times(engine, port, runs, timeout, lambda n: _story_save(engine, n))
        template = _reload_times(engine, port, runs, timeout,
                                 lambda n: _edited_template(engine, _token("serve", n)))
    finally:
        usage = server.stop()
    return start, *(_reload_sample(times, usage, timeout) for times in (story, template))


def _story_save(engine: Engine, n: int) -> tuple[Path, str, str]:
    path, token = engine.story_file(), _token("serve", n)
    return path, _edited_story(path, token), token


def _reload_sample(times: list[float | None], usage: Sample | None, timeout: float) -> Sample | str:
    if any(t is None for t in times):
        return f"no reload within {timeout:.0f} s"
    return Sample(statistics.median(times), usage.cpu if usage else None, usage.peak_mb if usage else None)


def _reload_times(engine: Engine, port: int, runs: int, timeout: float,
                  edit: Callable[[int], tuple[Path, str, str]]) -> list[float | None]:
    url = engine.story_url(port, engine.story_file())
    if not fetch(url):  # also puts the page on the list of pages Hugo's fast render keeps current
        raise CommandFailed(f"the {engine.name} preview does not serve {url}")
    times = []
    for n in range(runs):
        path, text, token = edit(n)
        times.append(save_to_reload(path, text, url, token, timeout))
        time.sleep(1.0)  # let the watcher and the rebuild settle before the next edit
    return times


def _plain(value: object) -> object:
    return asdict(value) if isinstance(value, Sample) else str(value)


if __name__ == "__main__":
    sys.exit(main())
