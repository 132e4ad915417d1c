"""Reading `Retry-After` (RFC 9110 §10.2.3) and spacing request starts (`--rate-limit`)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from sms_acceptance.conformance.transport import RequestPacer, retry_after_seconds

NOW = dt.datetime(2026, 12, 6, 23, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1", 1.0),
        (" 120 ", 120.0),
        ("Sun, 06 Dec 2026 23:00:30 GMT", 30.0),
        ("Sun, 06 Dec 2026 22:59:00 GMT", 0.0),  # a moment already past: no wait
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_an_http_date(
    value: str | None, seconds: float | None
) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _starts(pacer: RequestPacer, clock: FakeClock, count: int) -> list[float]:
    async def run() -> list[float]:
        starts = []
        for _ in range(count):
            await pacer.wait_turn()
            starts.append(clock.now)
        return starts

    return asyncio.run(run())


def test_a_rate_limit_of_4_per_second_starts_a_request_every_quarter_second() -> None:
    clock = FakeClock()
    pacer = RequestPacer(4, clock=clock, sleep=clock.sleep)
    assert _starts(pacer, clock, 4) == [0.0, 0.25, 0.5, 0.75]


def test_a_retry_after_holds_every_start_until_it_ends() -> None:
    clock = FakeClock()
    pacer = RequestPacer(None, clock=clock, sleep=clock.sleep)
    pacer.pause_for(2.0)
    assert _starts(pacer, clock, 2) == [2.0, 2.0]  # no limit: both go once the pause is over
    assert pacer.pauses == 1
