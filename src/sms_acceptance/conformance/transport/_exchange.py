"""One HTTP exchange with the server under test, and what can go wrong with it.

A conformance run must never hang on a server that hangs, drips bytes, resets connections or answers
with 10 MB: the verdict has to arrive, and name what went wrong. So every request has an overall
deadline (connect + send + every byte of the answer) enforced by the event loop rather than by
per-read socket timeouts (a server dripping one byte a second defeats those), the body is streamed
against a size cap, and every way it can fail becomes a `TransportFailure` with a category the
report can name, in the spirit of httpx's exception hierarchy.

The client (`_http11`: h11 over asyncio streams, one keep-alive connection) runs on one event loop
for the whole run, driven from the calling thread by `HttpExchanger.send`: no thread hop per
request, which with httpx's client had cost a fifth of a conformance run's CPU. `send_many` sends a
batch of independent requests together over a pool of such connections, at most `concurrency` in
flight (`--concurrency`), each with its own deadline; `_request_pacing` spaces their starts
(`--rate-limit`) and honours a 429's `Retry-After`, in both paths.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import ssl
import threading
import time
from collections.abc import Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from sms_acceptance._live_guard import is_loopback_url
from sms_acceptance._network import (
    NetworkConfigError,
    NetworkSettings,
    ProxyUrl,
    curl_network_words,
)
from sms_acceptance.conformance.transport import _http11
from sms_acceptance.conformance.transport._auth_header import AuthHeader
from sms_acceptance.conformance.transport._limits import DEFAULT_LIMITS, Limits
from sms_acceptance.conformance.transport._request_pacing import (
    MAX_429_RETRIES,
    MAX_RETRY_AFTER_S,
    RequestPacer,
    retry_after_seconds,
)

__all__ = [
    "BodyKind",
    "Exchange",
    "FailureCategory",
    "HttpExchanger",
    "OutgoingRequest",
    "ReceivedResponse",
    "SentRequest",
    "TransportFailure",
]

_T = TypeVar("_T")

DEFAULT_MAX_BODY_BYTES = DEFAULT_LIMITS.max_body_bytes

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
    # Set when the request line carried this target instead of the URL's path (H1: absolute form).
    request_target: str | None = None
    curl_network: tuple[str, ...] = ()
    """The route and TLS settings as `curl` options (`--cacert FILE`, `--cert FILE`...)."""

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


@dataclass(frozen=True)
class OutgoingRequest:
    """One request of a `send_many` batch: what `send` takes."""

    body: bytes
    auth: AuthHeader
    content_type: str = "application/json"


def _categorise(error: Exception, *, connected: bool) -> tuple[FailureCategory, str]:
    """The report's category for each way an exchange fails (the zoo's wire servers pin them)."""
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, _http11.BodyTooLarge):
        return FailureCategory.BODY_TOO_LARGE, text
    if isinstance(error, _http11.ConnectTimedOut) or (
        isinstance(error, TimeoutError) and not connected
    ):
        return FailureCategory.CONNECT_TIMEOUT, f"connect timeout: {text}"
    if isinstance(error, TimeoutError):
        return FailureCategory.DEADLINE, "no complete answer before the request deadline"
    if isinstance(error, _http11.ConnectFailed):
        if error.refused:
            return FailureCategory.CONNECT_REFUSED, f"connection refused: {text}"
        return FailureCategory.CONNECT_ERROR, f"cannot connect: {text}"
    if isinstance(error, _http11.ProtocolViolation):
        # h11's messages, as httpx passed them on: a close before (or during) the answer.
        if "without sending" in text.lower() or "disconnected" in text.lower():
            return FailureCategory.SERVER_DISCONNECTED, f"server disconnected: {text}"
        return FailureCategory.PROTOCOL_ERROR, f"HTTP protocol error: {text}"
    if isinstance(error, _http11.ConnectionLost | ConnectionError):
        return FailureCategory.RESET, f"connection reset: {text}"
    if isinstance(error, _http11.UndecodableBody):
        return FailureCategory.PROTOCOL_ERROR, f"undecodable body: {text}"
    return FailureCategory.PROTOCOL_ERROR, f"{type(error).__name__}: {text}"


async def _settle(pending: set[asyncio.Task[Any]]) -> None:
    """Cancel what an interrupted `send` left behind and let aborted transports close."""
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await asyncio.sleep(0)


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class HttpExchanger:
    """Sends requests to one endpoint URL over kept-alive connections: `send` one at a time over
    one of them, `send_many` a batch over up to `concurrency` of them.

    `request_timeout` bounds each request as a whole (not its wait for a connection or a turn);
    `max_body_bytes` bounds what is read. `rate_limit` (requests per second) spaces starts.
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
        network: NetworkSettings | None = None,
        concurrency: int = 1,
        rate_limit: float | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.url = url
        self.concurrency = concurrency
        self.pacer = RequestPacer(rate_limit)
        self._authorization = authorization
        self.request_timeout = request_timeout
        self.max_body_bytes = max_body_bytes
        self.limits: Limits = dataclasses.replace(
            DEFAULT_LIMITS, request_timeout=request_timeout, max_body_bytes=max_body_bytes
        )
        self._unresponsive_after = unresponsive_after
        self._consecutive_timeouts = 0
        self._lock = threading.Lock()
        # One caller at a time drives the loop; the loop runs only inside `send`/`send_many`.
        self._io_lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self.network = NetworkSettings() if network is None else network
        self._curl_network = curl_network_words(self.network)
        self._endpoint: _http11.Endpoint | ValueError
        try:
            self._endpoint = _http11.Endpoint.parse(url)
            route = self.network.route(url)
            tls_context = self.network.tls.client_context() if self._endpoint.tls else None
        except (ValueError, NetworkConfigError) as error:
            # Reported per request, as a failure, never raised here.
            self._endpoint = error
            self._tls_context: ssl.SSLContext | None = None
            self._proxy: ProxyUrl | None = None
        else:
            self._tls_context = tls_context
            self._proxy = route.proxy
        # Idle clients, each one keep-alive connection; `send` always takes the first, so a
        # sequential run keeps using one connection. Grows up to `concurrency`.
        self._idle: list[_http11.Http11Client] = []
        self._clients: list[_http11.Http11Client] = []

    def _checkout(self) -> _http11.Http11Client:
        """An idle client, or a new one (the caller bounds how many are out at once)."""
        if self._idle:
            return self._idle.pop(0)
        assert isinstance(self._endpoint, _http11.Endpoint)
        client = _http11.Http11Client(
            self._endpoint,
            connect_timeout=self.limits.connect_timeout,
            retry_stale=is_loopback_url(self.url),
            tls_context=self._tls_context,
            proxy=self._proxy,
        )
        self._clients.append(client)
        return client

    def _checkin(self, client: _http11.Http11Client) -> None:
        self._idle.insert(0, client)

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run `coroutine` on this exchanger's loop, in this thread unless it already runs one
        (an async caller): then in a helper thread, as a loop cannot nest in a thread."""
        with self._io_lock:
            if not _in_running_loop():
                return self._loop.run_until_complete(coroutine)
            with ThreadPoolExecutor(1, thread_name_prefix="sms-acceptance-http") as helper:
                return helper.submit(self._loop.run_until_complete, coroutine).result()

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
        request, headers = self._prepare(body, auth, content_type, extra_headers)
        outcome = self._call(self._send_paced(headers, body))
        self._count_timeouts([outcome])
        return Exchange(request=request, outcome=outcome)

    def send_many(self, requests: Sequence[OutgoingRequest]) -> list[Exchange | None]:
        """POST every request, up to `concurrency` at a time; the exchanges in `requests`' order.
        Once the target is `unresponsive` no further request starts (None in its place): a
        hanging server must not cost a timeout per request. Never raises for what the server
        does."""
        prepared = [self._prepare(r.body, r.auth, r.content_type, None) for r in requests]
        outcomes = self._call(
            self._send_all([(h, r.body) for (_, h), r in zip(prepared, requests, strict=True)])
        )
        return [
            None if o is None else Exchange(request=p[0], outcome=o)
            for p, o in zip(prepared, outcomes, strict=True)
        ]

    def _count_timeouts(self, outcomes: Sequence[ReceivedResponse | TransportFailure]) -> None:
        with self._lock:
            for outcome in outcomes:
                if isinstance(outcome, TransportFailure) and outcome.category.is_timeout:
                    self._consecutive_timeouts += 1
                else:
                    self._consecutive_timeouts = 0

    def _prepare(
        self,
        body: bytes,
        auth: AuthHeader,
        content_type: str,
        extra_headers: Mapping[str, str] | None,
    ) -> tuple[SentRequest, dict[str, str]]:
        """The request as shown (credential redacted) and the headers actually sent."""
        headers: dict[str, str] = {
            "Accept": "application/json",
            "Accept-Encoding": _http11.ACCEPT_ENCODING,
            "Connection": "keep-alive",
            "User-Agent": USER_AGENT,
            "Content-Type": content_type,
        }
        if extra_headers:
            headers.update(extra_headers)
        real_auth = auth.value(self._authorization)
        shown = dict(headers)
        if real_auth is not None:
            headers["Authorization"] = real_auth
            shown["Authorization"] = auth.shown(self._authorization)
        request = SentRequest(
            method="POST",
            url=self.url,
            headers=tuple(shown.items()),
            body=body,
            auth=auth,
            curl_network=self._curl_network,
        )
        return request, headers

    async def _send_all(
        self, batch: Sequence[tuple[dict[str, str], bytes]]
    ) -> list[ReceivedResponse | TransportFailure | None]:
        """Every request of `batch`, at most `concurrency` in flight (None: not started, the
        target had become unresponsive)."""
        slots = asyncio.Semaphore(self.concurrency)

        async def one(
            headers: dict[str, str], body: bytes
        ) -> ReceivedResponse | TransportFailure | None:
            async with slots:
                if self.unresponsive:
                    return None
                outcome = await self._send_paced(headers, body)
                self._count_timeouts([outcome])
                return outcome

        return list(await asyncio.gather(*(one(h, b) for h, b in batch)))

    async def _send_paced(
        self, headers: dict[str, str], body: bytes
    ) -> ReceivedResponse | TransportFailure:
        """One request on a pooled connection, in its turn; again after a 429's `Retry-After`."""
        client = None if isinstance(self._endpoint, ValueError) else self._checkout()
        try:
            for attempt in range(MAX_429_RETRIES + 1):
                await self.pacer.wait_turn()
                outcome = await self._send(client, headers, body)
                if not isinstance(outcome, ReceivedResponse) or outcome.status != 429:
                    return outcome
                wait = retry_after_seconds(outcome.header("retry-after"))
                if wait is None or wait > MAX_RETRY_AFTER_S or attempt == MAX_429_RETRIES:
                    return outcome
                self.pacer.pause_for(wait)
            return outcome
        finally:
            if client is not None:
                self._checkin(client)

    async def _send(
        self, client: _http11.Http11Client | None, headers: dict[str, str], body: bytes
    ) -> ReceivedResponse | TransportFailure:
        started = time.monotonic()
        reception = _http11.Reception()
        try:
            if client is None:
                raise _http11.ConnectFailed(str(self._endpoint), refused=False)
            # ASCII, as httpx encoded them: a value it cannot encode fails here, not on the wire.
            wire_headers = [(k.encode("ascii"), v.encode("ascii")) for k, v in headers.items()]
            async with asyncio.timeout(self.request_timeout):
                await client.post(
                    wire_headers, body, max_body_bytes=self.max_body_bytes, reception=reception
                )
        except Exception as error:  # every failure of the server becomes a categorised value
            category, message = _categorise(error, connected=reception.connected)
            return TransportFailure(
                category=category,
                message=message,
                elapsed=time.monotonic() - started,
                status=reception.status,
                headers=reception.headers,
            )
        assert reception.status is not None  # set when the head arrived
        return ReceivedResponse(
            status=reception.status,
            headers=reception.headers,
            body=reception.body,
            elapsed=time.monotonic() - started,
        )

    def close(self) -> None:
        """Close the connection and the loop (idempotent)."""
        with self._io_lock:
            if self._loop.is_closed():
                return
            for client in self._clients:
                client.close()
            # Let the aborted transport release its socket; a broken server must not mask the
            # run's verdict, so nothing here may raise.
            # An interrupted `send` (Ctrl-C) can leave its task behind: cancel it too.
            with contextlib.suppress(BaseException):
                if not _in_running_loop():
                    self._loop.run_until_complete(_settle(asyncio.all_tasks(self._loop)))
            self._loop.close()
