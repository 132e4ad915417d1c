"""What each scenario sends: Hypothesis strategies for its requests, confirmed by the oracle.

Interim source. The conformance suite's schema-derived strategies are the intended source (one
description of a valid request, shared by both suites); until they land, these strategies build
requests shaped like the seed's example, field by field with the types and ranges of
`schemas/request.schema.json`, and every drawn request is checked by the request oracle
(`judge_request`): a valid scenario keeps only clean requests (valid and no OPEN case, so a 400 is
the server's fault), the invalid scenario only requests breaking a MUST rule (so 400 is expected).
"""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from ._payloads import PreparedRequest, destinations_of, draw_examples, serialise

Request = dict[str, Any]

_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_GSM_SAFE = string.ascii_letters + string.digits + " .,:;!?'\"()-+/@&%#=<>*"

phone_numbers = st.from_regex(r"\A[1-9][0-9]{7,14}\Z", fullmatch=True)
client_ids = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=40)
gsm_texts = st.text(alphabet=_GSM_SAFE, min_size=1, max_size=160)
senders = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits, min_size=3, max_size=11),
    st.from_regex(r"\A[1-9][0-9]{2,13}\Z", fullmatch=True),
)


@st.composite
def destinations(draw: st.DrawFn) -> dict[str, str]:
    """`{to}` or `{to, messageId}` (S4 echoes a client messageId)."""
    destination = {"to": draw(phone_numbers)}
    if draw(st.booleans()):
        destination["messageId"] = draw(client_ids)
    return destination


@st.composite
def messages(draw: st.DrawFn, *, min_destinations: int = 1, max_destinations: int = 3) -> Request:
    """A message with the seed's core fields and, sometimes, `flash` and `validityPeriod`."""
    message: Request = {
        "from": draw(senders),
        "destinations": draw(
            st.lists(
                destinations(),
                min_size=min_destinations,
                max_size=max_destinations,
                unique_by=lambda d: d["to"],
            )
        ),
        "text": draw(gsm_texts),
    }
    if draw(st.booleans()):
        message["flash"] = draw(st.booleans())
    if draw(st.booleans()):
        message["validityPeriod"] = draw(st.integers(1, 2880))
    return message


@st.composite
def single_destination_requests(draw: st.DrawFn) -> Request:
    """One message to one destination: the most common send."""
    return {"messages": [draw(messages(max_destinations=1))]}


@st.composite
def bulk_requests(draw: st.DrawFn) -> Request:
    """Several messages, many destinations, a client bulkId (S5): 10 to 250 destinations."""
    return {
        "bulkId": draw(client_ids),
        "messages": draw(
            st.lists(messages(min_destinations=5, max_destinations=50), min_size=2, max_size=5)
        ),
    }


unicode_texts = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0xFFFF),
    min_size=71,
    max_size=700,
)
long_gsm_texts = st.text(alphabet=_GSM_SAFE, min_size=161, max_size=1500)


@st.composite
def unicode_and_long_requests(draw: st.DrawFn) -> Request:
    """UCS-2 texts past one segment, long GSM-7 texts (concatenated), national language shifts."""
    message = draw(messages(max_destinations=2))
    choice = draw(st.sampled_from(("unicode", "long", "language")))
    if choice == "unicode":
        message["text"] = draw(unicode_texts)
    elif choice == "long":
        message["text"] = draw(long_gsm_texts)
    else:
        message["text"] = draw(st.sampled_from(_NATIONAL_TEXTS))
        message["language"] = {"languageCode": draw(st.sampled_from(("TR", "ES", "PT")))}
        if draw(st.booleans()):
            message["transliteration"] = "TURKISH"
    return {"messages": [message]}


_NATIONAL_TEXTS = (
    "Artık Ulusal Dil Tanımlayıcısı ile Türkçe karakterli smslerinizi rahatlıkla iletebilirsiniz.",  # noqa: RUF001
    "¿Dónde está la estación? Mañana llegaré a las 10:30, señor Muñoz.",
    "Olá! A sua encomenda está a caminho; receberá confirmação às 15h.",
)


def _send_at(now: datetime, ahead: timedelta, form: str) -> str:
    moment = now + ahead
    base = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    return base + {"+0000": "+0000", "+00:00": "+00:00", "Z": "Z"}[form]


