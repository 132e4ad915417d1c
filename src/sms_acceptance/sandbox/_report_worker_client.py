"""The serving process's side of the report worker process (`ReportConfig.worker="process"`).

Why a process: at the sandbox's maximum send rate, tracking, finalising and pushing ~5 reports a
request cost the serving process ~70 µs of a ~180 µs request, in its one event loop, however lean
the objects (benchmarks/README.md, "Delivery reports"). Here the send path only appends one tuple
per request (two clock readings, the request body it parsed and the answer body it sent: bytes it
already has), and every millisecond the tuples go to the worker as one frame over a socket pair.
Everything else (the lifecycle, the store, the pushes) runs in the worker, on another core.

What a client sees does not change: the report routes ask the worker (`ask`) after flushing what
was accepted before, and the worker answers in order, so a pull or a log read sees every message
accepted before it, and each report is still pulled once (one store decides). If the worker falls
behind by more than `_HIGH_WATER` bytes of records, the send path waits for it (a bounded queue,
never a growing one). If it dies, the sandbox says so in one error line, stops tracking reports,
and the report routes answer a 500 envelope at once instead of waiting.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import pickle
import socket
import subprocess
import sys
import time
import weakref
from collections.abc import Awaitable
from typing import Any

from ._report_backend import ReportWorkerGone
from ._report_config import ReportConfig
from ._report_queries import ReportQuery
from ._report_worker import HEADER, ReportAnswerError, frame

__all__ = ["ProcessReports"]

_log = logging.getLogger("sms_acceptance.sandbox.reports")

_WORKER_MODULE = "sms_acceptance.sandbox._report_worker"
# Records wait at most this long in the serving process before going to the worker in one frame.
_FLUSH_SECONDS = 0.001
# Bytes of frames the worker has not read yet beyond which the send path waits for it.
_HIGH_WATER = 8 * 1024 * 1024
# How long a report route waits for the worker's answer.
_ASK_TIMEOUT_SECONDS = 30.0


class ProcessReports:
    """Feeds accepted requests to a report worker process and asks it the routes' questions."""

    def __init__(self, config: ReportConfig) -> None:
        ours, theirs = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", _WORKER_MODULE, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                # It prints nothing; a pipe a parent reads the sandbox's output from (its ready
                # line) must not stay open in the worker. Its log lines go to stderr.
                stdout=subprocess.DEVNULL,
            )
        finally:
            theirs.close()
        level = _log.getEffectiveLevel()
        ours.sendall(frame(("config", config, level)))
        self._sock = ours
        self._finalizer = weakref.finalize(self, _stop_worker, self._process, ours)
        self._transport: asyncio.Transport | None = None
        self._connecting: asyncio.Task[None] | None = None
        self._unsent: list[bytes] = []  # frames written before the connection was made
        self._records: list[tuple[float, float, Any, bytes]] = []
        self._flush_handle: asyncio.TimerHandle | None = None
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._ids = itertools.count()
        self._drained: asyncio.Future[None] | None = None
        self._gone: str | None = None

    @property
    def pid(self) -> int:
        """The worker process's id."""
        return self._process.pid

    # The send path ---------------------------------------------------------------------------

    def on_accepted(
        self, document: dict[str, Any], answer: dict[str, Any], raw: bytes | None, body: bytes
    ) -> None:
        if self._gone is not None:
            return  # said once, in the error line
        self._records.append(
            (time.monotonic(), time.time(), raw if raw is not None else document, body)
        )
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(_FLUSH_SECONDS, self._flush)

    def backpressure(self) -> Awaitable[None] | None:
        return self._drained

    # The report routes -----------------------------------------------------------------------

    async def ask(self, query: ReportQuery) -> Any:
        if self._gone is not None:
            raise ReportWorkerGone(self._gone)
        self._flush()  # everything accepted before this question goes first
        ask_id = next(self._ids)
        answered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[ask_id] = answered
        self._send(frame(("ask", ask_id, query)))
        try:
            answer = await asyncio.wait_for(answered, _ASK_TIMEOUT_SECONDS)
        except TimeoutError:
            raise ReportWorkerGone(
                f"the delivery-report worker process (pid {self.pid}) did not answer within "
                f"{_ASK_TIMEOUT_SECONDS:.0f} s"
            ) from None
        finally:
            self._waiting.pop(ask_id, None)
        if isinstance(answer, ReportAnswerError):
            raise RuntimeError(f"the delivery-report worker process failed: {answer.reason}")
        return answer

    # The connection --------------------------------------------------------------------------

    def _flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self._records and self._gone is None:
            records, self._records = self._records, []
            self._send(frame(("accepted", records)))

    def _send(self, data: bytes) -> None:
        if self._transport is not None:
            self._transport.write(data)
            return
        self._unsent.append(data)
        if self._connecting is None:
            self._connecting = asyncio.get_running_loop().create_task(self._connect())

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_connection(lambda: _WorkerProtocol(self), sock=self._sock)
        assert isinstance(transport, asyncio.Transport)
        transport.set_write_buffer_limits(high=_HIGH_WATER)
        self._transport = transport
        for data in self._unsent:
            transport.write(data)
        self._unsent.clear()

    def _answered(self, ask_id: int, answer: Any) -> None:
        waiting = self._waiting.get(ask_id)
        if waiting is not None and not waiting.done():
            waiting.set_result(answer)

    def _paused(self, paused: bool) -> None:
        if paused and self._drained is None:
            self._drained = asyncio.get_running_loop().create_future()
        elif not paused and self._drained is not None:
            if not self._drained.done():
                self._drained.set_result(None)
            self._drained = None

    def _lost(self) -> None:
        """The worker's end closed: it exited (or was killed). Say so once, fail the waiting."""
        if self._gone is not None:
            return
        try:
            status: int | None = self._process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            status = None
        ended = "closed its connection" if status is None else f"exited with status {status}"
        self._gone = (
            f"the delivery-report worker process (pid {self.pid}) {ended}: no more delivery "
            "reports are tracked, pushed or pulled"
        )
        _log.error("%s", self._gone)
        self._records.clear()
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(ReportWorkerGone(self._gone))
        self._paused(False)


class _WorkerProtocol(asyncio.Protocol):
    """Reads the worker's answers (frames) and tells the owner about the connection's state."""

    def __init__(self, owner: ProcessReports) -> None:
        self._owner = owner
        self._buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer)
            end = HEADER.size + size
            if len(buffer) < end:
                break
            ask_id, answer = pickle.loads(bytes(buffer[HEADER.size : end]))
            del buffer[:end]
            self._owner._answered(ask_id, answer)

    def pause_writing(self) -> None:
        self._owner._paused(True)

    def resume_writing(self) -> None:
        self._owner._paused(False)

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner._lost()


def _stop_worker(process: subprocess.Popen[bytes], sock: socket.socket) -> None:
    """Close the worker's socket (it then exits by itself) and reap it."""
    sock.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
