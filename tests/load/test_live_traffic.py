"""The live-traffic guard in a load run: a non-loopback target needs --allow-live-traffic and test
destinations, every `to` becomes a test number, and the --max-messages budget is split across
workers so their sum never exceeds it. Nothing here opens a connection."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from sms_acceptance.load import LoadOptions, LoadRun, PreparedRequest
from sms_acceptance.load._run_setup import (
    check_live_target,
    prepare_payloads,
    send_run_to_workers,
)

TEST_NUMBERS = ["4915100000001", "4915100000002"]


def live_run(**overrides: Any) -> LoadRun:
    parsed = type("Parsed", (), {"allow_live_traffic": True, "test_destination": TEST_NUMBERS,
                                 "max_messages": 10, **overrides})()  # fmt: skip
    return LoadRun(LoadOptions.from_parsed(parsed), "App live-key")


def test_non_loopback_target_without_allow_live_traffic_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        check_live_target(live_run(allow_live_traffic=False), "https://api.example.com")
    assert exited.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--allow-live-traffic" in line


def test_loopback_target_needs_no_guard() -> None:
    run = live_run(allow_live_traffic=False)
    check_live_target(run, "http://127.0.0.1:8080")
    assert run.live_guard is None


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


def test_workers_split_the_budget_and_the_rate_without_exceeding_either() -> None:
    run = live_run(max_messages=10, arrival_rate=90.0)
    master = RecordingMaster(workers=3)
    send_run_to_workers(master, run)
    assert sorted(m["max_messages"] for m in master.sent) == [3, 3, 4]
    assert sum(m["rate"] for m in master.sent) == pytest.approx(90.0)
    assert len({m["origin"] for m in master.sent}) == 1
