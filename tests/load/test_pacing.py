"""Open-model pacing: slots on a fixed schedule, late starts and dropped slots counted."""

from __future__ import annotations

import pytest

from sms_acceptance.load._pacing import LATE_AFTER_SECONDS, ArrivalSchedule


def test_slots_follow_the_arrival_rate_from_the_origin() -> None:
    schedule = ArrivalSchedule(rate_per_second=4.0, origin=100.0)
    assert [schedule.next_slot() for _ in range(5)] == [100.0, 100.25, 100.5, 100.75, 101.0]


def test_a_start_after_the_tolerance_counts_as_late() -> None:
    schedule = ArrivalSchedule(10.0, 0.0)
    schedule.mark_started(schedule.next_slot(), 0.0 + LATE_AFTER_SECONDS / 2)
    schedule.mark_started(schedule.next_slot(), 0.1 + LATE_AFTER_SECONDS * 3)
    assert (schedule.started, schedule.late) == (2, 1)


def test_slots_due_but_never_sent_are_dropped() -> None:
    schedule = ArrivalSchedule(10.0, 0.0)
    for _ in range(5):
        slot = schedule.next_slot()
        schedule.mark_started(slot, slot)
    schedule.end(0.95)  # slots 0.0 … 0.9 came due: 10
    counts = schedule.counts(now=2.0)
    assert (counts.due, counts.started, counts.dropped) == (10, 5, 5)
    assert counts.window_seconds == pytest.approx(0.95)


def test_a_slot_due_before_the_end_that_starts_while_stopping_counts_as_sent() -> None:
    schedule = ArrivalSchedule(10.0, 0.0)
    schedule.end(0.05)  # only slot 0.0 is due
    slot = schedule.next_slot()
    schedule.mark_started(slot, 0.07)
    counts = schedule.counts(now=0.5)
    assert (counts.due, counts.started, counts.dropped) == (1, 1, 0)


def test_nothing_is_due_before_the_origin() -> None:
    assert ArrivalSchedule(10.0, 5.0).due_by(4.0) == 0


@pytest.mark.parametrize("rate", [0.0, -1.0, float("inf"), float("nan")])
def test_rate_must_be_a_positive_finite_number(rate: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        ArrivalSchedule(rate, 0.0)
