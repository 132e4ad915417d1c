"""Against a broken server the run fails, names the check, and its evidence reproduces the bug.

The broken server is the sandbox with one realistic bug (the client's `bulkId` is not echoed, S5).
The failure carries the request (credential redacted), the response, the message, the seed and a
`curl` that, run with `$SMS_ACCEPTANCE_AUTHORIZATION` set, shows the same bug again. The credential
stays out of every artefact, and the HTML report shows the failure in a real browser.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sms_acceptance.sandbox import SandboxConfig, create_app, serve_on_loopback

from .conftest import REPO_ROOT, SECRET, SuiteRun, run_suite, shared_run

pytestmark = pytest.mark.slow


class DropsClientBulkId:
    """ASGI middleware: answers 200s with a fresh bulkId instead of the client's (breaks S5)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}

        async def rewriting_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] == "http.response.body" and start:
                body = message.get("body", b"")
                if start["status"] == 200:
                    document = json.loads(body)
                    if "bulkId" in document:
                        document["bulkId"] = "server-chosen-bulk-id"
                    body = json.dumps(document).encode()
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                start.clear()
                return
            await send(message)

        await self.app(scope, receive, rewriting_send)


@pytest.fixture(scope="module")
def broken_url() -> Iterator[str]:
    app = DropsClientBulkId(create_app(SandboxConfig(authorization=SECRET)))
    with serve_on_loopback(app, log_level="error") as server:
        yield server.base_url


@pytest.fixture(scope="module")
def broken_run(broken_url: str, tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    def run(report_dir: Path) -> SuiteRun:
        report_dir.mkdir(parents=True, exist_ok=True)
        return run_suite(
            "--base-url", broken_url, "--hypothesis-profile", "quick",
            "--junitxml", str(report_dir / "pytest-junit.xml"),  # pytest's own, checked too
            # The middleware rewrites send answers only; its reports would keep the sandbox's
            # bulkId (D3), which no real server does: the report tests are left out.
            "--ignore=conformance/test_delivery_reports.py",
            report_dir=report_dir, authorization=SECRET,
        )  # fmt: skip

    return shared_run(tmp_path_factory, "broken-run", run)


def test_the_run_fails_naming_bulk_id_echoed(broken_run: SuiteRun) -> None:
    assert broken_run.returncode == 1
    assert broken_run.summary["verdict"] == "FAIL"
    assert broken_run.failed_checks() == {"bulk_id_echoed"}


def test_the_failure_carries_its_evidence(broken_run: SuiteRun) -> None:
    failure = broken_run.check("bulk_id_echoed")["failures"][0]
    assert failure["rule_id"] == "S5"
    assert failure["level"] == "MUST"
    assert "server-chosen-bulk-id" in failure["message"]
    assert failure["request"]["headers"]["Authorization"] == "App ***"
    assert '"bulkId"' in failure["request"]["body"]
    assert failure["response"]["status"] == 200
    assert failure["hypothesis_seed"] == broken_run.summary["hypothesis"]["seed"]
    assert "$SMS_ACCEPTANCE_AUTHORIZATION" in failure["curl"]
    assert f"--hypothesis-seed={failure['hypothesis_seed']}" in failure["reproduce"]


def test_the_curl_reproduces_the_failure(broken_run: SuiteRun, broken_url: str) -> None:
    failure = broken_run.check("bulk_id_echoed")["failures"][0]
    sent = json.loads(failure["request"]["body"])
    # The run may have happened in another xdist worker: replay against this one's instance.
    command = failure["curl"].replace(broken_run.summary["target"]["base_url"], broken_url)
    environment = {**os.environ, "SMS_ACCEPTANCE_AUTHORIZATION": SECRET}
    replay = subprocess.run(
        ["bash", "-c", command],
        capture_output=True, text=True, env=environment, timeout=30, check=True,
    )  # fmt: skip
    head, _, body = replay.stdout.partition("\n\n")  # text mode turned CRLF into LF
    assert head.startswith("HTTP/1.1 200")
    answer = json.loads(body)
    assert answer["bulkId"] != sent["bulkId"]


def test_no_artefact_and_no_output_holds_the_credential(broken_run: SuiteRun) -> None:
    key = SECRET.split()[1]
    for path in Path(broken_run.report_dir).iterdir():
        assert key not in path.read_text(encoding="utf-8"), path.name
    assert key not in broken_run.output


def test_report_html_shows_the_failure_and_its_curl_in_a_real_browser(
    broken_run: SuiteRun,
    headless_browser: Any,  # tests/conftest.py's HeadlessBrowser
) -> None:
    dom = headless_browser.rendered_dom(broken_run.report_dir / "report.html")
    assert ">FAIL<" in dom
    assert 'id="failure-bulk_id_echoed-1"' in dom
    assert "$SMS_ACCEPTANCE_AUTHORIZATION" in dom


def test_the_pytest_reproduction_command_fails_the_same_check_again(
    broken_run: SuiteRun, broken_url: str, tmp_path: Path
) -> None:
    failure = broken_run.check("bulk_id_echoed")["failures"][0]
    command = failure["reproduce"].replace(broken_run.summary["target"]["base_url"], broken_url)
    assert command.startswith("pytest ")
    command = f"{sys.executable} -m {command} -p no:cacheprovider --report-dir {tmp_path}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environment["SMS_ACCEPTANCE_AUTHORIZATION"] = SECRET
    replay = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=environment,
        cwd=REPO_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert replay.returncode == 1, replay.stdout[-2000:]
    rerun = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    failed = {c["name"] for c in rerun["checks"] if c["verdict"] == "FAIL"}
    assert failed == {"bulk_id_echoed"}
    assert rerun["tests"] == {"passed": 0, "failed": 1, "skipped": 0, "error": 0}


def test_a_run_given_the_credential_in_the_environment_needs_no_note(broken_run: SuiteRun) -> None:
    assert broken_run.summary["reproduce_note"] is None


def test_a_run_given_authorization_says_beside_its_reproductions_to_export_it(
    broken_url: str, tmp_path: Path
) -> None:
    """Issue 11: pasting a reproduction line of a run given `--authorization` exits 4 unless
    $SMS_ACCEPTANCE_AUTHORIZATION is set; the report and the console say so beside them."""
    run = run_suite(
        "--base-url", broken_url, "--authorization", SECRET, "--hypothesis-profile", "quick",
        report_dir=tmp_path, authorization=None,
        select=("conformance/test_positive.py", "-k", "R10"),
    )  # fmt: skip
    assert run.returncode == 1, run.output[-2000:]
    note = run.summary["reproduce_note"]
    assert "--authorization" in note and "$SMS_ACCEPTANCE_AUTHORIZATION" in note
    assert run.check("bulk_id_echoed")["failures"][0]["reproduce_note"] == note
    assert note in run.output
    assert 'id="reproduce-note"' in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert SECRET.split()[1] not in run.output
