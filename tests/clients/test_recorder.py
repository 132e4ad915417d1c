"""`tools/record_clients.py` writes what the real client sends: re-recording 4.x reproduces the
committed recording (request lines and bodies exactly, the same headers in the same order).

Header values are compared by name only: they come partly from the client's HTTP library
(urllib3), which may move on between releases of the client itself.
"""

from __future__ import annotations

import json

from sms_acceptance.conformance.checks import load_recordings

from .conftest import TOOLS, _load, environments

recorder = _load("sms_acceptance_record_clients", TOOLS / "record_clients.py")


def test_re_recording_python_client_4_reproduces_the_committed_recording() -> None:
    build = next(c for c in environments.CLIENTS if c.id == "infobip-api-python-client-4")
    fresh = recorder.record(build)
    committed = next(r for r in load_recordings() if r.client == build.id)
    assert [e["scenario"] for e in fresh["exchanges"]] == [r.scenario for r in committed.requests]
    for exchange, recorded in zip(fresh["exchanges"], committed.requests, strict=True):
        assert exchange["request_line"] == recorded.request_line
        assert exchange["body"] == recorded.body
        assert [n for n, _ in exchange["headers"]] == [n for n, _ in recorded.headers]
        assert json.dumps(exchange).count("{authorization}") == 1
