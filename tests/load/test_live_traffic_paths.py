"""The live-traffic guard on every path a target can take into a Locust run, proven with real runs.

Refusals run inside an empty network namespace (`tests/load/_netns.py`): the proof is not that the
run failed but that the namespace's counters of attempts to leave it (route lookups that found no
route, UDP datagrams such as DNS queries) did not move from the first process's start to the last
one's end. `test_the_counters_see_an_attempt` shows they do move when something tries.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.load._netns import COUNTERS, can_unshare, in_empty_network_namespace

pytestmark = pytest.mark.slow

NO_ATTEMPT = dict.fromkeys(COUNTERS, 0)
REFUSED = "refusing to send to https://sms.vendor.invalid"


@pytest.fixture(scope="module")
def empty_namespace() -> None:
    """`unshare -n` works here (root, util-linux, iproute2); CI runs as root and installs them."""
    if not can_unshare():
        reason = "cannot create an empty network namespace (needs root, unshare and ip)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI runs as root and .ci/run installs iproute2")
        pytest.skip(reason)


def refusal_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "refusing" in line]


def test_the_counters_see_an_attempt(empty_namespace: None, tmp_path: Path) -> None:
    result = in_empty_network_namespace("probe_counters", tmp_path)
    grown = result["grown"]
    assert grown["tcp4"]["Ip:OutNoRoutes"] > 0
    assert grown["tcp6"]["Ip6OutNoRoutes"] > 0
    assert sum(grown["dns"].values()) > 0


def test_an_allowed_live_run_does_try_to_connect(empty_namespace: None, tmp_path: Path) -> None:
    """The control for Locust itself: with the opt-in, the same run reaches for the vendor."""
    result = in_empty_network_namespace("allowed_live_run", tmp_path)
    assert sum(result["grown"].values()) > 0, result["output"][-2000:]


def test_ui_start_and_change_to_a_non_loopback_host_are_refused_without_a_connection(
    empty_namespace: None, tmp_path: Path
) -> None:
    result: dict[str, Any] = in_empty_network_namespace("ui_retarget", tmp_path)
    assert result["ui_up"]
    refused_start = result["start_vendor"]
    assert refused_start["success"] is False
    assert refused_start["message"].startswith(REFUSED)
    assert "\n" not in refused_start["message"]
    assert result["state_after_refusal"] == "ready"  # nothing started
    assert result["start_sandbox"]["success"] is True and result["running"]
    refused_change = result["change"]
    assert refused_change["success"] is False
    assert refused_change["message"].startswith(REFUSED)
    assert result["stopped_after_change"]
    assert len(refusal_lines(result["output"])) == 2  # one line each, no traceback
    assert "Traceback" not in result["output"]
    assert result["grown"] == NO_ATTEMPT


def test_ui_cannot_send_the_credential_to_another_origin_than_the_allowed_one(
    empty_namespace: None, tmp_path: Path
) -> None:
    result = in_empty_network_namespace("ui_other_origin", tmp_path)
    answer = result["answer"]
    assert answer["success"] is False
    assert answer["message"].startswith("refusing to send to https://collector.invalid")
    assert "allowed only for https://api.vendor.invalid:443" in answer["message"]
    assert result["state"] == "ready"
    assert result["grown"] == NO_ATTEMPT


def test_worker_refuses_a_non_loopback_host_from_its_master(
    empty_namespace: None, tmp_path: Path
) -> None:
    result = in_empty_network_namespace("worker_retarget", tmp_path)
    worker = result["worker_output"]
    (line,) = refusal_lines(worker)
    assert REFUSED in line and "--allow-live-traffic" in line
    assert "Traceback" not in worker
    assert result["grown"] == NO_ATTEMPT


def test_processes_refuse_a_non_loopback_host_once_and_leave_no_worker_behind(
    empty_namespace: None, tmp_path: Path
) -> None:
    result = in_empty_network_namespace("processes_refused", tmp_path)
    assert result["code"] == 2
    (line,) = refusal_lines(result["output"])
    assert line.startswith(f"locust: error: {REFUSED}")
    assert result["children_gone"]
    assert result["grown"] == NO_ATTEMPT


def test_web_ui_and_master_listen_on_loopback_by_default(
    empty_namespace: None, tmp_path: Path
) -> None:
    result = in_empty_network_namespace("default_binds", tmp_path)
    assert result["web_listeners"] == ["127.0.0.1"]
    assert result["master_listeners"] == ["127.0.0.1"]
    assert re.search(r"Starting web interface at http://127\.0\.0\.1:\d+", result["output"])
    assert result["explicit_web_listeners"] == ["127.0.0.2"]


def test_web_login_still_answers_before_the_guard(empty_namespace: None, tmp_path: Path) -> None:
    result = in_empty_network_namespace("web_login", tmp_path)
    status, body = result["swarm_without_login"]
    assert status == 302  # Locust redirects to its login page
    assert "refusing" not in body
    assert result["login_status"] == 302
    assert result["logged_in_vendor"]["success"] is False
    assert result["logged_in_vendor"]["message"].startswith(REFUSED)
    assert result["logged_in_sandbox"]["success"] is True
    assert result["grown"] == NO_ATTEMPT
