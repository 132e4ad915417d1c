"""Will an existing Infobip integration work unchanged? (rules.md H1, K1-K5)

H1: a request line in absolute form (`POST http://host:port/sms/1/text/advanced HTTP/1.1`, what the
v1 client sends) is served like the same request in origin form: the same acceptance checks hold.

K1-K5: each real client's recorded requests (`sms_acceptance/conformance/client_recordings/`, made
by `tools/record_clients.py`) are sent byte for byte, with only the address and the user's
Authorization substituted, and each answer is judged by what that client needs to deserialise it.
The verdict is a table row per client ("works" / "breaks: why"), informational unless the client
is required (`--require-client NAME`, or `[clients] require` in the vendor profile): only then does
a broken client fail the run. Live targets get no replays: the recordings address fixed numbers.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from sms_acceptance import LiveTrafficRefused
from sms_acceptance.conformance import ConformanceClient, encode_json, plain_request
from sms_acceptance.conformance.checks import (
    CLIENT_PROPERTY,
    ClientRecording,
    absolute_form_exchange,
    judge_client,
    load_recordings,
    matches_client,
    replay,
)


def test_H1_absolute_form_request_line_is_served_like_origin_form(sms: ConformanceClient) -> None:
    sms.require("absolute_form_request_line")
    document = plain_request(sms, "Absolute-form request line")
    destinations = [d["to"] for m in document["messages"] for d in m["destinations"]]
    try:
        sms.target.guard.admit(sms.options.endpoint_url, destinations)
    except LiveTrafficRefused as refused:
        pytest.skip(str(refused))
    exchange = absolute_form_exchange(
        sms.target.base,
        sms.options.endpoint_path,
        encode_json(document),
        str(sms.options.authorization),
        sms.options.request_timeout,
        sms.options.network,
    )
    sms.verify_sent(exchange, document, purpose="absolute_form")


@pytest.mark.parametrize("recording", load_recordings(), ids=lambda r: r.client)
def test_K_client_works_unchanged(
    sms: ConformanceClient, recording: ClientRecording, request: pytest.FixtureRequest
) -> None:
    required = any(matches_client(n, recording) for n in sms.options.required_clients)
    if sms.live:
        note = "not run: a live target (the recordings address fixed numbers)"
        verdict_row = {
            "client": recording.client,
            "label": recording.label,
            "rule": recording.rule,
            "path": recording.path,
            "works": False,
            "reasons": [],
            "open_choice": False,
            "requests": 0,
            "required": required,
            "note": note,
        }
        request.node.user_properties.append((CLIENT_PROPERTY, json.dumps(verdict_row)))
        pytest.skip(note)
    replies = replay(
        recording,
        sms.target.base,
        str(sms.options.authorization),
        sms.options.request_timeout,
        sms.options.network,
        concurrency=sms.target.exchanger.concurrency,
    )
    verdict = dataclasses.replace(judge_client(recording, replies), required=required)
    row = json.dumps(verdict.as_dict(), ensure_ascii=False)
    request.node.user_properties.append((CLIENT_PROPERTY, sms.target.redactor.scrub(row)))
    if required and not verdict.works:
        pytest.fail(
            f"{recording.rule} {verdict.label} is required and {verdict.summary}", pytrace=False
        )
