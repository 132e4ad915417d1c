"""Every check of the conformance suite: one small function each, citing its rules.md ids.

In the manner of Schemathesis's `checks.py`. Find a check by its name or by its rule id in this
file (S3: `destination_count_matches`; E1: `error_envelope_conformance`). A check receives one
`Exchanged` (the request, the answer, why the request was sent) and yields outcomes: `PASSED` when
it saw what it needs and that holds, `Failed(message, rule_id=…)` when it does not,
`Blocked(reason)` when it applies but could not judge (the answer it needs never came),
`Declared(text)` when a vendor profile relaxes it; nothing when this exchange says nothing about
its rule. A check never passes on what it did not see: an empty answer has no unique ids, a 404
says nothing about a credential.
`Verification` (`_verify.py`) only runs the registered checks, in this file's order, over each
exchange whose purpose they apply to; the catalogue (`_catalogue.CHECKS`) is this registry.

How to add a check:
1. Write a function here, in its family's section, decorated with
   `@check(name="snake_case_name", family=..., rules=("S7",), level="SHOULD", applies_to=...)`.
   `applies_to` names the purposes of the requests it judges (`VALID_REQUEST`, `"rule_breaking"`,
   `"bad_credential"`, ...); narrow it further inside the function (yield nothing). The first
   paragraph of its docstring is its catalogue description: what it verifies, in one sentence.
2. Yield `PASSED` or `Failed(...)` for each thing it judges, `Blocked(reason)` where it cannot.
   Messages spell values as JSON (`json_text`, `body_text`: `true`, `null`, "(empty body)").
3. Add the name to `docs/conformance.md`, and a zoo server that breaks it
   (`tests/conformance/zoo/_catalogue.py`): `test_every_check_is_tripped` insists on one.
Nothing asserts about OPEN behaviour (rules.md): positive requests are OPEN-free (the strategies
guarantee it), and rule-breaking ones are judged only on the rule the oracle confirmed they break.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from sms_acceptance._segmentation import SegmentCount, segment_count
from sms_acceptance._status_table import group_name_matches, is_known_status
from sms_acceptance._validation import fast_validator, schema_violations
from sms_acceptance.conformance.checks._check_registry import (
    PASSED,
    VALID_REQUEST,
    BadCredentialRequest,
    Blocked,
    Declared,
    Exchanged,
    Failed,
    Outcome,
    RuleBreakingRequest,
    ValidRequest,
    check,
)
from sms_acceptance.conformance.checks._json_text import body_text, json_text
from sms_acceptance.conformance.transport._exchange import BodyKind, ReceivedResponse

__all__: list[str] = []

_ACCEPTING_GROUPS = frozenset({0, 1})  # S10: ACCEPTED (legacy) or PENDING


def _shown_body(response: ReceivedResponse) -> str:
    """The body as JSON when it is JSON, else as the text the server sent."""
    if response.is_json:
        return json_text(response.json, 300)
    return body_text(response.body, 300)


def _no_answer(x: Exchanged) -> Blocked | None:
    failure = x.failure
    return None if failure is None else Blocked(f"no answer ({failure.category.value})")


# -- protocol (every exchange): E2, S1, E1 ---------------------------------------------------


@check(name="not_a_server_error", family="protocol", rules=("E2",), level="MUST")
def not_a_server_error(x: Exchanged) -> Iterator[Outcome]:
    """No input whatsoever produces a 5xx."""
    if x.failure is not None:
        if x.failure.status is not None and x.failure.status >= 500:
            yield Failed(f"answered {x.failure.status} (E2)")
        return
    response = x.response
    assert response is not None
    if response.status < 500:
        yield PASSED
    else:
        yield Failed(
            f"answered {response.status}: no input may produce a 5xx (E2); body "
            f"{_shown_body(response)}"
        )


@check(name="content_type_conformance", family="protocol", rules=("S1", "E1"), level="MUST")
def content_type_conformance(x: Exchanged) -> Iterator[Outcome]:
    """Every answer says Content-Type: application/json (parameters such as charset allowed)."""
    response = x.response
    if response is None:
        return
    if response.media_type == "application/json":
        yield PASSED
    else:
        yield Failed(
            f"answered {response.status} with "
            + (
                f"Content-Type {response.content_type}"
                if response.content_type is not None
                else "no Content-Type header"
            )
            + "; every answer must be application/json (S1, E1)",
            rule_id="S1" if 200 <= response.status < 300 else "E1",
        )


@check(
    name="absolute_form_request_line",
    family="protocol",
    rules=("H1",),
    level="SHOULD",
    applies_to=("absolute_form",),
)
def absolute_form_request_line(x: Exchanged) -> Iterator[Outcome]:
    """A request line in absolute form (POST http://host/sms/1/... HTTP/1.1) is served like the
    same request in origin form."""
    yield from _acceptance(x)


@check(name="response_within_timeout", family="protocol", rules=("S1", "E1"), level="MUST")
def response_within_timeout(x: Exchanged) -> Iterator[Outcome]:
    """A complete answer arrives within --request-timeout."""
    failure = x.failure
    if failure is None:
        yield PASSED
    elif failure.category.is_timeout:
        yield _transport_failed(x)


@check(name="transport_failure", family="protocol", rules=("S1", "E1"), level="MUST")
def transport_failure(x: Exchanged) -> Iterator[Outcome]:
    """The server answers over well-formed HTTP within the size cap (no reset, no garbage)."""
    failure = x.failure
    if failure is None:
        yield PASSED
    elif not failure.category.is_timeout:
        yield _transport_failed(x)


def _transport_failed(x: Exchanged) -> Failed:
    failure = x.failure
    assert failure is not None
    return Failed(
        f"{failure.message} ({failure.category.value}, after {failure.elapsed:.2f}s)",
        category=failure.category.value,
    )


# -- valid requests are accepted: R10-R13 --------------------------------------------------------


def _acceptance(x: Exchanged) -> Iterator[Outcome]:
    """200 to a valid request (the configured credential refused is A5's failure, not this)."""
    response = x.response
    if response is None:
        yield Blocked(f"no answer ({x.failure.category.value if x.failure else 'none'})")
        return
    if x.credential_refused:
        yield Blocked(f"the configured credential was refused ({response.status}; see A5)")
        return
    if response.status == 200:
        yield PASSED
        return
    yield Failed(
        f"a valid request was answered {response.status}, expected 200; body "
        + _shown_body(response)
    )


@check(
    name="positive_data_acceptance",
    family="positive",
    rules=("R13",),
    level="MUST",
    applies_to=("valid",),
)
def positive_data_acceptance(x: Exchanged) -> Iterator[Outcome]:
    """A valid request generated from the request schema, clear of OPEN cases, gets 200."""
    yield from _acceptance(x)


@check(
    name="seed_reproduction", family="positive", rules=("R10",), level="MUST", applies_to=("seed",)
)
def seed_reproduction(x: Exchanged) -> Iterator[Outcome]:
    """The seed document's own request example, as it stands, gets 200."""
    yield from _acceptance(x)


@check(
    name="send_at_forms_accepted",
    family="positive",
    rules=("R11",),
    level="SHOULD",
    applies_to=("send_at_form",),
)
def send_at_forms_accepted(x: Exchanged) -> Iterator[Outcome]:
    """sendAt in the documented forms (+0000, +00:00, Z), past or up to 180 days ahead, is
    accepted."""
    yield from _acceptance(x)


@check(
    name="validity_period_clamped",
    family="positive",
    rules=("R12",),
    level="SHOULD",
    applies_to=("long_validity",),
)
def validity_period_clamped(x: Exchanged) -> Iterator[Outcome]:
    """validityPeriod above 2880 is clamped, not rejected."""
    yield from _acceptance(x)


@check(
    name="bulk_size_accepted", family="positive", rules=("R13",), level="MUST", applies_to=("bulk",)
)
def bulk_size_accepted(x: Exchanged) -> Iterator[Outcome]:
    """Up to 1000 destinations in total in one request are accepted."""
    yield from _acceptance(x)


# -- the 200 answer: S1-S10, S13 ----------------------------------------------------------------


@check(
    name="response_schema_conformance",
    family="response",
    rules=("S1", "S2", "S8", "S11", "S13"),
    level="MUST",
    applies_to=VALID_REQUEST,
)
def response_schema_conformance(x: Exchanged) -> Iterator[Outcome]:
    """Every 200 body is a JSON object that validates against the response schema."""
    response = x.response
    if response is None or response.status != 200:
        reason = x.unjudged()
        if reason is not None:
            yield Blocked(reason)
        return
    kind = response.body_kind
    if kind is not BodyKind.JSON:
        yield Failed(
            f"a 200 body that is not JSON ({kind.value}): {body_text(response.body, 300)}",
            rule_id="S1",
            category=kind.value,
        )
        return
    # jsonschema-rs answers "valid" in microseconds; only an invalid body pays for the
    # reference validator, whose messages the failure quotes.
    if fast_validator("response").is_valid(response.json):
        yield PASSED
        return
    violations = schema_violations("response", response.json)
    if not violations:
        yield PASSED
        return
    yield Failed(
        "the 200 body does not validate against the response schema: "
        + "; ".join(f"{v.path}: {v.message} ({v.rule_id})" for v in violations[:5]),
        rule_id=next((v.rule_id for v in violations if v.rule_id), "S2"),
    )


def _same_destinations(x: Exchanged) -> bool:
    entries = x.entries or []
    return Counter(str(e.get("to")) for e in entries) == Counter(d.to for d in x.destinations)


@check(
    name="destination_count_matches",
    family="response",
    rules=("S2", "S3"),
    level="MUST",
    applies_to=VALID_REQUEST,
)
def destination_count_matches(x: Exchanged) -> Iterator[Outcome]:
    """One response entry per destination; the entries' `to` equal the request's destinations as
    a multiset."""
    entries = x.entries
    if entries is None:
        yield Blocked(x.unjudged() or "no entries")
        return
    sent = len(x.destinations)
    if len(entries) != sent:
        yield Failed(
            f"{sent} destination(s) sent, {len(entries)} entr(ies) "
            "answered; S2 asks for exactly one entry per destination",
            rule_id="S2",
        )
        return
    yield PASSED
    if _same_destinations(x):
        yield PASSED
    else:
        got = [e.get("to") for e in entries]
        yield Failed(
            f"the entries' `to` {json_text(got)} are not the request's destinations "
            f"{json_text([d.to for d in x.destinations])} (S3)",
            rule_id="S3",
        )


@check(
    name="destination_order_preserved",
    family="response",
    rules=("S3",),
    level="SHOULD",
    applies_to=VALID_REQUEST,
)
def destination_order_preserved(x: Exchanged) -> Iterator[Outcome]:
    """Response entries come in request order."""
    entries = x.entries
    if entries is None:
        yield Blocked(x.unjudged() or "no entries")
        return
    if len(entries) != len(x.destinations) or not _same_destinations(x):
        yield Blocked("the entries are not the request's destinations (destination_count_matches)")
        return
    if len(entries) < 2:
        return  # one destination has no order to keep
    got = [e.get("to") for e in entries]
    sent = [d.to for d in x.destinations]
    if got == sent:
        yield PASSED
    else:
        yield Failed(f"entries in order {json_text(got)}, request order {json_text(sent)}")


@check(
    name="client_message_id_echoed",
    family="response",
    rules=("S4",),
    level="MUST",
    applies_to=VALID_REQUEST,
)
def client_message_id_echoed(x: Exchanged) -> Iterator[Outcome]:
    """A destination's client messageId is returned unchanged in its entry."""
    entries = x.entries
    for destination in x.destinations:
        if destination.message_id is None:
            continue
        if entries is None:
            yield Blocked(x.unjudged() or "no entries")
            return
        if any(
            e.get("to") == destination.to and e.get("messageId") == destination.message_id
            for e in entries
        ):
            yield PASSED
        else:
            yield Failed(
                f"the client messageId {json_text(destination.message_id)} for "
                f"{json_text(destination.to)} is not returned unchanged in that destination's entry"
            )


@check(
    name="bulk_id_echoed", family="response", rules=("S5",), level="MUST", applies_to=VALID_REQUEST
)
def bulk_id_echoed(x: Exchanged) -> Iterator[Outcome]:
    """A client bulkId is returned unchanged."""
    body = x.body
    if "bulkId" not in x.document:
        return
    if x.entries is None or body is None:
        yield Blocked(x.unjudged() or "no entries")
        return
    sent = x.document["bulkId"]
    if body.get("bulkId") == sent:
        yield PASSED
    elif "bulkId" not in body:
        yield Failed(f"client bulkId {json_text(sent)} is missing from the answer")
    else:
        yield Failed(f"client bulkId {json_text(sent)} answered as {json_text(body['bulkId'])}")


@check(
    name="generated_message_ids_unique",
    family="response",
    rules=("S6",),
    level="SHOULD",
    applies_to=VALID_REQUEST,
)
def generated_message_ids_unique(x: Exchanged) -> Iterator[Outcome]:
    """messageIds are unique within a response."""
    entries = x.entries
    if entries is None:
        yield Blocked(x.unjudged() or "no entries")
        return
    client_ids = [d.message_id for d in x.destinations if d.message_id is not None]
    if len(set(client_ids)) != len(client_ids):
        return  # a duplicate client id is OPEN: its echo may repeat
    ids = [e.get("messageId") for e in entries if "messageId" in e]
    if len(ids) < 2:
        # Uniqueness is only seen between two ids: `{"messages": []}` shows none.
        if len(x.destinations) > 1:
            yield Blocked(
                f"{len(ids)} messageId(s) answered for {len(x.destinations)} destinations"
            )
        return
    repeated = sorted({json_text(i) for i in ids if ids.count(i) > 1})
    if not repeated:
        yield PASSED
    else:
        yield Failed(f"messageId(s) {', '.join(repeated)} appear more than once in one response")


@check(
    name="bulk_id_present_for_bulk",
    family="response",
    rules=("S7",),
    level="SHOULD",
    applies_to=VALID_REQUEST,
)
def bulk_id_present_for_bulk(x: Exchanged) -> Iterator[Outcome]:
    """bulkId is present when the request has more than one destination."""
    body = x.body
    if len(x.destinations) <= 1:
        return
    if x.entries is None or body is None:
        yield Blocked(x.unjudged() or "no entries")
        return
    bulk_id = body.get("bulkId")
    if isinstance(bulk_id, str):
        yield PASSED
    elif "bulkId" not in body:
        yield Failed(f"no bulkId although the request has {len(x.destinations)} destinations")
    else:
        yield Failed(
            f"bulkId is {json_text(bulk_id)}, not a string, although the request has "
            f"{len(x.destinations)} destinations"
        )


def _no_status(x: Exchanged) -> Blocked | None:
    """Why no entry's status can be judged: no entries, or none with integer ids (S8's)."""
    if x.entries is None:
        return Blocked(x.unjudged() or "no entries")
    if not any(True for _ in _statuses(x)):
        return Blocked("no entry has a status with integer groupId and id (S8)")
    return None


def _statuses(x: Exchanged) -> Iterator[tuple[int, object, int]]:
    """(groupId, groupName, id) of each entry whose status has integer ids (S8 has the rest)."""
    for entry in x.entries or []:
        status = entry.get("status")
        if not isinstance(status, dict):
            continue
        group_id, group_name, status_id = (
            status.get("groupId"),
            status.get("groupName"),
            status.get("id"),
        )
        if isinstance(group_id, int) and isinstance(status_id, int):
            yield group_id, group_name, status_id


@check(
    name="status_in_provider_tables",
    family="response",
    rules=("S9",),
    level="SHOULD",
    applies_to=VALID_REQUEST,
)
def status_in_provider_tables(x: Exchanged) -> Iterator[Outcome]:
    """groupId/groupName agree with the group table and (groupId, id) is in the status table."""
    blocked = _no_status(x)
    if blocked is not None:
        yield blocked
    for group_id, group_name, status_id in _statuses(x):
        if (
            isinstance(group_name, str)
            and group_name_matches(group_id, group_name)
            and is_known_status(group_id, status_id)
        ):
            yield PASSED
        else:
            yield Failed(
                f"status groupId {group_id} / groupName {json_text(group_name)} / id {status_id} "
                "is not consistent with the provider's group and status tables (S9)"
            )


@check(
    name="status_group_accepting",
    family="response",
    rules=("S10",),
    level="SHOULD",
    applies_to=VALID_REQUEST,
)
def status_group_accepting(x: Exchanged) -> Iterator[Outcome]:
    """A valid request to a valid number gets status group PENDING (1) or ACCEPTED (0)."""
    blocked = _no_status(x)
    if blocked is not None:
        yield blocked
    for group_id, group_name, status_id in _statuses(x):
        declared = x.profile.accepted_status(group_id, status_id)
        if group_id not in _ACCEPTING_GROUPS and declared is not None:
            yield Declared(declared)
        elif group_id in _ACCEPTING_GROUPS:
            yield PASSED
        else:
            yield Failed(
                f"a valid request to a valid number got status group {group_id} "
                f"({json_text(group_name)}, id {status_id}); S10 expects PENDING (1) or "
                "ACCEPTED (0)"
            )


# -- smsCount: S12, C1-C5 --------------------------------------------------------------------


@check(
    name="sms_count_matches_segmentation",
    family="segmentation",
    rules=("S12", "C1", "C2", "C3", "C4", "C5"),
    level="SHOULD",
    applies_to=VALID_REQUEST,
)
def sms_count_matches_segmentation(x: Exchanged) -> Iterator[Outcome]:
    """smsCount, when present, equals the segment count (or lies in its range)."""
    if x.entries is None:
        yield Blocked(x.unjudged() or "no entries")
        return
    if not x.pairs and x.destinations:
        yield Blocked("no entry could be paired with a destination (destination_count_matches)")
        return
    counts: dict[int, SegmentCount] = {}
    for destination, entry in x.pairs:
        sms_count = entry.get("smsCount")
        if not isinstance(sms_count, int) or isinstance(sms_count, bool):
            continue  # absent (optional) or of the wrong type (S11, the schema check)
        message = x.document["messages"][destination.message_index]
        if not isinstance(message.get("text"), str):
            continue
        if destination.message_index not in counts:
            counts[destination.message_index] = _segments_of(message)
        expected = counts[destination.message_index]
        if expected.contains(sms_count):
            yield PASSED
            continue
        wanted = (
            f"{expected.fewest}"
            if expected.exact
            else f"between {expected.fewest} and {expected.most}"
        )
        yield Failed(
            f"smsCount {sms_count} for {json_text(destination.to)}, expected {wanted} "
            f"({expected.rule}) for text {json_text(message.get('text'), 120)} with language "
            f"{json_text(message.get('language'))}, transliteration "
            f"{json_text(message.get('transliteration'))}",
            rule_id="S12",
        )


def _segments_of(message: dict[str, Any]) -> SegmentCount:
    language = message.get("language")
    return segment_count(
        message["text"],
        language_code=language.get("languageCode") if isinstance(language, dict) else None,
        transliteration=message.get("transliteration"),
    )


@check(
    name="seed_sms_count",
    family="segmentation",
    rules=("S12", "C2", "C4", "C1"),
    level="SHOULD",
    applies_to=("seed",),
)
def seed_sms_count(x: Exchanged) -> Iterator[Outcome]:
    """The seed's destinations get smsCount 1, 1 and 2 where present."""
    assert isinstance(x.intent, ValidRequest)
    expected = x.intent.seed_sms_counts
    if x.entries is None:
        yield Blocked(x.unjudged() or "no entries")
        return
    if not x.pairs:
        yield Blocked("no entry could be paired with a destination (destination_count_matches)")
        return
    for position, (_, entry) in enumerate(x.pairs):
        count = entry.get("smsCount")
        if count is None or position >= len(expected):
            continue
        if count == expected[position]:
            yield PASSED
        else:
            yield Failed(
                f"the seed's destination {json_text(entry.get('to'))} got smsCount "
                f"{json_text(count)}, expected "
                f"{expected[position]} (rules.md, Reproducing the seed)",
                rule_id="S12",
            )


# -- requests breaking a rule are rejected: R1-R9, E1, E3 ----------------------------------------


def _rejection(x: Exchanged, rules: tuple[str, ...]) -> Iterator[Outcome]:
    """400 to bytes the oracle confirmed break one of `rules` (this check's share of R1-R9)."""
    intent = x.intent
    assert isinstance(intent, RuleBreakingRequest)
    response = x.response
    if intent.rule_id not in rules:
        return
    blocked = _no_answer(x)
    if blocked is not None:
        yield blocked
        return
    assert response is not None
    if x.credential_refused:
        yield Blocked(
            f"the configured credential was refused ({response.status}; see A5): whether the "
            "server rejects the request cannot be judged"
        )
        return
    if response.status == 400:
        yield PASSED
        return
    violations = intent.verdict.violations
    yield Failed(
        f"the request breaks {_broken_rules(intent)} but was answered {response.status}; "
        "expected 400 with the error envelope",
        rule_id=intent.rule_id,
        violations=tuple(
            {"rule_id": v.rule_id, "path": v.path, "message": v.message} for v in violations
        ),
    )


@check(
    name="negative_data_rejection",
    family="negative",
    rules=("R1", "R2", "R3", "R4", "R5", "R6"),
    level="MUST",
    applies_to=("rule_breaking",),
)
def negative_data_rejection(x: Exchanged) -> Iterator[Outcome]:
    """A request the oracle confirms breaks R1-R6 gets 400."""
    yield from _rejection(x, ("R1", "R2", "R3", "R4", "R5", "R6"))


@check(
    name="semantic_data_rejection",
    family="negative",
    rules=("R7", "R8", "R9"),
    level="SHOULD",
    applies_to=("rule_breaking",),
)
def semantic_data_rejection(x: Exchanged) -> Iterator[Outcome]:
    """A request the oracle confirms breaks R7-R9 gets 400."""
    yield from _rejection(x, ("R7", "R8", "R9"))


@check(name="error_envelope_conformance", family="negative", rules=("E1",), level="MUST")
def error_envelope_conformance(x: Exchanged) -> Iterator[Outcome]:
    """Every non-2xx body is the requestError.serviceException envelope, never HTML or text."""
    response = x.response
    if response is None or x.credential_refused:
        return
    if response.status < 300:
        if not isinstance(x.intent, ValidRequest):
            yield Blocked(f"a request that must be refused was answered {response.status}")
        return
    if isinstance(x.intent, BadCredentialRequest) and response.status == 401:
        return  # unauthorized_envelope has it
    if x.envelope is not None:
        yield PASSED
        return
    kind = response.body_kind
    yield Failed(
        f"answered {response.status} with a body that is not the error envelope "
        f"({kind.value}): {_shown_body(response)}",
        rule_id="E1",
        category=None if kind is BodyKind.JSON else kind.value,
    )


@check(
    name="bad_request_message_id",
    family="negative",
    rules=("E3",),
    level="SHOULD",
    applies_to=("rule_breaking",),
)
def bad_request_message_id(x: Exchanged) -> Iterator[Outcome]:
    """A 400 envelope's messageId is BAD_REQUEST."""
    envelope = x.envelope
    if x.status is None or x.credential_refused:
        return
    if x.status != 400:
        yield Blocked(f"answered {x.status}, not 400")
        return
    if envelope is None:
        yield Blocked("the 400 body is not the error envelope (error_envelope_conformance)")
        return
    if envelope.message_id == "BAD_REQUEST":
        yield PASSED
    else:
        yield Failed(
            f'400 envelope messageId {json_text(envelope.message_id)}, expected "BAD_REQUEST" (E3)'
        )


# -- credentials: A1-A5 --------------------------------------------------------------------------


@check(
    name="ignored_auth",
    family="auth",
    rules=("A1", "A2", "A3"),
    level="MUST",
    applies_to=("bad_credential",),
)
def ignored_auth(x: Exchanged) -> Iterator[Outcome]:
    """No, a malformed, or a wrong credential gets 401."""
    intent = x.intent
    assert isinstance(intent, BadCredentialRequest)
    status = x.status
    if status is None:
        return
    if status == 401:
        yield PASSED
        return
    if status >= 500:
        # Not "ignored" either: the server failed before (or instead of) checking it. A1-A3 are
        # broken all the same, and say so beside not_a_server_error.
        what = f"was answered {status}: the server failed instead of refusing it"
    elif 200 <= status < 300:
        what = f"was accepted ({status})"
    elif status == 400:
        what = "was answered 400: the body was judged although the credential is not valid"
    else:
        # A 404 or a redirect does not mean the request was accepted, but it is not a 401.
        what = f"was answered {status}, which says nothing about the credential"
    yield Failed(
        f"a request with {intent.credential} {what}; expected 401 ({intent.rule_id})",
        rule_id=intent.rule_id,
    )


@check(
    name="unauthorized_envelope",
    family="auth",
    rules=("A1", "A2", "A3", "E1"),
    level="MUST",
    applies_to=("bad_credential",),
)
def unauthorized_envelope(x: Exchanged) -> Iterator[Outcome]:
    """A 401 body is the error envelope."""
    response = x.response
    if response is None:
        return
    if response.status != 401:
        yield Blocked(f"answered {response.status}, not 401")
        return
    if x.envelope is not None:
        yield PASSED
        return
    kind = response.body_kind
    yield Failed(
        f"answered {response.status} with a body that is not the error envelope "
        f"({kind.value}): {_shown_body(response)}",
        rule_id="E1",
        category=None if kind is BodyKind.JSON else kind.value,
    )


@check(
    name="unauthorized_message_id",
    family="auth",
    rules=("A4",),
    level="SHOULD",
    applies_to=("bad_credential",),
)
def unauthorized_message_id(x: Exchanged) -> Iterator[Outcome]:
    """A 401 envelope's messageId is UNAUTHORIZED."""
    envelope = x.envelope
    if x.status is None:
        return
    if x.status != 401:
        yield Blocked(f"answered {x.status}, not 401")
        return
    if envelope is None:
        yield Blocked("the 401 body is not the error envelope (unauthorized_envelope)")
        return
    if envelope.message_id == "UNAUTHORIZED":
        yield PASSED
    else:
        yield Failed(
            f'401 envelope messageId {json_text(envelope.message_id)}, expected "UNAUTHORIZED" (A4)'
        )


@check(
    name="accepted_auth_scheme",
    family="auth",
    rules=("A5",),
    level="MUST",
    applies_to=(*VALID_REQUEST, "rule_breaking"),
)
def accepted_auth_scheme(x: Exchanged) -> Iterator[Outcome]:
    """The configured credential is accepted in the scheme it was given."""
    status = x.status
    if status is None:
        return
    credential = x.exchange.request.auth.describe()
    if isinstance(x.intent, RuleBreakingRequest):
        if x.credential_refused:
            # That is A5's failure, and says nothing about R1-R9 (a server checks the credential
            # before the body). Blaming the rejection check too would send the vendor after
            # validation bugs it may not have (zoo FINDINGS 5).
            yield Failed(
                f"answered {status} to {credential} (A5: the configured credential is accepted "
                f"in its scheme); whether it rejects a request that breaks "
                f"{_broken_rules(x.intent)} cannot be judged behind a refused credential"
            )
        return
    if x.credential_refused:
        yield Failed(
            f"answered {status} to {credential} "
            "(A5: the configured credential is accepted in its scheme)"
        )
    elif 200 <= status < 300 or status == 400:
        yield PASSED  # the server read the request behind the credential
    else:
        yield Blocked(f"answered {status}: whether the credential is accepted cannot be told")


def _broken_rules(intent: RuleBreakingRequest) -> str:
    violations = intent.verdict.violations
    return "; ".join(f"{v.rule_id} at {v.path} ({v.message})" for v in violations[:3])
