"""The HTTP/1.1 client the sandbox pushes delivery reports with: h11 over asyncio streams.

Why not httpx: measured in the sandbox at its maximum send rate, httpx's per-request machinery
(and httpcore probing for an async library by a failing import on every request) took half the
process's CPU, which the send path then lacked (benchmarks/README.md, 7). A push is always the
same exchange, one POST with a body and a status to read, so this client does only that: keep-
alive connections per origin, the request framed and the answer parsed by h11 (the parser the
conformance suite's client uses), one deadline per exchange, the answer's body read and dropped
up to a cap. No proxy from the environment, no redirects, no cookies, no credentials (D12).
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11

__all__ = ["PushClient"]

_USER_AGENT = "sms-acceptance-sandbox"
_READ_SIZE = 65536
# A receiver's answer body is read (so the connection can be reused) and dropped beyond this.
_MAX_ANSWER_BYTES = 1024 * 1024
# Origins with kept-alive connections at most (each notifyUrl port on loopback is one).
_MAX_ORIGINS = 256


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as the request target
    host_header: str


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT)

    def close(self) -> None:
        self.writer.close()


class _NoAnswer(Exception):
    """The exchange ended before a complete answer; `fresh` says whether it was a new socket."""


class PushClient:
    """POSTs bodies to URLs and says the status, or None when the receiver did not answer."""

    def __init__(self, timeout_seconds: float, max_idle_per_origin: int) -> None:
        self._timeout = timeout_seconds
        self._max_idle = max_idle_per_origin
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._targets: dict[str, _Target] = {}
        self._tls: ssl.SSLContext | None = None

    def _target(self, url: str) -> _Target:
        target = self._targets.get(url)
        if target is None:
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            shown = f"[{host}]" if ":" in host else host
            default = (parts.scheme, port) in (("http", 80), ("https", 443))
            target = _Target(
                parts.scheme, host, port, path, shown if default else f"{shown}:{port}"
            )
            if len(self._targets) < 4096:  # a bounded cache: URLs come from requests
                self._targets[url] = target
        return target

    async def post(self, url: str, body: bytes, content_type: str) -> int | None:
        """The receiver's status code for one POST of `body`, or None (timeout, refused, reset,
        malformed answer): what D11 calls no answer."""
        target = self._target(url)
        try:
            async with asyncio.timeout(self._timeout):
                connection = self._take_idle(target)
                if connection is not None:
                    try:
                        return await self._exchange(connection, target, body, content_type)
                    except _NoAnswer:
                        pass  # a kept-alive connection the receiver had closed: one new try
                connection = await self._connect(target)
                return await self._exchange(connection, target, body, content_type)
        except (TimeoutError, OSError, _NoAnswer, h11.ProtocolError, ssl.SSLError):
            return None

    def _take_idle(self, target: _Target) -> _Connection | None:
        idle = self._idle.get((target.scheme, target.host, target.port))
        return idle.pop() if idle else None

    async def _connect(self, target: _Target) -> _Connection:
        tls = None
        if target.scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        reader, writer = await asyncio.open_connection(
            target.host, target.port, ssl=tls, limit=_READ_SIZE
        )
        return _Connection(reader, writer)

    async def _exchange(
        self, connection: _Connection, target: _Target, body: bytes, content_type: str
    ) -> int:
        protocol = connection.h11
        try:
            request = h11.Request(
                method="POST",
                target=target.path,
                headers=[
                    ("Host", target.host_header),
                    ("User-Agent", _USER_AGENT),
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(body))),
                ],
            )
            head = protocol.send(request) or b""
            data = protocol.send(h11.Data(data=body)) or b""
            connection.writer.write(head + data + (protocol.send(h11.EndOfMessage()) or b""))
            await connection.writer.drain()
            status = await self._read_answer(connection)
        except BaseException:
            connection.close()
            raise
        self._keep(connection, target)
        return status

    async def _read_answer(self, connection: _Connection) -> int:
        protocol = connection.h11
        status: int | None = None
        received = 0
        while True:
            event = protocol.next_event()
            if event is h11.NEED_DATA:
                chunk = await connection.reader.read(_READ_SIZE)
                if not chunk and status is None:
                    raise _NoAnswer
                protocol.receive_data(chunk)
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                received += len(event.data)
                if received > _MAX_ANSWER_BYTES:
                    raise _NoAnswer
            elif isinstance(event, h11.EndOfMessage):
                if status is None:
                    raise _NoAnswer
                return status
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                raise _NoAnswer
            # An InformationalResponse (1xx) needs nothing: the final answer follows.

    def _keep(self, connection: _Connection, target: _Target) -> None:
        protocol = connection.h11
        if protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            protocol.start_next_cycle()
            origin = (target.scheme, target.host, target.port)
            if origin not in self._idle and len(self._idle) >= _MAX_ORIGINS:
                self.close()  # origins come from requests: keep the pool bounded
            idle = self._idle.setdefault(origin, [])
            if len(idle) < self._max_idle:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        """Close every kept-alive connection."""
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
