"""The conformance suite behind `pytest conformance`, in four parts by job (each with its own face):

- `transport`: the bytes to and from the server under test (HTTP client, Authorization header,
  limits, the parsed base URL, pacing, the delivery-report receiver);
- `checks`: the registered checks and what they judge with (catalogue, evidence, diagnosis,
  vendor profile, client compatibility);
- `reports`: one verdict per check, `summary.json`, `report.html`, `junit.xml`;
- `plugin`: the pytest plugin, its options and the `sms` fixture, which drive the other three.

Test files in `conformance/` import what they need from here (or from a part's face); the modules
behind the faces are private. The check names (`CHECKS`) and the `summary.json` layout are
documented in `docs/conformance.md`; the layering is in `docs/architecture.md`.
"""

from __future__ import annotations

from sms_acceptance.conformance.checks import (
    CHECKS,
    CHECKS_BY_NAME,
    Check,
    CheckFailed,
    Failure,
    VendorProfile,
    VendorProfileError,
    load_profile,
)
from sms_acceptance.conformance.plugin import (
    SEED_SMS_COUNTS,
    ConformanceClient,
    addressed_request,
    destinations_for,
    examples,
    few_destinations,
    plain_request,
    register_profiles,
    scheme_of,
    seed_request_for,
    text_request,
    texts_request,
)
from sms_acceptance.conformance.transport import (
    CONFIGURED,
    NO_AUTH,
    AuthHeader,
    BodyKind,
    FailureCategory,
    HttpExchanger,
    ReceivedResponse,
    TransportFailure,
)
from sms_acceptance.generation import (
    MUTATIONS,
    TEXT_FAMILIES,
    Mutation,
    RequestCase,
    SmsText,
    boundary_texts,
    concatenated_text_requests,
    encode_json,
    generation_now,
    longest_text_requests,
    longest_value_requests,
    optional_field_requests,
    seed_request,
    sms_texts,
    valid_requests,
)

__all__ = [
    "CHECKS",
    "CHECKS_BY_NAME",
    "CONFIGURED",
    "MUTATIONS",
    "NO_AUTH",
    "SEED_SMS_COUNTS",
    "TEXT_FAMILIES",
    "AuthHeader",
    "BodyKind",
    "Check",
    "CheckFailed",
    "ConformanceClient",
    "Failure",
    "FailureCategory",
    "HttpExchanger",
    "Mutation",
    "ReceivedResponse",
    "RequestCase",
    "SmsText",
    "TransportFailure",
    "VendorProfile",
    "VendorProfileError",
    "addressed_request",
    "boundary_texts",
    "concatenated_text_requests",
    "destinations_for",
    "encode_json",
    "examples",
    "few_destinations",
    "generation_now",
    "load_profile",
    "longest_text_requests",
    "longest_value_requests",
    "optional_field_requests",
    "plain_request",
    "register_profiles",
    "scheme_of",
    "seed_request",
    "seed_request_for",
    "sms_texts",
    "text_request",
    "texts_request",
    "valid_requests",
]
