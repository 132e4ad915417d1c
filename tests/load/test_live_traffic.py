"""The live-traffic guard in a load run: a non-loopback target needs --allow-live-traffic and test
destinations, every `to` becomes a test number, and --max-messages is one budget for the run,
granted by the master to its workers destination by destination, so their sum never exceeds it.

Only the last test connects anywhere: to a recording sandbox on 127.0.0.1, addressed as
`http://127.1:PORT`, a form the guard deliberately treats as *not* loopback (so the run is a live
one in every respect) while it still reaches this machine."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from sms_acceptance.load import LoadOptions, LoadRun, PreparedRequest
from sms_acceptance.load._run_setup import (
    check_live_target,
    live_guard_for,
    prepare_payloads,
    send_run_to_workers,
)
from sms_acceptance.sandbox import SandboxConfig, create_app, serve_on_loopback
from tests.conformance.conftest import RecordingApp
from tests.load.conftest import SECRET, RunLocust

TEST_NUMBERS = ["4915100000001", "4915100000002"]


def live_run(host: str = "https://api.example.com", **overrides: Any) -> LoadRun:
    """A run as `init` sets it up, from a command line naming `host`."""
    parsed = type("Parsed", (), {"allow_live_traffic": True, "test_destination": TEST_NUMBERS,
                                 "max_messages": 10, **overrides})()  # fmt: skip
    run = LoadRun(LoadOptions.from_parsed(parsed), "App live-key")
    run.live_guard = live_guard_for(run.options, host)
    return run


def test_non_loopback_target_without_allow_live_traffic_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        check_live_target(live_run(allow_live_traffic=False), "https://api.example.com")
    assert exited.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--allow-live-traffic" in line


def test_loopback_target_needs_no_permission() -> None:
    run = live_run("http://127.0.0.1:8080", allow_live_traffic=False)
    check_live_target(run, "http://127.0.0.1:8080")
    assert not run.live_run


def test_another_origin_than_the_command_line_named_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        check_live_target(live_run("https://api.example.com"), "https://api.example.net")
    (line,) = capsys.readouterr().err.splitlines()
    assert "allowed only for https://api.example.com:443" in line


class TwoDestinations:
    """A stand-in scenario class: its payload source returns one two-destination request."""

    @staticmethod
    def payload_source(count: int, seed: int) -> list[PreparedRequest]:
        body = {"messages": [{"destinations": [{"to": "1"}, {"to": "2"}], "text": "hi"}]}
        return [PreparedRequest(json.dumps(body).encode(), ("1", "2"), False)]


def test_live_payloads_only_go_to_the_test_destinations() -> None:
    run = live_run()
    check_live_target(run, "https://api.example.com")
    prepare_payloads(run, [TwoDestinations])
    (payload,) = run.payloads["TwoDestinations"]
    assert payload.destinations == tuple(TEST_NUMBERS)
    assert json.loads(payload.body)["messages"][0]["destinations"][0]["to"] == TEST_NUMBERS[0]


def test_live_budget_runs_out_after_max_messages_destinations() -> None:
    from sms_acceptance import LiveTrafficRefused

    run = live_run()
    check_live_target(run, "https://api.example.com")
    for _ in range(5):
        run.live_guard.admit(run.url, TEST_NUMBERS)  # 5 x 2 = the budget of 10
    with pytest.raises(LiveTrafficRefused):
        run.live_guard.admit(run.url, TEST_NUMBERS)


@dataclass
class RecordingMaster:
    """Just enough of a MasterRunner to see what it would send its workers."""

    workers: int
    sent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def clients(self) -> Any:
        return type("Clients", (), {"all": [type("W", (), {"id": f"w{i}"})() for i in range(3)]})()

    @property
    def environment(self) -> Any:
        return type("Env", (), {"parsed_options": None})()

    def send_message(self, kind: str, data: dict[str, Any], client_id: str) -> None:
        self.sent.append(data)


def test_workers_get_a_share_of_the_rate_and_the_guard_but_none_of_the_budget() -> None:
    run = live_run(max_messages=10, arrival_rate=90.0)
    master = RecordingMaster(workers=3)
    send_run_to_workers(master, run)
    assert sum(m["rate"] for m in master.sent) == pytest.approx(90.0)
    assert len({m["origin"] for m in master.sent}) == 1
    for message in master.sent:
        assert message["guard"] == {
            "allow": True,
            "destinations": TEST_NUMBERS,
            "origins": ["https://api.example.com:443"],
        }
        assert "max_messages" not in message


def test_the_master_grants_whole_requests_from_one_budget() -> None:
    guard = live_run(max_messages=5).live_guard
    assert [guard.reserve(2), guard.reserve(2), guard.reserve(2), guard.reserve(1)] == [2, 2, 0, 1]
    assert guard.remaining == 0


@pytest.mark.slow
def test_the_budget_holds_across_two_worker_processes(run_locust: RunLocust) -> None:
    app = RecordingApp(create_app(SandboxConfig(authorization=SECRET)))
    with serve_on_loopback(app) as server:
        port = server.port
        run = run_locust(
            "--host", f"http://127.1:{port}", "--allow-live-traffic",
            "--test-destination", TEST_NUMBERS[0], "--test-destination", TEST_NUMBERS[1],
            "--max-messages", "30", "--processes", "2", "-u", "10", "-r", "10", "-t", "20s",
            # Paced (10 requests/s a worker): unpaced, the first worker to start can spend the
            # whole budget in a few milliseconds before the second sends anything.
            "--arrival-rate", "20",
            "SingleDestination",
        )  # fmt: skip
    received = app.destinations()
    assert run.returncode == 0, run.stderr[-2000:]
    summary = run.summary
    assert summary["run"]["workers"] == 2
    assert all(count > 0 for count in summary["run"]["requests_by_worker"].values())
    assert 0 < len(received) <= 30
    assert set(received) <= set(TEST_NUMBERS)
    budget = summary["live_budget"]
    assert budget["max_messages"] == 30 and budget["granted"] <= 30
    assert len(received) <= budget["sent"] <= budget["granted"]
    assert "budget of 30 live destinations (--max-messages) is used up" in run.stderr


def test_the_web_ui_refuses_every_option_the_kit_registers() -> None:
    """`KIT_OPTION_DESTS` (what `/swarm` may not change) is exactly what the kit adds to Locust."""
    from sms_acceptance.load._options import KIT_OPTION_DESTS, add_load_options

    registered: list[str] = []

    class RecordingParser:
        def add_argument(self, *names: str, **_: Any) -> None:
            registered.append(names[0].removeprefix("--").replace("-", "_"))

    add_load_options(RecordingParser())
    assert set(registered) == KIT_OPTION_DESTS
