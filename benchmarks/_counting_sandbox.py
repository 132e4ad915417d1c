"""The sandbox with a request counter in front: the neutral yardstick for two test tools.

`python benchmarks/_counting_sandbox.py --port N` serves the sandbox's own app
(`create_app(SandboxConfig(...))`, credential from `SMS_ACCEPTANCE_AUTHORIZATION`) on the same
uvicorn settings as `sms-acceptance sandbox`, behind a pass-through ASGI middleware that counts
every HTTP request by status class. `GET /__bench__/count` answers the counts; nothing else is
touched. Counting at the server lets `pytest conformance` and Schemathesis be compared on the
requests each really sent, whatever each tool reports about itself.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._loopback_uvicorn import serve, server_parser
from sms_acceptance.sandbox import FaultConfig, SandboxConfig, create_app

COUNT_PATH = "/__bench__/count"

Scope = dict[str, Any]
Message = dict[str, Any]


class RequestCounter:
    """ASGI middleware: counts requests by status class, answers the counts at `COUNT_PATH`."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counts: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == COUNT_PATH:
            body = json.dumps(dict(self.counts)).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.counts["requests"] += 1
                self.counts[f"{message['status'] // 100}xx"] += 1
            await send(message)

        await self.app(scope, receive, counting_send)


def main() -> None:
    parser = server_parser(__doc__)
    # A gateway that far away (bench_remote.py): the sandbox's own fixed latency per answer.
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    config = SandboxConfig(
        authorization=os.environ["SMS_ACCEPTANCE_AUTHORIZATION"],
        faults=FaultConfig(latency_ms=args.latency_ms),
    )
    serve(RequestCounter(create_app(config)), args.port)


if __name__ == "__main__":
    main()
