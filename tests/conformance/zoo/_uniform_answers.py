"""Servers that answer every request alike, as the first targets a vendor points the kit at do.

Found running the suite against servers nobody on this project wrote (issue 11): public mocks of
this API that return one canned 200 body whatever they are sent and check no credential; a wrong
`--endpoint-path` that gets a 404 in plain text for everything; a dead backend behind a 500. Each
breaks many rules at once, and each rule it breaks must come out FAIL under its own check (not
SKIP behind another failure), with a diagnosis line naming the likely cause.

Also here: a server written in JavaScript, which cannot read integers beyond 2^53-1 and answers
them 400. rules.md makes such integers OPEN, so it is a correct server and must pass.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sms_acceptance.sandbox import SandboxConfig, create_app

from ._exchange import (
    Bug,
    BuggyGateway,
    CapturedRequest,
    CapturedResponse,
    Forward,
    json_response,
    text_response,
)
from ._serving import serve_asgi

# The provider's documented answer, as public mocks serve it for every request (one destination,
# smsCount 1, generated ids): the seed's first number only.
CANNED_BODY = {
    "bulkId": "2034072219640523072",
    "messages": [
        {
            "to": "41793026727",
            "status": {
                "groupId": 1,
                "groupName": "PENDING",
                "id": 26,
                "name": "MESSAGE_ACCEPTED",
                "description": "Message sent to next instance",
            },
            "messageId": "2250be2d4219-3af1-78856-aabe-1362af1edfd2",
            "smsCount": 1,
        }
    ],
}


async def canned_success(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """A public mock of this API: the documentation's example answer, 200, for every request,
    whatever its body or credential (no auth at all)."""
    return json_response(200, CANNED_BODY)


async def not_found_everywhere(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """A wrong `--endpoint-path` (or a server that is not this API): Go's `404 page not found`
    in text/plain for every request."""
    return text_response(404, "404 page not found\n", "text/plain; charset=utf-8")


async def fails_everything(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """A dead backend: every request, valid or not, with or without a credential, gets a 500 in
    the provider's own envelope (GENERAL_ERROR)."""
    return json_response(
        500,
        {
            "requestError": {
                "serviceException": {"messageId": "GENERAL_ERROR", "text": "Internal server error"}
            }
        },
    )


# An integer literal of 16 or more digits (JSON numbers have no leading zeros; a fraction or an
# exponent makes it a float, which a JavaScript server reads as one).
_LONG_INTEGER = re.compile(rb"(?<![\d.eE+-])-?\d{16,}(?![\d.eE])")
_MAX_SAFE_INTEGER = 2**53 - 1


async def rejects_unsafe_integers(request: CapturedRequest, forward: Forward) -> CapturedResponse:
    """A server written in JavaScript: `JSON.parse` cannot hold an integer beyond 2^53-1
    exactly, so such a request is answered 400 with the envelope (rules.md: OPEN)."""
    for match in _LONG_INTEGER.finditer(request.body):
        if abs(int(match.group())) > _MAX_SAFE_INTEGER:
            return json_response(
                400,
                {
                    "requestError": {
                        "serviceException": {
                            "messageId": "BAD_REQUEST",
                            "text": "Number is not a safe integer",
                        }
                    }
                },
            )
    return await forward(request)


@dataclass(frozen=True)
class UniformServer:
    """A server answering every request alike: the checks it must FAIL, the diagnosis it must get,
    and the checks that must not PASS (they never saw the evidence they need)."""

    name: str
    bug: Bug = field(repr=False)
    must_fail: frozenset[str]
    diagnosis: str  # a fragment of the diagnosis line
    never_pass: frozenset[str]


UNIFORM_SERVERS: tuple[UniformServer, ...] = (
    UniformServer(
        "canned_success",
        canned_success,
        must_fail=frozenset(
            {
                "ignored_auth",  # A1-A3: no or a wrong credential is accepted
                "negative_data_rejection",  # R1-R6 answered 200
                "semantic_data_rejection",  # R7-R9 answered 200
                "destination_count_matches",  # S2/S3: one entry whatever was sent
                "client_message_id_echoed",  # S4
                "bulk_id_echoed",  # S5
                "sms_count_matches_segmentation",  # S12: smsCount 1 for a long text
            }
        ),
        diagnosis="the same 200 body",
        never_pass=frozenset(
            {
                "generated_message_ids_unique",  # one id per answer: uniqueness never seen
                "error_envelope_conformance",  # no error was ever answered
                "bad_request_message_id",
                "unauthorized_envelope",
                "unauthorized_message_id",
            }
        ),
    ),
    UniformServer(
        "not_found_everywhere",
        not_found_everywhere,
        must_fail=frozenset(
            {
                "content_type_conformance",  # S1/E1: text/plain
                "error_envelope_conformance",  # E1
                "positive_data_acceptance",  # R13
                "seed_reproduction",  # R10
                "send_at_forms_accepted",  # R11
                "validity_period_clamped",  # R12
                "bulk_size_accepted",  # R13
                "negative_data_rejection",  # R1-R6
                "semantic_data_rejection",  # R7-R9
                "ignored_auth",  # A1-A3: 404, not 401
            }
        ),
        diagnosis="answers were 404 text/plain: check --base-url and --endpoint-path",
        never_pass=frozenset(
            {
                "accepted_auth_scheme",  # a 404 says nothing about the credential
                "generated_message_ids_unique",
                "response_schema_conformance",
                "destination_count_matches",
                "bad_request_message_id",
                "unauthorized_message_id",
            }
        ),
    ),
    UniformServer(
        "fails_everything",
        fails_everything,
        must_fail=frozenset(
            {
                "not_a_server_error",  # E2
                "positive_data_acceptance",
                "seed_reproduction",
                "send_at_forms_accepted",
                "validity_period_clamped",
                "bulk_size_accepted",
                "negative_data_rejection",
                "semantic_data_rejection",
                "ignored_auth",  # A1-A3: 500, not 401
            }
        ),
        diagnosis="answers were 500 application/json: the server fails nearly every request",
        never_pass=frozenset(
            {
                "accepted_auth_scheme",  # a 500 says nothing about the credential
                "generated_message_ids_unique",
                "response_schema_conformance",
                "bad_request_message_id",
                "unauthorized_message_id",
            }
        ),
    ),
)


def gateway(bug: Bug) -> Callable[[str], contextlib.AbstractContextManager[str]]:
    """A serve factory (authorization -> context manager of the base URL) for `bug`."""

    @contextlib.contextmanager
    def serve(authorization: str) -> Iterator[str]:
        app = BuggyGateway(create_app(SandboxConfig(authorization=authorization)), bug)
        with serve_asgi(app) as base_url:
            yield base_url

    return serve
