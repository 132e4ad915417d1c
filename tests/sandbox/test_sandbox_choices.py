"""The sandbox's choices where a rule is OPEN (rules.md): it follows the provider.

Both paths at once, the absolute-form request line whatever HTTP parser uvicorn uses (H1), `null`
optional fields read as absent (K4), `bulkId` in every answer (K2), the seed's bare 400 envelope on
`/sms/1` (K5) and `validationErrors` on `/sms/2`, and a path it cannot emulate refused at start.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from sms_acceptance.sandbox import (
    REQUEST_LOGGER_NAME,
    SandboxConfig,
    create_app,
    running_sandbox,
    serve_on_loopback,
)

from .conftest import CREDENTIAL
from .test_cli import run_to_error

V1 = "/sms/1/text/advanced"
V2 = "/sms/2/text/advanced"
CONFIG = SandboxConfig(authorization=CREDENTIAL)
ONE = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello"}]}
HEADERS = {"Authorization": CREDENTIAL, "Content-Type": "application/json"}

# What infobip-api-python-sdk 5.0.1 sends when given only `to` and `text` (provider-facts §12).
COMMUNITY_SDK_BODY: dict[str, Any] = {
    "messages": [
        {
            "destinations": [{"to": "41793026727", "messageId": None}],
            "callbackData": None,
            "deliveryTimeWindow": None,
            "flash": None,
            "from": None,
            "intermediateReport": None,
            "language": None,
            "notifyContentType": None,
            "notifyUrl": None,
            "regional": None,
            "sendAt": None,
            "text": "Hello",
            "transliteration": None,
            "validityPeriod": None,
        }
    ],
    "bulkId": None,
    "sendingSpeedLimit": None,
    "tracking": None,
    "includeSmsCountInResponse": None,
}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with running_sandbox(CONFIG) as sandbox, httpx.Client(base_url=sandbox.base_url) as client:
        yield client


def service_exception(response: httpx.Response) -> dict[str, Any]:
    exception: dict[str, Any] = response.json()["requestError"]["serviceException"]
    return exception


@pytest.mark.parametrize("path", [V1, V2])
def test_both_paths_are_served_with_the_same_rules(http: httpx.Client, path: str) -> None:
    response = http.post(path, json=ONE, headers=HEADERS)
    assert response.status_code == 200
    assert response.json()["messages"][0]["to"] == "41793026727"


def test_a_prefixed_endpoint_path_serves_both_versions_under_its_prefix() -> None:
    config = SandboxConfig(authorization=CREDENTIAL, endpoint_path="/api" + V2)
    assert config.endpoint_paths == ("/api" + V1, "/api" + V2)
    with running_sandbox(config) as sandbox:
        answer = httpx.post(sandbox.base_url + "/api" + V1, json=ONE, headers=HEADERS)
    assert answer.status_code == 200


@pytest.mark.parametrize("path", ["/sms/3/messages", "/sms/1/text/single", "/custom"])
def test_a_path_the_sandbox_cannot_emulate_is_refused_when_configured(path: str) -> None:
    with pytest.raises(ValueError, match="cannot emulate POST") as error:
        SandboxConfig(authorization=CREDENTIAL, endpoint_path=path)
    assert "\n" not in str(error.value)


def test_cli_refuses_sms_3_messages_at_start_with_one_line() -> None:
    status, stderr = run_to_error(
        ["--authorization", CREDENTIAL, "--port", "0", "--endpoint-path", "/sms/3/messages"]
    )
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "cannot emulate POST /sms/3/messages" in stderr


def test_K2_a_single_destination_answer_carries_a_bulk_id(http: httpx.Client) -> None:
    body = http.post(V2, json=ONE, headers=HEADERS).json()
    assert isinstance(body["bulkId"], str) and body["bulkId"]


@pytest.mark.parametrize("path", [V1, V2])
def test_K4_null_optional_fields_read_as_absent(http: httpx.Client, path: str) -> None:
    response = http.post(path, json=COMMUNITY_SDK_BODY, headers=HEADERS)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["bulkId"], str)  # generated, not echoed as null
    assert isinstance(body["messages"][0]["messageId"], str)
    assert body["messages"][0]["smsCount"] == 1


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"messages": None}, "$.messages"),
        ({"messages": [{"destinations": None, "text": "x"}]}, "$.messages[0].destinations"),
        ({"messages": [{"destinations": [{"to": None}], "text": "x"}]}, "$.messages[0]"),
    ],
)
def test_null_for_a_required_field_is_still_400(
    http: httpx.Client, document: dict[str, Any], path: str
) -> None:
    response = http.post(V2, json=document, headers=HEADERS)
    assert response.status_code == 400
    errors = service_exception(response)["validationErrors"]
    assert any(key.startswith(path) for key in errors), errors


def test_K5_sms_1_400_is_the_seeds_bare_envelope_with_reasons_in_the_debug_log(
    http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    invalid = {"messages": [{"destinations": [{"to": "41793026727"}], "flash": "yes"}]}
    with caplog.at_level(logging.DEBUG, logger=REQUEST_LOGGER_NAME):
        response = http.post(V1, json=invalid, headers=HEADERS)
    assert response.status_code == 400
    assert response.json() == {
        "requestError": {"serviceException": {"messageId": "BAD_REQUEST", "text": "Bad request"}}
    }
    logged = [r.getMessage() for r in caplog.records if r.name == REQUEST_LOGGER_NAME]
    assert len(logged) == 1
    assert "$.messages[0].flash" in logged[0] and "(R5)" in logged[0]


def test_K5_sms_1_wrong_content_type_is_the_bare_envelope_too(http: httpx.Client) -> None:
    response = http.post(V1, content=b"{}", headers={**HEADERS, "Content-Type": "text/plain"})
    assert response.status_code == 400
    assert "validationErrors" not in service_exception(response)


def test_sms_2_400_carries_validation_errors(http: httpx.Client) -> None:
    invalid = {"messages": [{"destinations": [{"to": "41793026727"}], "flash": "yes"}]}
    response = http.post(V2, json=invalid, headers=HEADERS)
    assert response.status_code == 400
    errors = service_exception(response)["validationErrors"]
    assert any("(R5)" in message for message in errors["$.messages[0].flash"])


@contextmanager
def served_with(protocol: str) -> Iterator[int]:
    """The sandbox's app under uvicorn with the HTTP parser forced (h11 or httptools)."""
    if protocol == "httptools":
        pytest.importorskip("httptools")
    with serve_on_loopback(create_app(CONFIG), http=protocol) as served:
        yield served.port


def raw_exchange(port: int, target: str) -> tuple[int, dict[str, Any]]:
    body = json.dumps(ONE).encode()
    head = (
        f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {CREDENTIAL}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head.encode() + body)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


@pytest.mark.parametrize("protocol", ["h11", "httptools"])
@pytest.mark.parametrize("path", [V1, V2])
def test_H1_absolute_form_request_line_is_served_like_origin_form(protocol: str, path: str) -> None:
    with served_with(protocol) as port:
        origin = raw_exchange(port, path)
        absolute = raw_exchange(port, f"http://127.0.0.1:{port}{path}")
    assert origin[0] == absolute[0] == 200
    assert absolute[1]["messages"][0]["to"] == origin[1]["messages"][0]["to"] == "41793026727"
