"""What each scenario sends: the conformance suite's strategies, shaped per scenario.

One description of a valid request serves both suites: `valid_requests` (generated from the request
schema, texts chosen around segment boundaries, clean by the request oracle) and the named
`MUTATIONS` (each breaking one rule). A scenario narrows them (one destination; many; non-GSM and
multi-part texts) or overlays the fields it exercises (`sendAt` and delivery windows; delivery
reports and tracking), and every drawn request is judged again by the oracle: a valid scenario
keeps only clean requests (so a 400 is the server's fault), the invalid scenario only requests
breaking the MUST rule their mutation names (so a 400 is expected).
"""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import strategies as st

from sms_acceptance._destinations import destination_count, destination_numbers
from sms_acceptance._request_rules import judge_request
from sms_acceptance.generation import (
    MUTATIONS,
    delivery_windows,
    send_at_values,
    valid_requests,
)

from ._dlr_receiver import NOTIFY_PLACEHOLDER
from ._payloads import PreparedRequest, draw_examples, serialise

Request = dict[str, Any]

_MUST_RULES = frozenset({"R1", "R2", "R3", "R4", "R5", "R6"})
_NON_GSM_FAMILIES = (
    "ucs2",
    "ucs2_surrogates",
    "turkish",
    "spanish",
    "portuguese",
    "gsm7_extension",
)
_WORD = string.ascii_letters + string.digits + "-_"


def single_destination_requests() -> st.SearchStrategy[Request]:
    """One message to one destination: the most common send."""
    return valid_requests(max_messages=1, max_destinations=1)


def bulk_requests() -> st.SearchStrategy[Request]:
    """Up to 5 messages and 10 or more destinations in one request (R13 allows up to 1000)."""
    return valid_requests(max_messages=5, max_destinations=50).filter(
        lambda request: destination_count(request) >= 10
    )


def unicode_and_long_requests() -> st.SearchStrategy[Request]:
    """Texts outside plain GSM-7: UCS-2 (surrogates too), extension characters, TR/ES/PT shifts,
    at the suite's segment-boundary lengths (so many are concatenated)."""
    return valid_requests(max_messages=1, max_destinations=2, families=_NON_GSM_FAMILIES)


@st.composite
def scheduled_requests(draw: st.DrawFn) -> Request:
    """`sendAt` in the R11 forms (the suite's values) and/or a delivery time window."""
    request = copy.deepcopy(draw(valid_requests(max_messages=1, max_destinations=2)))
    message = request["messages"][0]
    choice = draw(st.sampled_from(("send_at", "window", "both")))
    if choice != "window":
        message["sendAt"] = draw(send_at_values())
    else:
        message.pop("sendAt", None)
    if choice != "send_at":
        message["deliveryTimeWindow"] = draw(delivery_windows())
    return request


@st.composite
def notify_and_tracking_requests(draw: st.DrawFn) -> Request:
    """Delivery reports (`notifyUrl`, `notifyContentType`, `intermediateReport`, `callbackData`)
    and, often, the legacy `tracking` object."""
    request = copy.deepcopy(draw(valid_requests(max_messages=1, max_destinations=3)))
    message = request["messages"][0]
    # Reports are matched to sends by messageId: a pool cycled through would send a client's
    # messageId again and again, so the server gives each destination its own.
    for destination in message["destinations"]:
        destination.pop("messageId", None)
    # Reports repeat `from` and `bulkId`; XML 1.0 cannot carry control characters (D9), so these
    # are plain words here (what a receiver gets is the suite's business, not the load test's).
    message["from"] = draw(st.text(string.ascii_letters + string.digits, min_size=3, max_size=11))
    if "bulkId" in request:
        request["bulkId"] = draw(st.text(_WORD, min_size=1, max_size=30))
    # The load generator's receiver replaces the placeholder origin (`_dlr_receiver.localise`).
    message["notifyUrl"] = (
        f"{NOTIFY_PLACEHOLDER}/dlr/{draw(st.text(_WORD, min_size=1, max_size=20))}"
    )
    message["notifyContentType"] = draw(st.sampled_from(("application/json", "application/xml")))
    message["intermediateReport"] = draw(st.booleans())
    message["callbackData"] = draw(st.text(_WORD + " ", max_size=200))
    if draw(st.booleans()):
        request["tracking"] = {
            "track": draw(st.sampled_from(("SMS", "URL"))),
            "type": draw(st.text(string.ascii_uppercase + "_", min_size=1, max_size=20)),
        }
    return request


_MUST_MUTATIONS = tuple(m for m in MUTATIONS if m.rule_id in _MUST_RULES)


@st.composite
def invalid_requests(draw: st.DrawFn) -> tuple[str, object]:
    """A valid request broken by one of the suite's named mutations of a MUST rule (R1-R6)."""
    mutation = draw(st.sampled_from(_MUST_MUTATIONS))
    base = copy.deepcopy(draw(valid_requests(max_messages=1, max_destinations=2)))
    return mutation.rule_id, mutation.mutate(base, draw(st.data()))


def prepare_valid(
    strategy: st.SearchStrategy[Request], count: int, seed: int
) -> list[PreparedRequest]:
    """Draw, keep the clean requests (the oracle finds no violation and no OPEN case), serialise."""
    prepared = []
    for request in draw_examples(strategy, count, seed):
        if judge_request(request).is_clean:
            prepared.append(
                PreparedRequest(serialise(request), destination_numbers(request), False)
            )
    if not prepared:
        raise RuntimeError("no clean request among the generated payloads (oracle rejected all)")
    return prepared


def prepare_invalid(count: int, seed: int) -> list[PreparedRequest]:
    """Draw broken requests; keep those the oracle confirms break the MUST rule they target."""
    prepared = []
    for rule, request in draw_examples(invalid_requests(), count, seed):
        body = serialise(request)
        verdict = judge_request(body)
        if any(v.rule_id == rule and v.level == "MUST" for v in verdict.violations):
            prepared.append(PreparedRequest(body, destination_numbers(request), True, (rule,)))
    if not prepared:
        raise RuntimeError("the oracle confirmed none of the generated invalid requests")
    return prepared


def single_destination_payloads(count: int, seed: int) -> list[PreparedRequest]:
    """Scenario `single_destination`."""
    return prepare_valid(single_destination_requests(), count, seed)


def bulk_payloads(count: int, seed: int) -> list[PreparedRequest]:
    """Scenario `bulk`."""
    return prepare_valid(bulk_requests(), count, seed)


def unicode_and_long_payloads(count: int, seed: int) -> list[PreparedRequest]:
    """Scenario `unicode_long_text`."""
    return prepare_valid(unicode_and_long_requests(), count, seed)


def scheduled_payloads(count: int, seed: int) -> list[PreparedRequest]:
    """Scenario `scheduled`."""
    return prepare_valid(scheduled_requests(), count, seed)


def notify_and_tracking_payloads(count: int, seed: int) -> list[PreparedRequest]:
    """Scenario `notify_tracking`."""
    return prepare_valid(notify_and_tracking_requests(), count, seed)


def invalid_payloads(count: int, seed: int) -> list[PreparedRequest]:
    """Scenario `invalid_requests` (each breaks one MUST rule: a 400 envelope is expected)."""
    return prepare_invalid(count, seed)
