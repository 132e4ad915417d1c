"""A minimal HTTP/1.1 client: h11 for the protocol, asyncio streams for the bytes.

The conformance suite sends one POST at a time to one endpoint, so it needs little of what a general
client carries (no pools, redirects, cookies, HTTP/2, per-phase timeout plumbing through anyio).
httpx's async client cost ~1 ms of CPU per request here, a fifth of a whole conformance run; h11
over `asyncio.open_connection` does the same exchange for a fraction of that while keeping what the
suite relies on: one keep-alive connection (reopened when the server closes it or h11 says it cannot
be reused; against a loopback server, a request that fails on a reused connection before any byte of
the answer is retried once on a fresh one, as httpcore does), Content-Length and chunked bodies,
gzip/deflate decoding with httpx's rules, and a body cap checked against the declared length first
and then while streaming. The overall deadline is the caller's (`asyncio.timeout` around `post`).

Behind an outbound proxy (`sms_acceptance._network`: `--proxy`, `HTTPS_PROXY`, `NO_PROXY`) an
https target is reached through a `CONNECT` tunnel opened with h11 itself, TLS then started inside
it (`StreamWriter.start_tls`), so the proxy never sees the request or its Authorization header; an
http target is sent to the proxy in absolute form (`POST http://host/path`), as every client does.
The tunnel and the TLS handshake count against the connect timeout. TLS settings (CA bundle,
client certificate, verification) come in as a ready `ssl.SSLContext`. Once open, the tunnel
costs nothing per request; a proxy relaying the TLS records in pieces makes the client read more
often (~650 against ~380 µs of CPU per request, benchmarks/README.md: the HTTP client).

Failures are typed exceptions named after what the server did; `_exchange` turns them into report
categories. Protocol errors carry h11's own messages, which are the ones httpx passed through.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import ssl
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11

from sms_acceptance._network import ProxyUrl

__all__ = [
    "ACCEPT_ENCODING",
    "BodyTooLarge",
    "ConnectFailed",
    "ConnectTimedOut",
    "ConnectionLost",
    "Endpoint",
    "Http11Client",
    "Http11Error",
    "ProtocolViolation",
    "Reception",
    "UndecodableBody",
]

# What httpx sent without brotli/zstandard, and exactly what `_Decoder` can undo.
ACCEPT_ENCODING = "gzip, deflate"

_READ_SIZE = 64 * 1024
_DISCONNECTED = "Server disconnected without sending a response."


class Http11Error(Exception):
    """The server (or the network) did something that leaves no usable answer."""


class ConnectFailed(Http11Error):
    """No connection: refused, unresolvable, unreachable or a failed TLS handshake."""

    def __init__(self, message: str, *, refused: bool) -> None:
        super().__init__(message)
        self.refused = refused


class ConnectTimedOut(Http11Error):
    """The deadline passed while the connection was still being opened."""


class ConnectionLost(Http11Error):
    """Reading or writing failed on an open connection (typically a TCP reset)."""


class ProtocolViolation(Http11Error):
    """What came back is not HTTP/1.1, or stops before the message it announced is complete."""


class UndecodableBody(Http11Error):
    """A body whose Content-Encoding does not decode."""


class BodyTooLarge(Http11Error):
    """The answer is larger than the cap (declared or streamed)."""


@dataclass(frozen=True)
class Endpoint:
    """Where requests go, parsed once: the socket address, TLS or not, and the request target."""

    host: str
    port: int
    tls: bool
    target: bytes
    host_header: bytes

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        """Raises ValueError with a one-line reason for anything but an http(s) URL with a host."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise ValueError(f"unsupported URL scheme {parts.scheme!r} in {url!r} (http, https)")
        host = parts.hostname
        if not host:
            raise ValueError(f"no host in URL {url!r}")
        default_port = 443 if scheme == "https" else 80
        port = parts.port or default_port  # ValueError for a port out of range
        shown = f"[{host}]" if ":" in host else host
        if parts.port is not None and parts.port != default_port:
            shown = f"{shown}:{parts.port}"
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(
            host=host,
            port=port,
            tls=scheme == "https",
            target=target.encode("ascii", "strict"),
            host_header=shown.encode("idna" if not host.isascii() else "ascii"),
        )


