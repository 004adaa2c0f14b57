"""Headless chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright's own browser download does not work here, so the tests launch the system chromium.
Without it the tests skip with a reason, except under CI=true, where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageLog:
    """What a page did wrong: console errors, uncaught exceptions and failed requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def _failed(self, request) -> None:
        # A navigation cancels what the old page was still fetching (often its favicon): the
        # browser reports that as ERR_ABORTED, which is not a missing or broken file.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed_requests.append(f"{request.url} ({request.failure})")

    def watch(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.failed_requests.append(f"{r.url} ({r.status})"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (CI must have it: .ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
