"""Whole runs as a vendor's CI makes them: `pytest conformance` and `locust -f loadtests` with
`HTTPS_PROXY` pointing at a real proxy, against the sandbox over TLS requiring a client certificate,
the server's certificate verified against the test CA. The proxy's own log must show the tunnel.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from .._child_process import child_environment, run_child, without_proxies
from ..conformance._suite_runner import run_suite
from .conftest import PROXY_PASSWORD, PROXY_USER, SECRET, Pki, Tinyproxy

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
LOCUST = Path(sys.executable).with_name("locust")
RUN_TIMEOUT_SECONDS = 240


def environment(proxy: Tinyproxy) -> dict[str, str | None]:
    """The variables a CI job behind `proxy` has: only its own proxy, and the credential."""
    return {
        **without_proxies(),
        "SMS_ACCEPTANCE_AUTHORIZATION": SECRET,
        "HTTPS_PROXY": proxy.url,
    }


def authority(base_url: str) -> str:
    return base_url.removeprefix("https://")


def test_the_suite_passes_through_the_proxy_with_verification_on(
    pki: Pki, proxy: Tinyproxy, mtls_sandbox: str, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    completed = run_suite(
        f"--base-url={mtls_sandbox}", f"--ca-bundle={pki.ca}", f"--client-cert={pki.client}",
        "--hypothesis-profile=quick",
        report_dir=reports, authorization=SECRET, timeout=RUN_TIMEOUT_SECONDS,
        variables=environment(proxy),
    )  # fmt: skip
    assert f"network: proxy {proxy.url} ($HTTPS_PROXY), TLS verified" in completed.stdout
    assert proxy.tunnels_to(authority(mtls_sandbox)) >= 1
    assert all(line.startswith("CONNECT ") for line in proxy.request_lines())
    summary = json.loads((reports / "summary.json").read_text("utf-8"))
    assert summary["verdict"] == "PASS"
    network = summary["target"]["network"]
    assert network["proxy"] == proxy.url and network["source"] == "$HTTPS_PROXY"
    assert network["tls"]["verify"] is True
    assert network["tls"]["client_cert"] == str(pki.client)
    assert SECRET not in proxy.log_text()
    html = (reports / "report.html").read_text("utf-8")
    assert f"proxy <code>{proxy.url}</code> ($HTTPS_PROXY); TLS verified against" in html


def test_a_short_locust_run_passes_through_the_proxy_with_verification_on(
    pki: Pki, proxy: Tinyproxy, mtls_sandbox: str, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    tls = ("--ca-bundle", str(pki.ca), "--client-cert", str(pki.client))
    completed, summary = locust_run(
        tmp_path, environment(proxy), "--host", mtls_sandbox, *tls, users=2, seconds=3
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert summary["verdict"] == "pass"
    assert summary["requests"]["total"] > 0 and summary["requests"]["failed"] == 0
    network = summary["run"]["network"]
    assert network["proxy"] == proxy.url and network["tls"]["verify"] is True
    assert proxy.tunnels_to(authority(mtls_sandbox)) >= 1
    assert SECRET not in proxy.log_text()
    html = (reports / "report.html").read_text("utf-8")
    assert f"proxy <code>{proxy.url}</code> ($HTTPS_PROXY)" in html


def test_a_locust_run_without_the_test_ca_fails_every_request(
    pki: Pki, proxy: Tinyproxy, mtls_sandbox: str, tmp_path: Path
) -> None:
    """Verification is on by default in the load tests too (Locust's own default is off)."""
    completed, summary = locust_run(
        tmp_path, environment(proxy), "--host", mtls_sandbox, "--client-cert", str(pki.client)
    )
    assert completed.returncode != 0
    assert summary["requests"]["total"] > 0
    assert summary["requests"]["failed"] == summary["requests"]["total"]
    assert "SSLCertVerificationError" in completed.stderr


def locust_run(
    workdir: Path,
    variables: Mapping[str, str | None],
    *arguments: str,
    users: int = 1,
    seconds: int = 2,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`locust -f loadtests/single_destination.py` for a few seconds in `workdir`; its summary."""
    workdir.mkdir(parents=True, exist_ok=True)
    reports = workdir / "reports"
    command = [
        str(LOCUST), "-f", str(REPO / "loadtests" / "single_destination.py"), "--headless",
        "--only-summary", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
        "--report-dir", str(reports), "--payload-pool", "4", *arguments,
    ]  # fmt: skip
    completed = run_child(
        command, cwd=workdir, env=child_environment(variables), timeout=RUN_TIMEOUT_SECONDS
    )
    if not (reports / "summary.json").is_file():
        raise AssertionError(f"locust wrote no summary: {completed.stderr[-3000:]}")
    summary: dict[str, Any] = json.loads((reports / "summary.json").read_text("utf-8"))
    return completed, summary


def test_locust_users_pass_the_credentials_of_the_proxy_url(
    pki: Pki, authenticating_proxy: Tinyproxy, mtls_sandbox: str, tmp_path: Path
) -> None:
    env = environment(authenticating_proxy)
    port = authenticating_proxy.port
    tls = ("--ca-bundle", str(pki.ca), "--client-cert", str(pki.client))
    proxy = ("--proxy", f"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{port}")
    completed, summary = locust_run(tmp_path / "with", env, "--host", mtls_sandbox, *tls, *proxy)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert summary["requests"]["failed"] == 0 and summary["requests"]["total"] > 0
    shown = f"http://{PROXY_USER}:***@127.0.0.1:{port}"
    assert summary["run"]["network"]["proxy"] == shown
    assert summary["run"]["network"]["source"] == "--proxy"
    assert summary["options"]["proxy"] == shown
    assert PROXY_PASSWORD not in completed.stdout + completed.stderr
    assert PROXY_PASSWORD not in json.dumps(summary)

    env["HTTPS_PROXY"] = authenticating_proxy.url  # no credentials: every CONNECT gets 407
    completed, summary = locust_run(tmp_path / "without", env, "--host", mtls_sandbox, *tls)
    assert completed.returncode == 3  # the error_rate threshold, not a crash of the users
    assert summary["requests"]["failed"] == summary["requests"]["total"] > 0
    assert "Traceback" not in completed.stderr


def test_the_embedded_sandbox_is_never_proxied(tmp_path: Path) -> None:
    """Without a target both tools start their own loopback sandbox; a CI job's outbound proxy
    (here one that refuses every connection) cannot reach it and is not used for it."""
    # discard (port 9): nothing listens there
    env = {
        **without_proxies(),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "SMS_ACCEPTANCE_AUTHORIZATION": None,
    }
    completed, summary = locust_run(tmp_path / "load", env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert summary["run"]["network"] == {
        "proxy": None,
        "source": "embedded sandbox",
        "tls": summary["run"]["network"]["tls"],
    }
    reports = tmp_path / "suite"
    suite = run_suite(
        "--hypothesis-profile=quick",
        select=("conformance/test_auth.py",),
        report_dir=reports, authorization=None, timeout=RUN_TIMEOUT_SECONDS, variables=env,
    )  # fmt: skip
    assert suite.returncode == 0, suite.stdout[-3000:]
    network = json.loads((reports / "summary.json").read_text("utf-8"))["target"]["network"]
    assert network["proxy"] is None and network["source"] == "embedded sandbox"


def test_no_tls_verify_is_explicit_and_every_report_says_so(
    pki: Pki, proxy: Tinyproxy, mtls_sandbox: str, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    completed = run_suite(
        f"--base-url={mtls_sandbox}", f"--client-cert={pki.client}", "--no-tls-verify",
        "--hypothesis-profile=quick",
        select=("conformance/test_auth.py",),
        report_dir=reports, authorization=SECRET, timeout=RUN_TIMEOUT_SECONDS,
        variables=environment(proxy),
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "TLS verification OFF (--no-tls-verify)" in completed.stdout
    summary = json.loads((reports / "summary.json").read_text("utf-8"))
    assert summary["target"]["network"]["tls"]["verify"] is False
    assert "--no-tls-verify" in summary["reproduce"]
    html = (reports / "report.html").read_text("utf-8")
    assert "TLS verification OFF (--no-tls-verify)" in html
