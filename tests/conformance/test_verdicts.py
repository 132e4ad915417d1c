"""How tallies become verdicts: FAIL beats everything, DECLARED is never PASS, SKIP says why."""

from __future__ import annotations

from sms_acceptance.conformance.checks import VendorProfile
from sms_acceptance.conformance.reports import CheckTally, RunResults


def _verdicts(results: RunResults, level: str = "should", **profile: object) -> dict[str, str]:
    summary = results.summary(meta={}, level=level, profile=VendorProfile(**profile))  # type: ignore[arg-type]
    return {c["name"]: c["verdict"] for c in summary["checks"]}


def _failure(check: str) -> dict[str, object]:
    return {"check": check, "rule_id": "S5", "level": "MUST", "message": "m"}


def test_a_check_applied_without_failure_passes() -> None:
    results = RunResults()
    results.add(CheckTally(exercised={"bulk_id_echoed": 3}))
    assert _verdicts(results)["bulk_id_echoed"] == "PASS"


def test_one_failure_fails_the_check_and_the_run() -> None:
    results = RunResults()
    results.add(CheckTally(exercised={"bulk_id_echoed": 3}, failures=[_failure("bulk_id_echoed")]))
    summary = results.summary(meta={}, level="should", profile=VendorProfile())
    assert _verdicts(results)["bulk_id_echoed"] == "FAIL"
    assert summary["verdict"] == "FAIL"


def test_a_check_never_applied_is_skip_not_pass() -> None:
    summary = RunResults().summary(meta={}, level="should", profile=VendorProfile())
    check = next(c for c in summary["checks"] if c["name"] == "bulk_id_echoed")
    assert (check["verdict"], check["skip_reason"]) == ("SKIP", "never applicable")


def test_should_checks_are_skipped_at_level_must() -> None:
    results = RunResults()
    results.add(CheckTally(exercised={"bad_request_message_id": 2}))
    assert _verdicts(results, level="must")["bad_request_message_id"] == "SKIP"


def test_a_declared_deviation_shows_declared_not_pass() -> None:
    results = RunResults()
    results.add(CheckTally(exercised={"bulk_size_accepted": 1}))
    verdicts = _verdicts(results, max_destinations=100)
    assert verdicts["bulk_size_accepted"] == "DECLARED"


def test_a_declared_check_that_fails_anyway_is_fail() -> None:
    results = RunResults()
    results.add(
        CheckTally(exercised={"bulk_size_accepted": 1}, failures=[_failure("bulk_size_accepted")])
    )
    assert _verdicts(results, max_destinations=100)["bulk_size_accepted"] == "FAIL"


def test_failures_kept_are_capped_but_counted() -> None:
    results = RunResults()
    for _ in range(25):
        results.add(
            CheckTally(exercised={"bulk_id_echoed": 1}, failures=[_failure("bulk_id_echoed")])
        )
    summary = results.summary(meta={}, level="should", profile=VendorProfile())
    check = next(c for c in summary["checks"] if c["name"] == "bulk_id_echoed")
    assert (check["failure_count"], len(check["failures"])) == (25, 20)


def test_a_check_that_applied_but_never_could_judge_is_blocked_with_its_reason() -> None:
    results = RunResults()
    reason = "the valid request was answered 404, not 200"
    results.add(CheckTally(blocked={"bulk_id_echoed": {reason: 12}}))
    summary = results.summary(meta={}, level="should", profile=VendorProfile())
    check = next(c for c in summary["checks"] if c["name"] == "bulk_id_echoed")
    assert check["verdict"] == "BLOCKED"
    assert check["blocked_reason"] == f"never judged (12 times): {reason}"
    assert summary["counts"]["BLOCKED"] >= 1


def test_one_judgement_with_evidence_passes_a_check_that_was_also_blocked() -> None:
    results = RunResults()
    results.add(CheckTally(blocked={"bulk_id_echoed": {"no answer (reset)": 3}}))
    results.add(CheckTally(exercised={"bulk_id_echoed": 1}))
    assert _verdicts(results)["bulk_id_echoed"] == "PASS"


def test_a_failure_beats_blocked() -> None:
    results = RunResults()
    results.add(
        CheckTally(
            blocked={"bulk_id_echoed": {"answered 404, not 200": 3}},
            failures=[_failure("bulk_id_echoed")],
        )
    )
    assert _verdicts(results)["bulk_id_echoed"] == "FAIL"


def test_a_tally_travels_between_processes_whole() -> None:
    tally = CheckTally(
        exercised={"bulk_id_echoed": 1},
        blocked={"bulk_id_present_for_bulk": {"answered 500, not 200": 2}},
        answers={"valid|500 application/json": 2},
        bodies={"500 0123456789abcdef": 2},
    )
    assert CheckTally.from_json(tally.to_json()) == tally
