"""Open-model pacing: a constant arrival rate, independent of how fast the server answers.

In Locust's usual closed model each user sends its next request when the previous one returns, so a
slow server slows the load down and its slowness is hidden (coordinated omission). With
`--arrival-rate R` requests are instead due on a fixed schedule, `origin + n / R`, shared by every
user of a process (each takes the next slot when it is free, as k6's constant-arrival-rate executor
does), from the moment every user has been started (`-u` / `-r` seconds after the test starts:
slots never wait on users that do not exist yet). A request's latency is measured from its slot,
its *intended* start, as wrk2 does; a slot taken after its time is *late*; a slot that came due
before the run ended (when Locust began stopping it) but was never sent (every user was busy) is
*dropped*. In a distributed run the master splits R evenly across its workers and
gives them one common origin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LATE_AFTER_SECONDS = 0.010
"""A request starting more than 10 ms after its slot counts as late (timer jitter stays below)."""


@dataclass(frozen=True)
class ScheduleCounts:
    """What a schedule did: slots due by the end, requests started, late starts, dropped slots."""

    rate_per_second: float
    window_seconds: float
    due: int
    started: int
    late: int

    @property
    def dropped(self) -> int:
        """Slots that came due during the run and were never sent."""
        return max(0, self.due - self.started)


class ArrivalSchedule:
    """Slots at `origin + n / rate` (perf_counter seconds), handed out in order, O(1) each."""

    def __init__(self, rate_per_second: float, origin: float) -> None:
        if not math.isfinite(rate_per_second) or rate_per_second <= 0:
            raise ValueError(f"arrival rate must be a positive number, got {rate_per_second}")
        self.rate_per_second = rate_per_second
        self.origin = origin
        self._interval = 1.0 / rate_per_second
        self.issued = 0
        self.started = 0
        self.late = 0
        self.ended_at: float | None = None

    def end(self, moment: float) -> None:
        """The schedule ends at `moment` (when Locust begins stopping the run); later calls keep
        the first end. Requests already past their slot may still start while users are being
        stopped, and count as sent; slots after the end are never due."""
        if self.ended_at is None:
            self.ended_at = moment

    def next_slot(self) -> float:
        """The intended start of the next request (may lie in the past: the user is behind)."""
        slot = self.origin + self.issued * self._interval
        self.issued += 1
        return slot

    def mark_started(self, slot: float, started_at: float) -> None:
        """A request for `slot` actually started at `started_at`."""
        self.started += 1
        if started_at - slot > LATE_AFTER_SECONDS:
            self.late += 1

    def due_by(self, moment: float) -> int:
        """How many slots fell at or before `moment`."""
        if moment < self.origin:
            return 0
        return math.floor((moment - self.origin) * self.rate_per_second) + 1

    def counts(self, now: float) -> ScheduleCounts:
        """The schedule's tally so far: up to its end if it ended, else up to `now`."""
        until = now if self.ended_at is None else self.ended_at
        return ScheduleCounts(
            rate_per_second=self.rate_per_second,
            window_seconds=max(0.0, until - self.origin),
            due=self.due_by(until),
            started=self.started,
            late=self.late,
        )
