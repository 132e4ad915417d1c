"""The pytest plugin behind `pytest conformance`: options, the target, the tallies, the reports.

`conformance/conftest.py` loads this module (`pytest_plugins`). Lifecycle:

- `pytest_configure` (first): validate options (one-line usage errors), choose the Hypothesis
  profile and seed (one seed per run, shared with pytest-xdist workers so a run is reproducible).
- `pytest_sessionstart` (first, controller): start the embedded sandbox if no base URL was given,
  refuse live traffic unless allowed, probe the target once; workers receive target and credential
  through `workerinput`, never through argv or the environment.
- each test: the `sms` fixture; `pytest_runtest_makereport` attaches the test's tally (checks
  applied, failures with evidence) to `report.user_properties`, which xdist ships to the controller.
- `pytest_sessionfinish` (controller): `summary.json`, `report.html`, `junit.xml`.

No fixture is called `session` and no option is `--host`: Locust's pytest plugin owns those.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import secrets
import shlex
from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.errors import InvalidArgument

from sms_acceptance import __version__
from sms_acceptance._live_guard import LiveTrafficRefused
from sms_acceptance._redaction import Redactor, redact_authorization
from sms_acceptance._schema_store import SCHEMA_VERSION
from sms_acceptance.conformance.checks._client_compat import CLIENT_PROPERTY, verdicts_table
from sms_acceptance.conformance.checks._evidence import CheckFailed
from sms_acceptance.conformance.checks._verify import CheckRecorder
from sms_acceptance.conformance.plugin._hypothesis_profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    register_profiles,
)
from sms_acceptance.conformance.plugin._network_options import network_reproduce_words
from sms_acceptance.conformance.plugin._options import (
    DEFAULT_ENDPOINT_PATH,
    SuiteOptions,
    add_options,
    read_options,
)
from sms_acceptance.conformance.plugin._prefetch import (
    AheadTest,
    Prefetch,
    fetch_ahead,
    record_and_fetch,
)
from sms_acceptance.conformance.plugin._sms_fixture import UNRESPONSIVE, ConformanceClient, Target
from sms_acceptance.conformance.reports._report_html import write_html_report
from sms_acceptance.conformance.reports._report_junit import write_junit_report
from sms_acceptance.conformance.reports._results import PROPERTY_NAME, CheckTally, RunResults
from sms_acceptance.conformance.transport._auth_header import AUTH_ENV_VAR, NO_AUTH
from sms_acceptance.conformance.transport._base_url import BaseUrl
from sms_acceptance.conformance.transport._exchange import (
    HttpExchanger,
    ReceivedResponse,
    TransportFailure,
)
from sms_acceptance.conformance.transport._limits import DEFAULT_LIMITS
from sms_acceptance.generation import pin_generation_clock

__all__ = ["PLUGIN_NAME", "ConformancePlugin", "sms", "sms_target"]

PLUGIN_NAME = "sms_acceptance_conformance"
_WORKER_KEY = "sms_acceptance"
_LIVE_SENT = "sms_acceptance_live_sent"  # destinations a test sent to a live target (xdist-safe)
_RECORDER = pytest.StashKey[CheckRecorder]()

register_profiles()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _choose_hypothesis(config: pytest.Config) -> int:
    """Load our profile unless the user chose one, and fix one seed for the whole run."""
    profile = config.getoption("hypothesis_profile", None)
    if profile is None:
        config.option.hypothesis_profile = DEFAULT_PROFILE
    else:
        try:
            settings.get_profile(profile)
        except InvalidArgument:
            raise pytest.UsageError(
                f"--hypothesis-profile {profile!r} is not registered (choose one of "
                f"{', '.join(PROFILES)})"
            ) from None
    if _is_worker(config):
        seed = int(config.workerinput[_WORKER_KEY]["seed"])  # type: ignore[attr-defined]
    else:
        given = config.getoption("hypothesis_seed", None)
        if given is None:
            seed = secrets.randbelow(2**32)
        else:
            try:
                seed = int(given)
            except ValueError:
                raise pytest.UsageError(
                    f"--hypothesis-seed must be an integer, got {given!r}"
                ) from None
    # Hypothesis's own pytest_configure (after ours) applies it to every test.
    config.option.hypothesis_seed = str(seed)
    return seed


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    options = read_options(config)
    seed = _choose_hypothesis(config)
    config.pluginmanager.register(ConformancePlugin(config, options, seed), PLUGIN_NAME)


def _plugin(config: pytest.Config) -> ConformancePlugin:
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    assert isinstance(plugin, ConformancePlugin)
    return plugin


@pytest.fixture(scope="session")
def sms_target(request: pytest.FixtureRequest) -> Target:
    """The server under test, shared by the whole run."""
    return _plugin(request.config).target


@pytest.fixture
def sms(request: pytest.FixtureRequest, sms_target: Target) -> ConformanceClient:
    """One test's handle: send requests and apply the checks (see `ConformanceClient`)."""
    ahead = _plugin(request.config)._ahead.get(request.node.nodeid)
    if sms_target.exchanger.unresponsive and (ahead is None or not ahead.fetched):
        # A test whose requests were fetched before the target stopped answering still judges
        # them (`_prefetch.py`): those timeouts are the evidence.
        pytest.skip(UNRESPONSIVE)
    recorder = CheckRecorder(level=sms_target.options.level)
    request.node.stash[_RECORDER] = recorder
    return ConformanceClient(sms_target, recorder, request.node.nodeid)


