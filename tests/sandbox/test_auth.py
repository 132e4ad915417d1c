"""Auth rules A1-A5: the configured credential in its scheme, 401 with the envelope otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sms_acceptance.sandbox import SandboxConfig, running_sandbox

from .conftest import ENDPOINT, Post

Envelope = Callable[[httpx.Response], dict[str, Any]]

CLEAN = {"messages": [{"destinations": [{"to": "41793026727"}], "text": "Hello"}]}


def refused_with_the_envelope(
    post: Post, service_exception: Envelope, header: str | None
) -> dict[str, Any]:
    """A valid request sent with `header` (None: no Authorization) is a 401 with the envelope."""
    response = post(CLEAN, authorization=header)
    assert response.status_code == 401
    return service_exception(response)


def test_A1_missing_authorization_header_is_401_with_the_envelope(
    post: Post, service_exception: Envelope
) -> None:
    refused_with_the_envelope(post, service_exception, None)


@pytest.mark.parametrize(
    "header",
    ["", "App", "KEY-WITHOUT-SCHEME", "Token abc", "Digest x=1", "Basic", "App,KEY"],
)
def test_A2_malformed_authorization_header_is_401_with_the_envelope(
    post: Post, service_exception: Envelope, header: str
) -> None:
    refused_with_the_envelope(post, service_exception, header)


@pytest.mark.parametrize(
    "header",
    [
        "App 003026bbc133714df1834b8638bb496e-8f4b3d9a-e931-478d-a994-28a725159ab8",
        "App 003026bbc133714df1834b8638bb496e",
        "Bearer 003026bbc133714df1834b8638bb496e-8f4b3d9a-e931-478d-a994-28a725159ab9",
        "Basic QWxhZGRpbjpvcGVuU2VzYW1l",
    ],
    ids=["one-character-off", "prefix", "right-key-wrong-scheme", "other-basic"],
)
def test_A3_well_formed_wrong_credential_is_401_with_the_envelope(
    post: Post, service_exception: Envelope, header: str
) -> None:
    refused_with_the_envelope(post, service_exception, header)


@pytest.mark.parametrize("header", [None, "", "App wrong"], ids=["missing", "malformed", "wrong"])
def test_A4_unauthorized_envelope_message_id_is_UNAUTHORIZED(
    post: Post, service_exception: Envelope, header: str | None
) -> None:
    envelope = refused_with_the_envelope(post, service_exception, header)
    assert envelope["messageId"] == "UNAUTHORIZED"


ACCEPTED = (
    "Basic QWxhZGRpbjpvcGVuU2VzYW1l",
    "App 003026bbc133714df1834b8638bb496e-8f4b3d9a-e931-478d-a994-28a725159ab9",
    "IBSSO 2f9b4d31-2d0d-49a8-85f0-9b862bdca394",
    "Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
)


@pytest.mark.parametrize("header", ACCEPTED, ids=["Basic", "App", "IBSSO", "Bearer"])
def test_A5_configured_credential_is_accepted_in_each_scheme(header: str) -> None:
    with (
        running_sandbox(SandboxConfig(authorization=ACCEPTED)) as sandbox,
        httpx.Client(base_url=sandbox.base_url, timeout=10) as client,
    ):
        response = client.post(ENDPOINT, json=CLEAN, headers={"Authorization": header})
    assert response.status_code == 200, response.text


def test_A5_a_credential_is_not_accepted_in_another_configured_scheme() -> None:
    config = SandboxConfig(authorization=("App SAME-SECRET", "IBSSO OTHER"))
    with (
        running_sandbox(config) as sandbox,
        httpx.Client(base_url=sandbox.base_url, timeout=10) as client,
    ):
        response = client.post(ENDPOINT, json=CLEAN, headers={"Authorization": "IBSSO SAME-SECRET"})
    assert response.status_code == 401


def test_auth_is_checked_before_the_body_is_read(post: Post) -> None:
    response = post(raw=b"{not json", authorization="App wrong")
    assert response.status_code == 401


def test_open_choice_the_scheme_word_is_matched_case_insensitively(
    post: Post, credential: str
) -> None:
    """OPEN (rules.md): the case of the scheme word; the sandbox follows RFC 9110 here."""
    scheme, _, key = credential.partition(" ")
    assert post(CLEAN, authorization=f"{scheme.lower()} {key}").status_code == 200
    assert post(CLEAN, authorization=f"{scheme.upper()} {key}").status_code == 200


def test_the_credential_itself_is_matched_exactly(post: Post, credential: str) -> None:
    scheme, _, key = credential.partition(" ")
    assert post(CLEAN, authorization=f"{scheme} {key.upper()}").status_code == 401
