"""The HTTP exchange turns every way a server can misbehave into a categorised, bounded outcome.

Real sockets on 127.0.0.1: servers that refuse, hang, drip, reset, send garbage, truncated JSON, an
HTML page or 10 MB. Each must give its category within the deadline, never hang or raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import itertools
import json
import socket
import ssl
import struct
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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
from sms_acceptance.conformance.transport import _http11

from ._raw_server import http_response, read_request, wire_server
from .conftest import SECRET

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


def _kept_alive(status: int, body: bytes, *extra_headers: str) -> bytes:
    """An answer that leaves the connection open (HTTP/1.1's default)."""
    head = "".join(f"{line}\r\n" for line in extra_headers)
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{head}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body


def _answer_each_request(connection: socket.socket, answer: bytes, requests: int) -> None:
    """Answer the request already read and up to `requests - 1` more on the same connection."""
    connection.sendall(answer)
    for _ in range(requests - 1):
        if not read_request(connection):
            return
        connection.sendall(answer)


def test_consecutive_requests_share_one_kept_alive_connection(
    exchanger_for: ExchangerFactory,
) -> None:
    answer = _kept_alive(200, b'{"messages": []}')
    with wire_server(lambda c: _answer_each_request(c, answer, 3)) as server:
        exchanger = exchanger_for(server.base_url)
        statuses = [_response(exchanger.send(b"{}", CONFIGURED).outcome).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert server.connections == 1


def test_a_connection_the_server_closes_is_reopened_for_the_next_request(
    exchanger_for: ExchangerFactory,
) -> None:
    with wire_server(lambda c: c.sendall(http_response(200, b"{}"))) as server:
        exchanger = exchanger_for(server.base_url)
        statuses = [_response(exchanger.send(b"{}", CONFIGURED).outcome).status for _ in range(2)]
    assert statuses == [200, 200]
    assert server.connections == 2


def test_a_kept_alive_connection_the_server_closed_while_idle_is_not_reused(
    exchanger_for: ExchangerFactory,
) -> None:
    # Keep-alive promised, then closed: the next request must notice before sending on it.
    with wire_server(lambda c: c.sendall(_kept_alive(200, b"{}"))) as server:
        exchanger = exchanger_for(server.base_url)
        first = _response(exchanger.send(b"{}", CONFIGURED).outcome)
        time.sleep(0.2)  # the server's close has arrived
        second = _response(exchanger.send(b"{}", CONFIGURED).outcome)
    assert (first.status, second.status) == (200, 200)
    assert server.connections == 2


def test_a_request_lost_to_a_keep_alive_race_is_retried_once_on_a_fresh_connection(
    exchanger_for: ExchangerFactory,
) -> None:
    answer = _kept_alive(200, b"{}")
    connection_numbers = itertools.count()

    def answer_then_drop_the_next(connection: socket.socket) -> None:
        connection.sendall(answer)
        if next(connection_numbers) == 0:
            read_request(connection)  # the second request arrives, and the connection closes

    with wire_server(answer_then_drop_the_next) as server:
        exchanger = exchanger_for(server.base_url)
        first = _response(exchanger.send(b"{}", CONFIGURED).outcome)
        second = _response(exchanger.send(b"{}", CONFIGURED).outcome)
    assert (first.status, second.status) == (200, 200)
    assert server.connections == 2
    assert len(server.received) == 2  # the retry's request; the lost one was read by the handler


def test_without_stale_retries_a_request_lost_to_a_keep_alive_race_is_a_failure() -> None:
    # What a live gateway gets: the lost request may have been acted on (a real SMS), so it is
    # reported, never resent.
    answer = _kept_alive(200, b"{}")
    connection_numbers = itertools.count()

    def answer_then_drop_the_next(connection: socket.socket) -> None:
        connection.sendall(answer)
        if next(connection_numbers) == 0:
            read_request(connection)

    async def two_posts(url: str) -> list[BaseException | None]:
        client = _http11.Http11Client(
            _http11.Endpoint.parse(url), connect_timeout=TIMEOUT, retry_stale=False
        )
        outcomes: list[BaseException | None] = []
        try:
            for _ in range(2):
                try:
                    await client.post(
                        [(b"Content-Type", b"application/json")],
                        b"{}",
                        max_body_bytes=1024,
                        reception=_http11.Reception(),
                    )
                    outcomes.append(None)
                except _http11.Http11Error as error:
                    outcomes.append(error)
        finally:
            client.close()
        return outcomes

    with wire_server(answer_then_drop_the_next) as server:
        first, second = asyncio.run(two_posts(server.base_url + "/sms/1/text/advanced"))
    assert first is None
    assert isinstance(second, _http11.ConnectionLost | _http11.ProtocolViolation)
    assert server.connections == 1


def test_only_a_loopback_target_gets_the_stale_connection_retry() -> None:
    local = HttpExchanger("http://127.0.0.1:9/x", authorization=SECRET, request_timeout=TIMEOUT)
    live = HttpExchanger("http://192.0.2.10:9/x", authorization=SECRET, request_timeout=TIMEOUT)
    try:
        # Every pooled connection of the exchanger (one a request in flight) gets the same rule.
        assert local._checkout()._retry_stale
        assert not live._checkout()._retry_stale
    finally:
        local.close()
        live.close()


def test_a_fresh_connection_closed_without_an_answer_is_not_retried(
    exchanger_for: ExchangerFactory,
) -> None:
    with wire_server(lambda connection: None) as server:
        outcome = exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome
    assert _failure(outcome).category is FailureCategory.SERVER_DISCONNECTED
    assert server.connections == 1


def test_a_chunked_body_is_reassembled(exchanger_for: ExchangerFactory) -> None:
    def chunked(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for part in (b'{"messages"', b": []}"):
            connection.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        connection.sendall(b"0\r\n\r\n")

    with wire_server(chunked) as server:
        response = _response(exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome)
    assert response.body == b'{"messages": []}'


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, no zlib wrapper
    ],
)
def test_compressed_bodies_are_decoded_and_gzip_deflate_accepted(
    exchanger_for: ExchangerFactory, coding: str, encode: Callable[[bytes], bytes]
) -> None:
    body = json.dumps({"messages": [{"to": "41793026727"}] * 50}).encode()
    answer = _kept_alive(200, encode(body), f"Content-Encoding: {coding}")
    with wire_server(lambda c: c.sendall(answer)) as server:
        response = _response(exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome)
    assert response.body == body
    assert b"\r\naccept-encoding: gzip, deflate\r\n" in server.received[0].lower()


def test_a_body_that_does_not_decode_is_a_protocol_error(exchanger_for: ExchangerFactory) -> None:
    answer = _kept_alive(200, b"not gzip at all", "Content-Encoding: gzip")
    with wire_server(lambda c: c.sendall(answer)) as server:
        outcome = exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome
    assert _failure(outcome).category is FailureCategory.PROTOCOL_ERROR
    assert "undecodable" in _failure(outcome).message


def test_a_declared_length_over_the_cap_fails_before_the_body_and_keeps_the_head(
    exchanger_for: ExchangerFactory,
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"

    def head_then_wait(connection: socket.socket) -> None:
        connection.sendall(head)
        time.sleep(3)

    with wire_server(head_then_wait) as server:
        outcome = (
            exchanger_for(server.base_url, max_body_bytes=1000).send(b"{}", CONFIGURED).outcome
        )
    failure = _failure(outcome)
    assert failure.category is FailureCategory.BODY_TOO_LARGE  # not the deadline: no body read
    assert failure.status == 200
    assert ("Content-Length", "5000") in failure.headers


def test_an_interim_100_continue_is_skipped_for_the_final_answer(
    exchanger_for: ExchangerFactory,
) -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\n" + http_response(201, b"{}")
    with wire_server(lambda c: c.sendall(answer)) as server:
        response = _response(exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome)
    assert response.status == 201


def test_a_redirect_is_reported_not_followed(exchanger_for: ExchangerFactory) -> None:
    answer = _kept_alive(302, b"", "Location: http://127.0.0.1:9/elsewhere")
    with wire_server(lambda c: c.sendall(answer)) as server:
        response = _response(exchanger_for(server.base_url).send(b"{}", CONFIGURED).outcome)
    assert response.status == 302
    assert server.connections == 1


def test_a_url_that_is_not_http_is_a_failure_not_an_exception(
    exchanger_for: ExchangerFactory,
) -> None:
    outcome = exchanger_for("ftp://127.0.0.1:21").send(b"{}", CONFIGURED).outcome
    assert _failure(outcome).category is FailureCategory.CONNECT_ERROR
    assert "unsupported URL scheme" in _failure(outcome).message


def test_a_credential_that_is_not_valid_http_fails_without_being_shown() -> None:
    broken = SECRET + "\r\nX-Injected: 1"
    with wire_server(lambda c: c.sendall(http_response(200, b"{}"))) as server:
        exchanger = HttpExchanger(
            server.base_url + "/sms/1/text/advanced", authorization=broken, request_timeout=TIMEOUT
        )
        try:
            failure = _failure(exchanger.send(b"{}", CONFIGURED).outcome)
        finally:
            exchanger.close()
    assert failure.category is FailureCategory.PROTOCOL_ERROR
    assert SECRET.split()[1] not in failure.message
    assert server.received == []  # nothing was sent


def test_send_also_works_when_called_from_inside_a_running_event_loop(
    exchanger_for: ExchangerFactory,
) -> None:
    with wire_server(lambda c: c.sendall(http_response(200, b"{}"))) as server:
        exchanger = exchanger_for(server.base_url)

        async def caller() -> int | None:
            return _response(exchanger.send(b"{}", CONFIGURED).outcome).status

        assert asyncio.run(caller()) == 200


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key) that no system store trusts."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


@contextmanager
def _tls_server(cert: Path, key: Path, answer: bytes) -> Iterator[str]:
    """One TLS connection on 127.0.0.1: read a request, send `answer`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def serve() -> None:
        with (
            contextlib.suppress(OSError),
            listener.accept()[0] as plain,
            context.wrap_socket(plain, server_side=True) as connection,
        ):
            read_request(connection)
            connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        thread.join(5)
        listener.close()


def test_https_is_spoken_to_a_server_whose_certificate_is_trusted(
    exchanger_for: ExchangerFactory,
    self_signed: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cert, key = self_signed
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # read by ssl.create_default_context()
    with _tls_server(cert, key, http_response(200, b'{"messages": []}')) as base_url:
        response = _response(exchanger_for(base_url).send(b"{}", CONFIGURED).outcome)
    assert response.body == b'{"messages": []}'


def test_https_to_an_untrusted_certificate_cannot_connect(
    exchanger_for: ExchangerFactory, self_signed: tuple[Path, Path]
) -> None:
    cert, key = self_signed
    with _tls_server(cert, key, http_response(200, b"{}")) as base_url:
        outcome = exchanger_for(base_url).send(b"{}", CONFIGURED).outcome
    assert _failure(outcome).category is FailureCategory.CONNECT_ERROR
    assert "certificate" in _failure(outcome).message.lower()
