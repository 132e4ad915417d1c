"""Drives the community `infobip-api-python-sdk` 5.x as its users do; prints what it parsed.

Run in a virtual environment holding only that SDK:
`python python_sdk_5.py SCENARIOS.json BASE_URL` with `INFOBIP_API_KEY` and `INFOBIP_WRONG_KEY`.
Its models take the provider's JSON names (`SMSMessageBody(**body)`); it sends `null` for every
optional field it was not given (K4). Two of the scenarios' values its models refuse are adapted,
as a user of it must: `language` is a plain code (`"TR"`, which it then sends as a string, a
client bug no conforming server accepts: left out), and `tracking.type` is an enum of its own.
The answer is the SDK's own response model; a 4xx is its `SMSResponseError` with the envelope.
"""

import copy
import json
import os
import sys

from infobip_channels.sms.channel import SMSChannel
from infobip_channels.sms.models.body.send_message import SMSMessageBody

CLIENT = "infobip-api-python-sdk-5"
_TRACKING_TYPES = ("ONE_TIME_PIN", "SOCIAL_INVITES")


def adapted(body):
    body = copy.deepcopy(body)
    for message in body["messages"]:
        message.pop("language", None)
    tracking = body.get("tracking")
    if tracking and tracking.get("type") not in _TRACKING_TYPES:
        tracking["type"] = "SOCIAL_INVITES"
    return body


def status(value):
    return {
        "group_id": value.group_id,
        "group_name": value.group_name,
        "id": value.id,
        "name": value.name,
        "description": value.description,
    }


def send(base_url, key, body):
    channel = SMSChannel.from_auth_params({"base_url": base_url, "api_key": key})
    response = channel.send_sms_message(SMSMessageBody(**adapted(body)))
    request_error = getattr(response, "request_error", None)
    if request_error is not None:
        details = request_error.service_exception
        return {
            "outcome": "error",
            "error_type": type(response).__name__,
            "status": int(response.status_code),
            "message_id": details.message_id,
            "text": details.text,
            "validation_errors": details.validation_errors,
        }
    if not hasattr(response, "messages"):
        # The SDK hands back the raw `requests.Response` when it cannot parse an answer.
        return {
            "outcome": "unparsed",
            "error_type": type(response).__name__,
            "status": getattr(response, "status_code", None),
        }
    return {
        "outcome": "accepted",
        "bulk_id": response.bulk_id,
        "messages": [
            {
                "to": m.to,
                "message_id": m.message_id,
                "sms_count": None,  # its response model has no smsCount
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
