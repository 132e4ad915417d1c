"""The baseline load generator: a bare `FastHttpUser` posting one fixed body and checking nothing.

This is what a user would write by hand instead of using the kit: no payload variety, no
validation, no HDR recording, no classification. `bench_loadgen.py` runs it against the same
nginx target, with the same users and duration, alternately with the kit's scenarios.

The body comes from the file named by `SMS_BENCH_BODY_FILE`, the credential from
`SMS_ACCEPTANCE_AUTHORIZATION` (never argv). With `SMS_BENCH_USER_RATE` set, each user paces itself
with `constant_throughput` to that many requests per second (the open-model comparison).
"""

from __future__ import annotations

import os
from pathlib import Path

from locust import FastHttpUser, constant, constant_throughput, task

_BODY = Path(os.environ.get("SMS_BENCH_BODY_FILE", os.devnull)).read_bytes()
_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "Authorization": os.environ.get("SMS_ACCEPTANCE_AUTHORIZATION", ""),
}
_USER_RATE = float(os.environ.get("SMS_BENCH_USER_RATE", "0"))


class BareUser(FastHttpUser):
    """POST the fixed body as fast as the server answers (or at the per-user rate)."""

    wait_time = constant_throughput(_USER_RATE) if _USER_RATE > 0 else constant(0)

    @task
    def send(self) -> None:
        # Bytes go out as they are (geventhttpclient takes them; Locust's annotation says str).
        self.client.post("/sms/1/text/advanced", data=_BODY, headers=_HEADERS)  # type: ignore[arg-type]
