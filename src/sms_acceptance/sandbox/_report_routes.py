"""`GET /sms/1/reports` (D13), `GET /sms/1/logs` (D14) and the sandbox's own report counters.

Both provider paths sit behind the same credential check as the send endpoint (A1-A5) and answer
every error with the same envelope (E1): a bad `limit` or date is a `400 BAD_REQUEST` naming the
parameter. A `limit` above 1000 is clamped (rules.md leaves it OPEN). `Accept: application/xml`
gets the XML form (`<reportResponse>`, `<smsLogsResponse>`, D9).

`GET /sandbox/reports/stats` is not the provider's: it shows the lifecycle's counters (tracked,
final, pushed, retried, dropped, refused by the allow-list, queued) so tests and benchmarks can see
what the sandbox did without reading its logs. Same credential.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sms_acceptance._envelope import error_envelope
from sms_acceptance._provider_time import ProviderTimeError, parse_provider_time
from sms_acceptance._report_xml import LOGS_XML_ROOT, REPORTS_XML_ROOT, results_to_xml

from ._auth import AuthOutcome, CredentialCheck
from ._json_codec import dump_json
from ._report_backend import ReportBackend, ReportWorkerGone
from ._report_queries import LogFilter, ReportQuery

__all__ = ["LOGS_PATH", "REPORTS_PATH", "STATS_PATH", "report_routes"]

_log = logging.getLogger("sms_acceptance.sandbox")

REPORTS_PATH = "/sms/1/reports"
LOGS_PATH = "/sms/1/logs"
STATS_PATH = "/sandbox/reports/stats"

_DEFAULT_LIMIT = 50
_MAX_LIMIT = 1000
_JSON = "application/json"
_XML = "application/xml"


class _BadParameter(ValueError):
    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name


def _envelope(status: int, message_id: str, text: str) -> Response:
    return Response(dump_json(error_envelope(message_id, text)), status, media_type=_JSON)


def _limit(query: Mapping[str, str]) -> int:
    raw = query.get("limit")
    if raw is None:
        return _DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise _BadParameter("limit", f"must be an integer, got {raw!r}") from None
    if limit < 1:
        raise _BadParameter("limit", f"must be at least 1, got {limit}")
    return min(limit, _MAX_LIMIT)  # OPEN (D13): clamp


def _moment(query: Mapping[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        # A '+' in a query string reads as a space unless the client escaped it.
        return parse_provider_time(raw.replace(" ", "+"))
    except ProviderTimeError as error:
        raise _BadParameter(name, str(error)) from None


def _authorization(request: Request) -> bytes | None:
    """The first raw Authorization header value, as the send endpoint reads it."""
    for name, value in request.scope["headers"]:
        if name == b"authorization":
            return bytes(value)
    return None


def _wants_xml(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return _XML in accept.lower() and _JSON not in accept.lower()


def _results(request: Request, results: list[dict[str, Any]], root: str) -> Response:
    body = {"results": results}
    if _wants_xml(request):
        return Response(results_to_xml(body, root=root), 200, media_type=_XML)
    return Response(dump_json(body), 200, media_type=_JSON)


# What a report route answers once the report worker process is gone (the error line says why).
_WORKER_GONE = "Something went wrong. Please contact support."

Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]


def report_routes(reports: ReportBackend | None, credentials: CredentialCheck) -> list[Route]:
    """The three GET routes; with reports switched off they answer empty results."""

    def guarded(answer: Callable[[Request], Awaitable[Response]]) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            outcome = credentials.judge(_authorization(request))
            if outcome is not AuthOutcome.ACCEPTED:
                return _envelope(401, "UNAUTHORIZED", outcome.value)
            try:
                return await answer(request)
            except _BadParameter as problem:
                # The seed's /sms/1 envelope has no validationErrors (the v1 client cannot parse
                # them, K5): the reason goes to the debug log, as for the send endpoint.
                _log.debug("%s: %s %s", request.url.path, problem.name, problem)
                return _envelope(400, "BAD_REQUEST", "Bad request")
            except ReportWorkerGone as gone:
                # Said once as an error line when it happened; each call after it hears at once.
                _log.debug("%s: %s", request.url.path, gone)
                return _envelope(500, "GENERAL_ERROR", _WORKER_GONE)

        return endpoint

    async def pulled(request: Request) -> Response:
        query = request.query_params
        limit = _limit(query)
        if reports is None:
            return _results(request, [], REPORTS_XML_ROOT)
        found = await reports.ask(
            ReportQuery("pull", limit, query.get("bulkId"), query.get("messageId"))
        )
        return _results(request, found, REPORTS_XML_ROOT)

    async def logs(request: Request) -> Response:
        query = request.query_params
        limit = _limit(query)
        since, until = _moment(query, "sentSince"), _moment(query, "sentUntil")
        if reports is None:
            return _results(request, [], LOGS_XML_ROOT)
        wanted = LogFilter(
            limit,
            since=since.timestamp() if since is not None else None,
            until=until.timestamp() if until is not None else None,
            message_ids=frozenset(query["messageId"].split(",")) if "messageId" in query else None,
            bulk_id=query.get("bulkId"),
            general_status=query.get("generalStatus"),
            sender=query.get("from"),
            to=query.get("to"),
        )
        entries = await reports.ask(ReportQuery("logs", logs=wanted))
        return _results(request, entries, LOGS_XML_ROOT)

    async def stats(request: Request) -> Response:
        if reports is None:
            counters: dict[str, Any] = {"enabled": False}
        else:
            counters = await reports.ask(ReportQuery("stats"))
        return Response(dump_json(counters), 200, media_type=_JSON)

    return [
        Route(REPORTS_PATH, guarded(pulled), methods=["GET"]),
        Route(LOGS_PATH, guarded(logs), methods=["GET"]),
        Route(STATS_PATH, guarded(stats), methods=["GET"]),
    ]
