"""`report.html`: the summary for people, one self-contained file (no script, font or image
fetched from anywhere: it is opened from CI artefacts, often offline).

Rendered from `summary.json`'s data only, so the page can never show a number the JSON does not
have. Plots are matplotlib figures rendered to inline SVG (text as paths, no external font).
"""

from __future__ import annotations

import io
import math
from importlib import resources
from typing import Any

from jinja2 import Environment as TemplateEnvironment
from jinja2 import select_autoescape


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float = 9.0, height: float = 3.4) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _timeline_plot(summary: dict[str, Any]) -> tuple[Any, Any, list[dict[str, Any]], list[float]]:
    """A figure and its axes for the run's timeline: its points, and their seconds into the run."""
    figure = _figure()
    points: list[dict[str, Any]] = summary["timeline"]
    seconds = [p["second"] - points[0]["second"] for p in points]
    return figure, figure.add_subplot(), points, seconds


def latency_over_time_svg(summary: dict[str, Any]) -> str:
    """Mean and max latency per second, from actual and from intended start."""
    figure, axes, points, seconds = _timeline_plot(summary)
    if points:
        axes.plot(seconds, [p["mean_actual_ms"] for p in points], label="mean, from actual start")
        axes.plot(
            seconds,
            [p["max_actual_ms"] for p in points],
            label="max, from actual start",
            linestyle=":",
        )
        if summary["rate"]["model"] == "open":
            axes.plot(
                seconds, [p["mean_corrected_ms"] for p in points], label="mean, from intended start"
            )
            axes.plot(
                seconds,
                [p["max_corrected_ms"] for p in points],
                label="max, from intended start",
                linestyle="--",
            )
        axes.legend(loc="upper left", fontsize="small")
    return _finish(figure, axes, "Latency over time", "seconds into the run", "latency (ms)")


def _finish(
    figure: Any, axes: Any, title: str, xlabel: str, ylabel: str, *, grid: str = "major"
) -> str:
    """Title, axis labels and a light grid, the same on every plot; the figure as SVG."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(alpha=0.3, which=grid)
    return _svg(figure)


def throughput_svg(summary: dict[str, Any]) -> str:
    """Responses and failures per second, with the open model's target rate."""
    figure, axes, points, seconds = _timeline_plot(summary)
    if points:
        axes.plot(seconds, [p["requests"] for p in points], label="responses/s")
        axes.plot(seconds, [p["failures"] for p in points], label="failures/s", color="tab:red")
        target = summary["rate"]["target_rps"]
        if target:
            axes.axhline(target, linestyle="--", color="tab:gray", label=f"target {target:g}/s")
        axes.legend(loc="lower right", fontsize="small")
    return _finish(figure, axes, "Throughput over time", "seconds into the run", "per second")


def spectrum_svg(summary: dict[str, Any]) -> str:
    """Latency by percentile on HdrHistogram's log scale (x = 1/(1-p)): the whole tail."""
    figure = _figure()
    axes = figure.add_subplot()
    ticks = [0.0, 90.0, 99.0, 99.9, 99.99, 99.999]
    for key, label in (
        ("from_actual_start", "from actual start"),
        ("from_intended_start", "from intended start"),
    ):
        points = [(p, ms) for p, ms in summary["spectrum"][key] if p < 100.0]
        if points:
            axes.plot([1 / (1 - p / 100) for p, _ in points], [ms for _, ms in points], label=label)
    axes.set_xscale("log")
    axes.set_xticks([1 / (1 - t / 100) for t in ticks])
    axes.set_xticklabels([f"{t:g}%" for t in ticks])
    axes.set_xlim(1, 1 / (1 - 99.999 / 100))
    if axes.lines:
        axes.legend(loc="upper left", fontsize="small")
    return _finish(figure, axes, "Percentile spectrum", "percentile", "latency (ms)", grid="both")


def report_latency_svg(summary: dict[str, Any]) -> str:
    """Send-to-final-report latency (mean and max) by the second the send was answered."""
    figure = _figure()
    axes = figure.add_subplot()
    points = summary.get("delivery_reports", {}).get("timeline") or []
    if points:
        seconds = [p["second"] for p in points]
        axes.plot(seconds, [p["mean_ms"] / 1000 for p in points], label="mean")
        axes.plot(seconds, [p["max_ms"] / 1000 for p in points], label="max", linestyle=":")
        axes.legend(loc="upper left", fontsize="small")
    return _finish(
        figure, axes, "Delivery-report latency", "send answered, seconds into the run", "seconds"
    )


def outcome_mix_svg(summary: dict[str, Any]) -> str:
    """The final reports' status groups (DELIVERED, UNDELIVERABLE, EXPIRED, REJECTED)."""
    figure = _figure(height=2.6)
    axes = figure.add_subplot()
    outcomes = summary.get("delivery_reports", {}).get("outcomes") or {}
    if outcomes:
        names = list(outcomes)
        bars = axes.barh(names, [outcomes[n] for n in names], color="tab:blue")
        axes.bar_label(bars, labels=[str(outcomes[n]) for n in names], fontsize="small")
        axes.invert_yaxis()
    return _finish(figure, axes, "Outcome mix (final reports)", "reports", "status group")


def render_html(summary: dict[str, Any]) -> str:
    """The whole page as one string (escaped by Jinja; SVG from matplotlib inlined)."""
    source = resources.files(__package__).joinpath("report.html.j2").read_text("utf-8")
    template = TemplateEnvironment(autoescape=select_autoescape(default=True)).from_string(source)
    keys = [k for k in summary["latency_ms"]["from_actual_start"] if k != "count"]
    return template.render(
        s=summary,
        keys=keys,
        latency_svg=latency_over_time_svg(summary),
        throughput_svg=throughput_svg(summary),
        spectrum_svg=spectrum_svg(summary),
        report_latency_svg=report_latency_svg(summary),
        outcome_mix_svg=outcome_mix_svg(summary),
        isfinite=math.isfinite,
    )
