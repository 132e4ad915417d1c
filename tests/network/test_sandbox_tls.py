"""`sms-acceptance sandbox --tls-cert/--tls-key/--tls-client-ca`: the sandbox over TLS.

Bad files end the command with one line and exit status 2; a sandbox given a client CA refuses
clients without a certificate from it. The client here is httpx (independent of the suite's own).
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sms_acceptance.sandbox import SandboxConfig, SandboxTls, running_sandbox

from .conftest import ENDPOINT, SECRET, Pki


def sandbox_command(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SMS_ACCEPTANCE_AUTHORIZATION=SECRET)
    return subprocess.run(
        [sys.executable, "-m", "sms_acceptance.sandbox", "--port", "0", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--tls-cert", "/nonexistent/cert.pem"], "--tls-cert '/nonexistent/cert.pem': no such"),
        (["--tls-key", "key.pem"], "--tls-key and --tls-client-ca need --tls-cert"),
        (["--tls-cert", "{ca}"], "not a usable PEM certificate and unencrypted key"),
        (["--tls-cert", "{server}", "--tls-client-ca", "/nonexistent/ca.pem"], "no such file"),
        (["--tls-cert", "{server}", "--tls-client-ca", "{garbage}"], "not a PEM bundle of CA"),
    ],
)
def test_a_bad_tls_option_is_one_line_and_exit_2(
    pki: Pki, tmp_path: Path, arguments: list[str], message: str
) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n", encoding="utf-8")
    files = {"ca": str(pki.ca), "server": str(pki.server), "garbage": str(garbage)}
    completed = sandbox_command(*(a.format(**files) for a in arguments))
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], completed.stderr
    assert "Traceback" not in completed.stderr


def test_the_sandbox_serves_https_with_its_certificate(pki: Pki) -> None:
    tls = SandboxTls(str(pki.server))
    with running_sandbox(SandboxConfig(authorization=SECRET), tls=tls) as sandbox:
        assert sandbox.base_url.startswith("https://")
        context = ssl.create_default_context(cafile=str(pki.ca))
        with httpx.Client(verify=context) as client:
            answer = client.post(
                f"https://localhost:{sandbox.port}{ENDPOINT}",
                content=b"{}",
                headers={"Authorization": SECRET, "Content-Type": "application/json"},
            )
    assert answer.status_code == 400


def test_a_client_ca_makes_the_sandbox_require_a_client_certificate(pki: Pki) -> None:
    tls = SandboxTls(str(pki.server), client_ca=str(pki.client_ca))
    with running_sandbox(SandboxConfig(authorization=SECRET), tls=tls) as sandbox:
        url = f"https://localhost:{sandbox.port}{ENDPOINT}"
        headers = {"Authorization": SECRET, "Content-Type": "application/json"}
        without = ssl.create_default_context(cafile=str(pki.ca))
        with httpx.Client(verify=without) as client, pytest.raises(httpx.TransportError):
            client.post(url, content=b"{}", headers=headers)
        with_cert = ssl.create_default_context(cafile=str(pki.ca))
        with_cert.load_cert_chain(str(pki.client))
        with httpx.Client(verify=with_cert) as client:
            assert client.post(url, content=b"{}", headers=headers).status_code == 400
