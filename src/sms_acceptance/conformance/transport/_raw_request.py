"""One request's exact bytes on a new connection, and its answer read with h11.

Most requests go through `HttpExchanger`, which writes them itself. Some must reach the server
exactly as recorded or as deliberately shaped (a real client's bytes with its nulls and header
order, K1-K5; an absolute-form request line, H1; the delivery-report reads, D13-D14), so they are
written here as given and only the answer is parsed: h11 (length, chunked or close framing), against
the request's deadline and the body cap of `Limits`. Routed like every other request of the run
(`open_connection`: a proxy's tunnel, TLS with the run's certificates).
"""

from __future__ import annotations

import socket
import time

import h11

from sms_acceptance._network import NetworkSettings, open_connection
from sms_acceptance.conformance.transport._exchange import (
    Exchange,
    FailureCategory,
    ReceivedResponse,
    SentRequest,
    TransportFailure,
)
from sms_acceptance.conformance.transport._limits import DEFAULT_LIMITS

__all__ = ["send_raw"]

_MAX_BODY_BYTES = DEFAULT_LIMITS.max_body_bytes
# Without proxy or TLS options (the project's own tests call replays directly).
_DIRECT = NetworkSettings(proxy="")


def _receive(conn: socket.socket, deadline: float) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of one answer, read with h11 (length, chunked or close framing)."""
    parser = h11.Connection(h11.CLIENT, max_incomplete_event_size=64 * 1024)
    # Put the parser in the state of having sent a request; the real bytes went out raw.
    parser.send(
        h11.Request(method="POST", target="/", headers=[("Host", "x"), ("Content-Length", "0")])
    )
    parser.send(h11.EndOfMessage())
    status, headers, body = 0, [], bytearray()
    while True:
        event = parser.next_event()
        if event is h11.NEED_DATA:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no complete answer before the request deadline")
            conn.settimeout(remaining)
            parser.receive_data(conn.recv(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in event.headers]
        elif isinstance(event, h11.Data):
            body += event.data
            if len(body) > _MAX_BODY_BYTES:
                raise ValueError(f"answer larger than {_MAX_BODY_BYTES} bytes")
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            return status, headers, bytes(body)


def send_raw(
    base_url: str,
    raw: bytes,
    *,
    shown: SentRequest,
    timeout: float,
    network: NetworkSettings = _DIRECT,
) -> Exchange:
    """Sends `raw` as it is on a new connection to `base_url`'s host; the answer as an `Exchange`.

    `shown` is the request as reports show it (credential redacted); `network` routes the
    connection (a proxy's tunnel, TLS with the run's certificates) as for every other request.
    """
    started = time.monotonic()
    deadline = started + timeout
    try:
        with open_connection(network, base_url, timeout) as conn:
            conn.sendall(raw)
            status, headers, body = _receive(conn, deadline)
    except TimeoutError as error:
        return Exchange(shown, TransportFailure(FailureCategory.DEADLINE, str(error), timeout))
    except (OSError, h11.RemoteProtocolError, ValueError) as error:
        category = (
            FailureCategory.CONNECT_REFUSED
            if isinstance(error, ConnectionRefusedError)
            else FailureCategory.PROTOCOL_ERROR
        )
        message = " ".join(f"{type(error).__name__}: {error}".split())
        return Exchange(shown, TransportFailure(category, message, time.monotonic() - started))
    elapsed = time.monotonic() - started
    return Exchange(shown, ReceivedResponse(status, tuple(headers), body, elapsed))
