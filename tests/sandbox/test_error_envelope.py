"""Error envelope rules E1-E3: every non-2xx answer is the envelope, and nothing reaches a 5xx."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sms_acceptance.sandbox import RunningSandbox, SandboxConfig, running_sandbox

from .conftest import CREDENTIAL, ENDPOINT, Post

Envelope = Callable[[httpx.Response], dict[str, Any]]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", ENDPOINT, 405),
        ("PUT", ENDPOINT, 405),
        ("DELETE", ENDPOINT, 405),
        ("POST", "/sms/3/messages", 404),
        ("POST", ENDPOINT + "/", 404),
        ("POST", ENDPOINT.upper(), 404),
        ("POST", "/", 404),
        ("GET", "/favicon.ico", 404),
    ],
)
def test_E1_wrong_method_or_path_answers_with_the_envelope(
    client: httpx.Client, service_exception: Envelope, method: str, path: str, status: int
) -> None:
    response = client.request(method, path, headers={"Authorization": CREDENTIAL})
    assert response.status_code == status
    service_exception(response)


def test_E1_wrong_method_keeps_the_allow_header(client: httpx.Client) -> None:
    assert client.get(ENDPOINT).headers["allow"] == "POST"


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/xml", "application/x-www-form-urlencoded"]
)
def test_E1_wrong_content_type_is_a_400_envelope(
    post: Post, service_exception: Envelope, content_type: str | None
) -> None:
    response = post(raw=b'{"messages": []}', headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert "Content-Type" in service_exception(response)["validationErrors"]


def test_E1_content_type_with_parameters_is_json(post: Post) -> None:
    body = b'{"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hi"}]}'
    response = post(raw=body, headers={"Content-Type": "Application/JSON; charset=utf-8"})
    assert response.status_code == 200


def test_E1_body_over_the_cap_is_a_413_envelope(service_exception: Envelope) -> None:
    config = SandboxConfig(authorization=CREDENTIAL, max_body_bytes=4096)
    with (
        running_sandbox(config) as sandbox,
        httpx.Client(base_url=sandbox.base_url, timeout=10) as client,
    ):
        headers = {"Authorization": CREDENTIAL, "Content-Type": "application/json"}
        declared = client.post(ENDPOINT, content=b" " * 5000, headers=headers)

        def chunks() -> Any:  # no Content-Length: the cap applies while reading
            for _ in range(10):
                yield b" " * 1000

        streamed = client.post(ENDPOINT, content=chunks(), headers=headers)
    for response in (declared, streamed):
        assert response.status_code == 413
        service_exception(response)


NASTY_BODIES = {
    "deep-array": b"[" * 100_000 + b"]" * 100_000,
    "deep-object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "deep-inside-message": b'{"messages":[{"destinations":[{"to":"1"}],"x":'
    + b"[" * 5000
    + b"]" * 5000
    + b"}]}",
    "nan": b'{"messages":[{"destinations":[{"to":"1"}],"validityPeriod":NaN}]}',
    "infinity": b'{"messages":[{"destinations":[{"to":"1"}],"validityPeriod":Infinity}]}',
    "huge-integer": b'{"messages":[{"destinations":[{"to":"1"}],"validityPeriod":'
    + b"9" * 5000
    + b"}]}",
    "huge-exponent": b'{"messages":[{"destinations":[{"to":"1"}],"validityPeriod":1e999999}]}',
    "invalid-utf8": b'{"messages":[{"destinations":[{"to":"\xff\xfe"}]}]}',
    "lone-surrogate": b'{"messages":[{"destinations":[{"to":"\\ud800"}]}]}',
    "nul-in-string": b'{"messages":[{"destinations":[{"to":"\\u0000"}],"text":"\\u0000"}]}',
    "duplicate-keys": b'{"messages":[],"messages":[{"destinations":[{"to":"1"}]}]}',
    "utf8-bom": b'\xef\xbb\xbf{"messages":[{"destinations":[{"to":"1"}]}]}',
    "utf16": '{"messages":[{"destinations":[{"to":"1"}]}]}'.encode("utf-16"),
    "trailing-garbage": b'{"messages":[{"destinations":[{"to":"1"}]}]} x',
    "only-whitespace": b" \n\t ",
    "many-destinations": b'{"messages":[{"destinations":['
    + b",".join([b'{"to":"41793026727"}'] * 20_000)
    + b"]}]}",
}


@pytest.mark.parametrize("raw", NASTY_BODIES.values(), ids=NASTY_BODIES.keys())
def test_E2_nasty_bodies_never_get_a_5xx(
    post: Post, service_exception: Envelope, raw: bytes
) -> None:
    response = post(raw=raw)
    assert response.status_code < 500, response.text[:500]
    if response.status_code != 200:
        service_exception(response)


def test_E3_a_400_envelope_message_id_is_BAD_REQUEST(
    post: Post, service_exception: Envelope
) -> None:
    assert service_exception(post({"messages": []}))["messageId"] == "BAD_REQUEST"


def raw_exchange(sandbox: RunningSandbox, request: bytes) -> tuple[bytes, bytes]:
    """Send bytes on a fresh socket; the status line and the body of the answer."""
    with socket.create_connection((sandbox.host, sandbox.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):  # the sandbox closes after a parse error
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"POST /sms/1/text/advanced HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        b"POST /sms/1/text/advanced HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    ],
    ids=["not-http", "broken-header", "negative-length"],
)
def test_E1_a_request_too_malformed_to_parse_still_gets_the_envelope(
    sandbox: RunningSandbox, request_bytes: bytes
) -> None:
    status_line, body = raw_exchange(sandbox, request_bytes)
    assert status_line == b"HTTP/1.1 400 Bad Request"
    assert json.loads(body)["requestError"]["serviceException"]["messageId"] == "BAD_REQUEST"
