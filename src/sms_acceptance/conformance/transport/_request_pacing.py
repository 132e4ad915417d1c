"""When the suite may start its next request: `--rate-limit` and a server's `Retry-After` on 429.

Concurrency (`--concurrency`) bounds how many requests are in flight; this bounds how often one
starts. Both apply to the sequential path and the concurrent one alike, through `HttpExchanger`.

A `429 Too Many Requests` with a `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3) pauses
every start until that moment and the same request is sent again, at most `MAX_429_RETRIES` times
and only for a wait of at most `MAX_RETRY_AFTER_S`: beyond those the 429 is the answer the checks
judge. Resending is safe even to a live gateway: a 429 says the request was not acted on (RFC 6585
§4), unlike a connection dropped mid-answer, which is never resent there.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import time
from collections.abc import Awaitable, Callable

__all__ = ["MAX_429_RETRIES", "MAX_RETRY_AFTER_S", "RequestPacer", "retry_after_seconds"]

MAX_429_RETRIES = 3
MAX_RETRY_AFTER_S = 30.0


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """The wait a `Retry-After` value asks for, in seconds (0 for a past date); None when it is
    absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    current = dt.datetime.now(dt.UTC) if now is None else now
    return max(0.0, (moment - current).total_seconds())


class RequestPacer:
    """Spaces request starts (`rate_limit` per second, None for no limit) and holds every start
    while a server's `Retry-After` runs. One per exchanger; used from its event loop only."""

    def __init__(
        self,
        rate_limit: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate_limit is not None and rate_limit <= 0:
            raise ValueError(f"rate limit must be positive, got {rate_limit!r}")
        self.rate_limit = rate_limit
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self._paused_until = 0.0
        self.pauses = 0  # how often a 429's Retry-After paused the run

    async def wait_turn(self) -> None:
        """Return when a request may start, having reserved that start."""
        while True:
            now = self._clock()
            start = max(now, self._next_start, self._paused_until)
            if start <= now:
                break
            # Another waiter may take the slot first, or a 429 may pause: look again after.
            await self._sleep(start - now)
        if self.rate_limit is not None:
            self._next_start = now + 1.0 / self.rate_limit

    def pause_for(self, seconds: float) -> None:
        """A server asked for `seconds` of quiet (`Retry-After`): no request starts before."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._clock() + seconds)
