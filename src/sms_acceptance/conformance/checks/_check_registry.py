"""The machinery behind the checks: what a check sees, what it says back, and the registry.

The checks themselves are in `_checks.py` (one function each); this module holds what they share,
so that `_checks.py` reads as a list of rules and nothing else:

- `Intent`: why a request was sent (a valid request of some kind, one breaking a request rule, one
  with a bad credential). A check names the purposes it applies to; the test only says what it sent.
- `Exchanged`: one request/answer pair with its intent, and what several checks read from it
  (the answer's entries, the request's destinations paired with them, the error envelope),
  computed once.
- Outcomes: `Passed` (the check saw what it needs and it holds), `Failed` (with a message and the
  rule id), `Declared` (a vendor profile relaxed it). A check that yields nothing had nothing to
  judge on this exchange.
- `@check(...)`: registers a function with its name, family, rule ids and level; `REGISTRY` keeps
  them in definition order, which is the catalogue's order (`_catalogue.CHECKS`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from sms_acceptance._destinations import each_destination
from sms_acceptance._envelope import ErrorEnvelope, parse_error_envelope
from sms_acceptance._request_rules import RequestVerdict
from sms_acceptance.conformance.checks._profile import VendorProfile
from sms_acceptance.conformance.transport._exchange import (
    BodyKind,
    Exchange,
    ReceivedResponse,
    TransportFailure,
)

__all__ = [
    "REGISTRY",
    "VALID_REQUEST",
    "BadCredentialRequest",
    "Blocked",
    "Check",
    "CheckFunction",
    "Declared",
    "Destination",
    "Exchanged",
    "Failed",
    "Family",
    "Intent",
    "Level",
    "Outcome",
    "Passed",
    "Purpose",
    "RuleBreakingRequest",
    "ValidRequest",
    "check",
]

Level = Literal["MUST", "SHOULD"]
Family = Literal[
    "protocol", "positive", "response", "segmentation", "negative", "auth", "delivery_reports"
]

# Why a request was sent. A valid request is one of six kinds, because six checks judge whether
# it was accepted (R10 the seed, R11 a sendAt form, R12 a long validityPeriod, R13 a bulk or any
# other valid request, H1 one sent with an absolute-form request line); what the answer must look
# like is the same for all six.
ValidPurpose = Literal["valid", "seed", "send_at_form", "long_validity", "bulk", "absolute_form"]
Purpose = Literal[ValidPurpose, "rule_breaking", "bad_credential"]
VALID_REQUEST: tuple[Purpose, ...] = get_args(ValidPurpose)
EVERY_REQUEST: tuple[Purpose, ...] = (*VALID_REQUEST, "rule_breaking", "bad_credential")


# -- intents -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidRequest:
    """A valid request clear of OPEN cases (`purpose` says which kind); `seed_sms_counts` are the
    counts rules.md expects for the seed's destinations, in request order."""

    document: Mapping[str, Any]
    purpose: Purpose = "valid"
    seed_sms_counts: tuple[int, ...] = ()
    label: str | None = None


@dataclass(frozen=True)
class RuleBreakingRequest:
    """Bytes the oracle confirmed break `rule_id`; `verdict` is the oracle's whole judgement."""

    rule_id: str
    verdict: RequestVerdict
    mutation: str
    purpose: Purpose = "rule_breaking"

    @property
    def label(self) -> str:
        return self.mutation


@dataclass(frozen=True)
class BadCredentialRequest:
    """A valid request with no, a malformed or a wrong credential (`rule_id` A1, A2 or A3)."""

    rule_id: str
    credential: str  # how the credential is described in messages ("no Authorization header")
    label: str | None = None
    purpose: Purpose = "bad_credential"


Intent = ValidRequest | RuleBreakingRequest | BadCredentialRequest


# -- outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passed:
    """The check saw what it needs on this exchange, and it holds."""


PASSED = Passed()


@dataclass(frozen=True)
class Failed:
    """The check fails on this exchange: `message` says what was seen and what the rule wants;
    `rule_id` is the rule broken (default: the check's first), `category` a transport or body
    category, `violations` the oracle's findings about the request (rule id, path, message)."""

    message: str
    rule_id: str | None = None
    category: str | None = None
    violations: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class Blocked:
    """The check applies here but could not judge: `reason` says what it lacked (the answer it
    needs never came, a check it depends on failed). Never a pass: a check that was only ever
    blocked is reported BLOCKED with the reason, not PASS."""

    reason: str


@dataclass(frozen=True)
class Declared:
    """A vendor profile relaxes the check here; `text` says which deviation."""

    text: str


Outcome = Passed | Failed | Blocked | Declared


# -- what a check sees -------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """One destination of a valid request: its number, its client messageId, its message."""

    to: str
    message_id: str | None
    message_index: int


def _destinations(document: Mapping[str, Any]) -> list[Destination]:
    return [
        Destination(destination["to"], destination.get("messageId"), index)
        for index, destination in each_destination(document)
    ]


