"""Serve stage, rebuilding: the rebuild loop, and what open pages learn from it.

The Rebuilder takes each burst of changes from the watcher, rebuilds through pipeline.build (which
writes the site aside and swaps it in, so no half-written site is ever served) in a Python process
of its own, and records the outcome in a BuildState: an epoch that moves whenever open pages
should reload, and the failure of the last build, if any. Meanwhile, when a burst only edits
stories, their pages are made alone from the last build's archive (preview.py) and shown at once,
even while a build runs; when it only edits templates, so are the pages browsers visited lately.
HTML responses get a small script that long-polls /__livereload and, while a build is failing, an
overlay naming file, line and message. Neither is written into the output.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import html
import json
import logging
import multiprocessing
import pickle
import secrets
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import pipeline, preview
from .config import Config, ConfigError
from .model import Archive
from .watch import BuildFootprint, Debouncer

log = logging.getLogger(__name__)

RELOAD_PATH = "/__livereload"
_LIBC = ctypes.CDLL(None) if sys.platform.startswith("linux") else None
VISITS_KEPT = 10  # pages a template edit makes first, before the rebuild makes the rest
SHOWN = 20  # problems listed in the terminal and the overlay; a broken base template breaks every page


@dataclass(frozen=True)
class Fault:
    """One thing the overlay lists: where (may be empty) and what."""

    path: str
    line: int | None
    message: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.path and self.line else self.path


@dataclass(frozen=True)
class Failure:
    faults: tuple[Fault, ...]
    site_kept: bool  # the build stopped, so the pages shown are those of the last good build


def failure_of_error(error: Exception) -> Failure:
    if isinstance(error, pipeline.BuildError):
        problem = error.problem
        return Failure((Fault(problem.path, problem.line, problem.message),), site_kept=True)
    if isinstance(error, (ConfigError, pipeline.SetupError)):  # their messages name the file
        return Failure(tuple(Fault("", None, line) for line in str(error).splitlines()), site_kept=True)
    return Failure((Fault("", None, f"{type(error).__name__}: {error}"),), site_kept=True)


def failure_of_result(result: pipeline.BuildResult, strict: bool) -> Failure | None:
    """The errors of a build that went through (every problem under strict); None when clean.
    They stay in the order the stages reported them: a cause comes before its consequences."""
    diagnostics = result.diagnostics
    shown = diagnostics.problems if strict else diagnostics.errors
    if not shown:
        return None
    return Failure(tuple(Fault(p.path, p.line, p.message) for p in shown), site_kept=False)


class BuildState:
    """The epoch pages compare against, the last build's failure and the pages browsers asked for
    lately, shared between threads.

    The epoch is `<server id>.<count>`, so a page left open across a server restart reloads too.
    """

    def __init__(self) -> None:
        self._server = secrets.token_hex(4)
        self._count = 0
        self._failure: Failure | None = None
        self._closed = False
        self._changed = threading.Condition()
        self._visited: dict[str, None] = {}  # output paths, the latest last

    def visit(self, page: str) -> None:
        """Note an HTML page served (its output path): a template edit shows the latest first."""
        with self._changed:
            self._visited.pop(page, None)
            self._visited[page] = None
            if len(self._visited) > VISITS_KEPT:
                del self._visited[next(iter(self._visited))]

    def visited(self) -> list[str]:
        with self._changed:
            return list(self._visited)

    def _epoch(self) -> str:
        return f"{self._server}.{self._count}"

    def current(self) -> tuple[str, Failure | None]:
        with self._changed:
            return self._epoch(), self._failure

    def record(self, failure: Failure | None, site_replaced: bool) -> None:
        """Pages reload after a new site, and when a failure appears, changes or goes away."""
        with self._changed:
            if site_replaced or failure != self._failure:
                self._count += 1
            self._failure = failure
            self._changed.notify_all()

    def wait_for_change(self, epoch: str, timeout: float) -> str:
        """The epoch once it differs from `epoch`, or after `timeout` seconds, or on close."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._epoch() != epoch, timeout)
            return self._epoch()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class Rebuilder:
    """Builds once at start, then once per burst of changes (run() in a thread). A build that is
    running when changes arrive is never interrupted: they make the next burst, so at most one
    more build follows it. previews() (in a thread of its own) shows the pages of edited stories,
    or after a template edit the pages visited lately, at once, made from the last build, even
    while a build runs."""

    def __init__(self, load_config: Callable[[], Config], state: BuildState, footprint: BuildFootprint,
                 changes: Debouncer, apart: Callable[..., Any] | None = None):
        self.load_config, self.state, self.footprint, self.changes = load_config, state, footprint, changes
        self.apart = apart or in_fresh_process  # how builds run: each in a process of its own
        self.archive: Archive | None = None  # the last build's, as enriched, for previews
        self._made_from = ""  # what the last build was made from (pipeline.BuildResult.made_from)
        self._turns = threading.Lock()  # for the archive and what was shown while a build ran
        self._building = False
        self._shown_while_building: set[Path] = set()
        self._ready = threading.Event()  # set once run() holds an archive, or found none

    def run(self) -> None:
        try:
            if self.archive is None:  # the first build had nothing to do, so nothing was enriched
                self._hold_archive()
        finally:
            self._ready.set()
        while (paths := self.changes.wait()) is not None:
            real = self._real(paths)
            if real:
                log.info("Changed: %s%s", real[0], f" and {len(real) - 1} more" if len(real) > 1 else "")
                self.build()

    def previews_ready(self, timeout: float) -> bool:
        """Whether run() holds the archive previews are made from, or found none to hold (then
        edits show with the rebuild); waits up to `timeout` seconds."""
        return self._ready.wait(timeout)

    def previews(self, edits: Debouncer) -> None:
        """Show each burst of story or template edits at once (preview.py), until `edits` is closed."""
        while (paths := edits.wait()) is not None:
            real = self._real(paths)
            if real:
                self.preview(real)
                release_freed_memory()

    def preview(self, paths: list[Path]) -> None:
        started = time.perf_counter()
        self._ready.wait()  # an edit saved just after start waits for the archive, not a rebuild
        with self._turns:
            archive = self.archive
            if self._building:  # its files go in after this page: it is shown again then
                self._shown_while_building.update(paths)
        if archive is None:
            return
        try:
            shown = preview.show_edits(self.load_config(), archive, paths, self.state.visited())
        except Exception:  # the rebuild that follows reports whatever is wrong
            log.debug("No preview of this change", exc_info=True)
            return
        with self._turns:  # later previews (a template edit's among them) show this edit too
            if self.archive is archive:  # unless a build's archive came in meanwhile
                self.archive = shown.archive
        if shown.pages:
            log.info("Showing the edited page%s (%.2f s)", "s" if shown.pages > 1 else "",
                     time.perf_counter() - started)
            self.state.record(self.state.current()[1], site_replaced=True)

    def _real(self, paths: set[Path]) -> list[Path]:
        return sorted(p for p in paths if not self.footprint.made_by_build(p))

    def _hold_archive(self) -> None:
        try:
            config = self.load_config()
            archive = preview.kept_archive(config, self._made_from) or self.apart(preview.archive_of, config)
        except Exception:  # previews wait for the next build that goes through
            log.debug("No archive to preview edits with", exc_info=True)
            return
        with self._turns:
            self.archive = self.archive or archive

    def build(self) -> None:
        self.footprint.before_build()
        with self._turns:
            self._building = True
        try:
            self._build()
        finally:
            self.footprint.after_build()
            with self._turns:
                self._building = False
                self._shown_while_building.clear()
            release_freed_memory()  # the archive held before, or the one the build sent back

    def _build(self) -> None:
        started = time.perf_counter()
        try:
            config = self.load_config()
            result = self.apart(preview.build, config)
        except Exception as error:  # whatever breaks, the preview goes on and the pages show it
            expected = isinstance(error, (pipeline.BuildError, pipeline.SetupError, ConfigError))
            log.error("Build failed; still serving the last good site:\n%s", error, exc_info=not expected)
            self.state.record(failure_of_error(error), site_replaced=False)
            return
        with self._turns:
            self.archive = result.archive or self.archive  # None: nothing changed since the one held
            self._made_from = result.made_from
            again = sorted(self._shown_while_building)
            self._shown_while_building.clear()
        if again:  # the build put those pages back as they were before the edit: a build follows
            self.preview(again)
        failure = failure_of_result(result, config.build.strict)
        problems = result.diagnostics.problems
        for problem in problems[:SHOWN]:
            log.warning("%s", problem)
        if len(problems) > SHOWN:
            log.warning("… and %d more problems", len(problems) - SHOWN)
        log.info("Built %d stories: %d pages made anew, %d kept as they were (%.2f s)", result.stories,
                 result.rendered, result.kept, time.perf_counter() - started)
        self.state.record(failure, site_replaced=True)


