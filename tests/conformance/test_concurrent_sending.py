"""How the suite sends requests together (`--concurrency`), paces them (`--rate-limit`) and honours
a 429's `Retry-After`, against real servers on loopback (issue 15)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from sms_acceptance.conformance import CONFIGURED, HttpExchanger
from sms_acceptance.conformance.transport import OutgoingRequest

from ._raw_server import http_response, wire_server
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
