"""Servers broken on the wire: what a dead backend, a proxy or a buggy framework does to HTTP.

No HTTP framework would let us hang, drip, reset or send garbage on purpose, so these are raw
connection handlers, served by the tests' one raw server (`.._raw_server.wire_server`, which has
read the request when a handler is called). Each answers *every* request the same
way, credential or not: the point is that the suite ends with a clear, categorised failure
(`response_within_timeout` or `transport_failure`, docs/conformance.md) within its
`--request-timeout`, never a hang or a crash of the run.

Every handler is bounded in time (at most `_LONGEST_S` per connection) and ends with the test that
started it, so a zoo run can never outlive its own timeout.
"""

from __future__ import annotations

import socket
import struct
import time

from .._raw_server import Handler, http_response

_LONGEST_S = 60.0


def _http_answer(
    status: str, content_type: str, body: bytes, *, declared: int | None = None
) -> bytes:
    code, _, reason = status.partition(" ")
    return http_response(int(code), body, content_type, reason=reason, declared=declared)


def canned_answer(raw: bytes, doc: str) -> Handler:
    """A server that reads each request and writes the same `raw` bytes back, then closes.

    `doc` becomes the handler's docstring: the bug it imitates and the check that catches it.
    """

    def handle(connection: socket.socket) -> None:
        connection.sendall(raw)

    handle.__doc__ = doc
    return handle


def hangs_forever(connection: socket.socket) -> None:
    """A backend stuck on a lock: the request is read, the answer never comes.

    Caught by `response_within_timeout` (category `read_timeout`/`deadline`).
    """
    connection.settimeout(_LONGEST_S)
    while connection.recv(65536):  # until the client gives up and closes
        pass


def drips_bytes(connection: socket.socket) -> None:
    """A congested link or a streaming bug: a 200 head, then one body byte every 0.2 s.

    Every single read succeeds quickly, so only an overall deadline (connect + every byte) notices;
    a client with per-read timeouts alone would wait for ever. Caught by `response_within_timeout`
    (category `deadline`).
    """
    body = b'{"bulkId":"2034072219640523073","messages":[' + b" " * 100_000 + b"]}"
    deadline = time.monotonic() + _LONGEST_S
    connection.sendall(_http_answer("200 OK", "application/json", b"", declared=len(body)))
    for index in range(len(body)):
        if time.monotonic() > deadline:
            break
        connection.sendall(body[index : index + 1])
        time.sleep(0.2)


def resets_connections(connection: socket.socket) -> None:
    """A crashing worker or a load balancer dropping the backend: RST instead of an answer.

    SO_LINGER with a zero timeout makes close() send a TCP reset. Caught by `transport_failure`
    (category `reset`).
    """
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


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
