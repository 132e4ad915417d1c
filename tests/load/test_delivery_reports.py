"""Delivery reports under load: sends and reports correlated by messageId, what buyers count
(completeness within the grace, latency to the final report, slow, duplicates, unknown ids, the
outcome mix), merged exactly across processes, gated by `dlr_` thresholds (provider-facts §11.4)."""

from __future__ import annotations

import pytest

from sms_acceptance.load import parse_threshold
from sms_acceptance.load._dlr_metrics import (
    DeliveryReportBook,
    accepted_message_ids,
    report_metrics,
)
from sms_acceptance.load._dlr_receiver import NOTIFY_PLACEHOLDER, localise, parse_push
from sms_acceptance.load._payloads import PreparedRequest

from .conftest import SECRET, RunLocust

DELIVERED = {"groupId": 3, "groupName": "DELIVERED", "id": 5, "name": "DELIVERED_TO_HANDSET"}
TO_OPERATOR = {"groupId": 3, "groupName": "DELIVERED", "id": 2, "name": "DELIVERED_TO_OPERATOR"}
UNDELIVERABLE = {"groupId": 2, "groupName": "UNDELIVERABLE", "id": 9, "name": "NOT_DELIVERED"}
PENDING = {"groupId": 1, "groupName": "PENDING", "id": 26, "name": "PENDING_ACCEPTED"}


def report(message_id: str, status: dict[str, object]) -> dict[str, object]:
    return {"messageId": message_id, "to": "41793026727", "status": status}


def test_only_destinations_accepted_pending_are_awaited() -> None:
    answer = {
        "messages": [
            {"messageId": "a", "status": PENDING},
            {"messageId": "b", "status": {"groupId": 5, "groupName": "REJECTED", "id": 6}},
            {"status": PENDING},
        ]
    }
    assert accepted_message_ids(answer) == ["a"]
    assert accepted_message_ids("not an answer") == []


def test_first_final_report_gives_latency_from_the_answer_and_its_outcome() -> None:
    book = DeliveryReportBook()
    book.expect(["a", "b"], answered_at=100.0)
    book.record_push([report("a", PENDING), report("a", DELIVERED)], arrived_at=101.5)
    book.record_push([report("b", TO_OPERATOR)], arrived_at=101.0)
    book.record_push([report("b", UNDELIVERABLE)], arrived_at=102.0)
    metrics = report_metrics(book)
    assert (metrics.accepted, metrics.final_in_time, metrics.missing) == (2, 2, 0)
    assert metrics.counters["intermediate"] == 2  # PENDING and DELIVERED_TO_OPERATOR
    assert metrics.latency_ms["min"] == 1500 and metrics.latency_ms["max"] == 2000
    assert metrics.outcomes == {"DELIVERED": 1, "UNDELIVERABLE": 1}


def test_second_final_is_a_duplicate_and_a_foreign_id_is_unknown() -> None:
    book = DeliveryReportBook()
    book.expect(["a"], answered_at=0.0)
    book.record_push([report("a", DELIVERED), report("a", DELIVERED)], arrived_at=1.0)
    book.record_push([report("zzz", DELIVERED)], arrived_at=1.0)
    book.settle(now=2.0)
    metrics = report_metrics(book)
    assert metrics.counters["duplicates"] == 1
    assert metrics.counters["unknown"] == 1
    assert metrics.value("duplicates") == 1.0


def test_report_arriving_before_its_answer_was_read_still_counts() -> None:
    book = DeliveryReportBook()
    book.record_push([report("early", DELIVERED)], arrived_at=5.0)
    book.expect(["early"], answered_at=4.0)
    assert report_metrics(book).final_in_time == 1


def test_missing_and_slow_shares_count_what_the_grace_period_left_open() -> None:
    book = DeliveryReportBook(slow_after_seconds=240)
    book.expect(["fast", "slow", "never", "late"], answered_at=0.0)
    book.record_push([report("fast", DELIVERED)], arrived_at=2.0)
    book.record_push([report("slow", DELIVERED)], arrived_at=300.0)
    book.settle(now=400.0)
    book.record_push([report("late", DELIVERED)], arrived_at=500.0)
    metrics = report_metrics(book)
    assert metrics.missing == 2 and metrics.value("missing") == 0.5
    assert metrics.counters["final_after_grace"] == 1
    # "slow" final, plus "never" and "late", still open past 4 minutes when the grace ended.
    assert metrics.slow == 3 and metrics.value("slow") == 0.75