def _check_failures(error: BaseException | None) -> list[CheckFailed]:
    """Every `CheckFailed` inside what a test raised (Hypothesis may wrap them in groups)."""
    if error is None:
        return []
    if isinstance(error, CheckFailed):
        return [error]
    found: list[CheckFailed] = []
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found.extend(_check_failures(inner))
    for linked in (error.__cause__, error.__context__):
        if isinstance(linked, CheckFailed):
            found.append(linked)
    return found


def _check_worker_target(own: SuiteOptions, base_url: str) -> None:
    """xdist worker: the target the controller handed over passes this worker's own guard (its own
    command line's opt-in and origin), before the worker's first connection."""
    try:
        own.live_traffic_guard().check_target(base_url)
    except LiveTrafficRefused as refused:
        raise pytest.UsageError(str(refused)) from None


def _budget_share(budget: int, workers: int, worker_id: str) -> int:
    """This xdist worker's part of `--max-messages`: the parts add up to the budget exactly."""
    index = int(worker_id.removeprefix("gw") or 0)
    share, remainder = divmod(budget, max(1, workers))
    return share + (1 if index < remainder else 0)


def _network_line(options: SuiteOptions) -> str:
    """How requests travel, in the run's header: the proxy and whether TLS is verified."""
    network = options.network.describe(options.endpoint_url if options.base_url else None)
    tls = network["tls"]
    proxy = f"proxy {network['proxy']} ({network['source']})" if network["proxy"] else "direct"
    verify = "TLS verification OFF (--no-tls-verify)" if not tls["verify"] else "TLS verified"
    extra = f" against {tls['ca_bundle']}" if tls["ca_bundle"] else ""
    cert = f", client certificate {tls['client_cert']}" if tls["client_cert"] else ""
    return f"  network: {proxy}, {verify}{extra}{cert}"


