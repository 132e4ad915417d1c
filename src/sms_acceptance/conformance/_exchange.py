"""One HTTP exchange with the server under test, and what can go wrong with it.

A conformance run must never hang on a server that hangs, drips bytes, resets connections or answers
with 10 MB: the verdict has to arrive, and name what went wrong. So every request has an overall
deadline (connect + send + every byte of the answer) enforced by the event loop rather than by
per-read socket timeouts (a server dripping one byte a second defeats those), the body is streamed
against a size cap, and every way it can fail becomes a `TransportFailure` with a category the
report can name, in the spirit of httpx's exception hierarchy.

The client is asynchronous and lives on one event-loop thread for the whole run (one connection
pool); tests call it synchronously through `HttpExchanger.send`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import httpx

from sms_acceptance.conformance._auth_header import AuthHeader

__all__ = [
    "BodyKind",
    "Exchange",
    "FailureCategory",
    "HttpExchanger",
    "ReceivedResponse",
    "SentRequest",
    "TransportFailure",
]

_T = TypeVar("_T")

# Big enough for 1000 destinations' worth of answer (~250 bytes each), small enough that a
# misbehaving server cannot exhaust the run's memory.
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024

USER_AGENT = "sms-acceptance-conformance"


class FailureCategory(StrEnum):
    """Why no usable answer arrived (the `category` of a `transport_failure` in the report)."""

    CONNECT_REFUSED = "connect_refused"
    CONNECT_ERROR = "connect_error"
    CONNECT_TIMEOUT = "connect_timeout"
    READ_TIMEOUT = "read_timeout"
    DEADLINE = "deadline"
    RESET = "reset"
    SERVER_DISCONNECTED = "server_disconnected"
    PROTOCOL_ERROR = "protocol_error"
    BODY_TOO_LARGE = "body_too_large"

    @property
    def is_timeout(self) -> bool:
        """Timeouts count as `response_within_timeout`, the rest as `transport_failure`."""
        return self in {
            FailureCategory.CONNECT_TIMEOUT,
            FailureCategory.READ_TIMEOUT,
            FailureCategory.DEADLINE,
        }

    @property
    def is_unreachable(self) -> bool:
        """Nothing listens there at all: a usage problem when the probe sees it."""
        return self in {FailureCategory.CONNECT_REFUSED, FailureCategory.CONNECT_ERROR}


class BodyKind(StrEnum):
    """What the bytes of an answer turned out to be."""

    JSON = "json"
    EMPTY = "empty_body"
    HTML = "html_body"
    TRUNCATED_JSON = "truncated_json"
    NOT_JSON = "not_json"


@dataclass(frozen=True)
class SentRequest:
    """The exact request sent. `headers` already hold the *redacted* Authorization value."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    auth: AuthHeader

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


_UNPARSED = object()