class Reception:
    """What has arrived of one answer so far, kept when the exchange fails half-way.

    A failure after the head (a drip, a short body, a cap) is still reported with its status and
    headers, as the report shows them; so they are recorded here as soon as they arrive.
    """

    __slots__ = ("body", "bytes_read", "connected", "headers", "status")

    def __init__(self) -> None:
        self.connected = False  # a deadline before this is a connect timeout
        self.status: int | None = None
        self.headers: tuple[tuple[str, str], ...] = ()
        self.body = b""
        self.bytes_read = 0


class _Inflater:
    """One coding step. Deflate starts zlib-wrapped and falls back to raw deflate on its first
    chunk, as httpx does: some servers send raw deflate under the name `deflate`."""

    __slots__ = ("_decompressor", "_may_retry_raw")

    def __init__(self, wbits: int, *, may_retry_raw: bool) -> None:
        self._decompressor = zlib.decompressobj(wbits)
        self._may_retry_raw = may_retry_raw

    def decode(self, data: bytes) -> bytes:
        retry, self._may_retry_raw = self._may_retry_raw, False
        try:
            return self._decompressor.decompress(data)
        except zlib.error as error:
            if retry:
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decode(data)
            raise UndecodableBody(str(error)) from error

    def flush(self) -> bytes:
        try:
            return self._decompressor.flush()
        except zlib.error as error:
            raise UndecodableBody(str(error)) from error


class _Decoder:
    """Undoes `Content-Encoding` the way httpx does: gzip and deflate, several codings in reverse
    order, unknown codings and `identity` passed through undecoded."""

    __slots__ = ("_steps",)

    def __init__(self, content_encoding: str) -> None:
        self._steps: list[_Inflater] = []
        for coding in reversed([c.strip().lower() for c in content_encoding.split(",")]):
            if coding == "gzip":
                self._steps.append(_Inflater(zlib.MAX_WBITS | 16, may_retry_raw=False))
            elif coding == "deflate":
                self._steps.append(_Inflater(zlib.MAX_WBITS, may_retry_raw=True))

    @property
    def is_identity(self) -> bool:
        return not self._steps

    def decode(self, data: bytes) -> bytes:
        for step in self._steps:
            data = step.decode(data)
        return data

    def flush(self) -> bytes:
        data = b""
        for step in self._steps:
            data = (step.decode(data) if data else b"") + step.flush()
        return data