@st.composite
def scheduled_requests(draw: st.DrawFn, now: datetime | None = None) -> Request:
    """`sendAt` up to 179 days ahead in the R11 forms, and delivery windows of an hour or more."""
    message = draw(messages(max_destinations=2))
    reference = now or datetime.now(UTC)
    if draw(st.booleans()):
        ahead = timedelta(minutes=draw(st.integers(5, 179 * 24 * 60)))
        message["sendAt"] = _send_at(
            reference, ahead, draw(st.sampled_from(("+0000", "+00:00", "Z")))
        )
    if draw(st.booleans()) or "sendAt" not in message:
        start_hour = draw(st.integers(0, 21))
        start_minute = draw(st.integers(0, 59))
        end_total = draw(st.integers(start_hour * 60 + start_minute + 60, 23 * 60 + 59))
        message["deliveryTimeWindow"] = {
            "days": draw(st.lists(st.sampled_from(_DAYS), min_size=1, max_size=7, unique=True)),
            "from": {"hour": start_hour, "minute": start_minute},
            "to": {"hour": end_total // 60, "minute": end_total % 60},
        }
    return {"messages": [message]}


@st.composite
def notify_and_tracking_requests(draw: st.DrawFn) -> Request:
    """Delivery reports (`notifyUrl`, `notifyContentType`, `intermediateReport`, `callbackData`)
    and the legacy `tracking` object."""
    message = draw(messages(max_destinations=3))
    message["notifyUrl"] = f"https://example.com/dlr/{draw(client_ids)}"
    message["notifyContentType"] = draw(st.sampled_from(("application/json", "application/xml")))
    message["intermediateReport"] = draw(st.booleans())
    message["callbackData"] = draw(st.text(alphabet=_GSM_SAFE, max_size=200))
    request: Request = {"messages": [message]}
    if draw(st.booleans()):
        request["tracking"] = {
            "track": draw(st.sampled_from(("SMS", "URL"))),
            "type": draw(st.text(alphabet=string.ascii_uppercase + "_", min_size=1, max_size=20)),
        }
    return request


def _break(request: Request, rule: str) -> object:
    """The request broken against one MUST rule (R1-R6): the server must answer 400."""
    message = request["messages"][0]
    if rule == "R1":
        return b'{"messages": [ not json'
    if rule == "R2":
        return {**request, "messages": []}
    if rule == "R3":
        return {**request, "messages": [{**message, "destinations": []}]}
    if rule == "R4":
        return {**request, "messages": [{**message, "destinations": [{"messageId": "no-to"}]}]}
    if rule == "R5":
        return {**request, "messages": [{**message, "flash": "yes"}]}
    window = {"days": ["FUNDAY"], "from": {"hour": 6, "minute": 0}, "to": {"hour": 15, "minute": 0}}
    return {**request, "messages": [{**message, "deliveryTimeWindow": window}]}


invalid_rules = st.sampled_from(("R1", "R2", "R3", "R4", "R5", "R6"))


@st.composite
def invalid_requests(draw: st.DrawFn) -> tuple[str, object]:
    """A valid single request broken against one MUST rule, with that rule's id."""
    rule = draw(invalid_rules)
    return rule, _break(draw(single_destination_requests()), rule)


def _unique_message_ids(request: Request) -> Request:
    """Suffix client messageIds with their position: a duplicate in one request is OPEN."""
    position = 0
    for message in request["messages"]:
        for destination in message["destinations"]:
            if "messageId" in destination:
                destination["messageId"] = f"{destination['messageId'][:30]}-{position}"
            position += 1
    return request


def prepare_valid(
    strategy: st.SearchStrategy[Request], count: int, seed: int
) -> list[PreparedRequest]:
    """Draw, keep the clean requests (the oracle finds no violation and no OPEN case), serialise."""
    from sms_acceptance._request_rules import judge_request

    prepared = []
    for drawn in draw_examples(strategy, count, seed):
        request = _unique_message_ids(drawn)
        if judge_request(request).is_clean:
            prepared.append(PreparedRequest(serialise(request), destinations_of(request), False))
    if not prepared:
        raise RuntimeError("no clean request among the generated payloads (oracle rejected all)")
    return prepared


def prepare_invalid(count: int, seed: int) -> list[PreparedRequest]:
    """Draw broken requests; keep those the oracle confirms break the MUST rule they target."""
    from sms_acceptance._request_rules import judge_request

    prepared = []
    for rule, request in draw_examples(invalid_requests(), count, seed):
        verdict = judge_request(request)
        if any(v.rule_id == rule and v.level == "MUST" for v in verdict.violations):
            prepared.append(
                PreparedRequest(serialise(request), destinations_of(request), True, (rule,))
            )
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
