"""The conformance suite behind `pytest conformance` (plugin, checks, strategies, reports).

Test files in `conformance/` import what they need from here; everything else is private. The
check names (`CHECKS`) and the `summary.json` layout are documented in `docs/conformance.md`.
"""

from __future__ import annotations

from sms_acceptance.conformance.checks._catalogue import CHECKS, CHECKS_BY_NAME, Check
from sms_acceptance.conformance.checks._evidence import CheckFailed, Failure
from sms_acceptance.conformance.checks._profile import (
    VendorProfile,
    VendorProfileError,
    load_profile,
)
from sms_acceptance.conformance.plugin._hypothesis_profiles import examples, register_profiles
from sms_acceptance.conformance.plugin._requests import (
    SEED_SMS_COUNTS,
    addressed_request,
    destinations_for,
    few_destinations,
    plain_request,
    scheme_of,
    seed_request_for,
    text_request,
    texts_request,
)
from sms_acceptance.conformance.plugin._sms_fixture import ConformanceClient
from sms_acceptance.conformance.transport._auth_header import CONFIGURED, NO_AUTH, AuthHeader
from sms_acceptance.conformance.transport._exchange import (
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
