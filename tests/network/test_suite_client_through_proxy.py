"""The suite's HTTP client behind a proxy, over TLS, with a client certificate.

Real parts: tinyproxy (its log shows the tunnel), the sandbox over TLS with certificates from
trustme, and, where the test must see the proxy's bytes, a relay on a real socket that records
everything the client sends to the proxy (a proxy that logs headers is what a company might run).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import pytest

from sms_acceptance import NetworkSettings
from sms_acceptance.conformance import HttpExchanger
from sms_acceptance.conformance.transport import CONFIGURED, FailureCategory, ReceivedResponse
from sms_acceptance.sandbox import SandboxConfig, SandboxTls, running_sandbox

from ..conformance._raw_server import WireServer, wire_server
from .conftest import ENDPOINT, PROXY_PASSWORD, PROXY_USER, SECRET, Pki, Tinyproxy

EMPTY_REQUEST = b'{"messages":[]}'


def settings(
    pki: Pki,
    *,
    proxy: str | None,
    environ: dict[str, str] | None = None,
    client_cert: bool = True,
    ca: bool = True,
    verify: bool = True,
) -> NetworkSettings:
    return NetworkSettings.from_options(
        proxy=proxy,
        ca_bundle=str(pki.ca) if ca else None,
        client_cert=str(pki.client) if client_cert else None,
        client_key=None,
        verify=verify,
        environ=environ or {},
    )


@contextmanager
def tls_sandbox(pki: Pki, *, client_ca: bool = True) -> Iterator[str]:
    tls = SandboxTls(str(pki.server), client_ca=str(pki.client_ca) if client_ca else None)
    with running_sandbox(SandboxConfig(authorization=SECRET), tls=tls) as sandbox:
        yield f"https://localhost:{sandbox.port}{ENDPOINT}"


def post(url: str, network: NetworkSettings) -> ReceivedResponse | object:
    exchanger = HttpExchanger(url, authorization=SECRET, request_timeout=10, network=network)
    try:
        return exchanger.send(EMPTY_REQUEST, CONFIGURED).outcome
    finally:
        exchanger.close()


def test_an_https_request_goes_through_a_CONNECT_tunnel(pki: Pki, proxy: Tinyproxy) -> None:
    with tls_sandbox(pki) as url:
        outcome = post(url, settings(pki, proxy=None, environ={"HTTPS_PROXY": proxy.url}))
    assert isinstance(outcome, ReceivedResponse)
    assert outcome.status == 400  # the sandbox's answer to an empty `messages` (R2)
    assert proxy.tunnels_to(f"localhost:{url.split(':')[2].split('/')[0]}") == 1


def test_the_server_certificate_is_verified_by_default(pki: Pki, proxy: Tinyproxy) -> None:
    with tls_sandbox(pki) as url:
        outcome = post(url, settings(pki, proxy=proxy.url, ca=False))
    assert not isinstance(outcome, ReceivedResponse)
    assert outcome.category is FailureCategory.CONNECT_ERROR  # type: ignore[attr-defined]
    assert "CERTIFICATE_VERIFY_FAILED" in outcome.message  # type: ignore[attr-defined]
    assert f"via proxy {proxy.url}" in outcome.message  # type: ignore[attr-defined]


def test_no_tls_verify_accepts_an_unknown_issuer(pki: Pki, proxy: Tinyproxy) -> None:
    with tls_sandbox(pki) as url:
        outcome = post(url, settings(pki, proxy=proxy.url, ca=False, verify=False))
    assert isinstance(outcome, ReceivedResponse)
    assert outcome.status == 400


def test_a_server_requiring_a_client_certificate_gets_none_and_answers_nothing(
    pki: Pki, proxy: Tinyproxy
) -> None:
    with tls_sandbox(pki) as url:
        outcome = post(url, settings(pki, proxy=proxy.url, client_cert=False))
    assert not isinstance(outcome, ReceivedResponse)


def test_a_plain_http_target_is_sent_to_the_proxy_in_absolute_form(proxy: Tinyproxy) -> None:
    with running_sandbox(SandboxConfig(authorization=SECRET)) as sandbox:
        network = NetworkSettings(proxy=None, environ={"HTTP_PROXY": proxy.url})
        outcome = post(sandbox.endpoint_url, network)
    assert isinstance(outcome, ReceivedResponse)
    assert outcome.status == 400
    assert proxy.request_lines() == [f"POST {sandbox.endpoint_url} HTTP/1.1"]


def test_NO_PROXY_naming_localhost_keeps_it_off_the_proxy(pki: Pki, proxy: Tinyproxy) -> None:
    environ = {"HTTPS_PROXY": proxy.url, "NO_PROXY": "localhost,127.0.0.1"}
    with tls_sandbox(pki) as url:
        outcome = post(url, settings(pki, proxy=None, environ=environ))
    assert isinstance(outcome, ReceivedResponse)
    assert proxy.request_lines() == []


@dataclass
class RecordingRelay:
    """A CONNECT proxy on the tests' raw server that keeps every byte the client sent it."""

    answer: bytes
    server: WireServer | None = None
    tunnelled: bytearray = field(default_factory=bytearray)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.base_url.replace("http://", "http://relay-user:relay-pass@")

    @property
    def received(self) -> bytes:
        """The CONNECT request's bytes, then what the client sent through the tunnel."""
        assert self.server is not None
        return b"".join(self.server.received) + bytes(self.tunnelled)

    def tunnel(self, client: socket.socket) -> None:
        """Answer the CONNECT the raw server read; if that answer is a 200, relay both ways."""
        assert self.server is not None
        client.sendall(self.answer)
        if not self.answer.startswith(b"HTTP/1.1 200"):
            return
        authority = self.server.received[-1].split(b" ")[1].decode()
        host, _, port = authority.rpartition(":")
        with socket.create_connection((host, int(port)), timeout=10) as upstream:
            back = threading.Thread(target=_pipe, args=(upstream, client, None), daemon=True)
            back.start()
            _pipe(client, upstream, self.tunnelled)
            back.join(10)


