"""How the suite sends requests together (`--concurrency`), paces them (`--rate-limit`) and honours
a 429's `Retry-After`, against real servers on loopback (issue 15)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from sms_acceptance.conformance import CONFIGURED, HttpExchanger
from sms_acceptance.conformance.transport import OutgoingRequest
from sms_acceptance.sandbox import FaultConfig, SandboxConfig, create_app, serve_on_loopback

from ._raw_server import http_response, wire_server
from ._suite_runner import SuiteRun
from .conftest import SECRET

OK = http_response(200, b'{"messages": []}')


class ConcurrencyMeter:
    """A handler that answers after `hold` seconds and remembers the most requests it held at
    once and when each arrived."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.in_flight = 0
        self.most = 0
        self.arrivals: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, connection: socket.socket) -> None:
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        time.sleep(self.hold)
        with self._lock:
            self.in_flight -= 1
        connection.sendall(OK)


@pytest.fixture
def exchangers() -> Iterator[list[HttpExchanger]]:
    made: list[HttpExchanger] = []
    yield made
    for exchanger in made:
        exchanger.close()


def _exchanger(made: list[HttpExchanger], url: str, **kwargs: float | int | None) -> HttpExchanger:
    exchanger = HttpExchanger(url, authorization=SECRET, request_timeout=10, **kwargs)  # type: ignore[arg-type]
    made.append(exchanger)
    return exchanger


def _batch(count: int) -> list[OutgoingRequest]:
    return [OutgoingRequest(b'{"n": %d}' % n, CONFIGURED) for n in range(count)]


def test_no_more_than_concurrency_requests_are_ever_in_flight(
    exchangers: list[HttpExchanger],
) -> None:
    meter = ConcurrencyMeter(hold=0.2)
    with wire_server(meter) as server:
        exchanger = _exchanger(exchangers, server.base_url + "/x", concurrency=3)
        exchanges = exchanger.send_many(_batch(12))
    assert all(e is not None and e.response and e.response.status == 200 for e in exchanges)
    assert meter.most == 3  # bounded, and the bound was used
    assert len(meter.arrivals) == 12


def test_exchanges_come_back_in_the_order_of_the_requests(
    exchangers: list[HttpExchanger],
) -> None:
    def echo(connection: socket.socket) -> None:
        body = server.received[-1].partition(b"\r\n\r\n")[2]
        connection.sendall(http_response(200, body))

    with wire_server(echo) as server:
        exchanges = _exchanger(exchangers, server.base_url + "/x", concurrency=4).send_many(
            _batch(9)
        )
    for request, exchange in zip(_batch(9), exchanges, strict=True):
        assert exchange is not None and exchange.request.body == request.body


def test_a_429_with_retry_after_pauses_then_sends_the_request_again(
    exchangers: list[HttpExchanger],
) -> None:
    answered: list[tuple[float, int]] = []

    def throttle_once(connection: socket.socket) -> None:
        status = 429 if not answered else 200
        answered.append((time.monotonic(), status))
        if status == 429:
            connection.sendall(
                b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
                b"Connection: close\r\n\r\n"
            )
        else:
            connection.sendall(OK)

    with wire_server(throttle_once) as server:
        exchange = _exchanger(exchangers, server.base_url + "/x").send(b"{}", CONFIGURED)
    assert exchange.response is not None and exchange.response.status == 200
    assert [status for _, status in answered] == [429, 200]
    assert answered[1][0] - answered[0][0] >= 0.95  # Retry-After: 1 was waited out


def test_a_429_whose_retry_after_is_too_long_is_the_answer_judged(
    exchangers: list[HttpExchanger],
) -> None:
    def throttle(connection: socket.socket) -> None:
        connection.sendall(
            b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        )

    with wire_server(throttle) as server:
        exchange = _exchanger(exchangers, server.base_url + "/x").send(b"{}", CONFIGURED)
        assert server.connections == 1  # not waited for, not sent again
    assert exchange.response is not None and exchange.response.status == 429


def test_the_rate_limit_spaces_request_starts(exchangers: list[HttpExchanger]) -> None:
    meter = ConcurrencyMeter(hold=0.0)
    with wire_server(meter) as server:
        exchanger = _exchanger(exchangers, server.base_url + "/x", concurrency=8, rate_limit=10)
        exchanger.send_many(_batch(6))
    gaps = [b - a for a, b in zip(meter.arrivals, meter.arrivals[1:], strict=False)]
    # Ten a second: starts at least 100 ms apart (less a little for the server thread's clock).
    assert len(meter.arrivals) == 6
    assert min(gaps) >= 0.09, gaps


def test_the_default_concurrency_follows_the_target_and_how_fast_it_answers() -> None:
    """Sending together costs a second draw of every example: a server that answers the probe
    within FAST_ANSWER_SECONDS is faster one at a time; `--concurrency` always wins."""
    from sms_acceptance.conformance.plugin._concurrency_options import (
        FAST_ANSWER_SECONDS,
        LOOPBACK_CONCURRENCY,
        REMOTE_CONCURRENCY,
        SendingSettings,
    )
    from sms_acceptance.conformance.transport import BaseUrl

    loopback, remote = BaseUrl.parse("http://127.0.0.1:8080"), BaseUrl.parse("https://sms.example")
    default = SendingSettings()
    assert default.for_target(loopback) == LOOPBACK_CONCURRENCY
    assert default.for_target(remote) == REMOTE_CONCURRENCY
    assert default.for_target(loopback, FAST_ANSWER_SECONDS / 10) == 1
    assert default.for_target(loopback, 0.1) == LOOPBACK_CONCURRENCY
    assert default.for_target(remote, 0.1) == REMOTE_CONCURRENCY
    assert SendingSettings(concurrency=8).for_target(loopback, FAST_ANSWER_SECONDS / 10) == 8


@pytest.mark.slow
@pytest.mark.parametrize(("latency_ms", "expected"), [(0.0, 1), (60.0, 32)])
def test_a_run_sends_together_only_when_answers_are_slow(
    suite: Callable[..., SuiteRun], latency_ms: float, expected: int
) -> None:
    faults = FaultConfig(latency_ms=latency_ms)
    app = create_app(SandboxConfig(authorization=SECRET, faults=faults))
    with serve_on_loopback(app, log_level="error") as server:
        run = suite("--base-url", server.base_url, "--hypothesis-profile", "quick", "-k", "R10")
    assert run.returncode == 0, run.output_tail()
    assert run.summary["target"]["sending"]["concurrency"] == expected
    assert f"sending: at most {expected} request(s) in flight" in run.output
