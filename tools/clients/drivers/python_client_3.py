"""Drives `infobip-api-python-client` 3.x as its users do; prints what it parsed, as JSON.

Run in a virtual environment holding only that client (it clashes with 4.x):
`python python_client_3.py SCENARIOS.json BASE_URL` with `INFOBIP_API_KEY` and `INFOBIP_WRONG_KEY`.
The scenarios' JSON is turned into the client's own models by its own converter
(`validate_and_convert_types`, JSON names); fields its models do not have (the v2 additions of
4.x) are left out, since a 3.x user cannot set them.
"""

import json
import os
import sys

from infobip_api_client import ApiClient, Configuration
from infobip_api_client.api.send_sms_api import SendSmsApi
from infobip_api_client.exceptions import ApiException
from infobip_api_client.model.sms_advanced_textual_request import SmsAdvancedTextualRequest
from infobip_api_client.model_utils import validate_and_convert_types

CLIENT = "infobip-api-python-client-3"


def settable(value, model):
    """`value` without the keys `model` (and its nested models) has no attribute for."""
    if isinstance(value, list):
        return [settable(item, model) for item in value]
    if not isinstance(value, dict) or not hasattr(model, "attribute_map"):
        return value
    by_json_name = {json_name: attr for attr, json_name in model.attribute_map.items()}
    kept = {}
    for key, item in value.items():
        if key not in by_json_name:
            continue
        types = model.openapi_types[by_json_name[key]]
        inner = types[0]
        if isinstance(inner, list):
            inner = inner[0]
        kept[key] = settable(item, inner)
    return kept


def status(value):
    return {
        "group_id": value.group_id,
        "group_name": value.group_name,
        "id": value.id,
        "name": value.name,
        "description": value.description,
    }


def send(base_url, key, body):
    configuration = Configuration(
        host=base_url, api_key={"APIKeyHeader": key}, api_key_prefix={"APIKeyHeader": "App"}
    )
    with ApiClient(configuration) as client:
        request = validate_and_convert_types(
            settable(body, SmsAdvancedTextualRequest),
            (SmsAdvancedTextualRequest,),
            ["body"],
            True,
            True,
            configuration,
        )
        try:
            response = SendSmsApi(client).send_sms_message(sms_advanced_textual_request=request)
        except ApiException as error:
            envelope = json.loads(error.body)["requestError"]["serviceException"]
            return {
                "outcome": "error",
                "error_type": type(error).__name__,
                "status": error.status,
                "message_id": envelope.get("messageId"),
                "text": envelope.get("text"),
                "validation_errors": envelope.get("validationErrors"),
            }
    return {
        "outcome": "accepted",
        # K2: reading a bulk_id the answer left out raises ApiAttributeError.
        "bulk_id": response.bulk_id,
        "messages": [
            {
                "to": m.to,
                "message_id": m.message_id,
                "sms_count": None,  # 3.x models no smsCount (it drops the field)
                "status": status(m.status),
            }
            for m in response.messages
        ],
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        scenarios = json.load(handle)["scenarios"]
    base_url = sys.argv[2]
    results = []
    for scenario in scenarios:
        if CLIENT in scenario.get("skip", []):
            continue
        wrong = scenario.get("authorization") == "wrong"
        key = os.environ["INFOBIP_WRONG_KEY" if wrong else "INFOBIP_API_KEY"]
        result = send(base_url, key, scenario["body"])
        results.append(dict(result, name=scenario["name"]))
    print(json.dumps({"client": CLIENT, "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
