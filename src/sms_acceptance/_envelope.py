"""The error envelope every non-2xx answer carries (E1): building one and reading one.

The sandbox builds envelopes with :func:`error_envelope`; the conformance checks and the load
classifier read a vendor's with :func:`parse_error_envelope`, which is strict about shape (E1) so
that "is this an envelope?" has a single answer across the kit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

BAD_REQUEST = "BAD_REQUEST"
UNAUTHORIZED = "UNAUTHORIZED"
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
GENERAL_ERROR = "GENERAL_ERROR"

#: The provider's own (messageId, text) for each status it documents (docs/provider-facts.md §3.2).
STANDARD_ERRORS: Mapping[int, tuple[str, str]] = MappingProxyType(
    {
        400: (BAD_REQUEST, "Bad request"),
        401: (UNAUTHORIZED, "Unauthorized"),
        403: ("FORBIDDEN", "Forbidden"),
        404: ("NOT_FOUND", "Not found"),
        429: (TOO_MANY_REQUESTS, "Too many requests"),
        500: (GENERAL_ERROR, "Something went wrong. Please contact support."),
        503: (GENERAL_ERROR, "Service unavailable. Please try again later."),
    }
)


@dataclass(frozen=True)
class ErrorEnvelope:
    """A parsed ``requestError.serviceException``: its ids and per-field messages."""

    message_id: str
    text: str
    validation_errors: Mapping[str, tuple[str, ...]] | None = field(default=None)


def error_envelope(
    message_id: str, text: str, validation_errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """The JSON body ``{"requestError": {"serviceException": {...}}}`` (E1).

    ``validationErrors`` is left out when there are none, as in the seed's 400 examples.
    """
    exception: dict[str, Any] = {"messageId": message_id, "text": text}
    if validation_errors:
        exception["validationErrors"] = {
            path: list(messages) for path, messages in validation_errors.items()
        }
    return {"requestError": {"serviceException": exception}}


def parse_error_envelope(body: object) -> ErrorEnvelope | None:
    """The envelope in a decoded JSON body, or None when the body is not one (E1).

    Extra properties anywhere are allowed (vendors add fields); ``validationErrors``, when present,
    must map strings to lists of strings, else the body is not a valid envelope.
    """
    if not isinstance(body, dict):
        return None
    request_error = body.get("requestError")
    if not isinstance(request_error, dict):
        return None
    exception = request_error.get("serviceException")
    if not isinstance(exception, dict):
        return None
    message_id, text = exception.get("messageId"), exception.get("text")
    if not isinstance(message_id, str) or not isinstance(text, str):
        return None
    if "validationErrors" not in exception:
        return ErrorEnvelope(message_id, text, None)
    raw_errors = exception["validationErrors"]
    if not isinstance(raw_errors, dict):
        return None
    errors: dict[str, tuple[str, ...]] = {}
    for path, messages in raw_errors.items():
        if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
            return None
        errors[path] = tuple(messages)
    return ErrorEnvelope(message_id, text, MappingProxyType(errors))
