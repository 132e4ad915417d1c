"""Concurrency without changing a verdict: a Hypothesis test's requests fetched together, first.

A Hypothesis test sends one request per example, one after the other: against a gateway 100 ms away
that is the whole run's time. Its requests do not depend on the answers, only on the seed (the body
draws, builds and sends; whether an example is kept (`assume`) depends on the drawn data alone), so
the plugin runs such a test in three steps:

1. **Record.** The test function runs once with the client recording instead of sending: every
   `verify_*` notes its request (`PlannedRequest`) and returns, so every example passes and
   Hypothesis, seeded by the run's seed, draws exactly the examples a sequential run would draw
   up to its first failure.
2. **Fetch.** The recorded requests go through the live-traffic guard in order (a refusal stops
   the fetch there, as it would stop the test) and then to the server together, at most
   `--concurrency` in flight (`HttpExchanger.send_many`).
3. **Judge.** The test function runs again, for real: each `verify_*` takes the fetched exchange for
   the same bytes (`take`, first in first out) instead of sending, and the same checks judge it in
   the same order. So the tallies, failures, evidence and Hypothesis's own report are those of a
   sequential run. A request that was not fetched (a shrunk example, the replay of a failing one,
   anything the record pass did not foresee) is sent there and then, as in a sequential run.

The one difference: examples after a test's first failure were fetched though a sequential run
would have stopped before them; their answers are not judged. Against a live gateway they still
count against `--max-messages` (the guard admitted them), which is why a remote target's default
concurrency is low.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from sms_acceptance._live_guard import LiveTrafficGuard, LiveTrafficRefused
from sms_acceptance.conformance.transport._auth_header import AuthHeader
from sms_acceptance.conformance.transport._exchange import Exchange, HttpExchanger, OutgoingRequest

__all__ = ["AheadTest", "PlannedRequest", "Prefetch", "fetch_ahead", "record_and_fetch"]

_Key = tuple[bytes, AuthHeader, str]


@dataclass(frozen=True)
class PlannedRequest:
    """A request a test means to send, and the destinations the live-traffic guard counts."""

    body: bytes
    auth: AuthHeader
    content_type: str
    destinations: tuple[str, ...]

    @property
    def key(self) -> _Key:
        return (self.body, self.auth, self.content_type)


@dataclass
class Prefetch:
    """One test's recorded requests and, once fetched, their exchanges waiting to be judged."""

    recording: bool = True
    planned: list[PlannedRequest] = field(default_factory=list)
    _ready: dict[_Key, deque[Exchange]] = field(default_factory=dict)
    fetched: int = 0
    taken: int = 0

    def record(self, request: PlannedRequest) -> None:
        self.planned.append(request)

    def fetch(self, exchanger: HttpExchanger, guard: LiveTrafficGuard, url: str) -> None:
        """Admit the recorded requests in order (stopping at the first refusal), send the
        admitted ones together, and hold their exchanges for `take`."""
        admitted: list[PlannedRequest] = []
        for request in self.planned:
            try:
                guard.admit(url, list(request.destinations))
            except LiveTrafficRefused:
                break  # the judging pass meets the same refusal at this request, and skips
            admitted.append(request)
        exchanges = exchanger.send_many(
            [OutgoingRequest(r.body, r.auth, r.content_type) for r in admitted]
        )
        for request, exchange in zip(admitted, exchanges, strict=True):
            if exchange is None:
                # Not sent: the target stopped answering. Give the budget back; the judging
                # pass sends it itself if the run goes on.
                guard.release(url, len(request.destinations))
                continue
            self.hold(request, exchange)
        self.recording = False

    def hold(self, request: PlannedRequest, exchange: Exchange) -> None:
        """Keep `exchange`, fetched for `request`, for the judging pass."""
        self._ready.setdefault(request.key, deque()).append(exchange)
        self.fetched += 1

    def take(self, request: PlannedRequest) -> Exchange | None:
        """The fetched exchange for these exact bytes, oldest first; None when there is none."""
        waiting = self._ready.get(request.key)
        if not waiting:
            return None
        self.taken += 1
        return waiting.popleft()


def record_and_fetch(
    run_test: Callable[[], object],
    prefetch: Prefetch,
    exchanger: HttpExchanger,
    guard: LiveTrafficGuard,
    url: str,
) -> None:
    """Steps 1 and 2: run the test recording (whatever it raises, the judging pass raises again,
    for real), then fetch what it recorded. The caller then runs the test to judge (step 3)."""
    with contextlib.suppress(Exception, pytest.skip.Exception, pytest.fail.Exception):
        run_test()
    prefetch.fetch(exchanger, guard, url)


@dataclass(frozen=True)
class AheadTest:
    """A test whose requests can be recorded before its turn: its arguments are the `sms`
    client and its parameters only (no other fixture to set up)."""

    nodeid: str
    run: Callable[[object], object]  # called with the recording client


def fetch_ahead(
    tests: list[AheadTest],
    make_client: Callable[[str], object],
    exchanger: HttpExchanger,
    guard: LiveTrafficGuard,
    url: str,
) -> dict[str, Prefetch]:
    """Step 1 for every test of a loopback run, and step 2 for their requests together: each
    test's `Prefetch` by node id, for its judging pass. Tests are admitted in run order. Sending
    overlaps recording: every few waves' worth of recorded requests go to a sender thread (the
    exchanger's loop needs little CPU; recording, Hypothesis drawing, needs the rest)."""
    prefetches: dict[str, Prefetch] = {}
    pending: list[tuple[Prefetch, PlannedRequest]] = []
    sent: list[tuple[list[tuple[Prefetch, PlannedRequest]], Future[list[Exchange | None]]]] = []
    batch_size = 4 * exchanger.concurrency
    with ThreadPoolExecutor(1, thread_name_prefix="sms-acceptance-fetch") as sender:

        def flush() -> None:
            if pending:
                batch = list(pending)
                pending.clear()
                outgoing = [OutgoingRequest(r.body, r.auth, r.content_type) for _, r in batch]
                sent.append((batch, sender.submit(exchanger.send_many, outgoing)))

        for test in tests:
            client = make_client(test.nodeid)
            prefetch = Prefetch()
            client.prefetch = prefetch  # type: ignore[attr-defined]
            with contextlib.suppress(Exception, pytest.skip.Exception, pytest.fail.Exception):
                test.run(client)
            prefetches[test.nodeid] = prefetch
            for request in prefetch.planned:
                try:
                    guard.admit(url, list(request.destinations))
                except LiveTrafficRefused:
                    break
                pending.append((prefetch, request))
            prefetch.recording = False
            if len(pending) >= batch_size:
                flush()
        flush()
        for batch, future in sent:
            for (owner, request), exchange in zip(batch, future.result(), strict=True):
                if exchange is None:
                    guard.release(url, len(request.destinations))
                else:
                    owner.hold(request, exchange)
    return prefetches
