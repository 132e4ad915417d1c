"""Bad options, a bad vendor profile and an unreachable server: one clear line, exit 4, no test run.

A vendor's CI log must say what to fix. Each case runs the real command line and checks the exit
code, the one `ERROR:` line, and that no traceback (and never the credential) is printed.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SECRET, SuiteRun


def _assert_one_line_usage_error(run: SuiteRun, expected: str) -> None:
    assert run.returncode == 4, run.output
    lines = [line for line in run.output.splitlines() if line.strip()]
    assert lines == [lines[0]], run.output
    assert lines[0].startswith("ERROR: ")
    assert expected in lines[0]
    assert "Traceback" not in run.output
    assert SECRET not in run.output
    assert SECRET.split()[1] not in run.output


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("--level", "sometimes"), "--level must be 'must' or 'should'"),
        (("--request-timeout", "soon"), "--request-timeout must be a number"),
        (("--test-destination", "call-me"), "--test-destination 'call-me' must be a phone"),
        (("--hypothesis-profile", "slowest"), "--hypothesis-profile 'slowest' is not registered"),
        (("--vendor-profile", "no-such-profile.toml"), "no such file"),
        (("--require-client", "twilio-python"), "--require-client 'twilio-python' names no known"),
        (("--concurrency", "0"), "--concurrency must be from 1 to 256"),
        (("--concurrency", "many"), "--concurrency must be a whole number"),
        (("--rate-limit", "fast"), "--rate-limit must be a positive number of requests per second"),
        (("--rate-limit", "0/s"), "--rate-limit must be a positive number"),
    ],
)
def test_bad_option_is_one_line_usage_error(
    suite: Callable[..., SuiteRun], arguments: tuple[str, ...], expected: str
) -> None:
    _assert_one_line_usage_error(suite(*arguments), expected)


def test_authorization_without_scheme_is_refused_without_echoing_it(
    suite: Callable[..., SuiteRun],
) -> None:
    run = suite("--authorization", "c0nf0rmance-s3cret-4b1d6e9f0a2c", authorization=None)
    _assert_one_line_usage_error(run, "must be '<scheme> <credential>'")


def test_base_url_without_credential_is_refused(suite: Callable[..., SuiteRun]) -> None:
    run = suite("--base-url", "http://127.0.0.1:9", authorization=None)
    _assert_one_line_usage_error(run, "--base-url needs a credential")


def test_bad_vendor_profile_is_one_line_usage_error(
    suite: Callable[..., SuiteRun], tmp_path: Path
) -> None:
    path = tmp_path / "vendor.toml"
    path.write_text("[deviations]\nmax_destinatons = 100\n", encoding="utf-8")
    _assert_one_line_usage_error(suite("--vendor-profile", str(path)), "unknown key")


def test_unreachable_server_is_one_line_error_before_any_test(
    suite: Callable[..., SuiteRun],
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    run = suite("--base-url", f"http://127.0.0.1:{port}")
    _assert_one_line_usage_error(run, f"cannot reach http://127.0.0.1:{port}/sms/1/text/advanced")
    assert "connection refused" in run.output


def test_vendor_profile_requiring_an_unknown_client_is_one_line_usage_error(
    suite: Callable[..., SuiteRun], tmp_path: Path
) -> None:
    path = tmp_path / "vendor.toml"
    path.write_text('[clients]\nrequire = ["infobip-api-java-client"]\n', encoding="utf-8")
    run = suite("--vendor-profile", str(path))
    _assert_one_line_usage_error(run, "'infobip-api-java-client' names no known client")
