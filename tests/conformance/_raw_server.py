"""A raw TCP server on loopback whose every connection a blocking handler answers.

What no HTTP framework would do on purpose (hang, drip, reset, send garbage or half a body) is a
handler here. The one raw server of the project's tests: the HTTP client's tests
(`test_exchange.py`), the live-traffic guard's connection spy and the zoo's wire-level servers
(`zoo/_wire_servers.py`) all use it. It counts connections, so a test can prove none was made.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["Handler", "WireServer", "http_response", "read_request", "wire_server"]

Handler = Callable[[socket.socket], None]


@dataclass
class WireServer:
    """A raw TCP server on 127.0.0.1 whose every connection is given to `handler`."""

    handler: Handler
    listener: socket.socket = field(init=False)
    connections: int = 0
    received: list[bytes] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(30)
            try:
                self.received.append(read_request(connection))
                self.handler(connection)
            except OSError:
                pass


def read_request(connection: socket.socket) -> bytes:
    """One HTTP request's bytes (headers, then Content-Length bytes of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@contextmanager
def wire_server(handler: Handler) -> Iterator[WireServer]:
    """A misbehaving server for the duration of the block."""
    server = WireServer(handler)
    server.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.listener.bind(("127.0.0.1", 0))
    server.listener.listen(64)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server._stop.set()
        thread.join(2)
        server.listener.close()


def http_response(
    status: int,
    body: bytes,
    content_type: str = "application/json",
    *,
    reason: str = "X",
    declared: int | None = None,
) -> bytes:
    """A complete HTTP/1.1 answer that closes the connection; `declared` overrides the
    Content-Length (a body shorter than its header says)."""
    length = len(body) if declared is None else declared
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode("ascii") + body
