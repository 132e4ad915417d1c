"""The suite keeps its verdict however users run it: xdist, Locust's plugin, --level, profiles.

Each runs the real command line against the sandbox (quick profile, bounded).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sms_acceptance.conformance import CHECKS
from sms_acceptance.sandbox import SandboxConfig, create_app, serve_on_loopback

from .conftest import SECRET, RecordingApp, SuiteRun

pytestmark = pytest.mark.slow


def test_xdist_workers_merge_into_one_complete_summary(
    suite: Callable[..., SuiteRun], sandbox_url: str
) -> None:
    run = suite("--base-url", sandbox_url, "--hypothesis-profile", "quick", "-n", "2")
    assert run.returncode == 0, run.output[-3000:]
    summary = run.summary
    assert summary["verdict"] == "PASS"
    assert [c["name"] for c in summary["checks"]] == [c.name for c in CHECKS]
    # D11 needs the server's retry schedule: known for the embedded sandbox or declared in a
    # vendor profile, neither of which holds for a --base-url target, so it is SKIP here.
    judged = [c for c in summary["checks"] if c["name"] != "report_retried_after_5xx"]
    assert all(c["exercised"] > 0 and c["verdict"] == "PASS" for c in judged)
    # Every test of the suite reported back to the controller, not one worker's share.
    assert summary["tests"]["passed"] + summary["tests"]["skipped"] >= 80


def test_locust_pytest_plugin_active_does_not_interfere(
    suite: Callable[..., SuiteRun], sandbox_url: str
) -> None:
    run = suite(
        "--base-url", sandbox_url, "--hypothesis-profile", "quick", "-p", "locust",
        "-k", "A5_configured or seed or A1",
    )  # fmt: skip
    assert run.returncode == 0, run.output[-3000:]
    assert run.summary["tests"]["passed"] == 3


def test_level_must_runs_only_must_checks(suite: Callable[..., SuiteRun], sandbox_url: str) -> None:
    run = suite(
        "--base-url", sandbox_url, "--hypothesis-profile", "quick", "--level", "must",
        "-k", "seed or A1 or R11 or R12",
    )  # fmt: skip
    assert run.returncode == 0, run.output[-3000:]
    for check in run.summary["checks"]:
        if check["level"] == "SHOULD":
            assert check["verdict"] == "SKIP"
            assert check["skip_reason"] == "excluded by --level must"
    assert run.check("seed_reproduction")["verdict"] == "PASS"


def test_declared_deviations_show_as_declared_not_pass(
    suite: Callable[..., SuiteRun], sandbox_url: str, tmp_path: Path
) -> None:
    profile = tmp_path / "vendor.toml"
    profile.write_text(
        '[vendor]\nname = "Acme"\n[deviations]\nmax_destinations = 100\n'
        '[[deviations.accepted_statuses]]\ngroup_id = 5\nid = 18\nnote = "trial accounts"\n',
        encoding="utf-8",
    )
    run = suite(
        "--base-url", sandbox_url, "--hypothesis-profile", "quick",
        "--vendor-profile", str(profile), "-k", "bulk or A5_configured",
    )  # fmt: skip
    assert run.returncode == 0, run.output[-3000:]
    summary = run.summary
    assert summary["vendor_profile"]["name"] == "Acme"
    assert {d["key"]: d["verdict"] for d in summary["deviations"]} == {
        "max_destinations": "DECLARED",
        "accepted_statuses": "DECLARED",
    }
    assert run.check("bulk_size_accepted")["verdict"] == "DECLARED"
    assert run.check("status_group_accepting")["verdict"] == "DECLARED"


class _InvalidArgumentEnvelope:
    """ASGI middleware: 400 envelopes say INVALID_ARGUMENT instead of BAD_REQUEST (only E3,
    a SHOULD, is broken)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start: dict[str, Any] = {}

        async def rewriting_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)  # held until the body's new length is known
                return
            if message["type"] == "http.response.body" and start:
                body = message.get("body", b"").replace(b'"BAD_REQUEST"', b'"INVALID_ARGUMENT"')
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                start.clear()
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, rewriting_send)