class ConformancePlugin:
    """The run's state: options, target, tallies; writes the reports at the end."""

    def __init__(self, config: pytest.Config, options: SuiteOptions, seed: int) -> None:
        self.config = config
        self.options = options
        self.seed = seed
        self.results = RunResults()
        self.errors: list[dict[str, str]] = []
        self.started = dt.datetime.now(dt.UTC)
        self._stack = contextlib.ExitStack()
        self._target: Target | None = None
        self.probe_answer_seconds: float | None = None
        """How fast the target answered the probe (sessionstart); None: it did not answer."""
        self.embedded_sandbox = False
        self._summary_line = ""
        self.live_sent = 0  # controller: destinations sent to a live target, all workers
        self._live_reported = 0  # this process: already attached to a report
        self._diagnosis: list[str] = []
        self._ahead: dict[str, Prefetch] = {}  # loopback runs: each test's requests, fetched

    # -- the target ----------------------------------------------------------------------------

    @property
    def target(self) -> Target:
        if self._target is None:
            raise pytest.UsageError("the conformance target was not set up (no session started)")
        return self._target

    def _start_sandbox(self) -> None:
        from sms_acceptance.conformance.plugin._dlr_plugin import embedded_report_config
        from sms_acceptance.sandbox import SandboxConfig, SandboxStartError, running_sandbox

        authorization = self.options.authorization or f"App {secrets.token_hex(24)}"
        try:
            config = SandboxConfig(
                authorization=authorization,
                endpoint_path=self.options.endpoint_path,
                reports=embedded_report_config(),
            )
            sandbox = self._stack.enter_context(running_sandbox(config))
        except (SandboxStartError, ValueError) as error:
            raise pytest.UsageError(f"cannot start the embedded sandbox: {error}") from None
        self.embedded_sandbox = True
        self.options = dataclasses.replace(
            self.options, base=BaseUrl.parse(sandbox.base_url), authorization=authorization
        )

    def _reproduce_prefix(self) -> str:
        options = self.options
        words = ["pytest"]
        if not self.embedded_sandbox:
            words.append(f"--base-url={shlex.quote(str(options.base_url))}")
        if options.endpoint_path != DEFAULT_ENDPOINT_PATH:
            words.append(f"--endpoint-path={shlex.quote(options.endpoint_path)}")
        if options.level == "must":
            words.append("--level=must")
        if options.vendor_profile.path:
            words.append(f"--vendor-profile={shlex.quote(options.vendor_profile.path)}")
        if options.limits.request_timeout != DEFAULT_LIMITS.request_timeout:
            words.append(f"--request-timeout={options.request_timeout:g}")
        words.extend(network_reproduce_words(options.network))
        if options.allow_live_traffic:
            words.append("--allow-live-traffic")
            words.extend(f"--test-destination={d}" for d in options.test_destinations)
            words.append(f"--max-messages={options.max_messages}")
        words.append(f"--hypothesis-profile={self.config.getoption('hypothesis_profile')}")
        words.append(f"--hypothesis-seed={self.seed}")
        return " ".join(words)

    def _reproduce_note(self) -> str | None:
        """The reproduction lines read the credential from $SMS_ACCEPTANCE_AUTHORIZATION; a run
        given `--authorization` must say so, or pasting one fails for want of a credential."""
        if self.embedded_sandbox or self.config.getoption("sms_authorization", None) is None:
            return None
        return (
            f"this run was given --authorization: the reproduction commands (pytest and curl) "
            f"read the credential from ${AUTH_ENV_VAR}; export it before pasting one"
        )

    def _probe(self, exchanger: HttpExchanger) -> float | None:
        """A request with no credential and no destination: is anything listening at all? Then
        one more on the kept-alive connection: how fast it answers (seconds; None when it did not
        answer), which decides the default concurrency."""
        outcome = exchanger.send(b"{}", NO_AUTH).outcome
        if isinstance(outcome, TransportFailure) and (
            outcome.category.is_unreachable or outcome.category.value == "connect_timeout"
        ):
            raise pytest.UsageError(f"cannot reach {self.options.endpoint_url}: {outcome.message}")
        if not isinstance(outcome, ReceivedResponse):
            return None
        again = exchanger.send(b"{}", NO_AUTH).outcome
        answered = [o.elapsed for o in (outcome, again) if isinstance(o, ReceivedResponse)]
        return min(answered)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.config.option.collectonly:
            return  # nothing is sent and no report is written when only collecting
        # Dates are drawn around the minute the run started: a test's record and judge passes
        # (`_prefetch.py`) build the same bytes even when a minute ends between them.
        pin_generation_clock(dt.datetime.now(dt.UTC).replace(second=0, microsecond=0))
        if _is_worker(self.config):
            workerinput = self.config.workerinput  # type: ignore[attr-defined]
            shared = workerinput[_WORKER_KEY]
            _check_worker_target(self.options, str(shared["base_url"]))
            self.options = dataclasses.replace(
                self.options,
                base=BaseUrl.parse(str(shared["base_url"])),
                authorization=shared["authorization"],
                max_messages=_budget_share(
                    self.options.max_messages, int(shared["workers"]), workerinput["workerid"]
                ),
            )
            self.embedded_sandbox = bool(shared["embedded_sandbox"])
        elif self.options.base_url is None:
            self._start_sandbox()
        assert self.options.authorization is not None
        if self.embedded_sandbox:  # our own loopback server: never through an outbound proxy
            network = self.options.network.without_proxy("embedded sandbox")
            self.options = dataclasses.replace(self.options, network=network)
        exchanger = HttpExchanger(
            self.options.endpoint_url,
            authorization=self.options.authorization,
            request_timeout=self.options.limits.request_timeout,
            max_body_bytes=self.options.limits.max_body_bytes,
            network=self.options.network,
            concurrency=self.options.sending.for_target(self.options.base),
            rate_limit=self.options.sending.rate_limit,
        )
        self._stack.callback(exchanger.close)
        if not _is_worker(self.config):
            answer_seconds = self.probe_answer_seconds = self._probe(exchanger)
            exchanger.concurrency = self.options.sending.for_target(
                self.options.base, answer_seconds
            )
        self._target = Target(
            options=self.options,
            exchanger=exchanger,
            guard=self.options.live_traffic_guard(),
            redactor=Redactor(self.options.authorization),
            hypothesis_seed=self.seed,
            reproduce_prefix=self._reproduce_prefix(),
            embedded_sandbox=self.embedded_sandbox,
            reproduce_note=self._reproduce_note(),
        )

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """pytest-xdist: hand the target, credential and seed to each worker (not via argv)."""
        node.workerinput[_WORKER_KEY] = {
            "base_url": self.options.base_url,
            "authorization": self.options.authorization,
            "seed": self.seed,
            "embedded_sandbox": self.embedded_sandbox,
            "workers": len(node.nodemanager.specs),
        }

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        options = self.options
        where = "embedded sandbox" if self.embedded_sandbox else "server under test"
        return [
            f"sms-acceptance conformance {__version__}: {where} {options.base_url}"
            f"{options.endpoint_path}",
            f"  authorization {redact_authorization(options.authorization or '')}, level "
            f"{options.level}, hypothesis profile {config.getoption('hypothesis_profile')} "
            f"seed {self.seed}, reports in {options.report_dir}",
            _network_line(options),
            f"  sending: at most {self._concurrency()} request(s) in "
            f"flight (--concurrency), "
            + (
                f"at most {options.sending.rate_limit:g}/s (--rate-limit)"
                if options.sending.rate_limit
                else "no rate limit"
            ),
        ]

    # -- concurrency ---------------------------------------------------------------------------

    def _concurrency(self) -> int:
        """The requests in flight at once this run: as chosen after the probe (sessionstart)."""
        if self._target is not None:
            return self._target.exchanger.concurrency
        return self.options.sending.for_target(self.options.base)

    def _ahead_test(self, item: pytest.Item) -> AheadTest | None:
        """`item` as a test whose requests can be recorded ahead: it takes `sms` and its
        parameters, nothing else, and no mark may keep pytest from running it (a skipped test's
        requests must not be sent)."""
        if not isinstance(item, pytest.Function) or any(
            item.get_closest_marker(name) is not None
            for name in ("skip", "skipif", "xfail", "usefixtures")
        ):
            return None
        names = tuple(item._fixtureinfo.argnames)
        params = getattr(item, "callspec", None)
        given = {} if params is None else dict(params.params)
        if "sms" not in names or any(n != "sms" and n not in given for n in names):
            return None
        function = item.obj

        def run(client: object) -> object:
            return function(**{n: client if n == "sms" else given[n] for n in names})

        return AheadTest(item.nodeid, run)

    def ahead_target(self, session: pytest.Session) -> Target | None:
        """The target, when requests may go out before the test that needs them: one that is
        not live, in a run of one process that sends (not `--collect-only`); else None. A live
        gateway gets nothing before its test: a stopped run sends nothing for the tests it never
        reached."""
        if (
            session.config.option.collectonly
            or _is_worker(self.config)
            or self.config.getoption("dist", "no") != "no"
            or self.options.live
        ):
            return None
        return self._target

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        """A loopback target, in one process: every test's requests recorded, then fetched
        together, before the first test runs (`_prefetch.py`). Against any other target each
        Hypothesis test fetches its own (`pytest_pyfunc_call`): nothing is sent for a test that
        a stopped run (`-x`, Ctrl-C) never reaches."""
        target = self.ahead_target(session)
        if target is None or target.exchanger.concurrency < 2:
            return
        tests = [test for item in session.items if (test := self._ahead_test(item)) is not None]
        level = self.options.level

        def make_client(nodeid: str) -> ConformanceClient:
            return ConformanceClient(target, CheckRecorder(level=level), nodeid)

        self._ahead = fetch_ahead(
            tests, make_client, target.exchanger, target.guard, self.options.endpoint_url
        )

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Generator[None, object, object]:
        """A test fetched ahead (`pytest_runtestloop`) judges what was fetched for it; another
        Hypothesis test with the `sms` fixture has its requests fetched together before it runs
        for real (`_prefetch.py`); unless `--concurrency 1`."""
        from hypothesis import is_hypothesis_test

        client = pyfuncitem.funcargs.get("sms")
        if not isinstance(client, ConformanceClient):
            return (yield)
        ahead = self._ahead.pop(pyfuncitem.nodeid, None)
        if ahead is not None:
            client.prefetch = ahead
            try:
                return (yield)
            finally:
                client.prefetch = None
        target = self._target
        if (
            target is None
            or target.exchanger.concurrency < 2
            or not is_hypothesis_test(pyfuncitem.obj)
        ):
            return (yield)
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        client.prefetch = Prefetch()
        try:
            record_and_fetch(
                lambda: pyfuncitem.obj(**arguments),
                client.prefetch,
                target.exchanger,
                target.guard,
                self.options.endpoint_url,
            )
            return (yield)
        finally:
            client.prefetch = None

    # -- tallies -------------------------------------------------------------------------------

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        recorder = item.stash.get(_RECORDER, None)
        if call.when != "call" or recorder is None:
            return
        if self._target is not None and self.options.live:
            sent = self._target.guard.destinations_sent
            report.user_properties.append((_LIVE_SENT, sent - self._live_reported))
            self._live_reported = sent
        tally = CheckTally(
            exercised=dict(recorder.exercised),
            declared=dict(recorder.declared),
            skipped=dict(recorder.skipped),
            blocked={name: dict(reasons) for name, reasons in recorder.blocked.items()},
            answers=dict(recorder.answers),
            bodies=dict(recorder.bodies),
        )
        error = call.excinfo.value if call.excinfo is not None else None
        for failed in _check_failures(error):
            for failure in failed.failures:
                tally.failures.append({**failure.as_dict(), "test": item.nodeid})
        if report.failed and not tally.failures and error is not None:
            redact = Redactor(self.options.authorization).scrub
            message = " ".join(f"{type(error).__name__}: {error}".split())[:500]
            tally_error = {"test": item.nodeid, "message": redact(message)}
            report.user_properties.append((PROPERTY_NAME + "_error", json.dumps(tally_error)))
        report.user_properties.append((PROPERTY_NAME, tally.to_json()))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if _is_worker(self.config):
            return
        for name, value in report.user_properties:
            if name == PROPERTY_NAME:
                self.results.add(CheckTally.from_json(str(value)))
            elif name == PROPERTY_NAME + "_error":
                self.errors.append(json.loads(str(value)))
            elif name == _LIVE_SENT:
                self.live_sent += int(str(value))
            elif name == CLIENT_PROPERTY and report.when == "call":
                self.results.clients.append(json.loads(str(value)))
        if report.when == "call":
            self.results.add_outcome(report.outcome)
        elif report.skipped:
            self.results.add_outcome("skipped")
        elif report.failed:
            self.results.add_outcome("error")

    # -- reports -------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        finished = dt.datetime.now(dt.UTC)
        options = self.options
        profile = options.vendor_profile
        meta = {
            "suite": {"name": "sms-acceptance", "version": __version__},
            "schema_version": SCHEMA_VERSION,
            "target": {
                "base_url": options.base_url,
                "endpoint_path": options.endpoint_path,
                "url": options.endpoint_url if options.base_url else None,
                "embedded_sandbox": self.embedded_sandbox,
                "live_traffic": options.live,
                "live_budget": (
                    {"max_messages": options.max_messages, "sent": self.live_sent}
                    if options.live
                    else None
                ),
                "authorization": redact_authorization(options.authorization or ""),
                "network": options.network.describe(
                    options.endpoint_url if options.base_url else None
                ),
                "sending": {
                    "concurrency": self._concurrency(),
                    "rate_limit_per_second": options.sending.rate_limit,
                },
            },
            "hypothesis": {
                "profile": self.config.getoption("hypothesis_profile"),
                "seed": self.seed,
            },
            "vendor_profile": (
                {"path": profile.path, "name": profile.name} if profile.path else None
            ),
            "started_at": self.started.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "finished_at": finished.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "duration_seconds": round((finished - self.started).total_seconds(), 3),
            "reproduce": self._target.reproduce_prefix if self._target else None,
            "reproduce_note": self._reproduce_note(),
            "errors": self.errors,
        }
        return self.results.summary(meta=meta, level=options.level, profile=profile)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if _is_worker(self.config) or self._target is None:
            return
        summary = self.summary()
        redactor = Redactor(self.options.authorization)
        report_dir = self.options.report_dir
        try:
            report_dir.mkdir(parents=True, exist_ok=True)
            text = json.dumps(summary, indent=2, ensure_ascii=False)
            (report_dir / "summary.json").write_text(redactor.scrub(text) + "\n", encoding="utf-8")
            write_html_report(summary, report_dir / "report.html", redactor)
            write_junit_report(summary, report_dir / "junit.xml", redactor)
        except OSError as error:
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(
                    f"sms-acceptance: cannot write reports to {report_dir}: {error}"
                )
            return
        counts = summary["counts"]
        self._summary_line = (
            f"sms-acceptance conformance: {summary['verdict']} ({counts['PASS']} pass, "
            f"{counts['FAIL']} fail, {counts['BLOCKED']} blocked, {counts['DECLARED']} declared, "
            f"{counts['SKIP']} skip); reports in {report_dir}"
        )
        self._diagnosis = [
            f"sms-acceptance diagnosis: {redactor.scrub(line)}" for line in summary["diagnosis"]
        ]
        if summary.get("reproduce_note"):
            self._diagnosis.append(f"sms-acceptance: {summary['reproduce_note']}")

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Generator[None, None, None]:
        # Before pytest's own sections (the failures): the likely cause first.
        for line in self._diagnosis:
            terminalreporter.write_line(line, yellow=True, bold=True)
        try:
            return (yield)
        finally:
            if self.results.clients:
                terminalreporter.write_sep("-", "sms-acceptance: Infobip clients (K1-K5)")
                rows = sorted(self.results.clients, key=lambda c: (c["rule"], c["client"]))
                for line in verdicts_table(rows):
                    terminalreporter.write_line(line)
            if self._summary_line:
                # Once more beside the verdict, after the list of failures it explains.
                for line in self._diagnosis:
                    terminalreporter.write_line(line, yellow=True)
                terminalreporter.write_sep("-", self._summary_line)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        pin_generation_clock(None)
        self._stack.close()
