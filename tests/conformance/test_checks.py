"""Each check, applied to one exchange, says PASS only on evidence and spells values as JSON.

The checks of `_checks.py` run here on hand-made exchanges (no server): what the answer holds is
in the test, and so is what each check must conclude from it.
"""

from __future__ import annotations

import json
from typing import Any

from sms_acceptance import Redactor
from sms_acceptance.conformance.checks import (
    CHECKS,
    CHECKS_BY_NAME,
    BadCredentialRequest,
    CheckRecorder,
    EvidenceContext,
    Exchanged,
    Intent,
    ValidRequest,
    Verification,
)
from sms_acceptance.conformance.transport import (
    CONFIGURED,
    NO_AUTH,
    AuthHeader,
    Exchange,
    ReceivedResponse,
    SentRequest,
)

_TWO = {
    "messages": [{"destinations": [{"to": "41793026727"}, {"to": "41793026834"}], "text": "Hi"}]
}


def _exchange(body: bytes, status: int, auth: AuthHeader, content_type: str) -> Exchange:
    request = SentRequest("POST", "http://127.0.0.1:9/sms/1/text/advanced", (), b"{}", auth)
    headers = (("content-type", content_type),)
    return Exchange(request, ReceivedResponse(status, headers, body, 0.01))


def _verify(
    intent: Intent,
    answer: Any,
    status: int = 200,
    *,
    auth: AuthHeader = CONFIGURED,
    content_type: str = "application/json",
) -> tuple[CheckRecorder, list[str]]:
    body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
    recorder = CheckRecorder(level="should")
    evidence = EvidenceContext(Redactor(None), None, "pytest")
    exchanged = Exchanged(_exchange(body, status, auth, content_type), intent)
    failures = Verification(exchanged, recorder=recorder, evidence=evidence).run()
    return recorder, [f"{f.check}: {f.message}" for f in failures]


def test_every_check_is_a_registered_function_with_a_docstring_and_a_rule_id() -> None:
    for check in CHECKS:
        assert check.function is not None and check.function.__doc__, check.name
        assert check.description and check.rule_ids, check.name


def test_an_empty_answer_shows_no_unique_ids_so_S6_is_blocked_not_passed() -> None:
    recorder, _ = _verify(ValidRequest(_TWO), {"messages": []})
    assert recorder.exercised["generated_message_ids_unique"] == 0
    assert recorder.blocked["generated_message_ids_unique"]


def test_two_distinct_ids_are_evidence_for_S6() -> None:
    entries = [{"to": "41793026727", "messageId": "a"}, {"to": "41793026834", "messageId": "b"}]
    recorder, _ = _verify(ValidRequest(_TWO), {"bulkId": "x", "messages": entries})
    assert recorder.exercised["generated_message_ids_unique"] == 1


def test_a_404_is_no_evidence_that_the_credential_is_accepted() -> None:
    recorder, failures = _verify(
        ValidRequest(_TWO), b"404 page not found", 404, content_type="text/plain"
    )
    assert recorder.exercised["accepted_auth_scheme"] == 0
    assert "answered 404" in next(iter(recorder.blocked["accepted_auth_scheme"]))
    assert any(f.startswith("positive_data_acceptance: ") for f in failures)


def test_a_404_to_no_credential_fails_A1_without_calling_it_accepted() -> None:
    intent = BadCredentialRequest("A1", "no Authorization header")
    _, failures = _verify(intent, b"nope", 404, auth=NO_AUTH, content_type="text/plain")
    ignored = [f for f in failures if f.startswith("ignored_auth: ")]
    assert ignored == [
        "ignored_auth: a request with no Authorization header was answered 404, which says "
        "nothing about the credential; expected 401 (A1)"
    ]


def test_S7_tells_a_missing_bulk_id_from_one_of_the_wrong_type() -> None:
    entries = [{"to": "41793026727", "messageId": "a"}, {"to": "41793026834", "messageId": "b"}]
    _, failures = _verify(ValidRequest(_TWO), {"bulkId": True, "messages": entries})
    wrong_type = "bulkId is true, not a string, although the request has 2 destinations"
    assert f"bulk_id_present_for_bulk: {wrong_type}" in failures
    _, failures = _verify(ValidRequest(_TWO), {"messages": entries})
    assert "bulk_id_present_for_bulk: no bulkId although the request has 2 destinations" in failures


def test_messages_spell_values_as_json() -> None:
    document = {**_TWO, "bulkId": "mine"}
    entries = [{"to": None, "messageId": "a"}, {"to": "41793026834", "messageId": "a"}]
    _, failures = _verify(ValidRequest(document), {"bulkId": None, "messages": entries})
    text = " ".join(failures)
    assert 'client bulkId "mine" answered as null' in text
    assert '[null, "41793026834"]' in text
    assert "None" not in text, text


def test_an_empty_body_says_so() -> None:
    _, failures = _verify(ValidRequest(_TWO), b"", 200, content_type="application/json")
    assert any("(empty body)" in f for f in failures)


def test_no_content_type_is_said_in_words() -> None:
    recorder = CheckRecorder(level="should")
    request = SentRequest("POST", "http://127.0.0.1:9/x", (), b"{}", CONFIGURED)
    exchange = Exchange(request, ReceivedResponse(200, (), b"{}", 0.01))
    exchanged = Exchanged(exchange, ValidRequest(_TWO))
    evidence = EvidenceContext(Redactor(None), None, "pytest")
    failures = Verification(exchanged, recorder=recorder, evidence=evidence).run()
    assert any("no Content-Type header" in f.message for f in failures)
    assert CHECKS_BY_NAME["content_type_conformance"].rule_ids == ("S1", "E1")
