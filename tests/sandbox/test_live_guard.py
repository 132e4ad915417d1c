"""`_live_guard`: loopback is free; anything else needs a deliberate, bounded permission."""

from __future__ import annotations

import re
import threading

import pytest

from sms_acceptance import (
    LiveTrafficGuard,
    LiveTrafficRefused,
    check_outbound_url,
    is_loopback_url,
    url_origin,
)

LIVE = "https://api.infobip.com"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.0.0.1",
        "https://127.255.3.4/sms/1/text/advanced",
        "http://localhost:5000",
        "http://LOCALHOST",
        "http://[::1]:8080",
        "http://[::ffff:127.0.0.1]:80",
    ],
)
def test_loopback_urls_are_recognised(url: str) -> None:
    assert is_loopback_url(url)


@pytest.mark.parametrize(
    "url",
    [
        LIVE,
        "http://10.0.0.1",
        "http://0.0.0.0:8080",
        "http://127.0.0.1.nip.io",
        "http://localhost.example.com",
        "http://2130706433",  # 127.0.0.1 as an integer: loopback in disguise, refused
        "http://127.1",
        "ftp://127.0.0.1",
        "127.0.0.1:8080",
        "http://127.0.0.1:notaport",
        "",
        "http://[::2]",
    ],
)
def test_other_urls_are_not_loopback(url: str) -> None:
    assert not is_loopback_url(url)


def test_url_with_credentials_is_judged_by_its_real_host() -> None:
    assert is_loopback_url("http://user:pass@127.0.0.1:80")
    assert not is_loopback_url("http://127.0.0.1@example.com")


def test_loopback_needs_no_permission_and_uses_no_budget() -> None:
    guard = LiveTrafficGuard(max_destinations=0)
    guard.admit("http://127.0.0.1:9", ["41793026727"] * 5000)
    assert guard.destinations_sent == 0


def test_a_non_loopback_target_is_refused_without_permission() -> None:
    with pytest.raises(LiveTrafficRefused, match="--allow-live-traffic") as refused:
        LiveTrafficGuard().check_target(LIVE)
    assert "\n" not in str(refused.value)


def test_permission_needs_test_destinations() -> None:
    with pytest.raises(LiveTrafficRefused, match="--test-destination"):
        LiveTrafficGuard(allow_live_traffic=True, live_origins=[LIVE]).check_target(LIVE)


def test_permission_covers_only_the_origin_it_was_given_for() -> None:
    guard = LiveTrafficGuard(
        allow_live_traffic=True, allowed_destinations=["41793026727"], live_origins=[LIVE]
    )
    guard.check_target("https://API.infobip.com:443/sms/2/text/advanced")
    for other in ("https://api.infobip.com:8443", "http://api.infobip.com", "https://evil.example"):
        with pytest.raises(
            LiveTrafficRefused, match=re.escape("allowed only for https://api.infobip.com:443")
        ):
            guard.check_target(other)
    with pytest.raises(LiveTrafficRefused, match="allowed only for no live target"):
        LiveTrafficGuard(allow_live_traffic=True, allowed_destinations=["1"]).check_target(LIVE)


def test_origins_are_scheme_host_and_port() -> None:
    assert url_origin("HTTPS://Api.Example.com/x?y") == "https://api.example.com:443"
    assert url_origin("http://[::1]:8080/") == "http://[::1]:8080"
    assert url_origin("ftp://example.com") is None
    assert url_origin("http://example.com:notaport") is None


def test_outbound_calls_go_to_loopback_or_a_named_origin_only() -> None:
    check_outbound_url("http://127.0.0.1:9000/dlr")
    check_outbound_url(
        "https://hooks.example.com/dlr", allowed_origins=["https://hooks.example.com"]
    )
    with pytest.raises(LiveTrafficRefused, match="not a loopback address"):
        check_outbound_url("https://hooks.example.com/dlr")
    with pytest.raises(LiveTrafficRefused):
        check_outbound_url(
            "https://other.example.com/", allowed_origins=["https://hooks.example.com"]
        )


def test_a_budget_is_reserved_whole_or_not_at_all_and_granted_quota_can_be_spent() -> None:
    owner = LiveTrafficGuard(
        allow_live_traffic=True, max_destinations=3, allowed_destinations=["1"]
    )
    assert (owner.reserve(2), owner.reserve(2), owner.reserve(1)) == (2, 0, 1)
    assert LiveTrafficGuard(max_destinations=3).reserve(1) == 0  # no permission, nothing to grant
    worker = LiveTrafficGuard(
        allow_live_traffic=True, max_destinations=0, allowed_destinations=["1"], live_origins=[LIVE]
    )
    with pytest.raises(LiveTrafficRefused, match="budget of 0"):
        worker.admit(LIVE, ["1"])
    worker.grant(2)
    worker.admit(LIVE, ["1", "1"])
    assert worker.remaining == 0


def test_live_messages_go_only_to_the_test_destinations() -> None:
    guard = LiveTrafficGuard(
        allow_live_traffic=True, allowed_destinations=["41793026727"], live_origins=[LIVE]
    )
    guard.admit(LIVE, ["41793026727"])
    with pytest.raises(LiveTrafficRefused, match="'41793026834'"):
        guard.admit(LIVE, ["41793026727", "41793026834"])
    assert guard.destinations_sent == 1  # the refused request consumed nothing


def test_live_messages_are_bounded_in_total() -> None:
    guard = LiveTrafficGuard(
        allow_live_traffic=True,
        max_destinations=3,
        allowed_destinations=["41793026727"],
        live_origins=[LIVE],
    )
    guard.admit(LIVE, ["41793026727", "41793026727"])
    with pytest.raises(LiveTrafficRefused, match="budget of 3"):
        guard.admit(LIVE, ["41793026727", "41793026727"])
    guard.admit(LIVE, ["41793026727"])
    assert (guard.destinations_sent, guard.remaining) == (3, 0)


def test_the_budget_holds_across_threads() -> None:
    guard = LiveTrafficGuard(
        allow_live_traffic=True,
        max_destinations=100,
        allowed_destinations=["1"],
        live_origins=[LIVE],
    )
    admitted: list[int] = []

    def send() -> None:
        for _ in range(50):
            try:
                guard.admit(LIVE, ["1"])
                admitted.append(1)
            except LiveTrafficRefused:
                pass

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == guard.destinations_sent == 100
