"""Measuring for the benchmark: a command's wall time, CPU time and peak memory (from the kernel's
accounting of that one process and the children it waited for), medians over runs, and the time
from a file write until a preview server's page shows the new text."""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

POLL_INTERVAL = 0.02  # seconds between two requests for a page that should change
# Straight to the loopback server: never through a proxy named in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class CommandFailed(Exception):
    """A measured command exited with an error; the message names it and its log."""


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float | None  # user + system seconds
    peak_mb: float | None  # maximum resident set size


def run(command: list[str], log: Path, cwd: Path | None = None, check: bool = True) -> Sample:
    """Run a command to its end, its output in `log`, and measure it with wait4's rusage."""
    with log.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if check and process.returncode != 0:
        raise CommandFailed(f"{' '.join(command)} exited with {process.returncode}; see {log}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(samples: list[Sample]) -> Sample:
    """Median wall and CPU time; the highest peak memory of all runs."""
    cpus = [s.cpu for s in samples if s.cpu is not None]
    peaks = [s.peak_mb for s in samples if s.peak_mb is not None]
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(cpus) if cpus else None,
        max(peaks) if peaks else None,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A preview server run for a measurement: started, waited for, stopped by its own pid."""

    def __init__(self, command: list[str], log: Path, cwd: Path | None = None):
        self.command, self.log, self.cwd = command, log, cwd
        self.process: subprocess.Popen | None = None

    def start(self, ready: re.Pattern[str], timeout: float) -> float:
        """Start it and wait until its output matches `ready`: the seconds that took. Raise
        CommandFailed if it does not."""
        out = self.log.open("w")
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready.search(self.log.read_text(errors="replace")):
                return time.perf_counter() - started
            if self.process.poll() is not None:
                raise CommandFailed(f"{' '.join(self.command)} stopped before it served; see {self.log}")
            time.sleep(0.1)
        raise CommandFailed(f"{' '.join(self.command)} did not serve within {timeout:.0f} s; see {self.log}")

    def stop(self) -> Sample | None:
        """Interrupt it (SIGINT, then SIGKILL after 30 s); its CPU time and peak memory overall."""
        if self.process is None or self.process.returncode is not None:
            return None
        self.process.send_signal(signal.SIGINT)
        start = time.perf_counter()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                return Sample(
                    time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
                )
            time.sleep(0.05)
        self.process.kill()
        self.process.wait()
        return None


def fetch(url: str) -> str:
    """The page's text; "" when the server answers with an error or not at all."""
    try:
        with _OPENER.open(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""


def save_to_reload(path: Path, new_text: str, url: str, token: str, timeout: float) -> float | None:
    """Write `new_text` to `path`, then poll `url` until its page contains `token`: the seconds
    that took, or None after `timeout` seconds."""
    start = time.perf_counter()
    path.write_text(new_text, encoding="utf-8")
    while time.perf_counter() - start < timeout:
        if token in fetch(url):
            return time.perf_counter() - start
        time.sleep(POLL_INTERVAL)
    return None
