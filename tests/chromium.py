"""Headless Chromium for the tests that need a real browser (tests/test_browser.py,
tests/test_site.py, the screenshot test of tests/test_tensorboard_server.py): started here on
127.0.0.1 with a throw-away profile, driven by Playwright over the DevTools protocol, and
stopped by its PID with its process group (tests/processes.py)."""

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import start, stop, wait_for

# the same names, in the same order, as tools/install_browser.sh accepts
NAMES = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
    "--disable-crash-reporter",
    "--disable-breakpad",
]


def find_browser() -> str:
    """The Chromium named by $CHROMIUM, else the first of ``NAMES`` on PATH."""
    for name in (os.environ.get("CHROMIUM"), *NAMES):
        if name and shutil.which(name):
            return shutil.which(name)
    pytest.fail("no Chromium found: `make test-browser` installs Debian's chromium")


@contextlib.contextmanager
def chromium_page(profile: Path, *, width: int, height: int) -> Iterator:
    """A new Playwright page, ``width`` × ``height``, of a headless Chromium started here with
    its profile in ``profile`` (created if absent); the browser is stopped on exit."""
    from playwright.sync_api import sync_playwright

    process = start(
        [find_browser(), *FLAGS, f"--user-data-dir={profile}"]
        + ["--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"  # Chromium writes its chosen port there
        wait_for(lambda: port_file.is_file() and port_file.read_text().strip(), 60, "Chromium")
        port = port_file.read_text().split()[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
            context = browser.contexts[0] if browser.contexts else browser.new_context()
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": height})
            try:
                yield page
            finally:
                browser.close()
    finally:
        stop(process, "Chromium")
