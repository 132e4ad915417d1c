"""The bodies the benchmarks send and validate: the seed's examples, and bulk ones built on them.

The seed's request and 200 response examples are the figures users recognise; bulk bodies (1 to
1000 destinations, the most a server must accept) are built by repeating the seed's first message
shape with distinct numbers and texts, so per-destination work cannot be cached away. Responses
are built the way a conforming server answers (one entry per destination, in order, PENDING), so a
validator measured on them takes its success path, the path a healthy load run exercises.
"""

from __future__ import annotations

from typing import Any

from sms_acceptance import seed_request

# The seed document's request example (R10): the figures are always those of the seed's own
# request (`sms_acceptance.seed_request` reads it from `schemas/openapi.yaml` without Hypothesis).
SEED_REQUEST: dict[str, Any] = seed_request()

_PENDING_ENROUTE = {
    "groupId": 1,
    "groupName": "PENDING",
    "id": 7,
    "name": "PENDING_ENROUTE",
    "description": "Message sent to next instance",
}
_PENDING_ACCEPTED = {
    "groupId": 1,
    "groupName": "PENDING",
    "id": 26,
    "name": "PENDING_ACCEPTED",
    "description": "Pending Accepted",
}

# The seed document's two 200 response examples, as printed there.
SEED_RESPONSES: tuple[dict[str, Any], ...] = (
    {
        "bulkId": "2034072219640523073",
        "messages": [
            {
                "messageId": "2033247207850523791",
                "status": {**_PENDING_ACCEPTED, "name": "MESSAGE_ACCEPTED"},
                "to": "41793026727",
            },
            {
                "messageId": "2033247207850523792",
                "status": {**_PENDING_ACCEPTED, "name": "MESSAGE_ACCEPTED"},
                "to": "41793026834",
            },
        ],
    },
    {
        "bulkId": "BULK-ID-123-xyz",
        "trackingProcessKey": "9243E3F4BEDC719D83C2A38A483E6CB3",
        "messages": [
            {
                "to": "41793026727",
                "status": _PENDING_ENROUTE,
                "smsCount": 1,
                "messageId": "MESSAGE-ID-123-xyz",
            },
            {
                "to": "41793026731",
                "status": _PENDING_ENROUTE,
                "smsCount": 1,
                "messageId": "2033912860760522207",
            },
            {"to": "41793026785", "status": _PENDING_ACCEPTED, "messageId": "2033912860760522208"},
        ],
    },
)

# Texts of the kinds the segmenter tells apart: GSM-7, GSM-7 with extension characters, Turkish
# (national shift with a languageCode), UCS-2 with a surrogate pair, each long enough to be
# concatenated.
_TEXTS = (
    SEED_REQUEST["messages"][1]["text"],
    "Price {EUR} 12€ ~ [promo] | code ^42^ \\ valid today only, reply STOP to opt out. " * 2,
    SEED_REQUEST["messages"][0]["text"] * 2,
    "Доставка заказа №{n} запланирована на завтра 🚚, спасибо что выбрали нас! " * 2,
)


def destination_number(index: int) -> str:
    """A distinct, plausible E.164 number without `+` for each index."""
    return f"4179{3000000 + index:07d}"


def bulk_request(destinations: int, *, messages: int = 1) -> dict[str, Any]:
    """A request with `destinations` in total, over `messages` messages of varied texts."""
    if destinations < messages:
        raise ValueError("need at least one destination per message")
    per_message, extra = divmod(destinations, messages)
    built: list[dict[str, Any]] = []
    index = 0
    for m in range(messages):
        count = per_message + (1 if m < extra else 0)
        text = _TEXTS[m % len(_TEXTS)].replace("{n}", str(m))
        message: dict[str, Any] = {
            "from": "InfoSMS",
            "destinations": [
                {"to": destination_number(index + i), "messageId": f"msg-{index + i}"}
                for i in range(count)
            ],
            "text": f"{m} {text}",
        }
        if "\u0131" in text:  # dotless i: Turkish, counted with its national shift table
            message["language"] = {"languageCode": "TR"}
        built.append(message)
        index += count
    return {"bulkId": f"bulk-{destinations}-{messages}", "messages": built}


def response_for(request: dict[str, Any]) -> dict[str, Any]:
    """The 200 a conforming server gives `request`: one PENDING entry per destination, in order."""
    entries = []
    serial = 0
    for message in request["messages"]:
        for destination in message["destinations"]:
            serial += 1
            entries.append(
                {
                    "to": destination["to"],
                    "status": _PENDING_ACCEPTED,
                    "smsCount": 2,
                    "messageId": destination.get("messageId", f"2033912860760{serial:06d}"),
                }
            )
    response: dict[str, Any] = {"messages": entries}
    if "bulkId" in request:
        response["bulkId"] = request["bulkId"]
    return response
