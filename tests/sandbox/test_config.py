"""`SandboxConfig` and `FaultConfig` refuse nonsense when built, with one line, never the secret."""

from __future__ import annotations

from typing import Any

import pytest

from sms_acceptance.sandbox import FaultConfig, SandboxConfig

KEY = "config-test-key-77aa"


@pytest.mark.parametrize(
    "authorization",
    [KEY, f"Token {KEY}", "App", "App  ", (), [f"App {KEY}", KEY], f"App {KEY}\nX-Other: 1"],
)
def test_malformed_accepted_authorization_is_refused_without_echoing_it(
    authorization: Any,
) -> None:
    with pytest.raises(ValueError) as refused:
        SandboxConfig(authorization=authorization)
    assert KEY not in str(refused.value)
    assert "\n" not in str(refused.value)


def test_config_repr_does_not_show_the_credential() -> None:
    assert KEY not in repr(SandboxConfig(authorization=f"App {KEY}"))


def test_several_accepted_authorizations_are_kept_in_order() -> None:
    config = SandboxConfig(authorization=[f"App {KEY}", " Bearer token "])
    assert config.accepted_authorizations == (f"App {KEY}", "Bearer token")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"latency_ms": -1}, "latency_ms"),
        ({"latency_ms": float("nan")}, "latency_ms"),
        ({"latency_distribution": "gaussian"}, "latency distribution"),
        ({"error_fractions": {418: 0.1}}, "cannot inject status 418"),
        ({"error_fractions": {503: -0.1}}, "fraction"),
        ({"error_fractions": {503: 0.7, 500: 0.7}}, "more than 1"),
        ({"stall_fraction": 2}, "stall_fraction"),
        ({"stall_fraction": 0.1}, "stall_seconds"),
        ({"stall_seconds": -3}, "stall_seconds"),
    ],
)
def test_inconsistent_fault_config_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultConfig(**fields)


def test_fault_config_copies_the_fractions_it_is_given() -> None:
    fractions = {503: 0.1}
    faults = FaultConfig(error_fractions=fractions)
    fractions[503] = 1.0
    assert faults.error_fractions == {503: 0.1}


@pytest.mark.parametrize(
    ("fields", "enabled"),
    [
        ({}, False),
        ({"latency_ms": 1}, True),
        ({"error_fractions": {503: 0}}, False),
        ({"error_fractions": {429: 0.01}}, True),
        ({"stall_fraction": 0.1, "stall_seconds": 1}, True),
    ],
)
def test_faults_are_enabled_only_when_one_would_happen(
    fields: dict[str, Any], enabled: bool
) -> None:
    assert FaultConfig(**fields).enabled is enabled