def release_freed_memory() -> None:
    """Hand the memory freed since the last call back to the system. glibc's malloc keeps it, in
    pools of each thread that allocated it, where other threads cannot use it again: serve's
    threads then grew by 30-60 MB with each preview and each archive a build sent back (at
    10,000 stories). Nothing where the C library is not glibc."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    """function(*args) run in a fresh Python process (multiprocessing's spawn), its result or
    error sent back. A process that builds again and again keeps the fragments of each build's
    objects: serve grew from 330 to 640 MB over three rebuilds at 10,000 stories, peaking at
    900. Each build in a process of its own gives all of its memory back when it ends, and
    previews made meanwhile do not wait for the build's turns at the interpreter lock."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    level = logging.getLogger().getEffectiveLevel()
    process = context.Process(target=_run_apart, args=(function, args, level, sender),
                              name="newsarchive-build")
    process.start()
    sender.close()
    try:
        done, value = receiver.recv()
    except EOFError:
        done, value = False, ChildProcessError("the build's process stopped without a word")
    finally:
        receiver.close()
        process.join()
    if not done:
        raise value
    return value


def _run_apart(function: Callable[..., Any], args: tuple, level: int, sender: Any) -> None:
    """In the fresh process: log as the server does, let the server alone answer Ctrl-C (a build
    stopped half-way would tell the pages nothing), and send back what came out."""
    from . import cli  # imported already, by the process's copy of the server's main module

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(format=cli.LOG_FORMAT, level=level)
    gc.set_threshold(*pipeline.GC_THRESHOLDS)
    try:
        outcome = True, function(*args)
    except Exception as error:  # the server reports it, with where it happened here
        where = f"In the build's own process:\n{traceback.format_exc()}"
        if not _picklable(error):
            error = RuntimeError(f"{type(error).__name__}: {error}")
        error.add_note(where)
        outcome = False, error
    with contextlib.suppress(BrokenPipeError):  # the server was stopped while this build ran
        sender.send(outcome)
    sender.close()


def _picklable(value: object) -> bool:
    try:
        pickle.loads(pickle.dumps(value))
    except Exception:
        return False
    return True


RELOAD_SCRIPT = """<script>/* preview server: reload when the site is rebuilt (not part of the site) */
(function () {
  var epoch = %s;
  function poll() {
    fetch("%s?epoch=" + encodeURIComponent(epoch), {cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) { if (s.epoch !== epoch) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>"""

_OVERLAY_STYLE = (
    "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;max-height:50vh;overflow:auto;"
    "margin:0;padding:1rem 1.25rem;border-left:6px solid #d2493c;border-radius:6px;background:#2c1917;"
    "color:#fbe9e7;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;"
    "box-shadow:0 4px 24px rgb(0 0 0 / 0.4)"
)


def overlay(failure: Failure) -> str:
    """The error box; every text in it is escaped (messages may quote newsletter text)."""
    items = "".join(
        f"<li>{f'<strong>{html.escape(f.where)}</strong>: ' if f.where else ''}{html.escape(f.message)}</li>"
        for f in failure.faults[:SHOWN]
    )
    if len(failure.faults) > SHOWN:
        items += f"<li>… and {len(failure.faults) - SHOWN} more: <code>build.py build</code> lists all</li>"
    if failure.site_kept:
        state = "<strong>Build failed</strong> · Showing the last good site."
    else:
        state = "<strong>Built with errors</strong> · What failed is left out."
    return (f'<div id="preview-build-error" role="alert" style="{_OVERLAY_STYLE}">'
            f'<p style="margin:0 0 .5rem">{state} This page reloads once it is fixed.</p>'
            f'<ul style="margin:0;padding-left:1.25rem;white-space:pre-wrap">{items}</ul></div>')


def inject(page: bytes, epoch: str, failure: Failure | None) -> bytes:
    """The page with the reload script (and the overlay) just before its last </body>."""
    extra = (overlay(failure) if failure else "") + RELOAD_SCRIPT % (json.dumps(epoch), RELOAD_PATH)
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + extra.encode("utf-8") + page[at:]
