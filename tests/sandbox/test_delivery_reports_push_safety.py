"""The sandbox pushes reports only to loopback `notifyUrl`s unless the user allowed the host.

A reference server that POSTs to any URL a request names is a request-forgery tool. The proof here
is a connection spy on this process's sockets (the sandbox runs in a thread of it): a refused
`notifyUrl` leads to no name lookup and no connection attempt at all, not merely to a failed one.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sms_acceptance.sandbox._report_push import PushPolicy

from ._delivery_reports import get, sandbox_with_reports, send, stats, wait_for_stat
from ._report_receiver import report_receiver

FOREIGN = "http://dlr.example.invalid/reports?token=secret-token"


class ConnectionSpy:
    """Every host name looked up and every address connected to, from any thread."""

    def __init__(self) -> None:
        self.lookups: list[str] = []
        self.connects: list[Any] = []


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectionSpy]:
    found = ConnectionSpy()
    real_getaddrinfo = socket.getaddrinfo
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        found.lookups.append(name)
        if name.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "spy: not resolved")  # never ask DNS
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        found.connects.append(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        found.connects.append(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield found


def test_a_non_loopback_notifyUrl_is_never_called(
    spy: ConnectionSpy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="sms_acceptance.sandbox.reports")
    with report_receiver() as receiver, sandbox_with_reports() as sandbox:
        for _ in range(3):
            send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": FOREIGN})
        # A loopback push afterwards proves the lifecycle ran past the refused ones.
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        receiver.wait_for(1, timeout=10)
        wait_for_stat(sandbox, "finals", 4)
        time.sleep(0.2)
        counters = stats(sandbox)
        pulled = get(sandbox, "/sms/1/reports").json()["results"]
    assert not [host for host in spy.lookups if "invalid" in host]
    assert all(address[0] in ("127.0.0.1", "::1") for address in spy.connects), spy.connects
    assert counters["reports_refused_by_policy"] == 3
    assert counters["reports_accepted"] == 1
    assert len(pulled) == 4  # refused pushes are still pullable (D13)
    warnings = [r.getMessage() for r in caplog.records if "dlr.example.invalid" in r.getMessage()]
    assert len(warnings) == 1  # once per host
    assert "secret-token" not in caplog.text  # the host is named, never the URL


def test_an_allowed_host_is_called(spy: ConnectionSpy) -> None:
    with sandbox_with_reports(allowed_push_hosts=("dlr.example.invalid",)) as sandbox:
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": FOREIGN})
        wait_for_stat(sandbox, "failed_attempts", 1)  # the spy's lookup failed: no answer
        counters = stats(sandbox)
    assert "dlr.example.invalid" in spy.lookups
    assert counters["reports_refused_by_policy"] == 0
    assert counters["retries_scheduled"] == 1


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8080/dlr", True),
        ("http://127.8.9.10/dlr", True),
        ("http://[::1]:9000/dlr", True),
        ("https://localhost/dlr", True),
        ("http://LOCALHOST./dlr", False),
        ("http://dlr.example.invalid/", False),
        ("http://10.0.0.1/", False),
        ("http://169.254.169.254/latest/meta-data", False),
        ("http://127.0.0.1.example.invalid/", False),
        ("http://user:pass@example.invalid@127.0.0.1/", True),
        ("ftp://127.0.0.1/", False),
        ("file:///etc/passwd", False),
        ("http://127.0.0.1:99999999/", False),
        ("not a url", False),
    ],
)
def test_only_loopback_http_urls_are_allowed_by_default(url: str, allowed: bool) -> None:
    assert PushPolicy(()).allows(url) is allowed


def test_allowed_hosts_are_matched_by_exact_host_name() -> None:
    policy = PushPolicy(("dlr.example.com",))
    assert policy.allows("https://dlr.example.com/x")
    assert policy.allows("https://DLR.example.com:8443/x")
    assert not policy.allows("https://dlr.example.com.evil.invalid/x")
    assert not policy.allows("https://sub.dlr.example.com/x")
