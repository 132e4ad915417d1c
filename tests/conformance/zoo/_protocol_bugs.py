"""Vendor bugs in the HTTP layer around the API: 5xx, content types, envelopes, slowness, auth.

These are the bugs of frameworks and gateways rather than of business code: an unhandled exception
that the framework turns into a plain-text 500, a default error page in HTML, an auth filter
configured too loosely (or too tightly), a serializer that forgets the JSON content type.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ._exchange import (
    CapturedRequest,
    CapturedResponse,
    Forward,
    destinations_in_order,
    json_response,
    text_response,
)

# --- not_a_server_error (E2) -------------------------------------------------------------------


async def crashes_on_non_ascii_text(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """E2: a legacy SMSC driver encodes every text as ASCII; any other character raises, and the
    framework answers its own plain-text 500. Caught by `not_a_server_error` (and, as the valid
    request got no 200, `positive_data_acceptance`).
    """
    answer = await forward(request)
    document = request.json_object()
    if answer.status == 200 and document is not None:
        for message, _ in destinations_in_order(document):
            text = message.get("text")
            if isinstance(text, str):
                text.encode("ascii")  # UnicodeEncodeError: uvicorn answers 500 text/plain
    return answer


async def crashes_on_malformed_json(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """E2/R1: the JSON parse error is not mapped to 400: 500 GENERAL_ERROR (in a proper envelope).

    Caught by `not_a_server_error` (mutations `body_not_json`, `body_truncated_json`, …).
    """
    answer = await forward(request)
    if answer.status == 400:
        try:
            json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return json_response(
                500,
                {
                    "requestError": {
                        "serviceException": {
                            "messageId": "GENERAL_ERROR",
                            "text": "Something went wrong. Please contact support.",
                        }
                    }
                },
            )
    return answer


# --- content_type_conformance (S1) -------------------------------------------------------------


async def success_as_text_plain(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """S1: a correct JSON 200 body served as `text/plain; charset=utf-8` (a raw string response).

    Caught by `content_type_conformance`.
    """
    answer = await forward(request)
    if answer.status == 200:
        return answer.with_header("content-type", "text/plain; charset=utf-8")
    return answer


# --- response_within_timeout (S1/E1) -------------------------------------------------------------

# Longer than the zoo's request timeout (and its curl replays' --max-time), short enough that the
# server still shuts down promptly at the end of a test.
BULK_STALL_SECONDS = 5.0


async def stalls_on_bulk(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """A synchronous write per destination: a request with more than 50 destinations takes longer
    than any client waits (here: `BULK_STALL_SECONDS`). Caught by `response_within_timeout`.
    """
    document = request.json_object()
    if document is not None and sum(1 for _ in destinations_in_order(document)) > 50:
        await asyncio.sleep(BULK_STALL_SECONDS)
    return await forward(request)


# --- error envelopes (E1, E3) --------------------------------------------------------------------

_HTML_400 = (
    "<!doctype html><html><head><title>HTTP Status 400 - Bad Request</title></head>"
    "<body><h1>HTTP Status 400 - Bad Request</h1><hr><p>Type: Status Report</p>"
    "<h3>Apache Tomcat/9.0.71</h3></body></html>"
)


async def html_bad_request_page(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """E1: the container's default error page (Tomcat's HTML) instead of the envelope for a 400.

    Caught by `error_envelope_conformance` (and `content_type_conformance`).
    """
    answer = await forward(request)
    if answer.status == 400:
        return text_response(400, _HTML_400, "text/html;charset=utf-8")
    return answer


def _service_exception(answer: CapturedResponse) -> dict[str, Any] | None:
    body = answer.json_value()
    if not isinstance(body, dict):
        return None
    error = body.get("requestError")
    exception = error.get("serviceException") if isinstance(error, dict) else None
    return exception if isinstance(exception, dict) else None


async def flat_error_envelope(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """E1: the 400 envelope without its `serviceException` level:
    `{"requestError": {"messageId": "BAD_REQUEST", "text": …}}`.
    Caught by `error_envelope_conformance`.
    """
    answer = await forward(request)
    exception = _service_exception(answer)
    if answer.status == 400 and exception is not None:
        return answer.with_json({"requestError": exception})
    return answer


async def invalid_argument_message_id(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """E3 (SHOULD): 400 envelopes say `INVALID_ARGUMENT` (a gRPC status name) instead of
    `BAD_REQUEST`. Caught by `bad_request_message_id`.
    """
    answer = await forward(request)
    exception = _service_exception(answer)
    if answer.status == 400 and exception is not None:
        exception["messageId"] = "INVALID_ARGUMENT"
        return answer.with_json({"requestError": {"serviceException": exception}})
    return answer


# --- auth (A1-A5) --------------------------------------------------------------------------------


def accepts_missing_authorization(valid: str) -> Any:
    """A1: "public" route left open by the auth filter's path matcher: no header → treated as the
    account's own credential. Caught by `ignored_auth`.
    """

    async def bug(request: CapturedRequest, forward: Forward) -> CapturedResponse:
        if request.header("authorization") is None:
            request = request.with_header("authorization", valid)
        return await forward(request)

    return bug


def accepts_any_credential(valid: str) -> Any:
    """A3: the filter checks that a well-formed credential is present, never that it is right:
    `App anything` is accepted. Caught by `ignored_auth`.
    """

    async def bug(request: CapturedRequest, forward: Forward) -> CapturedResponse:
        header = request.header("authorization")
        if header is not None:
            scheme, _, credential = header.strip().partition(" ")
            if scheme.lower() in {"basic", "app", "ibsso", "bearer"} and credential.strip():
                request = request.with_header("authorization", valid)
        return await forward(request)

    return bug


async def plain_text_unauthorized(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """E1/A1-A3: the auth filter answers before the API's error mapping: a `text/plain`
    `Unauthorized`. Caught by `unauthorized_envelope` (and `content_type_conformance`).
    """
    answer = await forward(request)
    if answer.status == 401:
        return text_response(401, "Unauthorized", "text/plain")
    return answer


async def unauthorized_as_bad_request(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """A4 (SHOULD): 401 envelopes reuse the generic `BAD_REQUEST` messageId.

    Caught by `unauthorized_message_id`.
    """
    answer = await forward(request)
    exception = _service_exception(answer)
    if answer.status == 401 and exception is not None:
        exception["messageId"] = "BAD_REQUEST"
        return answer.with_json({"requestError": {"serviceException": exception}})
    return answer


async def rejects_basic_scheme(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """A5: Basic authentication switched off (only API keys), although the account's credential is
    a Basic one: the right credential gets 401. Caught by `accepted_auth_scheme`.
    """
    header = request.header("authorization")
    if header is not None and header.strip().lower().startswith("basic "):
        return json_response(
            401,
            {
                "requestError": {
                    "serviceException": {
                        "messageId": "UNAUTHORIZED",
                        "text": "Invalid login details",
                    }
                }
            },
        )
    return await forward(request)


# --- absolute_form_request_line (H1) -----------------------------------------------------------


async def rejects_absolute_form_request_line(
    request: CapturedRequest, forward: Forward
) -> CapturedResponse:
    """H1: a router matching the request target as it arrives: `POST http://host/sms/1/text/advanced
    HTTP/1.1` (what the v1 client sends, RFC 9112 §3.2.2) gets 404, the origin form works.

    Caught by `absolute_form_request_line`. Served with uvicorn's h11 parser, which hands the
    target over unparsed.
    """
    if request.path.lower().startswith(("http://", "https://")):
        return json_response(
            404,
            {"requestError": {"serviceException": {"messageId": "NOT_FOUND", "text": "Not found"}}},
        )
    return await forward(request)
