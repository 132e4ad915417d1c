"""Drives `infobip-api-python-client` 4.x as its users do; prints what it parsed, as JSON.

Run in a virtual environment holding only that client:
`python python_client_4.py SCENARIOS.json BASE_URL` with `INFOBIP_API_KEY` (and `INFOBIP_WRONG_KEY`
for the wrong-key scenario) in the environment. Requests are built from the scenarios' JSON with
the client's own models (`from_dict`), sent with `SmsApi.send_sms_message`.
"""

import json
import os
import sys

from infobip_api_client import ApiClient, Configuration, SmsApi
from infobip_api_client.exceptions import ApiException
from infobip_api_client.models import SmsAdvancedTextualRequest

CLIENT = "infobip-api-python-client-4"


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
        request = SmsAdvancedTextualRequest.from_dict(body)
        try:
            response = SmsApi(client).send_sms_message(sms_advanced_textual_request=request)
        except ApiException as error:
            details = error.data.request_error.service_exception if error.data else None
            return {
                "outcome": "error",
                "error_type": type(error).__name__,
                "status": error.status,
                "message_id": details.message_id if details else None,
                "text": details.text if details else None,
                "validation_errors": details.validation_errors if details else None,
            }
    return {
        "outcome": "accepted",
        "bulk_id": response.bulk_id,
        "messages": [
            {
                "to": m.to,
                "message_id": m.message_id,
                "sms_count": m.sms_count,
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
