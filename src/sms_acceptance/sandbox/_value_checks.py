"""The checks the sandbox's settings share: one-line errors for a bad number, fraction or option.

The send-path settings (`_config.py`) and the delivery-report settings (`_report_config.py`), and
their command-line options (`_command.py`, `_report_options.py`), read numbers the same way, so a
bad value reads the same wherever it is given.
"""

from __future__ import annotations

import argparse
import math

__all__ = ["check_finite_at_least", "check_fraction", "number_argument"]


def check_finite_at_least(name: str, value: float, low: float) -> None:
    """`value` is a finite number (not a boolean) >= `low`, else a one-line `ValueError`."""
    if not (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= low
    ):
        raise ValueError(f"{name} must be a finite number >= {low:g}, got {value!r}")


def check_fraction(name: str, value: float) -> None:
    """`value` lies in [0, 1], else a one-line `ValueError`."""
    if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value!r}")


def number_argument(text: str) -> float:
    """An argparse `type=`: a number, else argparse's one-line usage error."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
