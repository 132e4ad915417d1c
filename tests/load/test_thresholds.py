"""The threshold grammar: what parses, what is refused (one line), how verdicts are reached."""

from __future__ import annotations

import pytest

from sms_acceptance.load import (
    DEFAULT_THRESHOLD_EXPRESSIONS,
    Threshold,
    ThresholdSyntaxError,
    evaluate_thresholds,
    parse_threshold,
)


@pytest.mark.parametrize(
    ("expression", "metric", "comparison", "limit", "unit"),
    [
        ("p95<250ms", "p95", "<", 250.0, "ms"),
        ("p99.9<1s", "p99.9", "<", 1000.0, "ms"),
        ("p50 <= 800us", "p50", "<=", 0.8, "ms"),
        ("corrected_p99<500ms", "corrected_p99", "<", 500.0, "ms"),
        ("max<2s", "max", "<", 2000.0, "ms"),
        ("corrected_max<3s", "corrected_max", "<", 3000.0, "ms"),
        ("error_rate<1%", "error_rate", "<", 0.01, "fraction"),
        ("error_rate<=0.05", "error_rate", "<=", 0.05, "fraction"),
        ("rps>=400", "rps", ">=", 400.0, "req/s"),
        ("rps>99.5/s", "rps", ">", 99.5, "req/s"),
    ],
)
def test_threshold_parses_into_metric_comparison_and_canonical_limit(
    expression: str, metric: str, comparison: str, limit: float, unit: str
) -> None:
    threshold = parse_threshold(expression)
    assert (threshold.metric, threshold.comparison, threshold.unit) == (metric, comparison, unit)
    assert threshold.limit == pytest.approx(limit)


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("p95", "not a threshold"),
        ("p95<250", "needs a number and a unit"),
        ("p95<fast", "needs a number and a unit"),
        ("latency<1s", "unknown metric"),
        ("p0<1s", "percentile must be in (0, 100]"),
        ("p101<1s", "percentile must be in (0, 100]"),
        ("error_rate<150%", "above 100%"),
        ("error_rate<one", "percentage or a fraction"),
        ("rps>=many", "number of requests/s"),
        ("p95=<1s", "not a threshold"),
    ],
)
def test_bad_threshold_is_refused_with_one_line_naming_it(expression: str, complaint: str) -> None:
    with pytest.raises(ThresholdSyntaxError) as raised:
        parse_threshold(expression)
    message = str(raised.value)
    assert complaint in message
    assert "\n" not in message


def test_default_threshold_is_error_rate_below_one_percent() -> None:
    assert [parse_threshold(e).expression for e in DEFAULT_THRESHOLD_EXPRESSIONS] == [
        "error_rate<1%"
    ]


def test_verdict_holds_or_fails_on_the_observed_value() -> None:
    thresholds = (parse_threshold("p95<250ms"), parse_threshold("rps>=400"))
    observed = {"p95": 251.0, "rps": 400.0}
    verdicts = evaluate_thresholds(thresholds, observed.get)
    assert [v.holds for v in verdicts] == [False, True]
    assert verdicts[0].describe() == "p95<250ms: 251.000 ms (FAILS)"


def test_threshold_without_data_fails_rather_than_passing_silently() -> None:
    (verdict,) = evaluate_thresholds((parse_threshold("error_rate<1%"),), lambda _: None)
    assert not verdict.holds
    assert "no data" in verdict.describe()


def test_threshold_is_a_frozen_value() -> None:
    threshold = parse_threshold("p99<1s")
    assert threshold == Threshold("p99<1s", "p99", "<", 1000.0, "ms")
    with pytest.raises(AttributeError):
        threshold.limit = 2.0  # type: ignore[misc]
