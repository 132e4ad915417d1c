"""The Locust user every scenario extends: sends its scenario's prepared requests, paced and timed.

Per request the user does only O(1) work: take the next prepared body, wait for its slot (open
model), post it with `FastHttpUser`'s HTTP agent, classify the answer (schema validation on a
sampled share), report it to Locust's statistics and record two latencies. No Hypothesis, no JSON
encoding, no logging on this path.

The request goes through `FastHttpSession`'s geventhttpclient agent (`self.client.client`) rather
than `self.client.post(..., catch_response=True)`: that wrapper copies the headers, merges a
context, builds a request dict and a second response object per request only for us to overrule
its verdict, and the benchmark against a bare `FastHttpUser` (benchmarks/README.md) showed that,
with a cookie jar the API never uses, to be a tenth of the kit's cost per request. The request
event fired here carries what Locust's own would (type, name, times, length, and
`CatchResponseError` on failure), so Locust's statistics, CSVs and web UI are unchanged.
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

import gevent
from locust import FastHttpUser
from locust.contrib.fasthttp import FAILURE_EXCEPTIONS, FastHttpSession
from locust.exception import CatchResponseError, StopUser

from sms_acceptance._live_guard import LiveTrafficRefused, is_loopback_url

from . import _plugin  # noqa: F401  (registers the kit's options and event listeners)
from ._dlr_metrics import DeliveryReportBook, accepted_message_ids
from ._dlr_run import localise_payloads
from ._network import user_network
from ._payloads import PayloadSource, PreparedRequest
from ._run import LoadRun, find_run, parse_json, run_of
from ._target_guard import stop_for_refusal

_logger = logging.getLogger("sms_acceptance.load")
_EVERY_STATUS = frozenset(range(100, 600))
# geventhttpclient raises a bare RuntimeError when a proxy refuses CONNECT (403, 407, 502...):
# a transport failure of that request, not a crash of the user.
_TRANSPORT_ERRORS = (*FAILURE_EXCEPTIONS, RuntimeError)


def _stop_user(user: object) -> None:
    raise StopUser()


class SmsSendUser(FastHttpUser):
    """Base of every scenario in `loadtests/`: set `payload_source` and `scenario`, add a task.

    A scenario is a subclass with a `@task` that calls `self.send_next_payload()`; its requests
    are drawn by `payload_source(count, seed)` before the run starts.
    """

    abstract = True
    payload_source: ClassVar[PayloadSource]
    scenario: ClassVar[str] = ""
    payload_count: ClassVar[int | None] = None
    """At most this many distinct requests (None: `--payload-pool`)."""
    network_timeout = 30.0
    connection_timeout = 10.0

    _run: LoadRun
    _payloads: tuple[PreparedRequest, ...]
    _reports: DeliveryReportBook | None
    _cursor: int
    _agent: Any
    _url: str
    _headers: dict[str, str]
    _name: str
    _live: bool

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        run = find_run(environment)
        if run is not None and self.host:
            # The run's proxy and TLS settings (verification on unless --no-tls-verify).
            network = user_network(run.network, f"{self.host}{run.options.endpoint_path}")
            self.client = FastHttpSession(
                base_url=self.host,
                request_event=environment.events.request,
                user=self,
                network_timeout=self.network_timeout,
                connection_timeout=self.connection_timeout,
                max_redirects=self.max_redirects,
                max_retries=self.max_retries,
                concurrency=self.concurrency,
                client_pool=self.client_pool,
                headers=self.default_headers,
                **network.session_arguments(),
            )

    def on_start(self) -> None:
        if not self.tasks:
            # `--tags` left this scenario without a task; Locust still spawns its users, which
            # would spin raising "No tasks defined". Such a user steps aside instead.
            raise StopUser()
        self._run = run_of(self.environment)
        if not self._target_allowed():
            self._step_aside()
            return
        payloads = self._run.payloads.get(type(self).__name__)
        if not payloads:
            _logger.error("sms-acceptance: no payloads for %s; user stopped", type(self).__name__)
            raise StopUser()
        # Delivery reports: this process's receiver URL in `notifyUrl`, and the book answers go to.
        self._payloads, self._reports = localise_payloads(
            self.environment, type(self).__name__, payloads, self._run.target_url
        )
        # Users of one scenario start at different places in its pool, so the server does not
        # see the same request from every user at once.
        self._cursor = id(self) % len(self._payloads)
        self._prepare_agent()

    def _target_allowed(self) -> bool:
        """The last gate before this user's first connection: its own base URL, wherever it came
        from (`--host`, the web UI, a master's spawn message, a class attribute), passes the
        run's guard; else one line (once per test) and the run stops."""
        base_url = str(self.client.base_url or self.host or "")
        try:
            self._run.live_guard.check_target(base_url)
        except LiveTrafficRefused as refused:
            stop_for_refusal(self.environment, self._run, str(refused), usage_error=True)
            return False
        self._live = not is_loopback_url(base_url)
        return True

    def _step_aside(self) -> None:
        """Stop this user before its first task, quietly: `StopUser` raised in `on_start` would
        make Locust log a traceback, raised from a task it is the ordinary way out."""
        self.tasks = [_stop_user]

    def _prepare_agent(self) -> None:
        """Settle, once per user, what every request of this user shares."""
        session = self.client
        agent: Any = session.client
        # The API is stateless and authenticated on every request (A1-A5): a cookie jar would only
        # cost two passes of http.cookiejar per request, and API clients keep none.
        agent.cookiejar = None
        # Every status is an answer the judge classifies; geventhttpclient would otherwise raise
        # on 4xx/5xx, building a debug transcript of the exchange each time.
        agent.valid_response_codes = _EVERY_STATUS
        self._agent = agent
        self._url = f"{session.base_url or ''}{self._run.options.endpoint_path}"
        headers = dict(self._run.headers)
        if session.auth_header:  # credentials in --host win, as in FastHttpSession.request
            headers["Authorization"] = session.auth_header
        headers.setdefault("Accept-Encoding", "gzip, deflate, br")  # what Locust's client sends
        self._headers = headers
        self._name = self.scenario or type(self).__name__

    def send_next_payload(self) -> None:
        """Send one request of this scenario and record it (the whole hot path)."""
        run = self._run
        payload = self._payloads[self._cursor]
        self._cursor = (self._cursor + 1) % len(self._payloads)
        schedule = run.schedule
        if schedule is not None:
            intended = schedule.next_slot()
            delay = intended - time.perf_counter()
            if delay > 0:
                gevent.sleep(delay)
            started = time.perf_counter()
            schedule.mark_started(intended, started)
        else:
            started = intended = time.perf_counter()  # closed model: intended is actual
        if self._live:
            self._admit_live(run, payload)
        response, status, body, error = self._post(payload.body)
        ended = time.perf_counter()
        failure = run.judge(
            self.scenario,
            payload,
            status,
            body,
            None if status == 0 else response.headers.get("content-type"),
            error,
        )
        self.environment.events.request.fire(
            request_type="POST",
            name=self._name,
            response_time=(ended - started) * 1000,
            response_length=len(body),
            response=response,
            context={},
            exception=None if failure is None else CatchResponseError(failure.describe()),
            start_time=started + run.wall_clock_offset,
            url=self._url,
        )
        if self._reports is not None and failure is None:
            self._reports.expect(
                accepted_message_ids(parse_json(body)), ended + run.wall_clock_offset
            )
        run.latency.record(
            int(ended + run.wall_clock_offset),
            int((ended - started) * 1_000_000),
            None if schedule is None else int((ended - intended) * 1_000_000),
            failure is not None,
        )

    def _post(self, body: bytes) -> tuple[Any, int, bytes, BaseException | None]:
        """POST one body: (response, status, body read, transport error); status 0 when no
        complete answer came (refused, reset, timed out, unparseable, cut short)."""
        try:
            response = self._agent.urlopen(
                self._url, method="POST", payload=body, headers=self._headers
            )
        except _TRANSPORT_ERRORS as error:
            return getattr(error, "response", None), 0, b"", error
        try:
            content = response.content or b""
        except _TRANSPORT_ERRORS as error:
            return response, 0, b"", error
        return response, response.status_code or 0, content, None

    def _admit_live(self, run: LoadRun, payload: PreparedRequest) -> None:
        """Live traffic: count the destinations against the run's one budget (a worker first asks
        its master for what it lacks), or end the run (one line)."""
        guard = run.live_guard
        try:
            shortfall = len(payload.destinations) - guard.remaining
            if shortfall > 0 and run.quota is not None:
                granted = run.quota.request(shortfall)
                if not granted:
                    raise LiveTrafficRefused(
                        f"the run's budget of {run.options.max_messages} live destinations "
                        "(--max-messages) is used up"
                    )
                guard.grant(granted)
            guard.admit(self._url, payload.destinations)
        except LiveTrafficRefused as refused:
            stop_for_refusal(self.environment, run, str(refused), usage_error=False)
            raise StopUser() from None
