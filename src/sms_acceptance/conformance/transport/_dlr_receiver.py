"""The suite's delivery-report receiver: where the server under test POSTs its reports (D1-D12).

A real HTTP server (the standard library's threading server) on loopback by default, or on
`--receiver-listen` with `--notify-url` as the address a remote vendor calls. Every push is
recorded as it arrived (path, headers, raw body, when, what was answered) and parsed (JSON, or
D9's XML through the library's defusedxml converter); the checks judge the records, so a body the
receiver could not read is evidence, not an error of the suite.

Each request the suite sends carries its own path (`/dlr/<token>`), so a report that arrives
elsewhere is told apart (D1: POSTed to *that* URL). D11 needs a receiver that fails on purpose:
`fail_first(message_ids)` answers `500` to the first push carrying any of them, so the check can
wait for the same report again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import orjson

from sms_acceptance.conformance.transport._limits import DEFAULT_LIMITS

__all__ = ["PushRecord", "ReportReceiver"]

MAX_PUSH_BYTES = DEFAULT_LIMITS.max_push_bytes


@dataclass(frozen=True)
class PushRecord:
    """One POST as the receiver saw it, and what it answered."""

    index: int
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    arrived_at: float
    answered: int
    reports: tuple[dict[str, Any], ...] | None
    root: str | None
    problem: str | None
    """Why the body could not be read as a results document (None when it could)."""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def token(self) -> str | None:
        """The `<token>` of the `…/dlr/<token>` the push was sent to (None for another path); a
        tunnel in front of the receiver may keep a prefix of its own."""
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        return parts[-1] if len(parts) >= 2 and parts[-2] == "dlr" else None


def read_push(body: bytes, content_type: str) -> tuple[str | None, list[Any] | None, str | None]:
    """(XML root or None, reports, problem): a JSON or D9 XML results document."""
    if "xml" in content_type.lower() or body.lstrip().startswith(b"<"):
        from sms_acceptance._report_xml import ReportXmlError, results_from_xml

        try:
            root, document = results_from_xml(body)
        except ReportXmlError as error:
            return None, None, f"unreadable XML: {error}"
        return root, document["results"], None
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, None, "not JSON (nor XML)"
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list):
        return None, None, 'not a {"results": [...]} object'
    return None, results, None


class ReportReceiver:
    """Listens on `host:port`; `notify_url(token)` is what a request's `notifyUrl` should be."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, public_url: str | None = None
    ) -> None:
        self._lock = threading.Condition()
        self._pushes: list[PushRecord] = []
        self._fail_first: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._public_url = public_url.rstrip("/") if public_url else None
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sms-acceptance-dlr-receiver", daemon=True
        )

    def start(self) -> ReportReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever, which must be running
            self._server.shutdown()
        self._server.server_close()

    @property
    def listen_url(self) -> str:
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_hex(8)

    def notify_url(self, token: str) -> str:
        """The URL the server under test should push a request's reports to."""
        return f"{self._public_url or self.listen_url}/dlr/{token}"

    def fail_first(self, message_ids: Iterable[str]) -> None:
        """Answer `500` to the next push carrying any of these ids (once per id), D11."""
        with self._lock:
            self._fail_first.update(message_ids)

    def pushes(self) -> list[PushRecord]:
        with self._lock:
            return list(self._pushes)

    def wait_until(self, done: Callable[[list[PushRecord]], bool], deadline: float) -> bool:
        """Block until `done(pushes)` or the monotonic `deadline`; whether `done` held."""
        with self._lock:
            while not done(self._pushes):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.5))
            return True

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived_at = time.time()
        try:
            length = int(handler.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_PUSH_BYTES:
            self._answer(handler, 413)
            return
        body = handler.rfile.read(length) if length else b""
        content_type = handler.headers.get("Content-Type") or ""
        root, reports, problem = read_push(body, content_type)
        ids = {str(r.get("messageId")) for r in reports or () if isinstance(r, dict)}
        with self._lock:
            failing = ids & self._fail_first
            self._fail_first -= failing
            status = 500 if failing else 200
            self._pushes.append(
                PushRecord(
                    index=len(self._pushes),
                    path=urlsplit(handler.path).path,
                    headers=tuple(handler.headers.items()),
                    body=body,
                    arrived_at=arrived_at,
                    answered=status,
                    reports=None
                    if reports is None
                    else tuple(r if isinstance(r, dict) else {"": r} for r in reports),
                    root=root,
                    problem=problem,
                )
            )
            self._lock.notify_all()
        self._answer(handler, status)

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
