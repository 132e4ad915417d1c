"""A real HTTP server on loopback that receives delivery-report pushes, for the D tests.

It records every POST (when, path, headers, body) and answers each with the next status of a
script (`answers`, then `default_status`), so a test can make it fail a few times and then
accept. It runs on the standard library's threading HTTP server: independent of the sandbox's own
stack, so a sandbox bug cannot hide in shared code.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ReceivedPush:
    """One POST the receiver got."""

    at: float  # time.monotonic()
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ReportReceiver:
    """What the receiver got so far, and what it answers next."""

    base_url: str
    answers: list[int] = field(default_factory=list)
    default_status: int = 200
    pushes: list[ReceivedPush] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else self.default_status

    def record(self, push: ReceivedPush) -> None:
        with self.lock:
            self.pushes.append(push)

    def wait_for(self, count: int, timeout: float) -> list[ReceivedPush]:
        """The pushes once at least `count` arrived (or whatever came within `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.pushes) >= count:
                    return list(self.pushes)
            time.sleep(0.01)
        with self.lock:
            return list(self.pushes)

    def wait_for_reports(self, count: int, timeout: float) -> list[dict[str, Any]]:
        """The reports of every JSON push once at least `count` arrived (or after `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                reports = [r for p in self.pushes for r in json.loads(p.body)["results"]]
            if len(reports) >= count or time.monotonic() > deadline:
                return reports
            time.sleep(0.01)


@contextmanager
def report_receiver() -> Iterator[ReportReceiver]:
    """A receiver listening on 127.0.0.1 (any free port) for as long as the block runs."""
    receiver: ReportReceiver

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.record(
                ReceivedPush(time.monotonic(), self.path, dict(self.headers.items()), body)
            )
            status = receiver.next_status()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = ReportReceiver(base_url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
