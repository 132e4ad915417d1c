"""The sandbox as an ASGI app: `POST /sms/{1,2}/text/advanced` answered the way the contract says.

The order of the steps is part of the contract: injected faults first (an overloaded front door
answers before anything else), then the credential (A1-A5: no work for strangers, the body is not
even read), then the content type and size, then the JSON (R1), then the request oracle (R2-R9),
then the 200 (S1-S13). Every non-2xx answer, 404 and 405 included, is the provider's error envelope
with `Content-Type: application/json` (E1), and no input reaches a 5xx (E2) unless a fault says so.

The provider's choices (rules.md, "The sandbox's choices"): both paths are served together, an
absolute-form request line like an origin-form one (H1), `null` optional fields read as absent, and
`400` envelopes on `/sms/1/...` are the seed's, without `validationErrors` (the v1 client cannot
parse them, K5: the reasons go to the debug log), while those on `/sms/2/...` carry them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from http import HTTPStatus
from types import MappingProxyType

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sms_acceptance._destinations import destination_count
from sms_acceptance._envelope import error_envelope
from sms_acceptance._request_rules import RequestVerdict, judge_request

from ._absent_nulls import without_optional_nulls
from ._absolute_form import AbsoluteFormMiddleware
from ._accepted_response import AcceptedResponseBuilder
from ._auth import AuthOutcome, CredentialCheck
from ._config import FAULT_STATUSES, V1_ENDPOINT_SUFFIX, SandboxConfig
from ._faults import FaultPlan
from ._ids import IdGenerator
from ._json_codec import NotJson, dump_json, has_long_integer, parse_json, reparse_exactly
from ._report_backend import report_backend
from ._report_routes import report_routes

__all__ = ["REQUEST_LOGGER_NAME", "create_app"]

# One line per request, at debug level only; never a header value, never the body.
REQUEST_LOGGER_NAME = "sms_acceptance.sandbox"
_log = logging.getLogger(REQUEST_LOGGER_NAME)

_JSON = "application/json"

# messageIds for the HTTP errors the router raises (provider-facts §3.2 where it names one).
_HTTP_ERROR_IDS: Mapping[int, str] = MappingProxyType(
    {
        400: "BAD_REQUEST",
        401: "UNAUTHORIZED",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        405: "METHOD_NOT_ALLOWED",
        413: "PAYLOAD_TOO_LARGE",
        415: "UNSUPPORTED_MEDIA_TYPE",
    }
)


def _envelope_bytes(
    message_id: str, text: str, validation_errors: Mapping[str, list[str]] | None = None
) -> bytes:
    return dump_json(error_envelope(message_id, text, validation_errors))


def _is_json_content_type(value: bytes | None) -> bool:
    """`application/json`, any case, parameters such as `charset` allowed."""
    if value is None:
        return False
    return value.partition(b";")[0].strip().lower() == b"application/json"


def _validation_errors(verdict: RequestVerdict) -> dict[str, list[str]]:
    """`validationErrors` from the oracle: JSONPath of the field → messages citing the rule."""
    errors: dict[str, list[str]] = {}
    for violation in verdict.violations:
        errors.setdefault(violation.path, []).append(f"{violation.message} ({violation.rule_id})")
    return errors


class _Sandbox:
    """The endpoint and its per-sandbox state: the credential check, fault plan and id counter."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.credentials = CredentialCheck(config.accepted_authorizations)
        self.faults = FaultPlan(config.faults) if config.faults.enabled else None
        self.builder = AcceptedResponseBuilder(IdGenerator())
        # Delivery reports (D1-D14): tracked at acceptance, pushed and finalised in the background.
        self.reports = report_backend(config.reports)
        # Compile the schemas and validators now, not on the first request a client times.
        warm_up = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "warm-up"}]}
        judge_request(warm_up)
        judge_request({"messages": [{}]})  # and the reference validator that explains failures
        # Answers that never change, serialised once.
        self.unauthorized = {
            outcome: _envelope_bytes("UNAUTHORIZED", outcome.value)
            for outcome in AuthOutcome
            if outcome is not AuthOutcome.ACCEPTED
        }
        self.fault_answers = {
            status: _envelope_bytes(message_id, text)
            for status, (message_id, text) in FAULT_STATUSES.items()
        }
        limit = config.max_body_bytes
        self.too_large = _envelope_bytes(
            "PAYLOAD_TOO_LARGE", f"Request body larger than {limit} bytes"
        )
        self.bad_request_v1 = _envelope_bytes("BAD_REQUEST", "Bad request")

    def _bad_request(self, request: Request, reasons: Mapping[str, list[str]]) -> tuple[int, bytes]:
        """A 400: with `validationErrors` on /sms/2, the seed's bare envelope on /sms/1 (K5)."""
        if request.scope["path"].endswith(V1_ENDPOINT_SUFFIX):
            request.state.reasons = dict(reasons)  # for the request's one debug line
            return 400, self.bad_request_v1
        return 400, _envelope_bytes("BAD_REQUEST", "Bad request", reasons)

    async def _read_body(self, request: Request, declared: bytes | None) -> bytes | None:
        """The body, or None once it grows past the cap (nothing more is buffered)."""
        limit = self.config.max_body_bytes
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                return None
            # The server holds a body to its Content-Length, so it cannot outgrow the cap.
            return await request.body()
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def endpoint(self, request: Request) -> Response:
        if not _log.isEnabledFor(logging.DEBUG):
            status, body = await self._answer(request)
            return Response(body, status_code=status, media_type=_JSON)
        started = time.perf_counter()
        status, body = await self._answer(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        reasons = getattr(request.state, "reasons", None)
        _log.debug(
            "%s %s -> %d (%.1f ms)%s",
            request.method,
            request.url.path,
            status,
            elapsed_ms,
            f" {json.dumps(reasons, ensure_ascii=False)}" if reasons else "",
        )
        return Response(body, status_code=status, media_type=_JSON)

    async def _answer(self, request: Request) -> tuple[int, bytes]:
        if self.faults is not None:
            decision = self.faults.next_decision()
            if decision.delay_seconds > 0:
                try:
                    await asyncio.sleep(decision.delay_seconds)
                except asyncio.CancelledError:
                    # uvicorn cancels what still runs when its graceful shutdown runs out: the
                    # server is going away, which a client should hear as an envelope (E1), not
                    # as uvicorn's plain-text 500.
                    return 503, self.fault_answers[503]
            if decision.status is not None:
                return decision.status, self.fault_answers[decision.status]

        # One pass over the raw headers (names arrive lower-cased); the first of each counts.
        authorization = content_type = content_length = None
        for name, value in request.scope["headers"]:
            if name == b"authorization":
                authorization = authorization if authorization is not None else value
            elif name == b"content-type":
                content_type = content_type if content_type is not None else value
            elif name == b"content-length":
                content_length = value
        outcome = self.credentials.judge(authorization)
        if outcome is not AuthOutcome.ACCEPTED:
            return 401, self.unauthorized[outcome]

        if not _is_json_content_type(content_type):
            return self._bad_request(
                request, {"Content-Type": ["the request body must be sent as application/json"]}
            )
        raw = await self._read_body(request, content_length)
        if raw is None:
            return 413, self.too_large

        parsed: bytes | None = raw  # the body `document` is the plain reading of, if it is
        try:
            document = parse_json(raw)
            if b"null" in raw:
                document = without_optional_nulls(document)
            verdict = judge_request(document)
            if verdict.violations and has_long_integer(raw):
                # orjson read an integer beyond 64 bits as a float; judge the exact reading.
                document = without_optional_nulls(reparse_exactly(raw))
                verdict = judge_request(document)
                parsed = None
        except NotJson as error:
            return self._bad_request(request, {"$": [f"the body is not valid JSON: {error} (R1)"]})
        except RecursionError:
            return self._bad_request(request, {"$": ["the body is nested too deeply (R1)"]})
        if verdict.violations:
            return self._bad_request(request, _validation_errors(verdict))

        destinations = destination_count(document)
        if destinations > self.config.max_destinations:
            # OPEN (rules.md): beyond 1000 destinations a request may be refused; this one is.
            limit = self.config.max_destinations
            return self._bad_request(
                request,
                {"$.messages": [f"at most {limit} destinations per request, got {destinations}"]},
            )
        answer = self.builder.build(document, destinations)
        body = dump_json(answer)
        if self.reports is not None:
            self.reports.on_accepted(document, answer, parsed, body)
            behind = self.reports.backpressure()
            if behind is not None:
                await behind  # the report worker process fell behind: a bounded queue
        return 200, body


async def _http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and any other HTTP error the router raises, as an envelope (E1)."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message_id = _HTTP_ERROR_IDS.get(status, HTTPStatus(status).phrase.upper().replace(" ", "_"))
    body = _envelope_bytes(message_id, HTTPStatus(status).phrase)
    return Response(body, status_code=status, media_type=_JSON, headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    """A bug in the sandbox still answers with an envelope; E2 tests make sure none is reached."""
    _log.error("sandbox bug while answering %s %s: %r", request.method, request.url.path, exc)
    body = _envelope_bytes("GENERAL_ERROR", "Something went wrong. Please contact support.")
    return Response(body, status_code=500, media_type=_JSON)


def create_app(config: SandboxConfig) -> Starlette:
    """The sandbox's ASGI app for `config`: the v1 and v2 endpoints, envelopes for the rest."""
    sandbox = _Sandbox(config)
    app = Starlette(
        routes=[
            *(Route(path, sandbox.endpoint, methods=["POST"]) for path in config.endpoint_paths),
            *report_routes(sandbox.reports, sandbox.credentials),
        ],
        middleware=[Middleware(AbsoluteFormMiddleware)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    # A trailing slash would get a bodiless 307 redirect; the provider's path is exact: 404 (E1).
    app.router.redirect_slashes = False
    return app
