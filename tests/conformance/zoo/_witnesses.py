"""For each zoo server, one request that shows its bug, and what the answer looks like when it does.

These make the zoo trustworthy on its own, independently of the suite: a broken server whose bug
never shows would prove nothing about the suite. Each witness is also sent to the faithful sandbox,
which must *not* show the bug, so what is seen is the bug and not the sandbox.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx

Credential = Literal["configured", "none", "wrong"]

SEED_REQUEST: dict[str, Any] = {
    "bulkId": "BULK-ID-123-xyz",
    "messages": [
        {
            "callbackData": "DLR callback data",
            "destinations": [
                {"messageId": "MESSAGE-ID-123-xyz", "to": "41793026727"},
                {"to": "41793026834"},
            ],
            "flash": False,
            "from": "SMSC",
            "intermediateReport": True,
            "language": {"languageCode": "TR"},
            "notifyContentType": "application/json",
            "notifyUrl": "https://www.example.com/sms/advanced",
            "text": "Artık Ulusal Dil Tanımlayıcısı ile Türkçe karakterli smslerinizi "  # noqa: RUF001
            "rahatlıkla iletebilirsiniz.",  # noqa: RUF001
            "transliteration": "TURKISH",
            "validityPeriod": 720,
        },
        {
            "deliveryTimeWindow": {
                "days": [
                    "MONDAY",
                    "TUESDAY",
                    "WEDNESDAY",
                    "THURSDAY",
                    "FRIDAY",
                    "SATURDAY",
                    "SUNDAY",
                ],
                "from": {"hour": 6, "minute": 0},
                "to": {"hour": 15, "minute": 30},
            },
            "destinations": [{"to": "41793026700"}],
            "from": "41793026700",
            "sendAt": "2021-08-25T16:00:00.000+0000",
            "text": "A long time ago, in a galaxy far, far away... It is a period of civil war. "
            "Rebel spaceships, striking from a hidden base, have won their first victory "
            "against the evil Galactic Empire.",
        },
    ],
    "tracking": {"track": "SMS", "type": "MY_CAMPAIGN"},
}


def seed() -> dict[str, Any]:
    return copy.deepcopy(SEED_REQUEST)


def plain(destinations: int = 1, text: str = "Hello from the zoo", **fields: Any) -> dict[str, Any]:
    """A clean request: one message, `destinations` numbers, extra message fields as given."""
    numbers = [{"to": f"4179302{6700 + index:04d}"} for index in range(destinations)]
    return {"messages": [{"from": "ZooTest", "destinations": numbers, "text": text, **fields}]}


def with_destination_fields(document: dict[str, Any], **fields: Any) -> dict[str, Any]:
    document["messages"][0]["destinations"][0].update(fields)
    return document


@dataclass(frozen=True)
class Witness:
    """A request (JSON document, or raw bytes) and the sign of the bug in the answer.

    `shows_bug` gets the response, or None when none came within the witness's timeout.
    """

    body: dict[str, Any] | bytes
    shows_bug: Callable[[httpx.Response | None], bool]
    credential: Credential = "configured"
    timeout: float = 5.0
    # Send the request line in absolute form (`POST http://host/... HTTP/1.1`, H1): httpx does
    # that when told the server is its proxy.
    absolute_form: bool = False

    def content(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode()


def _json(response: httpx.Response | None) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _entries(response: httpx.Response | None) -> list[dict[str, Any]]:
    body = _json(response)
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return []
    return [entry for entry in body["messages"] if isinstance(entry, dict)]


def _status(code: int) -> Callable[[httpx.Response | None], bool]:
    return lambda response: response is not None and response.status_code == code


def _first(predicate: Callable[[dict[str, Any]], bool]) -> Callable[[httpx.Response | None], bool]:
    def shows(response: httpx.Response | None) -> bool:
        entries = _entries(response)
        return bool(entries) and predicate(entries[0])

    return shows


def _status_field(
    predicate: Callable[[dict[str, Any]], bool],
) -> Callable[[httpx.Response | None], bool]:
    return _first(
        lambda entry: isinstance(entry.get("status"), dict) and predicate(entry["status"])
    )


def _content_type(prefix: str) -> Callable[[httpx.Response | None], bool]:
    return lambda response: (
        response is not None and response.headers.get("content-type", "").startswith(prefix)
    )


def _service_exception(response: httpx.Response | None) -> dict[str, Any]:
    body = _json(response)
    error = body.get("requestError") if isinstance(body, dict) else None
    exception = error.get("serviceException") if isinstance(error, dict) else None
    return exception if isinstance(exception, dict) else {}


def _window(**window: Any) -> dict[str, Any]:
    return plain(deliveryTimeWindow=window)


_ALL_DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

WITNESSES: dict[str, Witness] = {
    "crashes_on_non_ascii_text": Witness(plain(text="Grüße aus dem Zoo"), _status(500)),
    "crashes_on_malformed_json": Witness(b'{"messages": [', _status(500)),
    "success_as_text_plain": Witness(plain(), _content_type("text/plain")),
    "stalls_on_bulk": Witness(plain(destinations=60), lambda r: r is None, timeout=1.5),
    "rejects_flash": Witness(plain(flash=True), _status(400)),
    "rejects_absolute_form_request_line": Witness(plain(), _status(404), absolute_form=True),
    "rejects_concatenated_texts": Witness(plain(text="a" * 200), _status(400)),
    "rejects_language_with_transliteration": Witness(seed(), _status(400)),
    "rejects_send_at_with_z": Witness(plain(sendAt="2021-08-25T16:00:00.000Z"), _status(400)),
    "rejects_long_validity": Witness(plain(validityPeriod=5000), _status(400)),
    "caps_destinations_at_100": Witness(plain(destinations=101), _status(400)),
    "drops_last_destination": Witness(plain(destinations=2), lambda r: len(_entries(r)) == 1),
    "normalises_to_e164": Witness(plain(), _first(lambda e: str(e.get("to")).startswith("+"))),
    "reverses_entries": Witness(
        plain(destinations=2), _first(lambda e: e.get("to") == "41793026701")
    ),
    "ignores_client_message_id": Witness(
        with_destination_fields(plain(), messageId="MSG-ZOO-1"),
        _first(lambda e: e.get("messageId") != "MSG-ZOO-1"),
    ),
    "ignores_client_bulk_id": Witness(
        {**plain(), "bulkId": "BULK-ZOO-1"},
        lambda r: isinstance(_json(r), dict) and _json(r).get("bulkId") != "BULK-ZOO-1",
    ),
    "reuses_generated_message_id": Witness(
        plain(destinations=2),
        lambda r: (
            len(_entries(r)) == 2 and _entries(r)[0]["messageId"] == _entries(r)[1]["messageId"]
        ),
    ),
    "omits_generated_bulk_id": Witness(
        plain(destinations=2), lambda r: _status(200)(r) and "bulkId" not in _json(r)
    ),
    "status_without_description": Witness(plain(), _status_field(lambda s: "description" not in s)),
    "group_id_as_string": Witness(
        plain(), _status_field(lambda s: isinstance(s.get("groupId"), str))
    ),
    "pending_group_named_rejected": Witness(
        plain(), _status_field(lambda s: s.get("groupId") == 1 and s.get("groupName") == "REJECTED")
    ),
    "unknown_status_id": Witness(plain(), _status_field(lambda s: s.get("id") == 260)),
    "rejects_every_destination": Witness(plain(), _status_field(lambda s: s.get("groupId") == 5)),
    "sms_count_zero": Witness(plain(), _first(lambda e: e.get("smsCount") == 0)),
    "tracking_process_key_number": Witness(
        {**plain(), "tracking": {"track": "SMS", "type": "ZOO"}},
        lambda r: (
            isinstance(_json(r), dict) and isinstance(_json(r).get("trackingProcessKey"), int)
        ),
    ),
    # 120 Cyrillic characters: UCS-2, 2 parts (C1); counted as GSM-7, 1.
    "sms_count_ignores_ucs2": Witness(
        plain(text="Привет" * 20), _first(lambda e: e.get("smsCount") == 1)
    ),
    # 310 GSM-7 characters: 3 parts of 153 (C1); at 160 a part, 2.
    "sms_count_160_per_part": Witness(
        plain(text="a" * 310), _first(lambda e: e.get("smsCount") == 2)
    ),
    # 100 dotless i with TR: 1 part in the Turkish locking shift table (C2); as UCS-2, 2.
    "sms_count_ignores_language": Witness(
        plain(text="ı" * 100, language={"languageCode": "TR"}),  # noqa: RUF001
        _first(lambda e: e.get("smsCount") == 2),
    ),
    "sms_count_of_raw_text": Witness(seed(), _first(lambda e: e.get("smsCount") == 2)),
    "missing_messages_is_empty_bulk": Witness({"bulkId": "B-1"}, _status(200)),
    "skips_messages_without_destinations": Witness(
        {"messages": [{"destinations": [], "text": "x"}]}, _status(200)
    ),
    "accepts_numeric_to": Witness(
        {"messages": [{"destinations": [{"to": 41793026727}], "text": "x"}]}, _status(200)
    ),
    "drops_fields_of_wrong_type": Witness(plain(flash="yes"), _status(200)),
    "wraps_window_times_around": Witness(
        _window(
            days=_ALL_DAYS, **{"from": {"hour": 24, "minute": 0}, "to": {"hour": 3, "minute": 0}}
        ),
        _status(200),
    ),
    "ignores_unknown_days": Witness(_window(days=["FUNDAY"]), _status(200)),
    "window_days_only": Witness(
        _window(days=_ALL_DAYS, **{"from": {"hour": 6, "minute": 0}}), _status(200)
    ),
    "ignores_send_at": Witness(plain(sendAt="tomorrow at noon"), _status(200)),
    "defaults_unknown_enum_values": Witness(plain(notifyContentType="text/plain"), _status(200)),
    "html_bad_request_page": Witness({}, _content_type("text/html")),
    "flat_error_envelope": Witness(
        {}, lambda r: _status(400)(r) and "messageId" in (_json(r) or {}).get("requestError", {})
    ),
    "invalid_argument_message_id": Witness(
        {}, lambda r: _service_exception(r).get("messageId") == "INVALID_ARGUMENT"
    ),
    "accepts_missing_authorization": Witness(plain(), _status(200), credential="none"),
    "accepts_any_credential": Witness(plain(), _status(200), credential="wrong"),
    "plain_text_unauthorized": Witness(plain(), _content_type("text/plain"), credential="none"),
    "unauthorized_as_bad_request": Witness(
        plain(),
        lambda r: _service_exception(r).get("messageId") == "BAD_REQUEST",
        credential="none",
    ),
    "rejects_basic_scheme": Witness(plain(), _status(401)),
}


def send_witness(base_url: str, witness: Witness, authorization: str) -> httpx.Response | None:
    """POST the witness to the server's endpoint; None when no answer came within its timeout.

    `authorization` is the server's configured credential, sent when the witness wants it.
    """
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if witness.credential == "configured":
        headers["Authorization"] = authorization
    elif witness.credential == "wrong":
        headers["Authorization"] = "App not-the-right-key"
    proxy = base_url if witness.absolute_form else None
    try:
        with httpx.Client(proxy=proxy, trust_env=False, timeout=witness.timeout) as client:
            return client.post(
                f"{base_url}/sms/1/text/advanced", content=witness.content(), headers=headers
            )
    except httpx.TimeoutException:
        return None


# Correct variants: a request that shows the choice each makes (and that it still conforms).
VARIANT_WITNESSES: dict[str, Witness] = {
    "minimal": Witness(
        plain(),
        _first(
            lambda e: (
                "smsCount" not in e and e["status"]["groupId"] == 0 and len(e["messageId"]) == 36
            )
        ),
    ),
    "strict": Witness({"messages": [{"destinations": [{"to": ""}], "text": "x"}]}, _status(400)),
    "rejects_null_optional_fields": Witness(plain(notifyUrl=None), _status(400)),
    "decorated": Witness(
        plain(), _first(lambda e: "price" in e and e["status"].get("action") == "none")
    ),
}
