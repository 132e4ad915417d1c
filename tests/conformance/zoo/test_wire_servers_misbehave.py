"""Each wire-level server breaks HTTP the way it claims to (raw sockets, no HTTP client).

An HTTP client would hide exactly what these servers do (it would time out, retry or raise), so
each test speaks HTTP/1.1 by hand and looks at the bytes that come back within a short window.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass

from ._catalogue import broken_server

_REQUEST = (
    b"POST /sms/1/text/advanced HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Authorization: App zoo-wire-test\r\nContent-Length: 2\r\n\r\n{}"
)


@dataclass(frozen=True)
class WireAnswer:
    """What came back within the window: bytes, and how the connection ended."""

    data: bytes
    closed: bool  # the server closed the connection (EOF)
    reset: bool  # the server reset it

    @property
    def head(self) -> bytes:
        return self.data.partition(b"\r\n\r\n")[0]

    @property
    def body(self) -> bytes:
        return self.data.partition(b"\r\n\r\n")[2]

    def declared_length(self) -> int | None:
        for line in self.head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                return int(value.strip())
        return None


def _exchange(name: str, window: float = 1.0, limit: int = 11 * 2**20) -> WireAnswer:
    server = broken_server(name)
    with server.serve("App zoo-wire-test") as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=window) as sock:
            sock.sendall(_REQUEST)
            chunks: list[bytes] = []
            deadline = time.monotonic() + window
            closed = reset = False
            while time.monotonic() < deadline and sum(map(len, chunks)) < limit:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    break
                except ConnectionResetError:
                    reset = True
                    break
                if not chunk:
                    closed = True
                    break
                chunks.append(chunk)
    return WireAnswer(b"".join(chunks), closed, reset)


def test_hangs_forever_sends_nothing_and_keeps_the_connection_open() -> None:
    answer = _exchange("hangs_forever")
    assert (answer.data, answer.closed, answer.reset) == (b"", False, False)


def test_drips_bytes_sends_a_head_then_far_less_body_than_it_declares() -> None:
    answer = _exchange("drips_bytes", window=1.0)
    declared = answer.declared_length()
    assert answer.head.startswith(b"HTTP/1.1 200")
    assert declared is not None and 0 < len(answer.body) < declared
    assert not answer.closed


def test_resets_connections_answers_with_a_tcp_reset() -> None:
    answer = _exchange("resets_connections")
    assert answer.reset and answer.data == b""


def test_sends_garbage_answers_with_bytes_that_are_not_http() -> None:
    answer = _exchange("sends_garbage")
    assert answer.data and not answer.data.startswith(b"HTTP/")


def test_sends_short_body_closes_before_the_declared_length() -> None:
    answer = _exchange("sends_short_body")
    declared = answer.declared_length()
    assert answer.closed and declared is not None and len(answer.body) < declared


def test_sends_truncated_json_frames_http_correctly_around_broken_json() -> None:
    answer = _exchange("sends_truncated_json")
    assert answer.head.startswith(b"HTTP/1.1 200")
    assert answer.declared_length() == len(answer.body)
    try:
        json.loads(answer.body)
    except ValueError:
        return
    raise AssertionError("the body parsed as JSON")


def test_sends_empty_success_answers_200_with_no_body() -> None:
    answer = _exchange("sends_empty_success")
    assert answer.head.startswith(b"HTTP/1.1 200")
    assert answer.declared_length() == 0 and answer.body == b""


def test_sends_html_error_page_answers_502_in_html() -> None:
    answer = _exchange("sends_html_error_page")
    assert answer.head.startswith(b"HTTP/1.1 502")
    assert b"Content-Type: text/html" in answer.head and b"<html>" in answer.body


def test_sends_ten_megabytes_answers_with_a_ten_megabyte_body() -> None:
    answer = _exchange("sends_ten_megabytes", window=5.0)
    declared = answer.declared_length()
    assert declared is not None and declared >= 10 * 2**20
    assert len(answer.body) >= 10 * 2**20
