"""`running_sandbox`: ready before it yields, on a loopback port, stopped cleanly on exit."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from sms_acceptance.sandbox import (
    FaultConfig,
    SandboxConfig,
    SandboxStartError,
    create_app,
    running_sandbox,
)

from .conftest import CREDENTIAL

CLEAN = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello"}]}
CONFIG = SandboxConfig(authorization=CREDENTIAL)


def test_it_answers_as_soon_as_it_yields_on_a_loopback_port() -> None:
    with running_sandbox(CONFIG) as sandbox:
        assert sandbox.host == "127.0.0.1"
        assert sandbox.endpoint_url == f"http://127.0.0.1:{sandbox.port}/sms/1/text/advanced"
        response = httpx.post(
            sandbox.endpoint_url, json=CLEAN, headers={"Authorization": CREDENTIAL}
        )
    assert response.status_code == 200


def test_two_sandboxes_get_two_free_ports() -> None:
    with running_sandbox(CONFIG) as first, running_sandbox(CONFIG) as second:
        assert first.port != second.port


def test_after_exit_the_port_is_closed() -> None:
    with running_sandbox(CONFIG) as sandbox:
        port = sandbox.port
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 1):
        pass


def test_a_taken_port_is_a_one_line_start_error() -> None:
    with (
        running_sandbox(CONFIG) as sandbox,
        pytest.raises(SandboxStartError) as refused,
        running_sandbox(CONFIG, port=sandbox.port),
    ):
        pass  # pragma: no cover
    assert str(refused.value) == (
        f"cannot listen on 127.0.0.1:{sandbox.port}: address already in use"
    )


@pytest.mark.slow
def test_exit_does_not_wait_for_a_stalled_request() -> None:
    """A request hanging for a minute is cut off by the bounded graceful shutdown, with a 503
    envelope (E1) rather than uvicorn's plain-text 500."""
    faults = FaultConfig(stall_fraction=1.0, stall_seconds=60)
    config = SandboxConfig(authorization=CREDENTIAL, faults=faults)
    outcome: list[str] = []

    def stalled(url: str) -> None:
        try:
            response = httpx.post(
                url, json=CLEAN, headers={"Authorization": CREDENTIAL}, timeout=90
            )
            outcome.append(response.json()["requestError"]["serviceException"]["messageId"])
        except httpx.HTTPError as error:  # pragma: no cover (a failure shows which error)
            outcome.append(type(error).__name__)

    def run_and_exit() -> None:
        with running_sandbox(config) as sandbox:
            client = threading.Thread(target=stalled, args=(sandbox.endpoint_url,), daemon=True)
            client.start()
            client.join(0.5)  # the request is in flight, hanging
        client.join(10)

    stopper = threading.Thread(target=run_and_exit, daemon=True)
    stopper.start()
    stopper.join(30)
    assert not stopper.is_alive()
    assert outcome == ["SERVICE_UNAVAILABLE"]


def test_create_app_is_a_plain_asgi_app_for_any_server() -> None:
    app = create_app(CONFIG)
    assert callable(app)
    paths = [route.path for route in app.routes]  # type: ignore[attr-defined]
    assert {"/sms/1/text/advanced", "/sms/2/text/advanced"} <= set(paths)
    assert {"/sms/1/reports", "/sms/1/logs"} <= set(paths)  # delivery reports, D13/D14
