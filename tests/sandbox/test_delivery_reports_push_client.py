"""The sandbox's push client (D1, D11, D12): what counts as an answer, and connection reuse."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sms_acceptance.sandbox._push_client import PushClient

from ._report_receiver import report_receiver


def _post(url: str, *, timeout: float = 2.0, times: int = 1) -> list[int | None]:
    async def run() -> list[int | None]:
        client = PushClient(timeout, 4)
        try:
            return [
                await client.post(url, b'{"results":[]}', "application/json") for _ in range(times)
            ]
        finally:
            client.close()

    return asyncio.run(run())


@contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback TCP server that hands each connection to `answer`."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                answer(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/dlr"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_D1_statuses_are_read_and_the_connection_is_kept_alive() -> None:
    with report_receiver() as receiver:
        receiver.answers = [200, 503, 204]
        assert _post(receiver.base_url + "/dlr?x=1", times=3) == [200, 503, 204]
        pushes = receiver.pushes
    assert [p.path for p in pushes] == ["/dlr?x=1"] * 3
    assert pushes[0].headers["Content-Type"] == "application/json"
    assert pushes[0].headers["Host"] == receiver.base_url.removeprefix("http://")


def test_D12_no_credential_header_is_sent() -> None:
    with report_receiver() as receiver:
        _post(receiver.base_url)
        headers = {name.lower() for name in receiver.pushes[0].headers}
    assert headers == {"host", "user-agent", "content-type", "content-length"}


def test_D11_a_refused_connection_is_no_answer() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert _post(f"http://127.0.0.1:{port}/") == [None]


def test_D11_a_receiver_that_never_answers_is_no_answer_after_the_timeout() -> None:
    def hang(connection: socket.socket) -> None:
        connection.recv(65536)
        threading.Event().wait(1.0)

    with raw_server(hang) as url:
        assert _post(url, timeout=0.3) == [None]


def test_D11_a_malformed_answer_is_no_answer() -> None:
    def garbage(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"this is not HTTP\r\n\r\n")

    with raw_server(garbage) as url:
        assert _post(url) == [None]


def test_a_closed_keep_alive_connection_is_replaced_once() -> None:
    def answer_then_close(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")  # keep-alive, then gone

    with raw_server(answer_then_close) as url:
        assert _post(url, times=2) == [200, 200]
