"""One request, one response, whole: the seam where a broken server changes what the sandbox does.

Most vendor bugs are "the right server, except…": it ignores a field, rewrites a status, answers
an error in HTML. So a broken server here is the sandbox behind a *bug*, an async function that sees
the whole request (bytes and headers), may change it before forwarding it to the sandbox, and may
change the whole response the sandbox gave, or answer by itself. Buffering both sides keeps each bug
a few lines of plain data manipulation instead of ASGI plumbing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sms_acceptance import each_destination

Headers = tuple[tuple[str, str], ...]


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key == wanted), None)


def _without(headers: Headers, name: str) -> Headers:
    wanted = name.lower()
    return tuple((key, value) for key, value in headers if key != wanted)


@dataclass(frozen=True)
class CapturedRequest:
    """What the client sent; header names lower-case, the body as the exact bytes."""

    method: str
    path: str
    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)

    def with_header(self, name: str, value: str | None) -> CapturedRequest:
        """The same request with `name` set to `value`, or removed when `value` is None."""
        headers = _without(self.headers, name)
        if value is not None:
            headers = (*headers, (name.lower(), value))
        return replace(self, headers=headers)

    def json_object(self) -> dict[str, Any] | None:
        """The body as a JSON object, or None when it is not one (R1 territory)."""
        try:
            document = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None
        return document if isinstance(document, dict) else None

    def with_json(self, document: object) -> CapturedRequest:
        return replace(self, body=json.dumps(document, ensure_ascii=False).encode())


@dataclass(frozen=True)
class CapturedResponse:
    """What the server answers; `Content-Length` is recomputed when it is sent."""

    status: int
    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)

    def with_header(self, name: str, value: str) -> CapturedResponse:
        return replace(self, headers=(*_without(self.headers, name), (name.lower(), value)))

    def json_value(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None

    def with_json(self, document: object) -> CapturedResponse:
        return replace(self, body=json.dumps(document, ensure_ascii=False).encode())


def json_response(status: int, document: object) -> CapturedResponse:
    """A JSON answer the bug makes up by itself, shaped like the sandbox's own answers."""
    body = json.dumps(document, ensure_ascii=False).encode()
    return CapturedResponse(status, (("content-type", "application/json"),), body)


def text_response(status: int, body: str, content_type: str) -> CapturedResponse:
    return CapturedResponse(status, (("content-type", content_type),), body.encode())


Forward = Callable[[CapturedRequest], Awaitable[CapturedResponse]]
"""Hands a (possibly changed) request to the sandbox and returns its whole answer."""

Bug = Callable[[CapturedRequest, Forward], Awaitable[CapturedResponse]]
"""One vendor bug: decides what to forward and what to answer."""


async def faithful(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """No bug at all: the sandbox's own answer (the control for the zoo's own tests)."""
    return await forward(request)


class BuggyGateway:
    """An ASGI app: the sandbox (`inner`) seen through one `bug`.

    Lifespan and any non-HTTP scope pass straight through, so the sandbox starts and stops as it
    would on its own.
    """

    def __init__(self, inner: ASGIApp, bug: Bug) -> None:
        self._inner = inner
        self._bug = bug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._inner(scope, receive, send)
            return
        body = await _read_body(receive)
        request = CapturedRequest(
            method=scope["method"],
            path=scope["path"],
            headers=tuple(
                (key.decode("latin-1").lower(), value.decode("latin-1"))
                for key, value in scope["headers"]
            ),
            body=body,
        )

        async def forward(changed: CapturedRequest) -> CapturedResponse:
            return await _call_inner(self._inner, scope, changed)

        response = await self._bug(request, forward)
        await _send_response(send, response)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _call_inner(inner: ASGIApp, scope: Scope, request: CapturedRequest) -> CapturedResponse:
    headers = [
        (key.encode("latin-1"), value.encode("latin-1"))
        for key, value in _without(request.headers, "content-length")
    ]
    headers.append((b"content-length", str(len(request.body)).encode()))
    inner_scope = {**scope, "headers": headers}
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": request.body, "more_body": False}

    status = 500
    response_headers: Headers = ()
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal status, response_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers = tuple(
                (key.decode("latin-1").lower(), value.decode("latin-1"))
                for key, value in message.get("headers", [])
            )
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await inner(inner_scope, receive, send)
    return CapturedResponse(status, response_headers, b"".join(chunks))


async def _send_response(send: Send, response: CapturedResponse) -> None:
    headers = [
        (key.encode("latin-1"), value.encode("latin-1"))
        for key, value in _without(response.headers, "content-length")
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})


def destinations_in_order(
    request: dict[str, Any],
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(message, destination) pairs in request order: the order S3 says entries SHOULD follow."""
    for index, destination in each_destination(request):
        yield request["messages"][index], destination