def test_worker_deltas_merge_into_the_same_figures_as_one_book() -> None:
    whole, first, second, master = (DeliveryReportBook() for _ in range(4))
    for index in range(200):
        message_id, arrived = f"m{index}", 10.0 + index / 100
        status = UNDELIVERABLE if index % 10 == 0 else DELIVERED
        for book in (whole, first if index % 2 else second):
            book.expect([message_id], answered_at=10.0)
            book.record_push([report(message_id, status)], arrived_at=arrived)
    for book in (first, second):
        master.absorb(book.drain())
    merged, single = report_metrics(master), report_metrics(whole)
    assert merged.latency_ms == single.latency_ms
    assert merged.outcomes == single.outcomes == {"DELIVERED": 180, "UNDELIVERABLE": 20}
    assert merged.counters == single.counters


def test_push_bodies_in_json_and_xml_are_read_and_garbage_is_not() -> None:
    json_body = b'{"results":[{"messageId":"a","to":"1","status":{"groupId":3,"id":5}}]}'
    xml_body = (
        b"<reportResponse><results><result><messageId>a</messageId><to>1</to>"
        b"<status><groupId>3</groupId><id>5</id></status></result></results></reportResponse>"
    )
    assert parse_push(json_body, "application/json")[0]["messageId"] == "a"  # type: ignore[index]
    assert parse_push(xml_body, "application/xml")[0]["status"]["groupId"] == 3  # type: ignore[index]
    assert parse_push(b"hello", "text/plain") is None


def test_payloads_get_this_process_receiver_url_in_place_of_the_placeholder() -> None:
    body = f'{{"notifyUrl":"{NOTIFY_PLACEHOLDER}/dlr/x"}}'.encode()
    (localised,) = localise([PreparedRequest(body, ("1",), False)], "http://127.0.0.1:4321/")
    assert localised.body == b'{"notifyUrl":"http://127.0.0.1:4321/dlr/x"}'


@pytest.mark.parametrize(
    ("expression", "metric", "limit", "unit"),
    [
        ("dlr_p95<30s", "dlr_p95", 30_000.0, "ms"),
        ("dlr_max<4m", None, None, None),
        ("dlr_missing<1%", "dlr_missing", 0.01, "fraction"),
        ("dlr_slow<10%", "dlr_slow", 0.10, "fraction"),
        ("dlr_duplicates<=0", "dlr_duplicates", 0.0, "fraction"),
    ],
)
def test_dlr_thresholds_parse_like_the_others(
    expression: str, metric: str | None, limit: float | None, unit: str | None
) -> None:
    if metric is None:
        with pytest.raises(ValueError, match="unit"):
            parse_threshold(expression)
        return
    threshold = parse_threshold(expression)
    assert (threshold.metric, threshold.limit, threshold.unit) == (metric, limit, unit)


@pytest.mark.slow
def test_lost_reports_fail_dlr_missing_with_exit_3_and_the_mix_shows_undeliverable(
    run_locust: RunLocust,
) -> None:
    run = run_locust(
        "NotifyTracking", "-u", "2", "-r", "2", "-t", "4s", "--dlr-grace", "3s",
        "--sandbox-args", "--report-share undeliverable=0.1 --report-fault lost=0.05 "
        "--report-seed 7",
        "--threshold", "dlr_missing<1%", "--threshold", "dlr_p95<30s",
    )  # fmt: skip
    assert run.returncode == 3, run.stderr[-2000:]
    section = run.summary["delivery_reports"]
    assert section["measured"] and section["accepted"] > 100
    assert 0.02 < section["missing_share"] < 0.09
    assert 0.05 < section["outcome_shares"]["UNDELIVERABLE"] < 0.15
    assert section["duplicates"] == 0
    verdicts = {t["metric"]: t["holds"] for t in run.summary["thresholds"]}
    assert verdicts == {"dlr_missing": False, "dlr_p95": True}
    html = (run.report_dir / "report.html").read_text("utf-8")
    assert 'id="report-latency-over-time"' in html and "UNDELIVERABLE" in html
    assert SECRET.split(" ", 1)[1] not in run.written_text()


@pytest.mark.slow
def test_bad_sandbox_args_are_refused_with_one_line_and_exit_2(run_locust: RunLocust) -> None:
    run = run_locust("-t", "1s", "--sandbox-args", "--report-share sideways=0.5")
    assert run.returncode == 2
    assert "--sandbox-args" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.slow
def test_notify_url_option_sends_reports_through_the_given_address(
    run_locust: RunLocust, free_port: int
) -> None:
    # What a tunnel does for a remote gateway: the URL given leads to where the receiver listens.
    run = run_locust(
        "NotifyTracking", "-u", "2", "-r", "2", "-t", "3s", "--dlr-grace", "5s",
        "--dlr-receiver-listen", f"127.0.0.1:{free_port}",
        "--dlr-notify-url", f"http://127.0.0.1:{free_port}/tunnel",
        "--threshold", "dlr_missing<=0%",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    section = run.summary["delivery_reports"]
    assert section["measured"] and section["accepted"] > 0 and section["missing"] == 0
