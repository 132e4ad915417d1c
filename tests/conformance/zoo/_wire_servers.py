"""Servers broken on the wire: what a dead backend, a proxy or a buggy framework does to HTTP.

No HTTP framework would let us hang, drip, reset or send garbage on purpose, so these are raw
asyncio connection handlers (served by `_serving.serve_raw`). Each answers *every* request the same
way, credential or not: the point is that the suite ends with a clear, categorised failure
(`response_within_timeout` or `transport_failure`, docs/conformance.md) within its
`--request-timeout`, never a hang or a crash of the run.

Every handler is bounded in time (at most `_LONGEST_S` per connection) and ends with the test that
started it, so a zoo run can never outlive its own timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

from ._serving import ConnectionHandler

_LONGEST_S = 60.0
_HEADER_END = b"\r\n\r\n"


async def _read_request(reader: asyncio.StreamReader) -> bool:
    """Consume one request (head and `Content-Length` body); False when the client went away."""
    try:
        head = await reader.readuntil(_HEADER_END)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return False
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    try:
        await reader.readexactly(length)
    except (asyncio.IncompleteReadError, ConnectionError):
        return False
    return True


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        await writer.wait_closed()


def _http_answer(
    status: str, content_type: str, body: bytes, *, declared: int | None = None
) -> bytes:
    length = len(body) if declared is None else declared
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def canned_answer(raw: bytes, doc: str) -> ConnectionHandler:
    """A server that reads each request and writes the same `raw` bytes back, then closes.

    `doc` becomes the handler's docstring: the bug it imitates and the check that catches it.
    """

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await _read_request(reader):
            with contextlib.suppress(ConnectionError):
                writer.write(raw)
                await writer.drain()
        await _close(writer)

    handle.__doc__ = doc
    return handle


async def hangs_forever(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A backend stuck on a lock: the request is read, the answer never comes.

    Caught by `response_within_timeout` (category `read_timeout`/`deadline`).
    """
    if await _read_request(reader):
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(), timeout=_LONGEST_S)
    await _close(writer)


async def drips_bytes(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A congested link or a streaming bug: a 200 head, then one body byte every 0.2 s.

    Every single read succeeds quickly, so only an overall deadline (connect + every byte) notices;
    a client with per-read timeouts alone would wait for ever. Caught by `response_within_timeout`
    (category `deadline`).
    """
    if not await _read_request(reader):
        await _close(writer)
        return
    body = b'{"bulkId":"2034072219640523073","messages":[' + b" " * 100_000 + b"]}"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _LONGEST_S
    with contextlib.suppress(ConnectionError):
        writer.write(_http_answer("200 OK", "application/json", b"", declared=len(body)))
        for index in range(len(body)):
            if loop.time() > deadline:
                break
            writer.write(body[index : index + 1])
            await writer.drain()
            await asyncio.sleep(0.2)
    await _close(writer)


async def resets_connections(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A crashing worker or a load balancer dropping the backend: RST instead of an answer.

    SO_LINGER with a zero timeout makes close() send a TCP reset. Caught by `transport_failure`
    (category `reset`).
    """
    await _read_request(reader)
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# A TLS-ish alert, a NUL run and random-looking high bytes: what a wrong protocol on the port sends.
_GARBAGE = bytes.fromhex("15030100020228") + b"\x00" * 64 + bytes(range(128, 256)) * 4

sends_garbage = canned_answer(
    _GARBAGE,
    (
        "Something that is not HTTP on the port (a TLS listener, a binary protocol). Caught by "
        "`transport_failure` (category `protocol_error`)."
    ),
)

_TRUNCATED = (
    b'{"bulkId":"2034072219640523073","messages":[{"to":"41793026727",'
    b'"status":{"groupId":1,"groupName":"PENDING","id":26,"name":"PENDING_ACCEPTED","descr'
)

sends_truncated_json = canned_answer(
    _http_answer("200 OK", "application/json", _TRUNCATED),
    (
        "A serializer that dies mid-write but whose framework already sent a Content-Length "
        "of what was written: well-formed HTTP, a 200, and half a JSON document. Caught by "
        "`response_schema_conformance` (category `truncated_json`)."
    ),
)

sends_short_body = canned_answer(
    _http_answer("200 OK", "application/json", _TRUNCATED, declared=len(_TRUNCATED) + 400),
    (
        "A worker that dies mid-response: Content-Length promises more than arrives before the "
        "close. Caught by `transport_failure` (category `protocol_error`)."
    ),
)

sends_empty_success = canned_answer(
    _http_answer("200 OK", "application/json", b""),
    "A fire-and-forget gateway: `200 OK`, `Content-Type: application/json`, and no body at all. "
    "Caught by `response_schema_conformance` (category `empty_body`).",
)

_NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

sends_html_error_page = canned_answer(
    _http_answer("502 Bad Gateway", "text/html", _NGINX_502),
    (
        "A reverse proxy in front of a dead backend: nginx's HTML 502 page for every request. "
        "Caught by `not_a_server_error` (E2) and `error_envelope_conformance` (E1, category "
        "`html_body`)."
    ),
)

_TEN_MB = b'{"bulkId":"2034072219640523073","messages":[],"debug":"' + b"x" * (10 * 2**20) + b'"}'

sends_ten_megabytes = canned_answer(
    _http_answer("200 OK", "application/json", _TEN_MB),
    (
        "A debug flag left on in production: every answer carries a 10 MB dump. Caught by "
        "`transport_failure` (category `body_too_large`): the suite must cap what it reads."
    ),
)