@dataclass(frozen=True)
class ReceivedResponse:
    """A complete answer: status, headers and the exact body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed: float
    _parsed: list[object] = field(default_factory=list, repr=False, compare=False)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def media_type(self) -> str | None:
        """`application/json` for `application/json; charset=utf-8`, lower-cased."""
        value = self.content_type
        return None if value is None else value.split(";", 1)[0].strip().lower()

    def _parse(self) -> object:
        if not self._parsed:
            try:
                self._parsed.append(json.loads(self.body.decode("utf-8")))
            except (UnicodeDecodeError, ValueError, RecursionError):
                self._parsed.append(_UNPARSED)
        return self._parsed[0]

    @property
    def is_json(self) -> bool:
        return self._parse() is not _UNPARSED

    @property
    def json(self) -> object:
        """The parsed body; only meaningful when `is_json`."""
        value = self._parse()
        return None if value is _UNPARSED else value

    @property
    def body_kind(self) -> BodyKind:
        if self.is_json:
            return BodyKind.JSON
        stripped = self.body.strip()
        if not stripped:
            return BodyKind.EMPTY
        media = self.media_type or ""
        if "html" in media or stripped[:1] == b"<":
            return BodyKind.HTML
        if stripped[:1] in (b"{", b"[") and _is_truncated_json(stripped):
            return BodyKind.TRUNCATED_JSON
        return BodyKind.NOT_JSON


def _is_truncated_json(data: bytes) -> bool:
    """JSON that is fine as far as it goes and stops early (the decoder fails at the very end)."""
    try:
        json.loads(data.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as error:
        # The text stops inside a string, or the decoder wanted more where the text ended.
        return error.msg.startswith("Unterminated string") or error.pos >= len(error.doc.rstrip())
    except ValueError:
        return False
    return False


@dataclass(frozen=True)
class TransportFailure:
    """No usable answer: the category says why, the message says it in one line."""

    category: FailureCategory
    message: str
    elapsed: float
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Exchange:
    """A request and what came of it."""

    request: SentRequest
    outcome: ReceivedResponse | TransportFailure

    @property
    def response(self) -> ReceivedResponse | None:
        return self.outcome if isinstance(self.outcome, ReceivedResponse) else None


class _BodyTooLarge(Exception):
    pass


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what caused it (anyio wraps a refused connection in a generic one)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        if isinstance(current, BaseExceptionGroup):
            chain.extend(current.exceptions)
        current = current.__cause__ or current.__context__
    return chain


def _categorise(error: Exception) -> tuple[FailureCategory, str]:
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, _BodyTooLarge):
        return FailureCategory.BODY_TOO_LARGE, text
    if isinstance(error, TimeoutError):
        return FailureCategory.DEADLINE, "no complete answer before the request deadline"
    if isinstance(error, httpx.ConnectTimeout):
        return FailureCategory.CONNECT_TIMEOUT, f"connect timeout: {text}"
    if isinstance(error, httpx.TimeoutException):
        return FailureCategory.READ_TIMEOUT, f"timeout: {text}"
    if isinstance(error, httpx.ConnectError):
        causes = _causes(error)
        if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text.lower():
            return FailureCategory.CONNECT_REFUSED, f"connection refused: {text}"
        return FailureCategory.CONNECT_ERROR, f"cannot connect: {text}"
    if isinstance(error, httpx.RemoteProtocolError):
        if "without sending" in text.lower() or "disconnected" in text.lower():
            return FailureCategory.SERVER_DISCONNECTED, f"server disconnected: {text}"
        return FailureCategory.PROTOCOL_ERROR, f"HTTP protocol error: {text}"
    if isinstance(error, httpx.ReadError | httpx.WriteError | ConnectionError):
        return FailureCategory.RESET, f"connection reset: {text}"
    if isinstance(error, httpx.DecodingError):
        return FailureCategory.PROTOCOL_ERROR, f"undecodable body: {text}"
    if isinstance(error, httpx.HTTPError):
        return FailureCategory.PROTOCOL_ERROR, f"{type(error).__name__}: {text}"
    return FailureCategory.PROTOCOL_ERROR, f"{type(error).__name__}: {text}"


class HttpExchanger:
    """Sends requests to one endpoint URL; one client and one connection pool per run.

    `request_timeout` bounds each request as a whole; `max_body_bytes` bounds what is read.
    After `unresponsive_after` consecutive timeouts the target is `unresponsive`, which the
    plugin uses to skip the remaining tests instead of waiting out every one of them.
    """

    def __init__(
        self,
        url: str,
        *,
        authorization: str | None,
        request_timeout: float,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        unresponsive_after: int = 3,
    ) -> None:
        self.url = url
        self._authorization = authorization
        self.request_timeout = request_timeout
        self.max_body_bytes = max_body_bytes
        self._unresponsive_after = unresponsive_after
        self._consecutive_timeouts = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="sms-acceptance-http", daemon=True
        )
        self._thread.start()
        self._client = self._call(self._open_client())

    async def _open_client(self) -> httpx.AsyncClient:
        timeout = httpx.Timeout(
            connect=min(self.request_timeout, 10.0),
            read=self.request_timeout,
            write=self.request_timeout,
            pool=self.request_timeout,
        )
        return httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment must not reroute test traffic
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
        )

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        # The coroutine enforces the deadline itself; this outer bound only guards against a bug.
        return future.result(timeout=self.request_timeout + 30.0)

    @property
    def unresponsive(self) -> bool:
        with self._lock:
            return self._consecutive_timeouts >= self._unresponsive_after

    def send(
        self,
        body: bytes,
        auth: AuthHeader,
        *,
        content_type: str = "application/json",
        extra_headers: Mapping[str, str] | None = None,
    ) -> Exchange:
        """POST `body` with `auth`; never raises for anything the server does."""
        headers: dict[str, str] = {
            "Content-Type": content_type,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if extra_headers:
            headers.update(extra_headers)
        real_auth = auth.value(self._authorization)
        shown = dict(headers)
        if real_auth is not None:
            headers["Authorization"] = real_auth
            shown["Authorization"] = auth.shown(self._authorization)
        request = SentRequest(
            method="POST", url=self.url, headers=tuple(shown.items()), body=body, auth=auth
        )
        outcome = self._call(self._send(headers, body))
        with self._lock:
            if isinstance(outcome, TransportFailure) and outcome.category.is_timeout:
                self._consecutive_timeouts += 1
            else:
                self._consecutive_timeouts = 0
        return Exchange(request=request, outcome=outcome)

    async def _send(
        self, headers: dict[str, str], body: bytes
    ) -> ReceivedResponse | TransportFailure:
        started = time.monotonic()
        status: int | None = None
        response_headers: tuple[tuple[str, str], ...] = ()
        try:
            async with asyncio.timeout(self.request_timeout):
                async with self._client.stream(
                    "POST", self.url, headers=headers, content=body
                ) as response:
                    status = response.status_code
                    response_headers = tuple(
                        (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
                    )
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > self.max_body_bytes:
                        raise _BodyTooLarge(
                            f"Content-Length {declared} exceeds the {self.max_body_bytes}-byte cap"
                        )
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > self.max_body_bytes:
                            raise _BodyTooLarge(f"body exceeds the {self.max_body_bytes}-byte cap")
                        chunks.append(chunk)
        except Exception as error:  # every failure of the server becomes a categorised value
            category, message = _categorise(error)
            return TransportFailure(
                category=category,
                message=message,
                elapsed=time.monotonic() - started,
                status=status,
                headers=response_headers,
            )
        assert status is not None  # set as soon as the stream opened
        return ReceivedResponse(
            status=status,
            headers=response_headers,
            body=b"".join(chunks),
            elapsed=time.monotonic() - started,
        )

    def close(self) -> None:
        """Close the pool and stop the loop thread (idempotent)."""
        if self._loop.is_closed():
            return
        # Closing after a broken server must not mask the run's verdict.
        with contextlib.suppress(Exception):
            self._call(self._client.aclose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
