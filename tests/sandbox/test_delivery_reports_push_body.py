"""D2-D8: a push's JSON body written the cheap way (`_report_json.json_results`) is byte for byte
the body `dump_json` writes for the same reports, whatever the messages, faults and characters."""

from __future__ import annotations

import json

import pytest

from sms_acceptance.sandbox._json_codec import dump_json
from sms_acceptance.sandbox._report_json import json_results
from sms_acceptance.sandbox._report_outcomes import DELIVERED, EXPIRED, UNDELIVERABLE
from sms_acceptance.sandbox._report_store import (
    MessageFacts,
    ReportFlags,
    TrackedMessage,
    reports_of,
)

_PRICE = {"pricePerMessage": 0.01, "currency": "EUR"}
_DONE = "2026-12-06T23:00:01.250+0000"


def _facts(**changes: object) -> MessageFacts:
    facts = MessageFacts(
        bulk_id="BULK-1",
        sender="InfoSMS",
        text="hello",
        callback_data="DLR callback data",
        notify_url="http://127.0.0.1:9/dlr",
        xml=False,
        sent_at=1796598000.0,
        sent_text="2026-12-06T23:00:00.000+0000",
        price=_PRICE,
    )
    return facts._replace(**changes)  # type: ignore[arg-type]


def _message(
    facts: MessageFacts, n: int, *, flags: int = 0, outcome: object = DELIVERED, done: bool = True
) -> TrackedMessage:
    message = TrackedMessage(f"MSG-{n}", f"4179302672{n % 10}", 1 + n % 3, facts, DELIVERED, flags)
    if done:
        message.outcome = outcome  # type: ignore[assignment]
        message.done_text = _DONE
    return message


def _plain(messages: list[TrackedMessage], intermediate: bool) -> bytes:
    return dump_json({"results": reports_of(messages, intermediate=intermediate)})


def _unshared(messages: list[TrackedMessage], intermediate: bool) -> bytes:
    """Every report built on its own, as `TrackedMessage.report` does."""
    return dump_json({"results": [m.report(intermediate=intermediate) for m in messages]})


@pytest.mark.parametrize("intermediate", [False, True])
def test_D2_a_batch_body_is_the_plain_encoding_of_its_reports(intermediate: bool) -> None:
    shared = _facts()
    tricky = _facts(
        bulk_id='a","smsCount":7,"x":"',  # the key's text inside a value: escaped, not matched
        sender=None,
        callback_data='Доставка 🚚 \u0000 ,"smsCount":1,',
    )
    no_bulk = _facts(bulk_id=None, callback_data=None)
    messages = [
        *(_message(shared, n) for n in range(4)),
        _message(shared, 4, outcome=UNDELIVERABLE),
        _message(shared, 5, flags=ReportFlags.WRONG_MESSAGE_ID),
        _message(shared, 6, flags=ReportFlags.COLON_OFFSET | ReportFlags.WITHOUT_CALLBACK_DATA),
        *(_message(tricky, n) for n in range(7, 10)),
        *(_message(no_bulk, n, outcome=EXPIRED) for n in range(10, 13)),
        *(_message(no_bulk, n, done=False) for n in range(13, 15)),
        _message(shared, 123456789012),
    ]
    body = json_results(messages, intermediate=intermediate)
    assert body == _plain(messages, intermediate) == _unshared(messages, intermediate)
    assert len(json.loads(body)["results"]) == len(messages)


def test_D2_a_lone_surrogate_a_client_sent_takes_the_plain_path() -> None:
    messages = [_message(_facts(callback_data="\ud800 lone"), n) for n in range(3)]
    body = json_results(messages)
    assert body == _plain(messages, False)
    assert json.loads(body)["results"][2]["callbackData"] == "\ud800 lone"


def test_D2_an_empty_batch_is_an_empty_results_list() -> None:
    assert json_results([]) == b'{"results":[]}' == _plain([], False)
