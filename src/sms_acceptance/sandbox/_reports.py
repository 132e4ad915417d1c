"""The sandbox's delivery-report lifecycle: every accepted destination reaches a final status.

The send path only records what it accepted (`on_accepted`: a few microseconds a destination, no
awaiting, no I/O); one background task of the event loop does the rest: at each message's due
time it sets the final status, makes the report pullable once (D13) and queues it for its
`notifyUrl` (D1, D2); it sends batches whose wait is over and resends those whose retry time came
(D11). Due times live in one heap, or, with a fixed delay, in two first-in first-out lanes
(due in acceptance order), so a million scheduled reports cost a million small entries and no
timers. The task starts with the first accepted message (the sandbox runs without ASGI lifespan
events) and ends with the event loop.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import random
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

from sms_acceptance._provider_time import format_provider_time

from ._report_config import ReportConfig
from ._report_outcomes import (
    DELIVERED,
    EXPIRED,
    DelaySampler,
    ReportOutcome,
    outcome_for_destination,
    outcome_from_shares,
)
from ._report_push import PushBatch, Pusher, PushPolicy
from ._report_store import MessageFacts, ReportFlags, ReportStore, TrackedMessage

__all__ = ["ReportLifecycle"]

_log = logging.getLogger("sms_acceptance.sandbox.reports")

# The worker's longest sleep while something is due or queued: the granularity of due times.
_TICK_SECONDS = 0.01
# Its shortest: under load something falls due every fraction of a millisecond, and waking for
# each (a timer, a task step, a pass over the queues) cost more than the reports themselves;
# a report is at most this late, and everything due by then is handled in one pass.
_COALESCE_SECONDS = 0.005
# provider-facts §6: validityPeriod is in minutes, at most 48 hours.
_MAX_VALIDITY_MINUTES = 2880

_FINAL, _INTERMEDIATE, _RETRY = 0, 1, 2


class ReportLifecycle:
    """Tracks accepted destinations to their final report; one per sandbox."""

    def __init__(self, config: ReportConfig) -> None:
        self.config = config
        self.store = ReportStore(config.max_reports, config.retention_seconds)
        self.policy = PushPolicy(tuple(config.allowed_push_hosts))
        self.pusher = Pusher(config, self._schedule_retry)
        self._random = random.Random(config.seed)
        self._delays = DelaySampler(
            config.delay_distribution, config.delay_ms, config.delay_sigma, config.delay_cap_factor
        )
        self._faults = config.faults if config.faults.enabled else None
        self._shares = config.undeliverable + config.expired + config.rejected > 0
        self._fixed_delay = (
            config.delay_ms / 1000.0 if config.delay_distribution == "fixed" else None
        )
        self._price = {"pricePerMessage": config.price_per_message, "currency": config.currency}
        self._seq = itertools.count()
        self._heap: list[tuple[float, int, int, Any]] = []
        self._final_lane: deque[tuple[float, int, int, Any]] = deque()
        self._intermediate_lane: deque[tuple[float, int, int, Any]] = deque()
        # The outcome every destination gets when nothing is drawn or looked up (the default).
        self._same_outcome = (
            DELIVERED if config.mode != "by-destination" and not self._shares else None
        )
        self._worker: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._idle = False
        self._clock = _ProviderClock()
        self._done_text = ""
        self.tracked = 0
        self.finals = 0
        self.lost = 0

    # The send path ---------------------------------------------------------------------------

    def on_accepted(
        self,
        document: dict[str, Any],
        answer: dict[str, Any],
        *,
        now: float | None = None,
        wall: float | None = None,
    ) -> None:
        """Track every destination the send answer accepted (status group PENDING); `now` and
        `wall` are the acceptance's clock readings when it happened elsewhere (the report
        worker process), else read here."""
        entries = answer["messages"]
        bulk_id = answer.get("bulkId")
        if now is None:
            now = time.monotonic()
        if wall is None:
            wall = time.time()
        sent_text = self._clock.text(wall)  # one string for every destination of the request
        index = 0
        for message in document["messages"]:
            first = index
            index += len(message["destinations"])
            accepted = [e for e in entries[first:index] if e["status"]["groupId"] == 1]
            if accepted:  # rejected at submission: no report (D1 covers accepted ones)
                self._track(message, accepted, bulk_id, now, wall, sent_text)
        self._ensure_worker()

    def _track(
        self,
        message: dict[str, Any],
        accepted: list[dict[str, Any]],
        bulk_id: str | None,
        now: float,
        wall: float,
        sent_text: str,
    ) -> None:
        notify_url = message.get("notifyUrl")
        if not (isinstance(notify_url, str) and notify_url):
            notify_url = None
        elif not self.policy.allows(notify_url):
            self.pusher.counters.reports_refused_by_policy += len(accepted)
            notify_url = None
        callback_data = message.get("callbackData")
        sender = message.get("from")
        text = message.get("text")
        facts = MessageFacts(
            bulk_id,
            sender if isinstance(sender, str) else None,
            text if isinstance(text, str) else "",
            callback_data if isinstance(callback_data, str) else None,
            notify_url,
            _wants_xml(message.get("notifyContentType")),
            wall,
            sent_text,
            self._price,
        )
        validity = message.get("validityPeriod")
        limit = None
        if isinstance(validity, int) and not isinstance(validity, bool) and validity > 0:
            limit = min(validity, _MAX_VALIDITY_MINUTES) * 60.0 * self.config.time_scale
        intermediate = notify_url is not None and message.get("intermediateReport") is True
        self.tracked += len(accepted)
        if self._fixed_delay is not None and self._faults is None:
            # The common case, kept lean: every destination is due at the same moment, so one
            # entry holds them all, and only the outcome can differ between them.
            delay = self._fixed_delay
            if limit is not None and delay > limit:
                # Still pending when the validity ran out; due earlier than its neighbours.
                group = [TrackedMessage(e["messageId"], e["to"], e["smsCount"], facts, EXPIRED)
                         for e in accepted]  # fmt: skip
                self.store.track_all(group)
                self._schedule(now, limit, group, intermediate, in_order=False)
                return
            same = self._same_outcome
            if same is not None:
                group = [TrackedMessage(e["messageId"], e["to"], e["smsCount"], facts, same)
                         for e in accepted]  # fmt: skip
            else:
                outcome_of = self._outcome_of
                group = [
                    TrackedMessage(
                        e["messageId"], e["to"], e["smsCount"], facts, outcome_of(e["to"])
                    )
                    for e in accepted
                ]
            self.store.track_all(group)
            self._schedule(now, delay, group, intermediate, in_order=True)
            return
        # Destinations due at the same moment share one entry.
        due: dict[float, list[TrackedMessage]] = {}
        for entry in accepted:
            to = entry["to"]
            outcome, delay, flags = self._plan(to, limit)
            tracked = TrackedMessage(
                entry["messageId"], to, entry["smsCount"], facts, outcome, flags
            )
            due.setdefault(delay, []).append(tracked)
        for group in due.values():
            self.store.track_all(group)
        for delay, group in due.items():
            self._schedule(now, delay, group, intermediate, in_order=False)

    def _schedule(
        self,
        now: float,
        delay: float,
        group: list[TrackedMessage],
        intermediate: bool,
        *,
        in_order: bool,
    ) -> None:
        """Schedule a group's final status (and its intermediate report half-way, D10).

        With a fixed delay, groups fall due in the order they were accepted: those go to two
        first-in first-out lanes, appended and taken at the front in constant time; anything
        else (drawn delays, a validity that ran out, faults) goes to the heap. The worker takes
        the earliest entry of the three: the same order one heap of everything would give."""
        seq = next(self._seq)
        final = (now + delay, seq, _FINAL, group)
        halfway = (now + delay / 2, seq, _INTERMEDIATE, group)
        if in_order:
            self._final_lane.append(final)
            if intermediate:
                self._intermediate_lane.append(halfway)
        else:
            heapq.heappush(self._heap, final)
            if intermediate:
                heapq.heappush(self._heap, halfway)

    def _outcome_of(self, to: str) -> ReportOutcome:
        """A destination's final status as the mode and shares say (draws only for shares)."""
        if self.config.mode == "by-destination":
            return outcome_for_destination(to)
        if self._shares:
            return outcome_from_shares(self.config, self._random.random())
        return DELIVERED

    def _plan(self, to: str, limit: float | None) -> tuple[ReportOutcome, float, int]:
        """One destination's final status, delay and report faults (draws only what is
        configured, in arrival order, so a seed fixes the whole sequence)."""
        config = self.config
        outcome = self._outcome_of(to)
        delay = self._fixed_delay
        if delay is None:
            delay = self._delays.delay(self._random.random())
        if limit is not None and delay > limit:
            outcome, delay = EXPIRED, limit  # still pending when the validity ran out
        flags = 0
        if self._faults is not None:
            flags = self._fault_flags()
            if flags & _LATE:
                delay += config.faults.late_seconds
                flags &= ~_LATE
        return outcome, delay, flags

    def _fault_flags(self) -> int:
        faults = self.config.faults
        draw = self._random.random
        flags = 0
        for fraction, flag in (
            (faults.lost, ReportFlags.LOST),
            (faults.duplicated, ReportFlags.DUPLICATED),
            (faults.late, _LATE),
            (faults.wrong_message_id, ReportFlags.WRONG_MESSAGE_ID),
            (faults.without_callback_data, ReportFlags.WITHOUT_CALLBACK_DATA),
            (faults.colon_offset, ReportFlags.COLON_OFFSET),
        ):
            if draw() < fraction:
                flags |= flag
        return flags

    def _schedule_retry(self, delay: float, batch: PushBatch) -> None:
        heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), _RETRY, batch))
        self._poke()

    # The background task ---------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        if self._worker is None or self._worker.done():
            self._wake = asyncio.Event()
            self._worker = asyncio.get_running_loop().create_task(self._run())
        else:
            self._poke()

    def _poke(self) -> None:
        if self._idle and self._wake is not None:
            self._wake.set()

    async def _run(self) -> None:
        assert self._wake is not None
        wake = self._wake
        pusher = self.pusher
        try:
            while True:
                now = time.monotonic()
                entry = self._take_due(now)
                if entry is not None:
                    wall = time.time()  # one doneAt for every message finalised in this tick
                    self._done_text = self._clock.text(wall)
                while entry is not None:
                    _, _, kind, item = entry
                    if kind == _FINAL:
                        self._finalise(item, now)
                    elif kind == _INTERMEDIATE:
                        pending = [m for m in item if not m.forgotten and m.outcome is None]
                        pusher.enqueue(pending, now, intermediate=True)
                    else:
                        pusher.resend(item)
                    entry = self._take_due(now)
                pusher.flush_due(now)
                self.store.expire(time.time())
                first = self._first_due()
                if first is not None or pusher.busy:
                    wait = _TICK_SECONDS
                    if first is not None:
                        wait = min(wait, max(first - now, _COALESCE_SECONDS))
                    await asyncio.sleep(wait)
                else:
                    self._idle = True
                    wake.clear()
                    await wake.wait()
                    self._idle = False
        except asyncio.CancelledError:
            await pusher.close()
            raise
        except Exception:  # a bug must not silently stop every report: say so, loudly
            _log.exception("the delivery-report task stopped")
            raise

    def _take_due(self, now: float) -> tuple[float, int, int, Any] | None:
        """The earliest entry of the heap and the two lanes if it is due by `now`, taken out."""
        heap, finals, halfways = self._heap, self._final_lane, self._intermediate_lane
        best = heap[0] if heap else None
        source = 0
        if finals and (best is None or finals[0] < best):
            best, source = finals[0], 1
        if halfways and (best is None or halfways[0] < best):
            best, source = halfways[0], 2
        if best is None or best[0] > now:
            return None
        if source == 0:
            return heapq.heappop(heap)
        return finals.popleft() if source == 1 else halfways.popleft()

    def _first_due(self) -> float | None:
        """When the earliest scheduled entry falls due, if any."""
        dues = [q[0][0] for q in (self._heap, self._final_lane, self._intermediate_lane) if q]
        return min(dues) if dues else None

    def _finalise(self, group: list[TrackedMessage], now: float) -> None:
        """Destinations of one request message reach their final status together."""
        done_text = self._done_text
        finalised = self.store.finalised
        pushable = []
        for message in group:
            if message.forgotten:
                continue
            message.outcome = message.planned
            message.done_text = done_text
            self.finals += 1
            if message.flags & ReportFlags.LOST:
                self.lost += 1
                continue
            finalised(message)
            pushable.append(message)
        if pushable and group[0].notify_url is not None:
            self.pusher.enqueue(pushable, now)

    def stats(self) -> dict[str, Any]:
        """Counters and current sizes: what was tracked, reported, pushed, dropped."""
        store = self.store
        return {
            "tracked": self.tracked,
            "finals": self.finals,
            "lost": self.lost,
            "scheduled": len(self._heap) + len(self._final_lane) + len(self._intermediate_lane),
            "remembered": len(store),
            "unpulled": store.unpulled,
            **vars(store.counters),
            **self.pusher.snapshot(),
        }


# A fault drawn at acceptance only (the delay grows), never stored in the message's flags.
_LATE = 1 << 10


class _ProviderClock:
    """Wall-clock moments in the provider's date form (UTC, D7), cheaply: the date and time of
    the current second are formatted once, each moment only adds its milliseconds."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def text(self, wall: float) -> str:
        second, millis = divmod(int(wall * 1000), 1000)
        if second != self._second:
            whole = format_provider_time(datetime.fromtimestamp(second, UTC))
            self._second, self._prefix = second, whole[:-9]  # drop ".000+0000"
        return f"{self._prefix}.{millis:03d}+0000"


def _wants_xml(content_type: object) -> bool:
    """`notifyContentType: application/xml` (any case) asks for XML pushes (D9)."""
    return isinstance(content_type, str) and content_type.strip().lower().startswith(
        "application/xml"
    )
