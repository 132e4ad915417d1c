"""The checks themselves: small functions over one exchange, each citing its rule id.

In the manner of Schemathesis's `checks.py`: a `Verification` applies named checks from the
catalogue to one request/answer pair and collects typed `Failure`s with the evidence. Which checks
apply depends on what was sent: a valid request (`accepted`), a confirmed-invalid one (`rejected`)
or one with a bad credential (`unauthorized`). Nothing here asserts about OPEN behaviour (rules.md):
the positive requests are OPEN-free (the strategies guarantee it), and negative ones are judged only
on the rule the oracle confirmed they break.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sms_acceptance._envelope import parse_error_envelope
from sms_acceptance._segmentation import SegmentCount, segment_count
from sms_acceptance._status_table import group_name_matches, is_known_status
from sms_acceptance._validation import fast_validator, schema_violations
from sms_acceptance.conformance._catalogue import CHECKS_BY_NAME
from sms_acceptance.conformance._evidence import (
    EvidenceContext,
    Failure,
    failure_from_exchange,
)
from sms_acceptance.conformance._exchange import (
    BodyKind,
    Exchange,
    ReceivedResponse,
    TransportFailure,
)
from sms_acceptance.conformance._profile import VendorProfile

__all__ = ["CheckRecorder", "Verification"]

_ACCEPTING_GROUPS = frozenset({0, 1})  # S10: ACCEPTED (legacy) or PENDING


@dataclass
class CheckRecorder:
    """Per-test tally: how often each check was applied, and which deviations were used.

    Lives for one test (pytest stashes it on the item); the plugin ships it to the controller in
    `report.user_properties`, so pytest-xdist workers contribute to one summary.
    """

    level: Literal["must", "should"]
    exercised: Counter[str] = field(default_factory=Counter)
    declared: dict[str, str] = field(default_factory=dict)

    def runs(self, check: str) -> bool:
        return CHECKS_BY_NAME[check].runs_at(self.level)


def _entries(body: object) -> list[dict[str, Any]] | None:
    if not isinstance(body, dict):
        return None
    messages = body.get("messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        return None
    return messages


@dataclass(frozen=True)
class _Destination:
    to: str
    message_id: str | None
    message_index: int


def _destinations(document: Mapping[str, Any]) -> list[_Destination]:
    found = []
    for index, message in enumerate(document.get("messages", [])):
        for destination in message.get("destinations", []):
            found.append(_Destination(destination["to"], destination.get("messageId"), index))
    return found


def _pair(
    destinations: Sequence[_Destination], entries: Sequence[dict[str, Any]]
) -> list[tuple[_Destination, dict[str, Any]]]:
    """Each destination with its entry: by `to`, in order among equal `to`s (S3 allows reorder)."""
    unused: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        unused.setdefault(str(entry.get("to")), []).append(entry)
    pairs = []
    for destination in destinations:
        candidates = unused.get(destination.to)
        if candidates:
            pairs.append((destination, candidates.pop(0)))
    return pairs


def _short(value: object, limit: int = 200) -> str:
    """A readable excerpt: bytes as text (what the server sent), other values as JSON-ish repr."""
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Verification:
    """Applies checks to one exchange; `failures` holds what failed, with evidence."""

    def __init__(
        self,
        exchange: Exchange,
        *,
        recorder: CheckRecorder,
        evidence: EvidenceContext,
        profile: VendorProfile,
        mutation: str | None = None,
    ) -> None:
        self.exchange = exchange
        self.recorder = recorder
        self.evidence = evidence
        self.profile = profile
        self.mutation = mutation
        self.failures: list[Failure] = []

    # -- bookkeeping ---------------------------------------------------------------------------

    def check(
        self,
        name: str,
        passed: bool | Callable[[], bool],
        message: str | Callable[[], str],
        *,
        rule_id: str | None = None,
        category: str | None = None,
    ) -> bool:
        """Apply check `name` (unless `--level` excludes it); record a failure when it fails."""
        if not self.recorder.runs(name):
            return True
        self.recorder.exercised[name] += 1
        ok = passed() if callable(passed) else passed
        if not ok:
            text = message() if callable(message) else message
            self.failures.append(
                failure_from_exchange(
                    name,
                    text,
                    self.exchange,
                    self.evidence,
                    rule_id=rule_id,
                    mutation=self.mutation,
                    category=category,
                )
            )
        return ok

    # -- protocol (every exchange) -------------------------------------------------------------

    def protocol(self) -> ReceivedResponse | None:
        """Transport, timeout, 5xx and Content-Type checks; the response if there is one."""
        outcome = self.exchange.outcome
        if isinstance(outcome, TransportFailure):
            name = "response_within_timeout" if outcome.category.is_timeout else "transport_failure"
            self.check(
                name,
                False,
                f"{outcome.message} ({outcome.category.value}, after {outcome.elapsed:.2f}s)",
                category=outcome.category.value,
            )
            if outcome.status is not None and outcome.status >= 500:
                self.check("not_a_server_error", False, f"answered {outcome.status} (E2)")
            return None
        self.check("response_within_timeout", True, "")
        self.check("transport_failure", True, "")
        self.check(
            "not_a_server_error",
            outcome.status < 500,
            lambda: (
                f"answered {outcome.status}: no input may produce a 5xx (E2); body "
                f"{_short(outcome.body[:300])}"
            ),
        )
        self.check(
            "content_type_conformance",
            outcome.media_type == "application/json",
            lambda: (
                f"answered {outcome.status} with Content-Type {outcome.content_type!r}; "
                "every answer must be application/json (S1, E1)"
            ),
            rule_id="S1" if 200 <= outcome.status < 300 else "E1",
        )
        return outcome

    def envelope(
        self, response: ReceivedResponse, check: str = "error_envelope_conformance"
    ) -> Any:
        """E1: a non-2xx body is the error envelope; the parsed envelope or None."""
        kind = response.body_kind
        parsed = parse_error_envelope(response.json) if kind is BodyKind.JSON else None
        self.check(
            check,
            parsed is not None,
            lambda: (
                f"answered {response.status} with a body that is not the error envelope "
                f"({kind.value}): "
                + (_short(response.json) if kind is BodyKind.JSON else _short(response.body[:300]))
            ),
            rule_id="E1",
            category=None if kind is BodyKind.JSON else kind.value,
        )
        return parsed

    # -- valid requests (R10-R13, S1-S13) ------------------------------------------------------

    def accepted(self, document: Mapping[str, Any], *, acceptance_check: str) -> Any:
        """A valid, OPEN-free request: 200 and a conforming body. Returns the parsed body."""
        response = self.protocol()
        if response is None:
            return None
        if response.status in (401, 403):
            self.check(
                "accepted_auth_scheme",
                False,
                f"answered {response.status} to {self.exchange.request.auth.describe()} "
                "(A5: the configured credential is accepted in its scheme)",
            )
            return None
        self.check("accepted_auth_scheme", True, "")
        self.check(
            acceptance_check,
            response.status == 200,
            lambda: (
                f"a valid request was answered {response.status}, expected 200; body "
                + _short(response.json if response.is_json else response.body[:300])
            ),
        )
        if response.status != 200:
            if response.status >= 300:
                self.envelope(response)
            return None
        body = response.json if response.body_kind is BodyKind.JSON else None
        self.response_schema(response)
        entries = _entries(body)
        if body is None or entries is None:
            return body
        assert isinstance(body, dict)
        self.semantics(document, body, entries)
        return body

    def response_schema(self, response: ReceivedResponse) -> None:
        kind = response.body_kind
        if kind is not BodyKind.JSON:
            self.check(
                "response_schema_conformance",
                False,
                f"a 200 body that is not JSON ({kind.value}): {_short(response.body[:300])}",
                rule_id="S1",
                category=kind.value,
            )
            return
        # jsonschema-rs answers "valid" in microseconds; only an invalid body pays for the
        # reference validator, whose messages the failure quotes.
        document = response.json
        valid = fast_validator("response").is_valid(document)
        violations = [] if valid else schema_violations("response", document)
        self.check(
            "response_schema_conformance",
            not violations,
            lambda: (
                "the 200 body does not validate against the response schema: "
                + "; ".join(f"{v.path}: {v.message} ({v.rule_id})" for v in violations[:5])
            ),
            rule_id=next((v.rule_id for v in violations if v.rule_id), "S2"),
        )

    def semantics(
        self, document: Mapping[str, Any], body: dict[str, Any], entries: list[dict[str, Any]]
    ) -> None:
        destinations = _destinations(document)
        sent_to = [d.to for d in destinations]
        got_to = [e.get("to") for e in entries]
        counted = self.check(
            "destination_count_matches",
            len(entries) == len(destinations),
            lambda: (
                f"{len(destinations)} destination(s) sent, {len(entries)} entr(ies) "
                "answered; S2 asks for exactly one entry per destination"
            ),
            rule_id="S2",
        )
        same_multiset = Counter(map(str, got_to)) == Counter(sent_to)
        if counted:
            self.check(
                "destination_count_matches",
                same_multiset,
                lambda: (
                    f"the entries' `to` {_short(got_to)} are not the request's destinations "
                    f"{_short(sent_to)} (S3)"
                ),
                rule_id="S3",
            )
        if counted and same_multiset:
            self.check(
                "destination_order_preserved",
                got_to == sent_to,
                lambda: f"entries in order {_short(got_to)}, request order {_short(sent_to)}",
            )
        pairs = _pair(destinations, entries)
        for destination in destinations:
            if destination.message_id is None:
                continue
            self.check(
                "client_message_id_echoed",
                any(
                    e.get("to") == destination.to and e.get("messageId") == destination.message_id
                    for e in entries
                ),
                lambda d=destination: (
                    f"the client messageId {d.message_id!r} for {d.to!r} is "  # type: ignore[misc]
                    "not returned unchanged in that destination's entry"
                ),
            )
        if "bulkId" in document:
            self.check(
                "bulk_id_echoed",
                body.get("bulkId") == document["bulkId"],
                lambda: (
                    f"client bulkId {document['bulkId']!r} answered as {_short(body.get('bulkId'))}"
                ),
            )
        client_ids = [d.message_id for d in destinations if d.message_id is not None]
        if len(set(client_ids)) == len(client_ids):
            ids = [e.get("messageId") for e in entries]
            repeated = sorted({str(i) for i in ids if ids.count(i) > 1})
            self.check(
                "generated_message_ids_unique",
                not repeated,
                lambda: f"messageId(s) {_short(repeated)} appear more than once in one response",
            )
        if len(destinations) > 1:
            self.check(
                "bulk_id_present_for_bulk",
                isinstance(body.get("bulkId"), str),
                f"no bulkId although the request has {len(destinations)} destinations",
            )
        for entry in entries:
            self.status(entry)
        counts: dict[int, SegmentCount] = {}
        for destination, entry in pairs:
            sms_count = entry.get("smsCount")
            if not isinstance(sms_count, int) or isinstance(sms_count, bool):
                continue
            message = document["messages"][destination.message_index]
            if not isinstance(message.get("text"), str):
                continue
            if destination.message_index not in counts:
                language = message.get("language")
                counts[destination.message_index] = segment_count(
                    message["text"],
                    language_code=language.get("languageCode")
                    if isinstance(language, dict)
                    else None,
                    transliteration=message.get("transliteration"),
                )
            expected = counts[destination.message_index]
            self.sms_count(sms_count, expected, destination, message)

    def sms_count(
        self,
        sms_count: int,
        expected: SegmentCount,
        destination: _Destination,
        message: Mapping[str, Any],
    ) -> None:
        wanted = (
            f"{expected.fewest}"
            if expected.exact
            else f"between {expected.fewest} and {expected.most}"
        )
        self.check(
            "sms_count_matches_segmentation",
            expected.contains(sms_count),
            lambda: (
                f"smsCount {sms_count} for {destination.to!r}, expected {wanted} "
                f"({expected.rule}) for text {_short(message.get('text'), 120)} with language "
                f"{_short(message.get('language'))}, transliteration "
                f"{_short(message.get('transliteration'))}"
            ),
            rule_id="S12",
        )

    def status(self, entry: Mapping[str, Any]) -> None:
        status = entry.get("status")
        if not isinstance(status, dict):
            return
        group_id, group_name, status_id = (
            status.get("groupId"),
            status.get("groupName"),
            status.get("id"),
        )
        if not (isinstance(group_id, int) and isinstance(status_id, int)):
            return
        self.check(
            "status_in_provider_tables",
            isinstance(group_name, str)
            and group_name_matches(group_id, group_name)
            and is_known_status(group_id, status_id),
            lambda: (
                f"status groupId {group_id} / groupName {group_name!r} / id {status_id} is "
                "not consistent with the provider's group and status tables (S9)"
            ),
        )
        declared = self.profile.accepted_status(group_id, status_id)
        if group_id not in _ACCEPTING_GROUPS and declared is not None:
            self.recorder.declared["status_group_accepting"] = declared
            return
        self.check(
            "status_group_accepting",
            group_id in _ACCEPTING_GROUPS,
            lambda: (
                f"a valid request to a valid number got status group {group_id} "
                f"({group_name!r}, id {status_id}); S10 expects PENDING (1) or ACCEPTED (0)"
            ),
        )

    # -- invalid requests (R1-R9, E1, E3) ------------------------------------------------------

    def rejected(self, *, rejection_check: str, broken: str, rule_id: str) -> None:
        """A request the oracle confirmed breaks `rule_id`: 400 with the envelope."""
        response = self.protocol()
        if response is None:
            return
        if response.status in (401, 403):
            # The configured credential was refused: that is A5's failure, and says nothing about
            # R1-R9 (a server checks the credential before the body). Blaming the rejection check
            # too would send the vendor after validation bugs it may not have (zoo FINDINGS 5).
            self.check(
                "accepted_auth_scheme",
                False,
                f"answered {response.status} to {self.exchange.request.auth.describe()} "
                f"(A5: the configured credential is accepted in its scheme); whether it rejects "
                f"a request that breaks {broken} cannot be judged behind a refused credential",
            )
            return
        self.check(
            rejection_check,
            response.status == 400,
            lambda: (
                f"the request breaks {broken} but was answered {response.status}; "
                "expected 400 with the error envelope"
            ),
            rule_id=rule_id,
        )
        if response.status >= 300:
            envelope = self.envelope(response)
            if response.status == 400 and envelope is not None:
                self.check(
                    "bad_request_message_id",
                    envelope.message_id == "BAD_REQUEST",
                    lambda: (
                        f"400 envelope messageId {envelope.message_id!r}, expected "
                        "'BAD_REQUEST' (E3)"
                    ),
                )

    # -- bad credentials (A1-A4) ---------------------------------------------------------------

    def unauthorized(self, *, rule_id: str) -> None:
        """No, a malformed or a wrong credential: 401 with the envelope."""
        response = self.protocol()
        if response is None:
            return
        auth = self.exchange.request.auth.describe()
        if response.status >= 500:
            # A server error is not "ignoring" the credential: not_a_server_error has it.
            self.envelope(response)
            return
        self.check(
            "ignored_auth",
            response.status == 401,
            lambda: (
                f"a request with {auth} was answered {response.status}, expected 401 ({rule_id})"
            ),
            rule_id=rule_id,
        )
        if response.status == 401:
            envelope = self.envelope(response, "unauthorized_envelope")
            if envelope is not None:
                self.check(
                    "unauthorized_message_id",
                    envelope.message_id == "UNAUTHORIZED",
                    lambda: (
                        f"401 envelope messageId {envelope.message_id!r}, expected "
                        "'UNAUTHORIZED' (A4)"
                    ),
                )
        elif response.status >= 300:
            self.envelope(response)


def _seed_pairs(
    document: Mapping[str, Any], entries: Sequence[dict[str, Any]]
) -> list[tuple[int, dict[str, Any]]]:
    """(destination position, entry) for the seed, paired by `to` in request order."""
    return [
        (position, entry)
        for position, (_, entry) in enumerate(_pair(_destinations(document), entries))
    ]


def verify_seed_sms_counts(
    verification: Verification,
    document: Mapping[str, Any],
    body: object,
    expected: Sequence[int],
) -> None:
    """rules.md "Reproducing the seed": smsCount 1, 1, 2 where present (S12)."""
    entries = _entries(body)
    if entries is None:
        return
    for position, entry in _seed_pairs(document, entries):
        count = entry.get("smsCount")
        if count is None or position >= len(expected):
            continue
        verification.check(
            "seed_sms_count",
            count == expected[position],
            f"the seed's destination {entry.get('to')!r} got smsCount {count!r}, expected "
            f"{expected[position]} (rules.md, Reproducing the seed)",
            rule_id="S12",
        )