class _Connection:
    """One TCP (or TLS) connection and the h11 state machine that frames its bytes."""

    __slots__ = ("protocol", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.protocol = h11.Connection(h11.CLIENT)

    def can_take_a_request(self) -> bool:
        """Idle, open, and nothing unread on the socket (a server closing an idle connection
        makes it readable: EOF), which is how httpcore decides a pooled connection is usable."""
        if self.protocol.our_state is not h11.IDLE or self.writer.is_closing():
            return False
        if self.reader.at_eof() or self.reader.exception() is not None:
            return False
        sock = self.writer.get_extra_info("socket")
        if sock is None:
            return False
        readable, _, _ = select.select([sock], [], [], 0)
        return not readable

    def close(self) -> None:
        """Drop the connection at once: it is never reused after a failure."""
        self.writer.transport.abort()


class Http11Client:
    """POSTs to one endpoint over one keep-alive connection; one request at a time."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        connect_timeout: float,
        retry_stale: bool = True,
        tls_context: ssl.SSLContext | None = None,
        proxy: ProxyUrl | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._connect_timeout = connect_timeout
        # Off for a live gateway: a server may act on a request and then drop the connection
        # without answering, and a resent POST there would be a second real, unbudgeted SMS.
        self._retry_stale = retry_stale
        self._connection: _Connection | None = None
        self._proxy = proxy
        self._tls: ssl.SSLContext | None = None
        if endpoint.tls:
            self._tls = tls_context
            if self._tls is None:
                self._tls = ssl.create_default_context()
                self._tls.set_alpn_protocols(["http/1.1"])
        self._target = endpoint.target
        self._proxy_headers: list[tuple[bytes, bytes]] = []
        if proxy is not None and not endpoint.tls:
            # A plain-http target through a proxy: the proxy is the recipient (absolute form).
            self._target = b"http://" + endpoint.host_header + endpoint.target
            if proxy.authorization is not None:
                self._proxy_headers = [(b"Proxy-Authorization", proxy.authorization.encode())]

    async def post(
        self,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        *,
        max_body_bytes: int,
        reception: Reception,
    ) -> None:
        """Send one request and fill `reception` with the complete answer, or raise."""
        head = [(b"Host", self.endpoint.host_header), *headers, *self._proxy_headers]
        head.append((b"Content-Length", str(len(body)).encode("ascii")))
        try:
            request = h11.Request(method=b"POST", target=self._target, headers=head)
        except h11.LocalProtocolError as error:
            # h11's message quotes the offending value, which may be the credential: not shown.
            raise ProtocolViolation("a request header is not valid HTTP/1.1; not sent") from error
        connection = self._connection
        reused = connection is not None and connection.can_take_a_request()
        if connection is not None and not reused:
            self._drop()
        if not reused:
            connection = await self._connect()
        assert connection is not None
        reception.connected = True
        try:
            await self._round_trip(connection, request, body, max_body_bytes, reception)
        except (ConnectionLost, ProtocolViolation) as error:
            self._drop()
            stale = self._retry_stale and reused and reception.bytes_read == 0
            if not (stale and (isinstance(error, ConnectionLost) or _DISCONNECTED in str(error))):
                raise
            # The server closed the kept-alive connection as the request went out: once more.
            connection = await self._connect()
            try:
                await self._round_trip(connection, request, body, max_body_bytes, reception)
            except BaseException:
                self._drop()
                raise
        except BaseException:  # the deadline, a cap, a bad encoding: never reuse it
            self._drop()
            raise
        protocol = connection.protocol
        if protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            protocol.start_next_cycle()
        else:  # `Connection: close`, HTTP/1.0, a body read until EOF
            self._drop()

    async def _connect(self) -> _Connection:
        endpoint = self.endpoint
        proxy = self._proxy
        via = "" if proxy is None else f" (via proxy {proxy.shown})"
        try:
            async with asyncio.timeout(self._connect_timeout):
                if proxy is None:
                    reader, writer = await asyncio.open_connection(
                        endpoint.host,
                        endpoint.port,
                        ssl=self._tls,
                        server_hostname=endpoint.host if self._tls is not None else None,
                        limit=_READ_SIZE,
                    )
                else:
                    reader, writer = await self._connect_through(proxy)
        except TimeoutError as error:
            raise ConnectTimedOut(
                f"no connection within {self._connect_timeout:g} s{via}"
            ) from error
        except (OSError, ssl.SSLError) as error:
            text = " ".join(str(error).split()) or type(error).__name__
            refused = isinstance(error, ConnectionRefusedError) or "refused" in text.lower()
            raise ConnectFailed(text + via, refused=refused) from error
        self._connection = _Connection(reader, writer)
        return self._connection

    async def _connect_through(
        self, proxy: ProxyUrl
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A connection to the proxy; for an https target, a CONNECT tunnel with TLS inside."""
        endpoint = self.endpoint
        reader, writer = await asyncio.open_connection(proxy.host, proxy.port, limit=_READ_SIZE)
        if self._tls is None:
            return reader, writer
        try:
            await _open_tunnel(reader, writer, endpoint, proxy)
            await writer.start_tls(self._tls, server_hostname=endpoint.host)
        except BaseException:
            writer.transport.abort()
            raise
        return reader, writer

    @staticmethod
    async def _round_trip(
        connection: _Connection,
        request: h11.Request,
        body: bytes,
        max_body_bytes: int,
        reception: Reception,
    ) -> None:
        protocol = connection.protocol
        data = protocol.send(request)
        if body:
            data += protocol.send(h11.Data(data=body))
        data += protocol.send(h11.EndOfMessage())
        # As httpcore does: a server may answer (say, 413) and close before reading the whole
        # request, so a failed write is not yet the outcome; reading the answer decides.
        with contextlib.suppress(OSError):
            connection.writer.write(data)
            await connection.writer.drain()
        decoder: _Decoder | None = None
        chunks: list[bytes] = []
        size = 0
        reader = connection.reader
        while True:
            try:
                event = protocol.next_event()
            except h11.RemoteProtocolError as error:
                raise ProtocolViolation(str(error)) from error
            if event is h11.NEED_DATA:
                try:
                    received = await reader.read(_READ_SIZE)
                except OSError as error:
                    raise ConnectionLost(str(error) or type(error).__name__) from error
                if not received and protocol.their_state is h11.SEND_RESPONSE:
                    raise ProtocolViolation(_DISCONNECTED)
                reception.bytes_read += len(received)
                protocol.receive_data(received)
            elif isinstance(event, h11.Response):
                reception.status = event.status_code
                reception.headers = tuple(
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in event.headers.raw_items()
                )
                decoder = _Decoder(_joined(event.headers, b"content-encoding"))
                declared = _joined(event.headers, b"content-length")
                if declared.isdigit() and int(declared) > max_body_bytes:
                    raise BodyTooLarge(
                        f"Content-Length {declared} exceeds the {max_body_bytes}-byte cap"
                    )
            elif isinstance(event, h11.Data):
                assert decoder is not None  # a body follows its head
                chunk = bytes(event.data) if decoder.is_identity else decoder.decode(event.data)
                size += len(chunk)
                if size > max_body_bytes:
                    raise BodyTooLarge(f"body exceeds the {max_body_bytes}-byte cap")
                chunks.append(chunk)
            elif isinstance(event, h11.EndOfMessage):
                if decoder is not None and not decoder.is_identity:
                    rest = decoder.flush()
                    size += len(rest)
                    if size > max_body_bytes:
                        raise BodyTooLarge(f"body exceeds the {max_body_bytes}-byte cap")
                    chunks.append(rest)
                reception.body = b"".join(chunks)
                return
            elif isinstance(event, h11.ConnectionClosed):
                raise ProtocolViolation(_DISCONNECTED)
            # h11.InformationalResponse (1xx): skipped, the final answer follows.

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        """Abort the open connection, if any (idempotent)."""
        self._drop()


async def _open_tunnel(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    endpoint: Endpoint,
    proxy: ProxyUrl,
) -> None:
    """`CONNECT host:port` to the proxy; returns once it answers 2xx (the tunnel is open).

    Anything else is a `ConnectFailed` naming the proxy and its answer (407: credentials)."""
    host = f"[{endpoint.host}]" if ":" in endpoint.host else endpoint.host
    authority = f"{host}:{endpoint.port}".encode("idna" if not host.isascii() else "ascii")
    headers = [(b"Host", authority)]
    if proxy.authorization is not None:
        headers.append((b"Proxy-Authorization", proxy.authorization.encode("ascii")))
    protocol = h11.Connection(h11.CLIENT)
    writer.write(protocol.send(h11.Request(method=b"CONNECT", target=authority, headers=headers)))
    writer.write(protocol.send(h11.EndOfMessage()))
    await writer.drain()
    while True:
        try:
            event = protocol.next_event()
        except h11.RemoteProtocolError as error:
            raise ConnectFailed(
                f"proxy {proxy.shown} answered CONNECT with no valid HTTP ({error})", refused=False
            ) from error
        if event is h11.NEED_DATA:
            received = await reader.read(_READ_SIZE)
            if not received:
                raise ConnectFailed(
                    f"proxy {proxy.shown} closed the connection before answering CONNECT",
                    refused=False,
                )
            protocol.receive_data(received)
        elif isinstance(event, h11.Response):
            if not 200 <= event.status_code < 300:
                reason = event.reason.decode("latin-1", "replace")
                hint = " (proxy credentials missing or refused)" if event.status_code == 407 else ""
                raise ConnectFailed(
                    f"proxy {proxy.shown} refused CONNECT {authority.decode()}: "
                    f"{event.status_code} {reason}{hint}",
                    refused=False,
                )
            if protocol.trailing_data[0]:
                raise ConnectFailed(
                    f"proxy {proxy.shown} sent bytes after its CONNECT answer", refused=False
                )
            return
        elif isinstance(event, h11.ConnectionClosed):
            raise ConnectFailed(
                f"proxy {proxy.shown} closed the connection before answering CONNECT",
                refused=False,
            )
        # 1xx: the final answer follows.


def _joined(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    """All values of header `name`, comma-joined as httpx's `Headers.get` did."""
    return ", ".join(v.decode("latin-1") for k, v in headers if k == name)
