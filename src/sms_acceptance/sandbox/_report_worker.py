"""The report worker process: the delivery-report lifecycle, out of the serving process.

Started by `_report_worker_client.ProcessReports` as `python -m
sms_acceptance.sandbox._report_worker FD`, FD being its end of a socket pair. Frames both ways
are a 4-byte big-endian length and a pickle (the two ends are the same program, and the socket
pair is private to them). The serving process sends:

- first, `("config", ReportConfig, log_level)`;
- `("accepted", [(monotonic, wall, raw body or document, answer body), ...])`: what it
  accepted, in order; here each becomes the same `on_accepted` call the inline lifecycle gets,
  with the acceptance's own clock readings (the monotonic clock is the machine's, so a report is
  due `delay` after its acceptance, not after it arrived here);
- `("ask", id, ReportQuery)`, answered with `(id, answer)` once every record sent before it is
  tracked, so a pull or a log read sees every message accepted before it.

The process ends when the serving process closes its end (it exited, or its sandbox stopped).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import pickle
import signal
import socket
import struct
import sys
from typing import Any

from ._absent_nulls import without_optional_nulls
from ._json_codec import parse_json
from ._report_config import ReportConfig
from ._report_queries import answer_query
from ._reports import ReportLifecycle

__all__ = ["HEADER", "frame", "main"]

HEADER = struct.Struct("!I")
_log = logging.getLogger("sms_acceptance.sandbox.reports")


def frame(message: object) -> bytes:
    """One frame: the pickled message after its length."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def _document(raw_or_document: bytes | dict[str, Any]) -> dict[str, Any]:
    """The request document as the send endpoint judged it (see `_app._Sandbox._answer`)."""
    if isinstance(raw_or_document, dict):
        return raw_or_document  # read exactly in the serving process; sent as it is
    document: dict[str, Any] = parse_json(raw_or_document)
    if b"null" in raw_or_document:
        document = without_optional_nulls(document)
    return document


async def _serve(sock: socket.socket) -> None:
    reader, writer = await asyncio.open_connection(sock=sock, limit=2**20)
    lifecycle: ReportLifecycle | None = None
    read_header, unpack = reader.readexactly, HEADER.unpack
    while True:
        try:
            (size,) = unpack(await read_header(HEADER.size))
            message = pickle.loads(await reader.readexactly(size))
        except asyncio.IncompleteReadError:
            break  # the serving process closed its end: nothing more will come
        kind = message[0]
        if kind == "accepted":
            assert lifecycle is not None
            on_accepted = lifecycle.on_accepted
            for now, wall, raw_or_document, body in message[1]:
                on_accepted(_document(raw_or_document), parse_json(body), now=now, wall=wall)
        elif kind == "ask":
            assert lifecycle is not None
            _, ask_id, query = message
            try:
                answer: Any = answer_query(lifecycle, query)
                if query.kind == "stats":
                    answer["worker_pid"] = os.getpid()  # which process keeps the reports
            except Exception as error:  # a bug: the route says so rather than waiting
                _log.exception("the report worker could not answer %s", query.kind)
                answer = ReportAnswerError(f"{type(error).__name__}: {error}")
            writer.write(frame((ask_id, answer)))
        elif kind == "config":
            _, config, level = message
            assert isinstance(config, ReportConfig)
            _configure_logging(level)
            lifecycle = ReportLifecycle(config)
            # What exists now lives as long as the process: the collector need not scan it. And
            # a young collection every 50,000 allocations rather than 700: the lifecycle's
            # objects form no cycles to speak of (memory stays bounded by the store's bounds),
            # and a collection here delays no client's answer (A/B in benchmarks/README.md).
            gc.freeze()
            gc.set_threshold(50_000, 50, 100)
    writer.close()


class ReportAnswerError:
    """A question the worker could not answer (a bug), with why, in one line."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _configure_logging(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)


def main(argv: list[str]) -> int:
    """Serve the lifecycle on the socket whose descriptor is `argv[0]`."""
    # A Ctrl-C reaches the whole process group: the sandbox handles it, and this process ends
    # when the sandbox's end of the socket closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=int(argv[0]))
    asyncio.run(_serve(sock))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
