"""The load generator's delivery-report receiver: a gevent WSGI server in the Locust process.

Locust runs on gevent, so the receiver does too (`gevent.pywsgi`): each push is a greenlet beside
the users, answered `200` at once with an empty body after its reports are handed to the book
(a dictionary look-up and a histogram record each; no I/O, no logging). A JSON body is read with
orjson, an XML body (D9) with the library's converter (defusedxml); anything else is counted as an
unreadable push and still answered `200`, so a gateway's retries do not inflate the figures.

Scenario payloads are drawn before any receiver exists (on a master, for every worker), so their
`notifyUrl`s point at `NOTIFY_PLACEHOLDER`, a host that cannot resolve (`.invalid`); each process
that runs users replaces it with its own receiver's URL (`localise`). Left unreplaced (no receiver
a gateway could reach), nothing can ever be pushed anywhere.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from ._dlr_metrics import DeliveryReportBook
from ._payloads import PreparedRequest

__all__ = ["NOTIFY_PLACEHOLDER", "ReportReceiver", "localise", "parse_push"]

NOTIFY_PLACEHOLDER = "http://dlr-receiver.sms-acceptance.invalid"
"""The origin scenario payloads carry in `notifyUrl` until a receiver replaces it."""
MAX_PUSH_BYTES = 16 * 1024 * 1024
"""A push of 100 reports with 4000-character callbackData is under 1 MB; more is refused (413)."""
_logger = logging.getLogger("sms_acceptance.load")
_OK = [b""]


def parse_push(body: bytes, content_type: str) -> list[Any] | None:
    """The reports of one push body (JSON `{"results": [...]}` or D9 XML); None if unreadable."""
    stripped = body.lstrip()
    if "xml" in content_type.lower() or stripped.startswith(b"<"):
        from sms_acceptance._report_xml import ReportXmlError, results_from_xml

        try:
            _root, document = results_from_xml(body)
        except ReportXmlError:
            return None
    else:
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
    results = document.get("results") if isinstance(document, dict) else None
    return results if isinstance(results, list) else None


def localise(payloads: Iterable[PreparedRequest], origin: str) -> tuple[PreparedRequest, ...]:
    """The payloads with `NOTIFY_PLACEHOLDER` replaced by `origin` (this process's receiver)."""
    old, new = NOTIFY_PLACEHOLDER.encode(), origin.rstrip("/").encode()
    return tuple(
        PreparedRequest(p.body.replace(old, new), p.destinations, p.expect_rejection, p.rule_ids)
        if old in p.body
        else p
        for p in payloads
    )


class ReportReceiver:
    """Listens on `host:port` (0: a free port) and feeds every push into `book` (replaced when a
    new test starts)."""

    def __init__(
        self,
        book: DeliveryReportBook,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.book = book
        self._clock = clock
        self._address = (host, port)
        self._server: Any = None

    def start(self) -> None:
        """Bind and serve in the background (greenlets); `OSError` when the address is taken."""
        from gevent.pywsgi import WSGIServer

        server = WSGIServer(self._address, self._application, log=None, error_log=_logger)
        server.start()
        self._server = server

    @property
    def url(self) -> str:
        """`http://HOST:PORT` where the receiver listens (IPv6 in brackets)."""
        host, port = self._server.address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(timeout=1)
            self._server = None

    def _application(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        arrived_at = self._clock()
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [("Allow", "POST"), ("Content-Length", "0")])
            return _OK
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_PUSH_BYTES:
            start_response("413 Content Too Large", [("Content-Length", "0")])
            return _OK
        body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read()
        reports = parse_push(body, str(environ.get("CONTENT_TYPE") or ""))
        if reports is None:
            self.book.record_unreadable_push()
        else:
            self.book.record_push(reports, arrived_at)
        start_response("200 OK", [("Content-Length", "0")])
        return _OK