def _pair(
    destinations: Sequence[Destination], entries: Sequence[dict[str, Any]]
) -> list[tuple[Destination, dict[str, Any]]]:
    """Each destination with its entry: by `to`, in order among equal `to`s (S3 allows reorder)."""
    unused: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        unused.setdefault(str(entry.get("to")), []).append(entry)
    pairs = []
    for destination in destinations:
        candidates = unused.get(destination.to)
        if candidates:
            pairs.append((destination, candidates.pop(0)))
    if len(pairs) < len(destinations) and len(entries) == len(destinations):
        # As many entries as destinations, but not every `to` found (S3 fails): each entry still
        # answers its destination by position, which is what smsCount is judged on.
        return list(zip(destinations, entries, strict=True))
    return pairs


@dataclass
class Exchanged:
    """One exchange and its intent, as every check sees it; derived values are computed once."""

    exchange: Exchange
    intent: Intent
    profile: VendorProfile = field(default_factory=VendorProfile)

    @property
    def purpose(self) -> Purpose:
        return self.intent.purpose

    @property
    def failure(self) -> TransportFailure | None:
        outcome = self.exchange.outcome
        return outcome if isinstance(outcome, TransportFailure) else None

    @property
    def response(self) -> ReceivedResponse | None:
        outcome = self.exchange.outcome
        return outcome if isinstance(outcome, ReceivedResponse) else None

    @property
    def status(self) -> int | None:
        response = self.response
        return None if response is None else response.status

    @property
    def credential_refused(self) -> bool:
        """The configured credential was answered 401/403 (A5's failure, judged by
        `accepted_auth_scheme`): nothing else can be judged behind it."""
        return not isinstance(self.intent, BadCredentialRequest) and self.status in (401, 403)

    @property
    def document(self) -> Mapping[str, Any]:
        """The valid request's document (empty for other intents)."""
        return self.intent.document if isinstance(self.intent, ValidRequest) else {}

    @functools.cached_property
    def envelope(self) -> ErrorEnvelope | None:
        response = self.response
        if response is None or response.body_kind is not BodyKind.JSON:
            return None
        return parse_error_envelope(response.json)

    @functools.cached_property
    def body(self) -> dict[str, Any] | None:
        """A valid request's 200 body, when it is a JSON object."""
        response = self.response
        if response is None or response.status != 200 or response.body_kind is not BodyKind.JSON:
            return None
        body = response.json
        return body if isinstance(body, dict) else None

    @functools.cached_property
    def entries(self) -> list[dict[str, Any]] | None:
        """The 200 body's `messages`, when it is a list of objects."""
        body = self.body
        if body is None:
            return None
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            return None
        return messages

    def unjudged(self) -> str | None:
        """Why a valid request's answer has no entries to judge (None when it has)."""
        if self.entries is not None:
            return None
        failure = self.failure
        if failure is not None:
            return f"no answer ({failure.category.value})"
        if self.credential_refused:
            return f"the configured credential was refused ({self.status}; accepted_auth_scheme)"
        if self.status != 200:
            return f"the valid request was answered {self.status}, not 200"
        if self.body is None:
            return "the 200 body is not a JSON object (response_schema_conformance)"
        return "the 200 body has no `messages` array of objects (response_schema_conformance)"

    @functools.cached_property
    def destinations(self) -> list[Destination]:
        return _destinations(self.document)

    @functools.cached_property
    def pairs(self) -> list[tuple[Destination, dict[str, Any]]]:
        return _pair(self.destinations, self.entries or [])


# -- the registry ------------------------------------------------------------------------------

CheckFunction = Callable[[Exchanged], Iterable[Outcome]]


@dataclass(frozen=True)
class Check:
    """A named, rule-citing check: the catalogue entry and the function that applies it."""

    name: str
    family: Family
    rule_ids: tuple[str, ...]
    level: Level
    description: str
    applies_to: tuple[Purpose, ...] = field(default=EVERY_REQUEST, repr=False)
    # What judges: an `Exchanged` for send checks (`CheckFunction`); a delivery-report check
    # (`_dlr_checks`, `applies_to=()`) takes its own case type and is never given an exchange.
    function: Callable[..., Iterable[Outcome]] | None = field(
        default=None, repr=False, compare=False
    )

    def runs_at(self, level: Literal["must", "should"]) -> bool:
        """`--level must` runs only MUST checks; the default runs everything."""
        return level == "should" or self.level == "MUST"

    def applies(self, exchanged: Exchanged) -> bool:
        return exchanged.purpose in self.applies_to

    def judge(self, exchanged: Exchanged) -> Iterator[Outcome]:
        assert self.function is not None
        yield from self.function(exchanged)


REGISTRY: dict[str, Check] = {}


def check(
    *,
    name: str,
    family: Family,
    rules: tuple[str, ...],
    level: Level,
    applies_to: tuple[Purpose, ...] = EVERY_REQUEST,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under `name`; its docstring's first paragraph is the catalogue's
    description. Names are a public interface (summary.json, docs/conformance.md): never rename."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in REGISTRY:
            raise ValueError(f"check {name!r} is registered twice")
        doc = (function.__doc__ or "").strip().split("\n\n", 1)[0]
        REGISTRY[name] = Check(
            name=name,
            family=family,
            rule_ids=rules,
            level=level,
            description=" ".join(doc.split()),
            applies_to=applies_to,
            function=function,
        )
        return function

    return register
