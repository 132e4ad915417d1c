"""The web UI (Locust's, when not `--headless`) never shows the credential: the kit's options are
registered with `include_in_web_ui=False`, and the page's option form stays free of them."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest

from tests.load.conftest import LOADTESTS, LOCUST, SECRET

pytestmark = pytest.mark.slow


def test_web_ui_page_never_contains_the_credential(tmp_path: object, free_port: int) -> None:
    environment = {**os.environ, "SMS_ACCEPTANCE_AUTHORIZATION": SECRET}
    command = [
        str(LOCUST), "-f", str(LOADTESTS), "--web-host", "127.0.0.1",
        "--web-port", str(free_port), "--payload-pool", "4", "--report-dir", str(tmp_path),
        "SingleDestination",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=str(tmp_path),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/", timeout=5) as answer:
                    page = answer.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        assert page, "the web UI did not come up within 60 s"
        assert '"extra_options": {}' in page
        assert SECRET not in page and SECRET.split(" ", 1)[1] not in page
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert SECRET.split(" ", 1)[1] not in stderr