def test_level_must_passes_a_server_that_breaks_only_a_should_rule(
    suite: Callable[..., SuiteRun], tmp_path: Path
) -> None:
    app = _InvalidArgumentEnvelope(create_app(SandboxConfig(authorization=SECRET)))
    with serve_on_loopback(app, log_level="error") as server:
        base = ("--base-url", server.base_url, "--hypothesis-profile", "quick")
        default = suite(*base, "-k", "R2-messages", report_dir=tmp_path / "default")
        must = suite(*base, "-k", "R2-messages", "--level", "must", report_dir=tmp_path / "must")
    assert default.returncode == 1
    assert default.failed_checks() == {"bad_request_message_id"}
    assert must.returncode == 0, must.output[-2000:]
    assert must.check("bad_request_message_id")["verdict"] == "SKIP"
    assert must.check("negative_data_rejection")["verdict"] == "PASS"


def _without_send_at(body: bytes) -> object:
    """The request with `sendAt` (drawn relative to the current time) removed."""
    document = json.loads(body)
    for message in document.get("messages", []) if isinstance(document, dict) else []:
        if isinstance(message, dict):
            message.pop("sendAt", None)
    return document


def test_the_same_seed_sends_the_same_requests(
    suite: Callable[..., SuiteRun], tmp_path: Path
) -> None:
    """Also whatever the concurrency and wherever it runs: the run sending 16 at once in a CI job
    (`CI` set, which makes Hypothesis load its own `ci` profile) and the one sending one at a time
    elsewhere send the same requests (in whatever order they arrive); and the seed, not the
    environment, decides them: another seed in the CI job sends other requests."""

    def sent(seed: str, concurrency: str, ci: str | None) -> list[str]:
        app = RecordingApp(create_app(SandboxConfig(authorization=SECRET)))
        with serve_on_loopback(app, log_level="error") as server:
            run = suite(
                "--base-url", server.base_url, "--hypothesis-profile", "quick",
                "--hypothesis-seed", seed, "-k", "R13_generated or S12_sms_count_matches",
                "--concurrency", concurrency, report_dir=tmp_path / f"{seed}-{concurrency}",
                variables={"CI": ci},
            )  # fmt: skip
        assert run.returncode == 0, run.output[-2000:]
        return sorted(json.dumps(_without_send_at(body)) for body in app.bodies)

    together_in_ci = sent("20261125", "16", "true")
    one_at_a_time = sent("20261125", "1", None)
    assert len(together_in_ci) > 10
    assert together_in_ci == one_at_a_time
    assert sent("20261126", "16", "true") != together_in_ci


def _asks_for_reports(body: bytes) -> bool:
    """One of the report run's own requests: the D11 probe's or the XML case's callbackData."""
    return b'"callbackData":"retry-probe"' in body or b'"callbackData":"xml-case-1"' in body


def test_the_report_run_overlaps_the_other_tests_and_its_checks_come_last(
    suite: Callable[..., SuiteRun], tmp_path: Path
) -> None:
    """Against a loopback server the requests asking for delivery reports go out as the session
    starts (their reports are awaited while the other tests run), and the D tests run last; with
    `--level must` (no D check runs) none is sent at all."""
    app = RecordingApp(create_app(SandboxConfig(authorization=SECRET)))
    with serve_on_loopback(app, log_level="error") as server:
        run = suite(
            "--base-url", server.base_url, "--hypothesis-profile", "quick",
            "-k", "R13_generated or report", "-v", report_dir=tmp_path / "overlap",
        )  # fmt: skip
        bodies = list(app.bodies)
        must = suite(
            "--base-url", server.base_url, "--hypothesis-profile", "quick",
            "-k", "R13_generated or report", "--level", "must", report_dir=tmp_path / "must",
        )  # fmt: skip
        after_must = app.bodies[len(bodies) :]
    assert run.returncode == 0, run.output_tail()
    asking = [i for i, body in enumerate(bodies) if _asks_for_reports(body)]
    others = [i for i, body in enumerate(bodies) if body != b"{}" and not _asks_for_reports(body)]
    assert asking and others
    assert asking[0] < others[-1], "the report-asking requests waited for the other tests"
    ran = [line for line in run.stdout.splitlines() if "::" in line and "PASSED" in line]
    firsts = [i for i, line in enumerate(ran) if "test_delivery_reports.py" in line]
    assert firsts and firsts[0] == len(ran) - len(firsts), ran
    assert must.returncode == 0, must.output_tail()
    assert not any(_asks_for_reports(body) for body in after_must)