def _pipe(source: socket.socket, sink: socket.socket, record: bytearray | None) -> None:
    source.settimeout(10)
    try:
        while chunk := source.recv(65536):
            if record is not None:
                record += chunk
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@contextmanager
def relay(
    answer: bytes = b"HTTP/1.1 200 Connection established\r\n\r\n",
) -> Iterator[RecordingRelay]:
    recorder = RecordingRelay(answer)
    with wire_server(recorder.tunnel) as server:
        recorder.server = server
        yield recorder


def test_the_proxy_never_sees_the_authorization_of_an_https_request(pki: Pki) -> None:
    with tls_sandbox(pki) as url, relay() as recorder:
        outcome = post(url, settings(pki, proxy=recorder.url))
    assert isinstance(outcome, ReceivedResponse)
    assert outcome.status == 400
    seen = recorder.received
    assert seen.startswith(b"CONNECT localhost:")
    assert b"Proxy-Authorization: Basic cmVsYXktdXNlcjpyZWxheS1wYXNz\r\n" in seen
    assert SECRET.encode() not in seen
    assert b"Authorization: App" not in seen
    assert b"POST " not in seen  # the request itself went inside the TLS tunnel


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
            "refused CONNECT localhost:",
        ),
        (b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", "403 Forbidden"),
    ],
)
def test_a_proxy_refusing_the_tunnel_is_a_connect_error_naming_it(
    pki: Pki, answer: bytes, expected: str
) -> None:
    with tls_sandbox(pki) as url, relay(answer) as recorder:
        outcome = post(url, settings(pki, proxy=recorder.url))
    assert not isinstance(outcome, ReceivedResponse)
    assert outcome.category is FailureCategory.CONNECT_ERROR  # type: ignore[attr-defined]
    message = outcome.message  # type: ignore[attr-defined]
    assert expected in message
    assert "relay-pass" not in message and "127.0.0.1" in message


def test_proxy_credentials_in_the_proxy_url_open_the_tunnel(
    pki: Pki, authenticating_proxy: Tinyproxy
) -> None:
    port = authenticating_proxy.port
    with tls_sandbox(pki) as url:
        refused = post(url, settings(pki, proxy=f"http://127.0.0.1:{port}"))
        with_credentials = f"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{port}"
        accepted = post(url, settings(pki, proxy=None, environ={"https_proxy": with_credentials}))
    assert not isinstance(refused, ReceivedResponse)
    assert "407" in refused.message  # type: ignore[attr-defined]
    assert "proxy credentials missing or refused" in refused.message  # type: ignore[attr-defined]
    assert isinstance(accepted, ReceivedResponse)
    assert accepted.status == 400
