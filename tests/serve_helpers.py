"""A real `casecheck serve` and Debian's Chromium for the end-to-end tests (one copy for all).

Playwright never downloads a browser here: it launches /usr/bin/chromium, which
`scripts/setup.sh` installs. Set CASECHECK_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# A closed network: without these Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CASECHECK = Path(sys.executable).with_name("casecheck")
FIXED = Path(__file__).resolve().parents[1] / "samples" / "fixed"  # the committed sample case files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_serve(data: Path, env: dict[str, str] | None = None, start_within: float = 60.0) -> Iterator[str]:
    """`casecheck serve` on a free port over `data`, until the block ends; yields its URL."""
    port = free_port()
    process = subprocess.Popen([str(CASECHECK), "serve", "--port", str(port), "--data", str(data), "--workers", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_within
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                assert json.load(answer)["status"] == "ok"
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read() if process.stdout else ""
                raise AssertionError(f"casecheck serve did not start: {output}") from None
            time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def launched_chromium() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def keep(page, name: str) -> None:
    """A screenshot into CASECHECK_SCREENSHOTS, when set."""
    folder = os.environ.get("CASECHECK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)
