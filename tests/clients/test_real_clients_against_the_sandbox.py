"""The real Infobip clients work unchanged against the sandbox (rules.md K1-K5).

Each client runs in its own environment (PyPI / npm, pinned versions), pointed at
`sms-acceptance sandbox` on loopback with default options and only a base URL and key, as its
users would point it at Infobip. Its driver (`tools/clients/drivers/`) sends every scenario of
`tools/clients/scenarios.json` and prints what the client parsed; these tests check those values:
the seed's smsCounts 1, 1, 2, client messageIds and bulkIds echoed, statuses, a 50-destination
bulk, Unicode text, the client's own 401 and 400 errors with the envelope parsed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from sms_acceptance import segment_count

from .conftest import API_KEY, SCENARIOS, environments

# The error each client raises (or returns) on a 4xx: its own type, not a crash.
UNAUTHORIZED_ERROR = {
    "infobip-api-python-client-4": "UnauthorizedException",
    "infobip-api-python-client-3": "UnauthorizedException",
    "infobip-api-sdk-npm": "AxiosError",
    "infobip-api-python-sdk-5": "SMSResponseError",
    "infobip-api-python-client-2": "ApiException",
}
BAD_REQUEST_ERROR = {**UNAUTHORIZED_ERROR, "infobip-api-python-client-4": "BadRequestException"}
BAD_REQUEST_ERROR["infobip-api-python-client-3"] = "ApiException"
# Clients whose response model has no smsCount (they drop the field).
NO_SMS_COUNT = {"infobip-api-python-client-3", "infobip-api-python-sdk-5"}
# The v1 client reads /sms/1 envelopes, which carry no validationErrors (K5); it keeps no status.
V1_CLIENT = "infobip-api-python-client-2"


def expected_counts(scenario: dict[str, Any]) -> list[int]:
    if "sms_counts" in scenario:
        return list(scenario["sms_counts"])
    counts = []
    for message in scenario["body"]["messages"]:
        language = (message.get("language") or {}).get("languageCode")
        count = segment_count(
            message.get("text", ""),
            language_code=language,
            transliteration=message.get("transliteration"),
        ).calibrated
        counts += [count] * len(message["destinations"])
    return counts


def check_accepted(client: str, scenario: dict[str, Any], result: dict[str, Any]) -> None:
    body = scenario["body"]
    assert result["outcome"] == "accepted", result
    destinations = [d for m in body["messages"] for d in m["destinations"]]
    answered = result["messages"]
    assert [m["to"] for m in answered] == [d["to"] for d in destinations]
    for destination, entry in zip(destinations, answered, strict=True):
        if "messageId" in destination:
            assert entry["message_id"] == destination["messageId"]
        else:
            assert isinstance(entry["message_id"], str) and entry["message_id"]
        assert entry["status"] == {
            "group_id": 1,
            "group_name": "PENDING",
            "id": 26,
            "name": "PENDING_ACCEPTED",
            "description": entry["status"]["description"],
        }
    ids = [entry["message_id"] for entry in answered]
    assert len(set(ids)) == len(ids)
    if "bulkId" in body:
        assert result["bulk_id"] == body["bulkId"]
    else:
        assert isinstance(result["bulk_id"], str) and result["bulk_id"]  # K2
    counts = [entry["sms_count"] for entry in answered]
    if client in NO_SMS_COUNT:
        assert counts == [None] * len(answered)
    else:
        assert counts == expected_counts(scenario)


def check_error(client: str, scenario: dict[str, Any], result: dict[str, Any], status: int) -> None:
    assert result["outcome"] == "error", result
    errors = UNAUTHORIZED_ERROR if status == 401 else BAD_REQUEST_ERROR
    assert result["error_type"] == errors[client]
    assert result["message_id"] == ("UNAUTHORIZED" if status == 401 else "BAD_REQUEST")
    assert isinstance(result["text"], str) and result["text"]
    if client == V1_CLIENT:
        assert result["status"] is None and result["validation_errors"] is None
        return
    assert result["status"] == status
    if status == 400:
        assert result["validation_errors"], "the /sms/2 envelope names the invalid field"


@pytest.fixture(scope="module", params=[c.id for c in environments.CLIENTS])
def client_results(request: pytest.FixtureRequest, sandbox_url: str) -> tuple[str, dict[str, Any]]:
    build = next(c for c in environments.CLIENTS if c.id == request.param)
    try:
        environment = environments.client_environment(build)
    except environments.ClientUnavailable as missing:
        pytest.skip(str(missing))
    finished = environments.run_driver(environment, sandbox_url, API_KEY, "not-" + API_KEY)
    assert finished.returncode == 0, finished.stderr[-2000:]
    output = json.loads(finished.stdout)
    assert output["client"] == build.id
    return build.id, {result["name"]: result for result in output["results"]}


def test_every_scenario_is_parsed_into_the_right_values(
    client_results: tuple[str, dict[str, Any]],
) -> None:
    client, results = client_results
    ran = [s for s in SCENARIOS if client not in s.get("skip", [])]
    assert sorted(results) == sorted(s["name"] for s in ran)
    for scenario in ran:
        result = results[scenario["name"]]
        if scenario["expect"] == "accepted":
            check_accepted(client, scenario, result)
        elif scenario["expect"] == "unauthorized":
            check_error(client, scenario, result, 401)
        else:
            check_error(client, scenario, result, 400)


def test_seed_request_gets_sms_counts_1_1_2_and_its_ids_back(
    client_results: tuple[str, dict[str, Any]],
) -> None:
    client, results = client_results
    seed = results["seed"]
    assert seed["bulk_id"] == "BULK-ID-123-xyz"
    assert seed["messages"][0]["message_id"] == "MESSAGE-ID-123-xyz"
    if client not in NO_SMS_COUNT:
        assert [m["sms_count"] for m in seed["messages"]] == [1, 1, 2]


def test_a_wrong_key_is_the_clients_own_401_error(
    client_results: tuple[str, dict[str, Any]],
) -> None:
    client, results = client_results
    check_error(client, {}, results["wrong_key"], 401)
