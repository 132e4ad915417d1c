"""What the sandbox remembers about accepted messages, and what `GET /sms/1/reports` hands out.

One `TrackedMessage` per accepted destination, with slots and no prebuilt JSON: the report is
built when it is pushed or read, so a message costs a few hundred bytes. The store keeps at most
`max_reports` of them and forgets each `retention_seconds` after it was sent; the oldest go first,
and counters say how many were forgotten before their final report (so a bound that is too small
shows, rather than silently losing reports).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ._report_outcomes import INTERMEDIATE_STATUS, NO_ERROR, ReportOutcome

__all__ = ["MessageFacts", "ReportFlags", "ReportStore", "TrackedMessage"]

# A message still waiting for its final status shows this one in the logs (the send answer's).
_PENDING_STATUS = {
    "groupId": 1,
    "groupName": "PENDING",
    "id": 26,
    "name": "PENDING_ACCEPTED",
    "description": "Pending Accepted",
}


class ReportFlags:
    """Report faults drawn for one message (bits of `TrackedMessage.flags`)."""

    LOST = 1
    DUPLICATED = 2
    WRONG_MESSAGE_ID = 4
    WITHOUT_CALLBACK_DATA = 8
    COLON_OFFSET = 16


@dataclass(slots=True, eq=False)
class MessageFacts:
    """What every destination of one request message shares, kept once rather than per
    destination (a 1000-destination request costs one of these)."""

    bulk_id: str | None
    sender: str | None
    text: str
    callback_data: str | None
    notify_url: str | None  # None: no push (none asked for, or refused by the allow-list)
    xml: bool
    sent_at: float  # wall clock, seconds since the epoch
    sent_text: str  # sent_at in the provider's form
    price: dict[str, Any]


@dataclass(slots=True, eq=False)
class TrackedMessage:
    """One accepted destination on its way to a final status."""

    seq: int
    message_id: str
    to: str
    sms_count: int
    facts: MessageFacts
    planned: ReportOutcome  # the final status it will reach
    flags: int = 0
    outcome: ReportOutcome | None = None  # set when it is reached
    done_text: str | None = None  # when, in the provider's form
    pulled: bool = False
    forgotten: bool = False

    @property
    def bulk_id(self) -> str | None:
        return self.facts.bulk_id

    @property
    def sender(self) -> str | None:
        return self.facts.sender

    @property
    def notify_url(self) -> str | None:
        return self.facts.notify_url

    @property
    def xml(self) -> bool:
        return self.facts.xml

    @property
    def sent_at(self) -> float:
        return self.facts.sent_at

    def _time(self, text: str) -> str:
        if self.flags & ReportFlags.COLON_OFFSET:
            return f"{text[:-2]}:{text[-2:]}"  # the D7 fault: +00:00
        return text

    def report(self, *, intermediate: bool = False) -> dict[str, Any]:
        """The report as it goes on the wire (D2-D8), final unless `intermediate` (D10)."""
        flags = self.flags
        message_id = self.message_id
        if flags & ReportFlags.WRONG_MESSAGE_ID:
            message_id = f"{message_id}-WRONG"
        facts = self.facts
        report: dict[str, Any] = {"messageId": message_id, "to": self.to}
        if facts.bulk_id is not None:
            report["bulkId"] = facts.bulk_id
        if facts.sender is not None:
            report["from"] = facts.sender
        report["sentAt"] = self._time(facts.sent_text)
        if intermediate or self.outcome is None:
            status, error, done_text = INTERMEDIATE_STATUS, NO_ERROR, None
            if self.outcome is None and not intermediate:
                status = _PENDING_STATUS
        else:
            status, error, done_text = self.outcome.status, self.outcome.error, self.done_text
        if done_text is not None:
            report["doneAt"] = self._time(done_text)
        report["smsCount"] = self.sms_count
        if facts.callback_data is not None and not flags & ReportFlags.WITHOUT_CALLBACK_DATA:
            report["callbackData"] = facts.callback_data
        report["price"] = facts.price
        report["status"] = status
        report["error"] = error
        return report

    def log_entry(self) -> dict[str, Any]:
        """The `/sms/1/logs` entry: the report fields as they stand now, plus `text` (D14)."""
        entry = self.report()
        entry["text"] = self.facts.text
        return entry


@dataclass
class StoreCounters:
    """What the store dropped, for `/sandbox/reports/stats`."""

    forgotten_before_final: int = 0
    forgotten_after_final: int = 0
    pulled: int = 0


class ReportStore:
    """Every tracked message (for the logs) and the final reports not yet pulled (D13, D14).

    Both are deques (blocks of 64 references): a store at its bound forgets at the front as fast
    as it remembers at the back without ever reallocating one large array, which a dict of
    100,000 entries does on every resize (measured: RSS grew in 10 MB steps with dicts). Pulled
    and forgotten messages leave the pullable deque lazily, when they reach its front, or all
    at once when it holds twice the bound.
    """

    def __init__(self, max_reports: int, retention_seconds: float) -> None:
        self._max = max_reports
        self._retention = retention_seconds
        self._messages: deque[TrackedMessage] = deque()  # acceptance order
        self._pullable: deque[TrackedMessage] = deque()  # finalisation order, some taken
        self._unpulled = 0
        self.counters = StoreCounters()

    def __len__(self) -> int:
        return len(self._messages)

    @property
    def unpulled(self) -> int:
        """Final reports waiting for `GET /sms/1/reports`."""
        return self._unpulled

    def track_all(self, messages: list[TrackedMessage]) -> None:
        """Remember newly accepted messages, forgetting the oldest beyond `max_reports`."""
        remembered = self._messages
        remembered.extend(messages)
        while len(remembered) > self._max:
            self._forget(remembered.popleft())

    def finalised(self, message: TrackedMessage) -> None:
        """A message reached its final status: its report becomes pullable once (D13)."""
        if message.forgotten:
            return
        pullable = self._pullable
        pullable.append(message)
        self._unpulled += 1
        while pullable and (pullable[0].pulled or pullable[0].forgotten):
            pullable.popleft()
        if len(pullable) > 2 * self._max:
            self._pullable = deque(m for m in pullable if not (m.pulled or m.forgotten))

    def expire(self, now_wall: float) -> None:
        """Forget what was sent longer than the retention window ago."""
        horizon = now_wall - self._retention
        remembered = self._messages
        while remembered and remembered[0].facts.sent_at < horizon:
            self._forget(remembered.popleft())

    def _forget(self, message: TrackedMessage) -> None:
        message.forgotten = True
        if message.outcome is None:
            self.counters.forgotten_before_final += 1
        else:
            self.counters.forgotten_after_final += 1
            if not message.pulled and not message.flags & ReportFlags.LOST:
                self._unpulled -= 1

    def pull(self, limit: int, bulk_id: str | None, message_id: str | None) -> list[dict[str, Any]]:
        """Up to `limit` final reports not returned before, oldest first; returned ones are
        consumed (a filtered call consumes only what it returns: rules.md leaves it OPEN)."""
        taken: list[TrackedMessage] = []
        for message in self._pullable:
            if len(taken) >= limit:
                break
            if message.pulled or message.forgotten:
                continue
            if bulk_id is not None and message.facts.bulk_id != bulk_id:
                continue
            if message_id is not None and message.message_id != message_id:
                continue
            taken.append(message)
        for message in taken:
            message.pulled = True
        self._unpulled -= len(taken)
        self.counters.pulled += len(taken)
        pullable = self._pullable
        while pullable and (pullable[0].pulled or pullable[0].forgotten):
            pullable.popleft()
        return [message.report() for message in taken]

    def newest_first(self) -> Iterator[TrackedMessage]:
        """Every remembered message, the most recently sent first (the logs' order)."""
        return reversed(self._messages)
