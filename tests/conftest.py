"""Fixtures shared by every area of the project's own tests.

Only what more than one area needs lives here: the real headless browser that opens HTML reports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=5000",
)


@dataclass(frozen=True)
class HeadlessBrowser:
    """Debian's chromium, driven from the command line: the DOM after scripts ran, or a PNG."""

    executable: str
    profile_dir: Path

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.executable, *_CHROMIUM_FLAGS, f"--user-data-dir={self.profile_dir}", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

    def rendered_dom(self, page: Path) -> str:
        """The page's DOM serialised after its scripts ran, as a reader's browser would show it."""
        return self._run("--dump-dom", page.resolve().as_uri()).stdout

    def screenshot(self, page: Path, png: Path, width: int = 1280, height: int = 2000) -> Path:
        """A PNG of the page, for a person (or the file viewer) to look at."""
        self._run(f"--screenshot={png}", f"--window-size={width},{height}", page.resolve().as_uri())
        return png


@pytest.fixture(scope="session")
def headless_browser() -> Iterator[HeadlessBrowser]:
    """A real browser: Debian's chromium. CI installs it (`.ci/run`), so there its absence fails."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; .ci/run installs it, so in CI its absence is a failure")
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="sms-acceptance-chromium-") as profile:
        yield HeadlessBrowser(executable=executable, profile_dir=Path(profile))
