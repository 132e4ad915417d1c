"""What the suite judges: the registered checks, their registry and catalogue, the evidence of a
failure, the run-level diagnosis, a vendor's declared deviations, client compatibility. Imports
only `transport` of the suite.

This is the part's face: the suite, the tests and the benchmarks import these names from here
(or from `sms_acceptance.conformance`); the modules behind it are private.
"""

from __future__ import annotations

from sms_acceptance.conformance.checks._catalogue import (
    CHECKS,
    CHECKS_BY_NAME,
    FAMILIES,
    Check,
    Family,
    Level,
)
from sms_acceptance.conformance.checks._check_registry import (
    REGISTRY,
    VALID_REQUEST,
    BadCredentialRequest,
    Blocked,
    CheckFunction,
    Declared,
    Destination,
    Exchanged,
    Failed,
    Intent,
    Outcome,
    Passed,
    Purpose,
    RuleBreakingRequest,
    ValidRequest,
    check,
)
from sms_acceptance.conformance.checks._client_compat import (
    CLIENT_PROPERTY,
    ClientRecording,
    ClientVerdict,
    RecordedRequest,
    absolute_form_exchange,
    judge_client,
    load_recordings,
    matches_client,
    null_fields,
    replay,
    verdicts_table,
)
from sms_acceptance.conformance.checks._diagnosis import (
    MIN_ANSWERS,
    answer_signature,
    diagnose,
)
from sms_acceptance.conformance.checks._dlr_checks import (
    PULL_CHECKS,
    PUSH_CHECKS,
    PullCase,
    ReportCase,
    ReportRequest,
)
from sms_acceptance.conformance.checks._evidence import (
    CheckFailed,
    EvidenceContext,
    ExchangeEvidence,
    Failure,
    curl_command,
)
from sms_acceptance.conformance.checks._json_text import (
    EMPTY_BODY,
    body_text,
    json_text,
)
from sms_acceptance.conformance.checks._profile import (
    AcceptedStatus,
    Deviation,
    VendorProfile,
    VendorProfileError,
    load_profile,
)
from sms_acceptance.conformance.checks._verify import (
    CheckRecorder,
    Verification,
)

__all__ = [
    "CHECKS",
    "CHECKS_BY_NAME",
    "CLIENT_PROPERTY",
    "EMPTY_BODY",
    "FAMILIES",
    "MIN_ANSWERS",
    "PULL_CHECKS",
    "PUSH_CHECKS",
    "REGISTRY",
    "VALID_REQUEST",
    "AcceptedStatus",
    "BadCredentialRequest",
    "Blocked",
    "Check",
    "CheckFailed",
    "CheckFunction",
    "CheckRecorder",
    "ClientRecording",
    "ClientVerdict",
    "Declared",
    "Destination",
    "Deviation",
    "EvidenceContext",
    "ExchangeEvidence",
    "Exchanged",
    "Failed",
    "Failure",
    "Family",
    "Intent",
    "Level",
    "Outcome",
    "Passed",
    "PullCase",
    "Purpose",
    "RecordedRequest",
    "ReportCase",
    "ReportRequest",
    "RuleBreakingRequest",
    "ValidRequest",
    "VendorProfile",
    "VendorProfileError",
    "Verification",
    "absolute_form_exchange",
    "answer_signature",
    "body_text",
    "check",
    "curl_command",
    "diagnose",
    "json_text",
    "judge_client",
    "load_profile",
    "load_recordings",
    "matches_client",
    "null_fields",
    "replay",
    "verdicts_table",
]
