"""The HTTP exchange turns every way a server can misbehave into a categorised, bounded outcome.

Real sockets on 127.0.0.1: servers that refuse, hang, drip, reset, send garbage, truncated JSON, an
HTML page or 10 MB. Each must give its category within the deadline, never hang or raise.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Callable, Iterator

import pytest

from sms_acceptance.conformance import (
    CONFIGURED,
    NO_AUTH,
    BodyKind,
    FailureCategory,
    HttpExchanger,
    ReceivedResponse,
    TransportFailure,
)

from .conftest import SECRET, http_response, wire_server

TIMEOUT = 1.0


ExchangerFactory = Callable[..., HttpExchanger]


@pytest.fixture
def exchanger_for() -> Iterator[ExchangerFactory]:
    made: list[HttpExchanger] = []

    def make(base_url: str, **kwargs: object) -> HttpExchanger:
        exchanger = HttpExchanger(
            base_url + "/sms/1/text/advanced",
            authorization=SECRET,
            request_timeout=TIMEOUT,
            **kwargs,  # type: ignore[arg-type]  # max_body_bytes, unresponsive_after
        )
        made.append(exchanger)
        return exchanger

    yield make
    for exchanger in made:
        exchanger.close()


def _failure(outcome: object) -> TransportFailure:
    assert isinstance(outcome, TransportFailure), outcome
    return outcome


def _response(outcome: object) -> ReceivedResponse:
    assert isinstance(outcome, ReceivedResponse), outcome
    return outcome


def test_nothing_listening_is_connect_refused(exchanger_for: ExchangerFactory) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    outcome = exchanger_for(f"http://127.0.0.1:{port}").send(b"{}", NO_AUTH).outcome
    assert _failure(outcome).category is FailureCategory.CONNECT_REFUSED


def test_a_server_that_never_answers_hits_the_deadline(exchanger_for: ExchangerFactory) -> None:
    with wire_server(lambda connection: time.sleep(10)) as server:
        started = time.monotonic()
        outcome = exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome
        waited = time.monotonic() - started
    assert _failure(outcome).category.is_timeout
    assert waited < TIMEOUT + 4  # the deadline, not the server's 10 s, ended the wait


def test_a_server_dripping_one_byte_at_a_time_hits_the_overall_deadline(
    exchanger_for: ExchangerFactory,
) -> None:
    def drip(connection: socket.socket) -> None:
        for byte in http_response(200, b'{"messages": []}' + b" " * 100):
            connection.sendall(bytes([byte]))
            time.sleep(0.1)  # each byte well within any read timeout; the whole takes ~20 s

    with wire_server(drip) as server:
        started = time.monotonic()
        outcome = exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome
        waited = time.monotonic() - started
    assert _failure(outcome).category is FailureCategory.DEADLINE
    assert waited < TIMEOUT + 4  # the overall deadline, not the ~20 s drip, ended the wait


def test_a_reset_connection_is_categorised(exchanger_for: ExchangerFactory) -> None:
    def reset(connection: socket.socket) -> None:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    with wire_server(reset) as server:
        outcome = exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome
    assert _failure(outcome).category in {
        FailureCategory.RESET,
        FailureCategory.SERVER_DISCONNECTED,
    }


def test_garbage_instead_of_http_is_a_protocol_error(exchanger_for: ExchangerFactory) -> None:
    with wire_server(lambda c: c.sendall(b"\x00\xffSMTP READY\r\n\r\n")) as server:
        outcome = exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome
    assert _failure(outcome).category is FailureCategory.PROTOCOL_ERROR


def test_a_10_mb_body_is_cut_at_the_cap(exchanger_for: ExchangerFactory) -> None:
    body = b"[" + b"1," * (5 * 1024 * 1024) + b"1]"
    with wire_server(lambda c: c.sendall(http_response(200, body))) as server:
        outcome = exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome
    assert _failure(outcome).category is FailureCategory.BODY_TOO_LARGE


def test_a_chunked_body_without_length_is_also_capped(exchanger_for: ExchangerFactory) -> None:
    def endless(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        for _ in range(200):
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    with wire_server(endless) as server:
        outcome = (
            exchanger_for(server.base_url, max_body_bytes=1024 * 1024)
            .send(b"{}", CONFIGURED)
            .outcome
        )
    assert _failure(outcome).category is FailureCategory.BODY_TOO_LARGE


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b'{"messages": [{"to": "4179', "application/json", BodyKind.TRUNCATED_JSON),
        (b"<html><body>502 Bad Gateway</body></html>", "text/html", BodyKind.HTML),
        (b"Internal error", "text/plain", BodyKind.NOT_JSON),
        (b"", "application/json", BodyKind.EMPTY),
        (b'{"requestError": {}}', "application/json", BodyKind.JSON),
    ],
)
def test_answers_are_classified_by_what_their_body_is(
    exchanger_for: ExchangerFactory,
    body: bytes,
    content_type: str,
    kind: BodyKind,
) -> None:
    with wire_server(lambda c: c.sendall(http_response(400, body, content_type))) as server:
        response = _response(exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome)
    assert response.status == 400
    assert response.body_kind is kind


def test_the_exact_bytes_are_sent_and_the_credential_only_on_the_wire(
    exchanger_for: ExchangerFactory,
) -> None:
    answer = http_response(200, json.dumps({"messages": []}).encode())
    with wire_server(lambda c: c.sendall(answer)) as server:
        exchange = exchanger_for(server.base_url).send(b'{"a":"\xc3\xbc"}', CONFIGURED)
    raw = server.received[0]
    assert raw.endswith(b'{"a":"\xc3\xbc"}')
    assert f"Authorization: {SECRET}".encode() in raw
    assert exchange.request.header("Authorization") == "App ***"


def test_no_auth_sends_no_authorization_header(exchanger_for: ExchangerFactory) -> None:
    answer = http_response(401, b"{}")
    with wire_server(lambda c: c.sendall(answer)) as server:
        exchanger_for(server.base_url).send(b"{}", NO_AUTH)
    assert b"authorization:" not in server.received[0].lower()


def test_three_timeouts_in_a_row_mark_the_target_unresponsive(
    exchanger_for: ExchangerFactory,
) -> None:
    with wire_server(lambda connection: time.sleep(3)) as server:
        exchanger = exchanger_for(server.base_url, unresponsive_after=2)
        exchanger.send(b"{}", CONFIGURED)
        assert not exchanger.unresponsive
        exchanger.send(b"{}", CONFIGURED)
        assert exchanger.unresponsive
