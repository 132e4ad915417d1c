"""Reproduction commands resend the same bytes and header; the secret stays in the environment."""

from __future__ import annotations

import os
import subprocess

from sms_acceptance import Redactor
from sms_acceptance.conformance import CONFIGURED, NO_AUTH, AuthHeader
from sms_acceptance.conformance.checks import curl_command
from sms_acceptance.conformance.transport import (
    Exchange,
    FailureCategory,
    SentRequest,
    TransportFailure,
)

SECRET = "App r3pr0-k3y-0000"


def _exchange(auth: AuthHeader, body: bytes = b'{"messages":[]}') -> Exchange:
    request = SentRequest(
        method="POST",
        url="http://127.0.0.1:9/sms/1/text/advanced",
        headers=(("Content-Type", "application/json"), ("Authorization", auth.shown(SECRET))),
        body=body,
        auth=auth,
    )
    return Exchange(request, TransportFailure(FailureCategory.CONNECT_REFUSED, "refused", 0.0))


def _header_sent_by(command: str) -> str:
    """The Authorization header the command would send (curl's -H argument, expanded by bash)."""
    probe = command.replace("curl ", "printf '%s\\n' ", 1)
    environment = {**os.environ, "SMS_ACCEPTANCE_AUTHORIZATION": SECRET}
    output = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, env=environment, check=True
    ).stdout
    return next(line for line in output.splitlines() if line.startswith("Authorization"))


def test_the_configured_credential_comes_from_the_environment() -> None:
    command = curl_command(_exchange(CONFIGURED), Redactor(SECRET))
    assert "r3pr0-k3y" not in command
    assert _header_sent_by(command) == f"Authorization: {SECRET}"


def test_the_key_under_another_scheme_is_rebuilt_from_the_environment() -> None:
    command = curl_command(
        _exchange(AuthHeader("configured_key", scheme="Token")), Redactor(SECRET)
    )
    assert "r3pr0-k3y" not in command
    assert _header_sent_by(command) == "Authorization: Token r3pr0-k3y-0000"


def test_an_empty_header_is_sent_empty_and_no_header_is_not_sent() -> None:
    empty = curl_command(_exchange(AuthHeader("literal", literal="")), Redactor(SECRET))
    assert "-H 'Authorization;'" in empty
    assert "Authorization" not in curl_command(_exchange(NO_AUTH), Redactor(SECRET))


def test_the_exact_body_is_replayed_even_when_it_is_not_json() -> None:
    body = b"{'messages': [\"it's\"]"
    command = curl_command(_exchange(CONFIGURED, body), Redactor(SECRET))
    replay = command.replace("curl ", "printf '%s' ", 1).rsplit("--data-binary ", 1)[1]
    output = subprocess.run(
        ["bash", "-c", f"printf '%s' {replay}"], capture_output=True, check=True
    ).stdout
    assert output == body
