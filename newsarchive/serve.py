"""Serve stage: `build.py serve`, a local preview that keeps up with the editor.

It builds once, then serves the output folder over HTTP (a ThreadingHTTPServer on 127.0.0.1 unless
told otherwise) while watch.py reports changes and livereload.py rebuilds and tells open pages to
reload. Requests are confined to the output folder: anything that would leave it, by `..`, an
encoded separator or a symlink, is answered like a missing page, with the site's own 404.html.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import logging
import mimetypes
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from . import pipeline, preview
from .config import Config
from .livereload import RELOAD_PATH, BuildState, Failure, Rebuilder, inject
from .watch import BuildFootprint, Debouncer, Watcher, watch_rules

log = logging.getLogger(__name__)

POLL_SECONDS = 20.0  # a long poll answers by then at the latest; the page simply asks again
TEXT_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".xml": "application/xml",
    ".json": "application/json", ".txt": "text/plain", ".svg": "image/svg+xml",
}
FALLBACK_404 = b"<!doctype html><title>Not found</title><body><h1>Not found</h1></body>"  # before any site
_FOLDERS = ("content_dir", "output_dir", "theme_dir")


class ServeError(Exception):
    """The preview cannot start (a busy port, say); the message is one line."""


class _Stop(BaseException):
    """SIGINT or SIGTERM, raised in the main thread wherever it is, as Ctrl-C raises KeyboardInterrupt."""


def serve(config: Config, load_config: Callable[[], Config], config_file: Path, host: str, port: int,
          on_ready: Callable[[str], None]) -> None:
    """Build, then serve config.output_dir until SIGINT or SIGTERM, rebuilding after every change.
    `load_config` re-reads the config for each rebuild; `on_ready` gets the URL once serving."""
    _check_folders(config)
    state, changes, edits = BuildState(), Debouncer(), Debouncer()
    rebuilder = Rebuilder(lambda: _pinned(load_config(), config), state,
                          BuildFootprint(config.content_dir / "stories"), changes)

    def changed(paths: set[Path]) -> None:
        changes.add(paths)  # for the rebuild
        edits.add(paths)  # for the previews of edited stories, which do not wait for it

    # Listen first, so a busy port fails at once; watch before the first build, so no edit is missed.
    with _stopped_by_signals(), open_server(host, port, config.output_dir, state) as server, \
            Watcher(watch_rules(config, config_file), changed):
        _warn_if_exposed(host)
        # What previews import, while the first build runs in a process of its own.
        threading.Thread(target=preview.get_ready, name="preview-imports", daemon=True).start()
        rebuilder.build()
        with _running(server, rebuilder, (changes, edits), state):
            on_ready(url_of(server))
            # Until a signal raises _Stop here; the naps let its handler run even when the signal
            # landed on another thread.
            while not rebuilder.previews_ready(timeout=0.25):
                pass
            log.info("Watching for changes%s", "" if rebuilder.archive is None else
                     ": an edited story or template shows at once")
            while True:
                time.sleep(0.25)


def _check_folders(config: Config) -> None:
    pipeline.check_setup(config)
    output = config.output_dir.resolve()
    for folder in (config.content_dir.resolve(), config.theme_dir.resolve()):
        if output.is_relative_to(folder) or folder.is_relative_to(output):
            raise ServeError(f"the output folder {output} must lie outside {folder} "
                             "(it is replaced on every rebuild and never watched)")


def _pinned(config: Config, first: Config) -> Config:
    """The folders stay those the server started with: the watches and the served folder use them."""
    if any(getattr(config, name).resolve() != getattr(first, name).resolve() for name in _FOLDERS):
        log.warning("The config names other folders now; restart `serve` to use them")
    return config.with_build(**{name: str(getattr(first, name).resolve()) for name in _FOLDERS})


@contextmanager
def _running(server: PreviewServer, rebuilder: Rebuilder, changes: tuple[Debouncer, Debouncer],
             state: BuildState) -> Iterator[None]:
    """The HTTP loop, the rebuild loop and the loop of previews in threads; all are stopped and
    joined on the way out. `changes`: what the rebuild loop and the previews take bursts from."""
    # Daemons, so that a second Ctrl-C can leave a long build behind instead of waiting for it.
    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="preview-http",
                         daemon=True),
        threading.Thread(target=rebuilder.run, name="preview-rebuild", daemon=True),
        threading.Thread(target=rebuilder.previews, args=(changes[1],), name="preview-edits",
                         daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for burst in changes:
            burst.close()  # the loops end (the rebuild loop after the build it may be running)
        state.close()  # open long polls answer now
        server.shutdown()
        for thread in threads:
            thread.join()


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """The first SIGINT or SIGTERM stops the preview cleanly, from wherever the main thread is (the
    first build included). The usual handlers are back at once, so a second Ctrl-C cuts a slow stop."""
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def stop(signum: int, frame: object) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        raise _Stop

    for sig in signals:
        signal.signal(sig, stop)
    try:
        yield
    except _Stop:
        log.info("Stopped the preview")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _warn_if_exposed(host: str) -> None:
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may well resolve to a public address
        loopback = False
    if not loopback:
        log.warning("Listening on %s: other machines can reach this preview", host)


def open_server(host: str, port: int, root: Path, state: BuildState) -> PreviewServer:
    try:
        return PreviewServer((host, port), root, state)
    except OverflowError:
        raise ServeError(f"port {port} is not a port number (0-65535)") from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is already in use: pick another with --port N "
                             "(--port 0 takes any free one)") from None
        raise ServeError(f"cannot listen on {host} port {port}: {error.strerror or error}") from None


def url_of(server: PreviewServer) -> str:
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class PreviewServer(ThreadingHTTPServer):
    """Serves `root` (the output folder); `state` says which build pages should show."""

    daemon_threads = True  # an open long poll or an idle browser connection must not hold up Ctrl-C

    def __init__(self, address: tuple[str, int], root: Path, state: BuildState):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.root, self.state = root, state
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: object, client_address: tuple) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):  # the browser went away (a reload, a closed tab)
            log.debug("%s left: %s", client_address[0], error)
        else:
            log.exception("Error answering %s", client_address[0])


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "newsarchive-preview"
    timeout = 10  # seconds a connection may sit idle before its thread gives up on it

    def do_GET(self) -> None:
        self._send(self._answer(), with_body=True)

    def do_HEAD(self) -> None:
        self._send(self._answer(), with_body=False)

    def _answer(self) -> Response:
        url = urlsplit(self.path)
        if url.path == RELOAD_PATH:
            return self._long_poll(parse_qs(url.query).get("epoch", [""])[0])
        return respond(self.server.root, self.path, self.server.state)

    def _long_poll(self, epoch: str) -> Response:
        current = self.server.state.wait_for_change(epoch, POLL_SECONDS)
        return Response(HTTPStatus.OK, json.dumps({"epoch": current}).encode(), _headers(".json"))

    def _send(self, response: Response, with_body: bool) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, fmt: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), fmt % args)  # one line per request: debug only


def respond(root: Path, url: str, state: BuildState) -> Response:
    """The answer to GET `url` (path and query) from the site in `root`."""
    # The epoch is read before the file: a build finishing in between costs one extra reload
    # instead of a page that shows the old site while believing it is current.
    epoch, failure = state.current()
    parts = urlsplit(url)
    target = resolve(root, parts.path)
    if target is not None and target.is_dir():
        if not parts.path.endswith("/"):
            # One leading slash: "//name/" would send the browser to another host.
            location = "/" + parts.path.lstrip("/") + "/" + (f"?{parts.query}" if parts.query else "")
            return Response(HTTPStatus.FOUND, headers=(("Location", location), ("Cache-Control", "no-store")))
        target = resolve(root, parts.path + "index.html")
    body = _read(target)
    if target is None or body is None:
        return _not_found(root, epoch, failure)
    if target.suffix.lower() == ".html":
        state.visit(target.relative_to(root).as_posix())
    return _page(target.suffix, HTTPStatus.OK, body, epoch, failure)


def resolve(root: Path, url_path: str) -> Path | None:
    """The path under `root` a URL path names, or None when it would lead outside the folder."""
    if any(code in url_path.lower() for code in ("%2f", "%5c", "%00")):
        return None  # an encoded separator: no page of the site has one, and it hides a `..`
    names = [name for name in unquote(url_path).split("/") if name not in ("", ".")]
    if any(name == ".." or "\\" in name or "\0" in name for name in names):
        return None
    target = root.joinpath(*names)
    try:  # resolve() follows symlinks, so one pointing out of the folder is caught here too
        inside = target.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return target if inside else None


def _read(target: Path | None) -> bytes | None:
    if target is None or not target.is_file():
        return None
    try:
        return target.read_bytes()
    except OSError:  # gone between the check and the read: a rebuild swapped the site just then
        return None


def _not_found(root: Path, epoch: str, failure: Failure | None) -> Response:
    """The site's own 404 page (or a bare one when there is no site yet), with status 404."""
    body = _read(resolve(root, "/404.html")) or FALLBACK_404
    return _page(".html", HTTPStatus.NOT_FOUND, body, epoch, failure)


def _page(suffix: str, status: int, body: bytes, epoch: str, failure: Failure | None) -> Response:
    if suffix.lower() == ".html":
        body = inject(body, epoch, failure)
    return Response(status, body, _headers(suffix))


def _headers(suffix: str) -> tuple[tuple[str, str], ...]:
    # no-store for everything: after a reload the browser must ask again for an edited stylesheet too
    return (("Content-Type", content_type(suffix)), ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"))


def content_type(suffix: str) -> str:
    suffix = suffix.lower()
    if suffix in TEXT_TYPES:
        return f"{TEXT_TYPES[suffix]}; charset=utf-8"
    return mimetypes.guess_type(f"file{suffix}")[0] or "application/octet-stream"
