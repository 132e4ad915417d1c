"""A delivery-report receiver that answers at once: the other end of the sandbox's pushes.

`python benchmarks/_report_receiver.py --port N` answers every POST with an empty 200 as soon as
it has read the body, and counts the pushes and the reports in them (occurrences of
`"messageId"` in a JSON body: one per report, without parsing, so the receiver stays cheap and
never becomes the limit). `GET /__bench__/count` answers `{"pushes": n, "reports": n}`. Raw ASGI
on the benchmarks' uvicorn settings (`_loopback_uvicorn.py`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._loopback_uvicorn import serve, server_parser

COUNT_PATH = "/__bench__/count"


class ReportCounter:
    """ASGI app: 200 to every POST, the counts at `COUNT_PATH`."""

    def __init__(self) -> None:
        self.pushes = 0
        self.reports = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        answer = b""
        if scope["method"] == "POST":
            self.pushes += 1
            self.reports += body.count(b'"messageId"')
        elif scope["path"] == COUNT_PATH:
            answer = json.dumps({"pushes": self.pushes, "reports": self.reports}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(answer))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


def main() -> None:
    args = server_parser(__doc__).parse_args()
    serve(ReportCounter(), args.port)


if __name__ == "__main__":
    main()
