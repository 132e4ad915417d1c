"""The catalogue of checks: stable names, rule ids, levels, families.

Names are a public interface (users script them, `summary.json` and the zoo tests key on them), so
they never change; where Schemathesis has a check for the same thing, its name is used. Every check
cites the rule ids of `reference/rules.md` it enforces, and its level is the strongest the rule
states outright (OPEN rules have no check at all).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["CHECKS", "CHECKS_BY_NAME", "FAMILIES", "Check", "Family", "Level"]

Level = Literal["MUST", "SHOULD"]
Family = Literal["protocol", "positive", "response", "segmentation", "negative", "auth"]
FAMILIES: tuple[Family, ...] = (
    "protocol",
    "positive",
    "response",
    "segmentation",
    "negative",
    "auth",
)


@dataclass(frozen=True)
class Check:
    """A named, rule-citing check; the functions that apply it live in `_verify`."""

    name: str
    family: Family
    rule_ids: tuple[str, ...]
    level: Level
    description: str

    def runs_at(self, level: Literal["must", "should"]) -> bool:
        """`--level must` runs only MUST checks; the default runs everything."""
        return level == "should" or self.level == "MUST"


CHECKS: tuple[Check, ...] = (
    Check("not_a_server_error", "protocol", ("E2",), "MUST", "No input whatsoever produces a 5xx."),
    Check(
        "content_type_conformance",
        "protocol",
        ("S1", "E1"),
        "MUST",
        "Every answer says Content-Type: application/json (parameters such as charset allowed).",
    ),
    Check(
        "absolute_form_request_line",
        "protocol",
        ("H1",),
        "SHOULD",
        "A request line in absolute form (POST http://host/sms/1/... HTTP/1.1) is served like the "
        "same request in origin form.",
    ),
    Check(
        "response_within_timeout",
        "protocol",
        ("S1", "E1"),
        "MUST",
        "A complete answer arrives within --request-timeout.",
    ),
    Check(
        "transport_failure",
        "protocol",
        ("S1", "E1"),
        "MUST",
        "The server answers over well-formed HTTP within the size cap (no reset, no garbage).",
    ),
    Check(
        "positive_data_acceptance",
        "positive",
        ("R13",),
        "MUST",
        "A valid request generated from the request schema, clear of OPEN cases, gets 200.",
    ),
    Check(
        "seed_reproduction",
        "positive",
        ("R10",),
        "MUST",
        "The seed document's own request example, as it stands, gets 200.",
    ),
    Check(
        "send_at_forms_accepted",
        "positive",
        ("R11",),
        "SHOULD",
        "sendAt in the documented forms (+0000, +00:00, Z), past or up to 180 days ahead, "
        "is accepted.",
    ),
    Check(
        "validity_period_clamped",
        "positive",
        ("R12",),
        "SHOULD",
        "validityPeriod above 2880 is clamped, not rejected.",
    ),
    Check(
        "bulk_size_accepted",
        "positive",
        ("R13",),
        "MUST",
        "Up to 1000 destinations in total in one request are accepted.",
    ),
    Check(
        "response_schema_conformance",
        "response",
        ("S1", "S2", "S8", "S11", "S13"),
        "MUST",
        "Every 200 body is a JSON object that validates against the response schema.",
    ),
    Check(
        "destination_count_matches",
        "response",
        ("S2", "S3"),
        "MUST",
        "One response entry per destination; the entries' `to` equal the request's "
        "destinations as a multiset.",
    ),
    Check(
        "destination_order_preserved",
        "response",
        ("S3",),
        "SHOULD",
        "Response entries come in request order.",
    ),
    Check(
        "client_message_id_echoed",
        "response",
        ("S4",),
        "MUST",
        "A destination's client messageId is returned unchanged in its entry.",
    ),
    Check("bulk_id_echoed", "response", ("S5",), "MUST", "A client bulkId is returned unchanged."),
    Check(
        "generated_message_ids_unique",
        "response",
        ("S6",),
        "SHOULD",
        "messageIds are unique within a response.",
    ),
    Check(
        "bulk_id_present_for_bulk",
        "response",
        ("S7",),
        "SHOULD",
        "bulkId is present when the request has more than one destination.",
    ),
    Check(
        "status_in_provider_tables",
        "response",
        ("S9",),
        "SHOULD",
        "groupId/groupName agree with the group table and (groupId, id) is in the status table.",
    ),
    Check(
        "status_group_accepting",
        "response",
        ("S10",),
        "SHOULD",
        "A valid request to a valid number gets status group PENDING (1) or ACCEPTED (0).",
    ),
    Check(
        "sms_count_matches_segmentation",
        "segmentation",
        ("S12", "C1", "C2", "C3", "C4", "C5"),
        "SHOULD",
        "smsCount, when present, equals the segment count (or lies in its range).",
    ),
    Check(
        "seed_sms_count",
        "segmentation",
        ("S12", "C2", "C4", "C1"),
        "SHOULD",
        "The seed's destinations get smsCount 1, 1 and 2 where present.",
    ),
    Check(
        "negative_data_rejection",
        "negative",
        ("R1", "R2", "R3", "R4", "R5", "R6"),
        "MUST",
        "A request the oracle confirms breaks R1-R6 gets 400.",
    ),
    Check(
        "semantic_data_rejection",
        "negative",
        ("R7", "R8", "R9"),
        "SHOULD",
        "A request the oracle confirms breaks R7-R9 gets 400.",
    ),
    Check(
        "error_envelope_conformance",
        "negative",
        ("E1",),
        "MUST",
        "Every non-2xx body is the requestError.serviceException envelope, never HTML or text.",
    ),
    Check(
        "bad_request_message_id",
        "negative",
        ("E3",),
        "SHOULD",
        "A 400 envelope's messageId is BAD_REQUEST.",
    ),
    Check(
        "ignored_auth",
        "auth",
        ("A1", "A2", "A3"),
        "MUST",
        "No, a malformed, or a wrong credential gets 401.",
    ),
    Check(
        "unauthorized_envelope",
        "auth",
        ("A1", "A2", "A3", "E1"),
        "MUST",
        "A 401 body is the error envelope.",
    ),
    Check(
        "unauthorized_message_id",
        "auth",
        ("A4",),
        "SHOULD",
        "A 401 envelope's messageId is UNAUTHORIZED.",
    ),
    Check(
        "accepted_auth_scheme",
        "auth",
        ("A5",),
        "MUST",
        "The configured credential is accepted in the scheme it was given.",
    ),
)

CHECKS_BY_NAME: Mapping[str, Check] = MappingProxyType({c.name: c for c in CHECKS})
