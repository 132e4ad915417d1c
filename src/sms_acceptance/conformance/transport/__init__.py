"""The bytes to and from the server under test: the HTTP client (`HttpExchanger` over h11),
requests written byte for byte (`send_raw`), the Authorization header, the run's `Limits`, the
parsed `BaseUrl`, request pacing, and the delivery-report receiver. No pytest, no Hypothesis;
imports nothing else of the suite (`lint-imports` checks both).

This is the part's face: the suite, the tests and the benchmarks import these names from here
(or from `sms_acceptance.conformance`); the modules behind it are private.
"""

from __future__ import annotations

from sms_acceptance.conformance.transport._auth_header import (
    AUTH_ENV_VAR,
    CONFIGURED,
    NO_AUTH,
    AuthHeader,
)
from sms_acceptance.conformance.transport._base_url import (
    BaseUrl,
    BaseUrlError,
)
from sms_acceptance.conformance.transport._dlr_receiver import (
    PushRecord,
    ReportReceiver,
)
from sms_acceptance.conformance.transport._exchange import (
    BodyKind,
    Exchange,
    FailureCategory,
    HttpExchanger,
    OutgoingRequest,
    ReceivedResponse,
    SentRequest,
    TransportFailure,
)
from sms_acceptance.conformance.transport._limits import (
    DEFAULT_LIMITS,
    Limits,
)
from sms_acceptance.conformance.transport._raw_request import send_raw
from sms_acceptance.conformance.transport._request_pacing import (
    MAX_429_RETRIES,
    MAX_RETRY_AFTER_S,
    RequestPacer,
    retry_after_seconds,
)

__all__ = [
    "AUTH_ENV_VAR",
    "CONFIGURED",
    "DEFAULT_LIMITS",
    "MAX_429_RETRIES",
    "MAX_RETRY_AFTER_S",
    "NO_AUTH",
    "AuthHeader",
    "BaseUrl",
    "BaseUrlError",
    "BodyKind",
    "Exchange",
    "FailureCategory",
    "HttpExchanger",
    "Limits",
    "OutgoingRequest",
    "PushRecord",
    "ReceivedResponse",
    "ReportReceiver",
    "RequestPacer",
    "SentRequest",
    "TransportFailure",
    "retry_after_seconds",
    "send_raw",
]
