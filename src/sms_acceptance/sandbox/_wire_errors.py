"""An HTTP request too malformed to reach the app still gets the error envelope (E1).

uvicorn answers a request it cannot parse (a bad request line, a broken header, oversized headers)
itself, with a plain-text 400, before any ASGI app sees it. The sandbox's promise is that every
non-2xx answer is the envelope, so we take uvicorn's own protocol class (whichever one it would
pick: h11, or httptools when installed) and change only that answer. The happy path is untouched.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from sms_acceptance._envelope import error_envelope

from ._json_codec import dump_json

__all__ = ["EnvelopeOnParseErrorProtocol"]


def _answer(text: str) -> bytes:
    body = dump_json(error_envelope("BAD_REQUEST", text))
    head = (
        b"HTTP/1.1 400 Bad Request\r\n"
        b"content-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
        b"connection: close\r\n\r\n"
    )
    return head + body


class EnvelopeOnParseErrorProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP protocol, answering unparseable requests with the 400 envelope."""

    transport: asyncio.Transport

    def send_400_response(self, msg: str) -> None:
        # The connection cannot be trusted after a parse error: answer once, then close it.
        self.transport.write(_answer(msg))
        self.transport.close()
