"""D2-D8: the reports of a batch built with `reports_of` (the first report of a request
message's destinations copied for the rest) are exactly the reports `TrackedMessage.report`
builds one by one, key order included, whatever the faults, outcomes and characters."""

from __future__ import annotations

import pytest

from sms_acceptance.sandbox._json_codec import dump_json
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


@pytest.mark.parametrize("intermediate", [False, True])
def test_D2_reports_built_for_a_batch_are_the_reports_built_one_by_one(intermediate: bool) -> None:
    shared = _facts()
    other = _facts(sender=None, callback_data="Доставка 🚚 \ud800")
    no_bulk = _facts(bulk_id=None, callback_data=None)
    messages = [
        *(_message(shared, n) for n in range(4)),
        _message(shared, 4, outcome=UNDELIVERABLE),
        _message(shared, 5, flags=ReportFlags.WRONG_MESSAGE_ID),
        _message(shared, 6, flags=ReportFlags.COLON_OFFSET | ReportFlags.WITHOUT_CALLBACK_DATA),
        _message(shared, 7),
        *(_message(other, n) for n in range(8, 10)),
        *(_message(no_bulk, n, outcome=EXPIRED) for n in range(10, 13)),
        *(_message(no_bulk, n, done=False) for n in range(13, 15)),
    ]
    built = reports_of(messages, intermediate=intermediate)
    one_by_one = [m.report(intermediate=intermediate) for m in messages]
    assert built == one_by_one
    assert [list(r) for r in built] == [list(r) for r in one_by_one]  # the keys' order
    assert dump_json({"results": built}) == dump_json({"results": one_by_one})
    assert len({id(r) for r in built}) == len(messages)  # no report is the same dict twice
