"""Fixtures for the sandbox's tests: a real sandbox on a loopback port and an httpx client to it.

One sandbox serves the whole module (starting one costs a few milliseconds, but there is no reason
to pay it per test); tests that need another configuration start their own with `running_sandbox`.
"""

from __future__ import annotations

import copy
import json
import re
import selectors
import subprocess
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest

from sms_acceptance.sandbox import RunningSandbox, SandboxConfig, running_sandbox

from .._shared_documents import SEED, shared_document

CREDENTIAL = "App 003026bbc133714df1834b8638bb496e-8f4b3d9a-e931-478d-a994-28a725159ab9"
# /sms/2: its 400 envelopes carry the `validationErrors` these tests read (on /sms/1 they do not).
ENDPOINT = "/sms/2/text/advanced"
SEED_FILE = shared_document(SEED)

Post = Callable[..., httpx.Response]


def _seed_curl() -> re.Match[str]:
    if not SEED_FILE.is_file():
        pytest.fail(f"the seed document is missing: {SEED_FILE}")
    pattern = r"curl (?P<options>.*?)--data-raw '(?P<body>\{.*?\})'"
    match = re.search(pattern, SEED_FILE.read_text("utf-8"), re.DOTALL)
    if match is None:
        pytest.fail(f"no curl command with a --data-raw body in {SEED_FILE}")
    return match


def seed_curl_body() -> str:
    """The `--data-raw` body of the seed's curl example, as the seed file has it."""
    return _seed_curl()["body"]


def seed_curl_headers(authorization: str) -> dict[str, str]:
    """The `-H` headers of the seed's curl example, its `{authorization}` placeholder filled."""
    headers = re.findall(r"-H '(?P<name>[^:']+): (?P<value>[^']*)'", _seed_curl()["options"])
    if not headers:
        pytest.fail(f"no -H headers in the seed's curl command ({SEED_FILE})")
    return {name: value.replace("{authorization}", authorization) for name, value in headers}


@pytest.fixture(scope="session")
def seed_request() -> dict[str, Any]:
    """The seed's request example, parsed (tests copy it before changing it)."""
    parsed: dict[str, Any] = json.loads(seed_curl_body())
    return parsed


@pytest.fixture
def seed_copy(seed_request: dict[str, Any]) -> dict[str, Any]:
    """A private deep copy of the seed request, free to mutate."""
    return copy.deepcopy(seed_request)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    with running_sandbox(SandboxConfig(authorization=CREDENTIAL)) as running:
        yield running


@pytest.fixture(scope="module")
def client(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url, timeout=10.0) as http:
        yield http


def _minimal_request(*destinations: str, text: str = "Hello") -> dict[str, Any]:
    return {"messages": [{"destinations": [{"to": d} for d in destinations], "text": text}]}


@pytest.fixture(scope="session")
def minimal_request() -> Callable[..., dict[str, Any]]:
    """`minimal_request("41793026727", text=...)`: one message to the given destinations."""
    return _minimal_request


@pytest.fixture(scope="session")
def credential() -> str:
    """The Authorization value the shared sandbox accepts."""
    return CREDENTIAL


@pytest.fixture(scope="module")
def post(client: httpx.Client) -> Post:
    """POST to the endpoint with the sandbox's credential; `body` as JSON, `raw` as bytes.

    `headers` override the defaults; a header given as None is not sent at all.
    """

    def send(
        body: object = None,
        *,
        raw: bytes | None = None,
        headers: Mapping[str, str | None] | None = None,
        authorization: str | None = CREDENTIAL,
    ) -> httpx.Response:
        merged: dict[str, str | None] = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": authorization,
            **(headers or {}),
        }
        sent = {name: value for name, value in merged.items() if value is not None}
        content = raw if raw is not None else json.dumps(body).encode("utf-8")
        return client.post(ENDPOINT, content=content, headers=sent)

    return send


def _service_exception(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"requestError"}
    assert set(body["requestError"]) == {"serviceException"}
    exception: dict[str, Any] = body["requestError"]["serviceException"]
    assert isinstance(exception["messageId"], str)
    assert isinstance(exception["text"], str)
    return exception


@pytest.fixture(scope="session")
def service_exception() -> Callable[[httpx.Response], dict[str, Any]]:
    """The envelope's `serviceException` of a response, after checking the envelope's shape (E1)."""
    return _service_exception


def _assert_rejected(response: httpx.Response, path: str, rule_id: str) -> None:
    assert response.status_code == 400, response.text
    exception = _service_exception(response)
    assert exception["messageId"] == "BAD_REQUEST"  # E3
    errors: dict[str, list[str]] = exception["validationErrors"]
    named = {key: messages for key, messages in errors.items() if key.startswith(path)}
    assert named, f"no validationErrors under {path}: {errors}"
    cited = [m for messages in named.values() for m in messages if f"({rule_id})" in m]
    assert cited, f"no message under {path} cites {rule_id}: {named}"


@pytest.fixture(scope="session")
def assert_rejected() -> Callable[[httpx.Response, str, str], None]:
    """`assert_rejected(response, "$.messages[0].flash", "R5")`: a 400 envelope whose
    `validationErrors` name a field under that JSONPath with a message citing the rule."""
    return _assert_rejected


def read_line_within(process: subprocess.Popen[str], seconds: float = 20.0) -> str:
    """The first stdout line of `process`, failing (not hanging) if none comes in `seconds`."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(seconds):
            process.kill()
            pytest.fail(f"no line on stdout within {seconds:g} s")
    return process.stdout.readline()
