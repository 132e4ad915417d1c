"""Failure classification (E1, S1/S2): envelope messageId, non-envelope bodies, transport errors,
counts that add up across workers, and one redacted example of each."""

from __future__ import annotations

import json

import gevent
import pytest

from sms_acceptance import error_envelope
from sms_acceptance.load import LoadOptions, LoadRun, PreparedRequest
from sms_acceptance.load._outcomes import (
    FailureKey,
    OutcomeBook,
    classify_error_status,
    transport_label,
)

SECRET = "App k3y-for-outcomes"
VALID = PreparedRequest(b'{"messages":[]}', ("41793026727",), expect_rejection=False)
INVALID = PreparedRequest(b"{}", (), expect_rejection=True, rule_ids=("R2",))


def envelope(message_id: str) -> bytes:
    return json.dumps(error_envelope(message_id, "text")).encode()


def a_run() -> LoadRun:
    run = LoadRun(LoadOptions.from_parsed(object()), SECRET)
    run.target_url = "http://127.0.0.1:9"
    return run


def test_E1_error_status_with_envelope_is_named_by_status_and_message_id() -> None:
    key = classify_error_status(503, envelope("SERVICE_UNAVAILABLE"), "application/json")
    assert key == FailureKey("http", 503, "SERVICE_UNAVAILABLE")
    assert key.describe() == "503 SERVICE_UNAVAILABLE"


def test_E1_error_status_with_html_body_is_a_non_envelope_failure() -> None:
    key = classify_error_status(502, b"<html>Bad Gateway</html>", "text/html; charset=utf-8")
    assert key.describe() == "502 non-envelope body (text/html)"


def test_E1_envelope_served_as_text_plain_is_not_accepted_as_the_envelope() -> None:
    key = classify_error_status(429, envelope("TOO_MANY_REQUESTS"), "text/plain")
    assert key.kind == "non_envelope"


@pytest.mark.parametrize(
    ("error", "label"),
    [
        (TimeoutError("read"), "timeout"),
        (gevent.Timeout(1), "timeout"),
        (ConnectionRefusedError(), "refused"),
        (ConnectionResetError(), "reset"),
        (BrokenPipeError(), "reset"),
        (OSError("weird"), "OSError"),
    ],
)
def test_transport_errors_are_named_timeout_refused_reset(error: BaseException, label: str) -> None:
    assert transport_label(error) == label


def test_expected_400_envelope_for_an_invalid_request_is_not_a_failure() -> None:
    run = a_run()
    assert (
        run.judge("invalid", INVALID, 400, envelope("BAD_REQUEST"), "application/json", None)
        is None
    )
    assert (run.outcomes.failures, run.outcomes.expected_rejections) == (0, 1)


def test_invalid_request_answered_200_is_a_failure_citing_its_rule() -> None:
    run = a_run()
    key = run.judge("invalid", INVALID, 200, b"{}", "application/json", None)
    assert key is not None and key.describe() == "200 for a deliberately invalid request (R2)"


def test_S2_schema_invalid_200_is_a_failure_with_the_reference_validators_account() -> None:
    run = a_run()
    key = run.judge("single", VALID, 200, b'{"messages": "none"}', "application/json", None)
    assert key == FailureKey("schema_invalid", 200, "response schema")
    assert run.outcomes.schema_invalid == 1
    assert run.outcomes.first_schema_violations


def test_S1_200_without_json_content_type_is_schema_invalid() -> None:
    run = a_run()
    key = run.judge("single", VALID, 200, b"{}", "text/html", None)
    assert key == FailureKey("schema_invalid", 200, "content-type text/html")


def test_first_example_is_kept_redacted_with_a_reproduction_command() -> None:
    run = a_run()
    leaky = json.dumps(error_envelope("GENERAL_ERROR", f"bad key {SECRET}")).encode()
    run.judge("single", VALID, 500, leaky, "application/json", None)
    run.judge("single", VALID, 500, envelope("GENERAL_ERROR"), "application/json", None)
    (row,) = run.outcomes.breakdown()
    assert row["failure"] == "500 GENERAL_ERROR" and row["count"] == 2
    example = row["first_example"]
    assert SECRET not in json.dumps(example)
    assert "k3y-for-outcomes" not in json.dumps(example)
    assert example["reproduce"].startswith("curl ")
    # Rerunnable as printed: the shell reads the credential from the kit's variable.
    assert '-H "Authorization: $SMS_ACCEPTANCE_AUTHORIZATION"' in example["reproduce"]


def test_validate_fraction_samples_exactly_that_share_of_200s() -> None:
    run = LoadRun(LoadOptions.from_parsed(type("P", (), {"validate_fraction": 0.25})()), SECRET)
    for _ in range(100):
        run.judge("single", VALID, 200, b"not even json", "application/json", None)
    assert run.outcomes.validated == 25
    assert run.outcomes.failures == 25


def test_worker_books_add_up_on_the_master() -> None:
    first, second, master = OutcomeBook(), OutcomeBook(), OutcomeBook()
    key = FailureKey("http", 503, "SERVICE_UNAVAILABLE")
    for book, failures in ((first, 3), (second, 4)):
        for _ in range(failures):
            book.record_failure(key, None)
        for _ in range(10):
            book.record_success(validated=True)
        master.absorb(book.drain())
    assert (master.requests, master.failures, master.validated) == (27, 7, 20)
    assert master.counts[key] == 7
    assert master.error_rate == pytest.approx(7 / 27)
