"""Fixtures for remote-vendor networks on one machine: certificates, a real proxy, a TLS sandbox.

- `pki`: certificates made by trustme: a CA and the server certificate it issued for `localhost`
  and `127.0.0.1`; a second CA and the client certificate it issued (mutual TLS).
- `proxy`: Debian's tinyproxy, a real forward proxy, on a free loopback port, logging every
  connection and request line (`CONNECT localhost:PORT HTTP/1.1`) to a file the tests read.
  `.ci/run` installs it; without it these tests are skipped with the command to install it.
- `mtls_sandbox`: the sandbox over TLS (`sms-acceptance sandbox --tls-cert ... --tls-client-ca
  ...`, in a child process) requiring a client certificate.

Everything listens on 127.0.0.1 and every run is bounded in time.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from sms_acceptance.sandbox import SandboxConfig, SandboxProcess, SandboxTls

SECRET = "App n3twork-s3cret-5e2a9c71d0"
"""Distinctive, so that finding it in a proxy's bytes or a report is a leak."""
ENDPOINT = "/sms/1/text/advanced"


@dataclass(frozen=True)
class Pki:
    """PEM files: the server's CA, the server's certificate+key, the client CA, the client's."""

    ca: Path
    server: Path
    client_ca: Path
    client: Path


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    server_ca = trustme.CA(organization_name="sms-acceptance test server CA")
    server_ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    server_ca.issue_cert("localhost", "127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "server.pem")
    )
    client_ca = trustme.CA(organization_name="sms-acceptance test client CA")
    client_ca.cert_pem.write_to_path(str(folder / "client-ca.pem"))
    client_ca.issue_cert("conformance-client").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "client.pem")
    )
    return Pki(
        ca=folder / "ca.pem",
        server=folder / "server.pem",
        client_ca=folder / "client-ca.pem",
        client=folder / "client.pem",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Tinyproxy:
    """A running tinyproxy: its URL and its own log."""

    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""

    def request_lines(self) -> list[str]:
        """The request lines the proxy logged (`CONNECT host:port HTTP/1.1`, `POST http://...`)."""
        marker = "): "
        return [
            line.split(marker, 1)[1]
            for line in self.log_text().splitlines()
            if "Request (file descriptor" in line and marker in line
        ]

    def tunnels_to(self, authority: str) -> int:
        """How many `CONNECT authority` requests the proxy logged."""
        return self.log_text().count(f"CONNECT {authority} HTTP/1.1")


PROXY_USER, PROXY_PASSWORD = "ci-user", "pr0xy-pa55word"


@contextmanager
def tinyproxy(folder: Path, extra_config: str = "") -> Iterator[Tinyproxy]:
    """tinyproxy on a free loopback port, in the foreground, stopped by its pid afterwards."""
    executable = shutil.which("tinyproxy")
    if executable is None:
        pytest.skip("tinyproxy not installed (apt-get install tinyproxy; .ci/run does)")
    port = free_port()
    log = folder / "tinyproxy.log"
    config = folder / "tinyproxy.conf"
    config.write_text(
        f'Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile "{log}"\nLogLevel Info\n'
        f"MaxClients 64\nAllow 127.0.0.1\nDisableViaHeader Yes\n{extra_config}",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [executable, "-d", "-c", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"tinyproxy did not start on port {port}") from None
                time.sleep(0.02)
        yield Tinyproxy(port=port, log=log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[Tinyproxy]:
    """An open forward proxy (loopback clients only)."""
    with tinyproxy(tmp_path) as running:
        yield running


@pytest.fixture
def authenticating_proxy(tmp_path: Path) -> Iterator[Tinyproxy]:
    """A forward proxy that answers 407 without `PROXY_USER:PROXY_PASSWORD` (Basic)."""
    with tinyproxy(tmp_path, f"BasicAuth {PROXY_USER} {PROXY_PASSWORD}\n") as running:
        yield running


@pytest.fixture
def mtls_sandbox(pki: Pki) -> Iterator[str]:
    """`https://localhost:PORT`: the sandbox over TLS, requiring a client certificate."""
    tls = SandboxTls(str(pki.server), client_ca=str(pki.client_ca))
    with SandboxProcess(SandboxConfig(authorization=SECRET), tls=tls) as sandbox:
        yield f"https://localhost:{sandbox.running.port}"
