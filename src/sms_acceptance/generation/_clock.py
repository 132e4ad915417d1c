"""The moment generated `sendAt` values are drawn around: now, or a run's pinned minute.

`send_at_values` (R11) and the R8 far-future mutation add a drawn offset to the current time. A
conformance run pins that time once, to the minute it starts (`pin_generation_clock`), so that the
same seed builds the same bytes however long the run takes: the suite records a test's requests
before sending them together and judges them in a second pass (`conformance/plugin/_prefetch.py`),
and both passes must agree byte for byte even when a minute ends between them. The offsets keep
clear of every boundary by days, so a run of a few hours changes no verdict.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar

__all__ = ["generation_now", "pin_generation_clock"]

_PINNED: ContextVar[dt.datetime | None] = ContextVar("sms_acceptance_generation_now", default=None)


def generation_now() -> dt.datetime:
    """The pinned moment (UTC) if a run pinned one, else the current time."""
    pinned = _PINNED.get()
    return dt.datetime.now(dt.UTC) if pinned is None else pinned


def pin_generation_clock(moment: dt.datetime | None) -> None:
    """Draw dates around `moment` (made timezone-aware as UTC) from now on; None: the current
    time again."""
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    _PINNED.set(moment)
