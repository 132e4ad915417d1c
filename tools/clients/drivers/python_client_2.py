# -*- coding: utf-8 -*-
"""Drives `infobip-api-python-client` 2.3.0 (the v1 client, Python 2.7); prints what it parsed.

`python2.7 python_client_2.py SCENARIOS.json BASE_URL` with the client importable and
INFOBIP_API_KEY / INFOBIP_WRONG_KEY set. It posts to /sms/1/text/advanced with an absolute-form
request line (H1, K5); it raises its own ApiException on a 4xx, or TypeError when the envelope
carries `validationErrors` (K5). Requests are built as its users build them, by setting its
models' properties (`build` below walks the scenario's JSON with the models' own field names; a
`sendAt` becomes a `datetime`, which the client writes as `yyyy-MM-ddTHH:mm:ss.SSS` plus an offset
when the datetime has one).
"""

from __future__ import print_function

import io
import json
import os
import re
import sys
from datetime import datetime, timedelta, tzinfo

from infobip.api.model.sms.mt.send.textual.SMSAdvancedTextualRequest import (
    SMSAdvancedTextualRequest,
)
from infobip.clients import send_multiple_textual_sms_advanced
from infobip.util.configuration import Configuration
from infobip.util.models import DefaultObject

CLIENT = "infobip-api-python-client-2"


class FixedOffset(tzinfo):
    """A UTC offset with the `_offset` attribute the client's date writer reads."""

    def __init__(self, minutes):
        self._offset = timedelta(minutes=minutes)

    def utcoffset(self, moment):
        return self._offset

    def dst(self, moment):
        return timedelta(0)


def parse_date(text):
    match = re.match(
        r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$", text
    )
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    zone = None
    if offset == "Z":
        zone = FixedOffset(0)
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        zone = FixedOffset(sign * (int(digits[:2]) * 60 + int(digits[2:])))
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micros, zone
    )


def build(cls, value):
    """An instance of the client's model `cls` with the fields `value` (JSON) sets, and no others."""
    if isinstance(value, list):
        return [build(cls, item) for item in value]
    if not (isinstance(value, dict) and isinstance(cls, type) and issubclass(cls, DefaultObject)):
        return value
    model = cls()
    for name in dir(cls):
        attribute = getattr(cls, name)
        if not isinstance(attribute, property):
            continue
        field = attribute.fget.func_dict["serializable"]
        json_name = field.name or attribute.fget.__name__
        if value.get(json_name) is None:
            continue
        if cls.isdate(name):
            setattr(model, name, parse_date(value[json_name]))
        else:
            setattr(model, name, build(field.type, value[json_name]))
    return model


def status(value):
    return {
        "group_id": value.group_id,
        "group_name": value.group_name,
        "id": value.id,
        "name": value.name,
        "description": value.description,
    }


def send(base_url, key, body):
    configuration = Configuration(api_key=key, base_url=base_url)
    request = build(SMSAdvancedTextualRequest, body)
    try:
        response = send_multiple_textual_sms_advanced(configuration).execute(request)
    except TypeError as error:
        return {"outcome": "client_crash", "error_type": "TypeError", "detail": str(error)}
    except Exception as error:  # its ApiException is raised as a deserialised object
        details = error.requestError.serviceException
        return {
            "outcome": "error",
            "error_type": type(error).__name__,
            "status": None,  # it does not keep the status
            "message_id": getattr(details, "messageId", None),
            "text": getattr(details, "text", None),
            "validation_errors": None,
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
    with io.open(sys.argv[1], encoding="utf-8") as handle:
        scenarios = json.load(handle)["scenarios"]
    base_url = sys.argv[2]
    results = []
    for scenario in scenarios:
        if CLIENT in scenario.get("skip", []):
            continue
        wrong = scenario.get("authorization") == "wrong"
        key = os.environ["INFOBIP_WRONG_KEY" if wrong else "INFOBIP_API_KEY"]
        result = send(base_url, key, scenario["body"])
        result["name"] = scenario["name"]
        results.append(result)
    print(json.dumps({"client": CLIENT, "results": results}))


if __name__ == "__main__":
    main()
