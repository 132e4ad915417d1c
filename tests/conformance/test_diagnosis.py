"""The run-level diagnosis names the likely cause when the answers are uniform or not this API's."""

from __future__ import annotations

from sms_acceptance.conformance.checks import diagnose


def test_every_answer_a_404_in_plain_text_points_at_the_url() -> None:
    lines = diagnose({"valid|404 text/plain": 150, "rule_breaking|404 text/plain": 27}, {})
    assert lines == ["all 177 answers were 404 text/plain: check --base-url and --endpoint-path"]


def test_nearly_every_answer_a_500_points_at_the_server() -> None:
    answers = {"valid|500 application/json": 90, "bad_credential|401 application/json": 5}
    lines = diagnose(answers, {})
    assert lines[0].startswith("90 of 95 answers were 500 application/json: the server fails")


def test_the_same_200_body_for_everything_is_a_canned_mock() -> None:
    answers = {"valid|200 application/json": 100, "bad_credential|200 application/json": 5}
    lines = diagnose(answers, {"200 aaaaaaaaaaaaaaaa": 105})
    assert len(lines) == 1 and "the same 200 body" in lines[0] and "canned mock" in lines[0]


def test_html_pages_are_not_this_api() -> None:
    answers = {"valid|200 text/html": 40, "rule_breaking|400 text/html": 30}
    assert "HTML pages" in diagnose(answers, {})[0]


def test_redirects_point_at_the_scheme_and_host() -> None:
    answers = {"valid|301 (no Content-Type)": 60, "bad_credential|401 application/json": 5}
    assert "redirects" in diagnose(answers, {})[0]


def test_a_refused_credential_is_read_from_valid_requests_only() -> None:
    answers = {"valid|401 application/json": 30, "bad_credential|401 application/json": 5}
    assert "check --authorization" in diagnose(answers, {})[0]


def test_401s_to_bad_credentials_and_400s_to_broken_requests_are_no_diagnosis() -> None:
    # The auth tests alone: five 401s, one 200 (a conforming server).
    auth_only = {"bad_credential|401 application/json": 5, "valid|200 application/json": 1}
    assert diagnose(auth_only, {}) == []
    # Negative tests on a live target (no base requests): every answer a 400.
    assert diagnose({"rule_breaking|400 application/json": 100}, {}) == []


def test_a_conforming_server_gets_no_diagnosis() -> None:
    answers = {
        "valid|200 application/json": 170,
        "rule_breaking|400 application/json": 100,
        "bad_credential|401 application/json": 5,
    }
    bodies = {f"200 {n:016x}": 1 for n in range(170)} | {"400 ffffffffffffffff": 100}
    assert diagnose(answers, bodies) == []


def test_too_few_answers_make_no_diagnosis() -> None:
    assert diagnose({"valid|404 text/plain": 4}, {}) == []
