"""HDR recording: two latencies per request, exact percentiles, exact merging across workers."""

from __future__ import annotations

import pytest

from sms_acceptance.load._latency import (
    HIGHEST_TRACKABLE_US,
    LatencyDelta,
    LatencyRecorder,
    latency_stats,
    percentile_spectrum,
)


def test_percentiles_come_from_the_histogram_at_microsecond_resolution() -> None:
    recorder = LatencyRecorder()
    for micros in range(1, 1001):  # 1 µs … 1000 µs, one each
        recorder.record(0, micros, micros, failed=False)
    stats = latency_stats(recorder.actual)
    assert stats.count == 1000
    assert stats.percentiles_ms["p50"] == 0.5
    assert stats.percentiles_ms["p99"] == 0.99
    assert stats.percentiles_ms["p99.9"] == 0.999
    assert stats.max_ms == 1.0


def test_corrected_latency_is_never_below_the_actual_one() -> None:
    recorder = LatencyRecorder()
    recorder.record(0, actual_us=5_000, corrected_us=1_000, failed=False)
    assert recorder.corrected.get_max_value() >= 5_000 - 5


def test_values_beyond_sixty_seconds_are_clamped_and_counted() -> None:
    recorder = LatencyRecorder()
    recorder.record(0, 1_000, 90_000_000, failed=True)
    assert recorder.clamped == 1
    assert recorder.corrected.get_total_count() == 1
    assert recorder.corrected.get_max_value() >= HIGHEST_TRACKABLE_US * 0.999


def test_merged_worker_histograms_equal_one_histogram_of_all_requests() -> None:
    together, first, second, master = (LatencyRecorder() for _ in range(4))
    for index in range(5000):
        micros = 200 + (index * 7919) % 90_000
        together.record(100 + index // 2000, micros, micros * 2, index % 13 == 0)
        worker = first if index % 3 else second
        worker.record(100 + index // 2000, micros, micros * 2, index % 13 == 0)
    for worker in (first, second):
        # Through the wire format, as Locust carries it.
        master.absorb(LatencyDelta.from_message(worker.drain().to_message()))
    for name in ("actual", "corrected"):
        merged, expected = getattr(master, name), getattr(together, name)
        assert merged.get_total_count() == expected.get_total_count() == 5000
        for percentile in (50, 90, 95, 99, 99.9, 100):
            assert merged.get_value_at_percentile(percentile) == expected.get_value_at_percentile(
                percentile
            )
    assert master.timeline_points() == together.timeline_points()


def test_drain_hands_over_everything_once_and_starts_afresh() -> None:
    recorder = LatencyRecorder()
    recorder.record(7, 1_000, 1_000, failed=False)
    first = recorder.drain()
    second = recorder.drain()
    master = LatencyRecorder()
    master.absorb(first)
    master.absorb(second)
    assert master.actual.get_total_count() == 1
    assert [p.requests for p in master.timeline_points()] == [1]


def test_timeline_counts_requests_and_failures_per_second_with_gaps_filled() -> None:
    recorder = LatencyRecorder()
    recorder.record(10, 1_000, 3_000, failed=False)
    recorder.record(10, 3_000, 5_000, failed=True)
    recorder.record(12, 2_000, 2_000, failed=False)
    points = recorder.timeline_points()
    assert [(p.second, p.requests, p.failures) for p in points] == [
        (10, 2, 1),
        (11, 0, 0),
        (12, 1, 0),
    ]
    assert points[0].mean_actual_ms == 2.0
    assert points[0].max_corrected_ms == 5.0


def test_spectrum_rises_to_the_maximum() -> None:
    recorder = LatencyRecorder()
    for micros in range(1, 10_001):
        recorder.record(0, micros, micros, failed=False)
    spectrum = percentile_spectrum(recorder.actual)
    values = [ms for _, ms in spectrum]
    assert values == sorted(values)
    assert spectrum[-1][0] == 100.0
    assert spectrum[-1][1] == pytest.approx(10.0, rel=1e-3)  # 3 significant digits


def test_closed_model_records_once_and_reads_the_same_histogram_both_ways() -> None:
    recorder = LatencyRecorder()
    recorder.record(0, 2_000, None, failed=False)
    assert recorder.corrected.get_total_count() == 0
    assert recorder.intended is recorder.actual
    (point,) = recorder.timeline_points()
    assert point.mean_corrected_ms == point.mean_actual_ms == 2.0


def test_a_second_seen_again_adds_to_its_slot_not_replaces_it() -> None:
    # Greenlets can finish out of order across a second boundary; each batch is folded in.
    recorder = LatencyRecorder()
    recorder.record(10, 1_000, None, failed=False)
    recorder.record(11, 4_000, None, failed=True)
    recorder.record(10, 3_000, None, failed=True)
    points = recorder.timeline_points()
    assert [(p.second, p.requests, p.failures) for p in points] == [(10, 2, 1), (11, 1, 1)]
    assert points[0].max_actual_ms == 3.0
    assert recorder.actual.get_total_count() == 3


def test_reading_mid_run_sees_every_request_and_recording_continues() -> None:
    recorder = LatencyRecorder()
    recorder.record(5, 1_000, 2_000, failed=False)
    assert recorder.actual.get_total_count() == 1
    recorder.record(5, 1_500, 1_000, failed=False)
    assert recorder.corrected.get_total_count() == 2
    assert [p.requests for p in recorder.timeline_points()] == [2]
    assert recorder.timeline_points()[0].max_corrected_ms == 2.0
