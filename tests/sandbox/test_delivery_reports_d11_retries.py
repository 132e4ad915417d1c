"""D11: a receiver answering 5xx (or not at all) gets the same report again on the provider's
schedule, 1 min + n² min before retry n, here scaled by 0.001 (120 ms, 300 ms, …); D1: never
again after a 2xx."""

from __future__ import annotations

import itertools
import time

from sms_acceptance.sandbox._report_push import retry_delay_minutes

from ._delivery_reports import sandbox_with_reports, send, stats, wait_for_stat
from ._report_receiver import report_receiver

SCALE = 0.001


def test_D11_the_provider_schedule_is_one_minute_plus_n_squared() -> None:
    assert [retry_delay_minutes(n) for n in range(1, 6)] == [2, 5, 10, 17, 26]


def test_D11_after_500_the_same_report_comes_again_on_the_scaled_schedule_never_after_200() -> None:
    with report_receiver() as receiver, sandbox_with_reports(time_scale=SCALE) as sandbox:
        receiver.answers = [500, 503]  # then 200
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        pushes = receiver.wait_for(3, timeout=15)
        time.sleep(1.5)  # retry 3 would come 600 ms after the third attempt
        assert len(receiver.pushes) == 3
    assert pushes[0].body == pushes[1].body == pushes[2].body
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(pushes)]
    assert gaps[0] >= retry_delay_minutes(1) * 60 * SCALE - 0.005
    assert gaps[1] >= retry_delay_minutes(2) * 60 * SCALE - 0.005
    assert gaps[0] < gaps[1]


def test_D11_a_receiver_that_does_not_answer_gets_the_report_again() -> None:
    with (
        report_receiver() as receiver,
        sandbox_with_reports(time_scale=SCALE, push_timeout_seconds=0.2) as sandbox,
    ):
        receiver.answers = [500]
        # A port nobody listens on: the connection is refused, which is no answer.
        closed = receiver.base_url.rsplit(":", 1)[0] + ":9"
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": closed})
        wait_for_stat(sandbox, "retries_scheduled", 2)
        assert stats(sandbox)["reports_accepted"] == 0


def test_D11_a_report_is_dropped_after_the_last_retry_and_counted() -> None:
    with (
        report_receiver() as receiver,
        sandbox_with_reports(time_scale=SCALE, max_retries=2) as sandbox,
    ):
        receiver.default_status = 500
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        wait_for_stat(sandbox, "reports_dropped_after_retries", 1)
        time.sleep(0.8)
        assert len(receiver.pushes) == 3  # the first attempt and two retries
        counters = stats(sandbox)
    assert counters["retries_scheduled"] == 2
    assert counters["waiting_for_retry"] == 0


def test_D11_a_4xx_is_not_retried_OPEN() -> None:
    with report_receiver() as receiver, sandbox_with_reports(time_scale=SCALE) as sandbox:
        receiver.answers = [404]
        send(sandbox, {"destinations": [{"to": "41793026727"}], "notifyUrl": receiver.base_url})
        wait_for_stat(sandbox, "reports_refused_by_receiver", 1)
        time.sleep(0.4)
        assert len(receiver.pushes) == 1
