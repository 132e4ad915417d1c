"""The request oracle: is a request body valid (R1-R13), invalid (and why), or OPEN?

One judgement used by both sides of the kit: the sandbox answers 400 exactly when a request has a
violation, and the conformance suite uses the same verdict to confirm that a generated request
really is invalid (or valid, or OPEN) before it blames a server for its answer.

The schema says what a client may send; every failing constraint carries an ``x-rule``. A failure
tagged ``OPEN`` is a documented limit the contract leaves open, so it becomes an OPEN case, not a
violation. Rules the schema cannot express (R7 window length, R8 real dates and the 180-day
horizon, and the OPEN cases of docs/rules.md that depend on the whole request) are checked here.

Speed matters (the sandbox calls this on every request, the load generator on every payload it
prepares): a body the fast validator accepts skips the reference validator, which only runs to
explain a failure; the checks beyond the schema make one pass that builds a JSONPath only for what
it reports, and a ``sendAt`` string is read once however many requests repeat it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sms_acceptance._send_at import read_send_at
from sms_acceptance._validation import fast_validator, json_path, path_order, schema_violations

Level = Literal["MUST", "SHOULD"]

#: The level of every request rule a request can violate (rules.md, request rules).
RULE_LEVELS: Mapping[str, Level] = {
    "R1": "MUST",
    "R2": "MUST",
    "R3": "MUST",
    "R4": "MUST",
    "R5": "MUST",
    "R6": "MUST",
    "R7": "SHOULD",
    "R8": "SHOULD",
    "R9": "SHOULD",
}

#: rules.md: up to 1000 destinations in total must be accepted, beyond that is OPEN.
MAX_DESTINATIONS = 1000
#: rules.md: a text over 25 segments is OPEN (400, or 200 with status 25).
MAX_SEGMENTS = 25
#: R8: sendAt at most 180 days ahead. Within a day of that horizon, server and client clocks
#: and days counted in different time zones may disagree, so the oracle calls it OPEN there.
SEND_AT_HORIZON = timedelta(days=180)
_HORIZON_MARGIN = timedelta(days=1)
_BEYOND_HORIZON = SEND_AT_HORIZON + _HORIZON_MARGIN  # R8 violation beyond this
_NEAR_HORIZON = SEND_AT_HORIZON - _HORIZON_MARGIN  # OPEN beyond this
#: R7: from and to of a delivery time window at least this far apart.
MIN_WINDOW_MINUTES = 60
#: rules.md OPEN: integers beyond ±(2^53-1) do not interoperate (RFC 8259 §6): a server written
#: in JavaScript cannot read them exactly, so it may refuse them.
MAX_SAFE_INTEGER = 2**53 - 1
#: Properties the request schema requires somewhere: `null` for any other property is the OPEN
#: "null for an optional field" (the provider reads it as absent, and so does this oracle).
_REQUIRED_PROPERTIES = frozenset(
    {
        "messages",
        "destinations",
        "to",
        "days",
        "hour",
        "minute",
        "amount",
        "principalEntityId",
        "recipientType",
    }
)

# A text of at most this many UTF-16 code units is at most 25 segments whatever the encoding:
# UCS-2 needs 25 x 67 units; GSM-7 with both shift tables costs at most 2 septets a character,
# 2 x 1675 / 146 < 24, plus one part where a pair would straddle a boundary.
_SURELY_SHORT_UNITS = MAX_SEGMENTS * 67


@dataclass(frozen=True)
class RuleViolation:
    """A request rule the request breaks, where, and in words a vendor's developer understands."""

    rule_id: str
    level: Level
    path: str
    message: str


@dataclass(frozen=True)
class RequestVerdict:
    """The oracle's judgement of one request.

    ``violations`` are MUST/SHOULD rule violations (a server answers them with 400);
    ``open_cases`` describe what in the request rules.md leaves open (``"PATH: why"``), which a
    server may accept or reject.
    """

    violations: tuple[RuleViolation, ...]
    open_cases: tuple[str, ...]

    @property
    def is_valid(self) -> bool:
        """No rule violation: a server should not answer 400 on rule grounds (R10-R13)."""
        return not self.violations

    @property
    def is_clean(self) -> bool:
        """Valid and free of OPEN cases: a server must accept it (positive data)."""
        return not self.violations and not self.open_cases

    @property
    def rule_ids(self) -> frozenset[str]:
        """The ids of the rules violated."""
        return frozenset(v.rule_id for v in self.violations)

    def validation_errors(self) -> dict[str, list[str]]:
        """``validationErrors`` for a 400 envelope: JSONPath → messages, each citing its rule."""
        errors: dict[str, list[str]] = {}
        for violation in self.violations:
            errors.setdefault(violation.path, []).append(
                f"{violation.message} ({violation.rule_id})"
            )
        return errors


class _Findings:
    """Collects violations and OPEN cases, each reported once."""

    __slots__ = ("open_cases", "violations")

    def __init__(self) -> None:
        self.violations: dict[tuple[str, str], RuleViolation] = {}
        self.open_cases: dict[str, None] = {}

    def violation(self, rule_id: str, path: str, message: str) -> None:
        level = RULE_LEVELS[rule_id]
        self.violations.setdefault((rule_id, path), RuleViolation(rule_id, level, path, message))

    def open(self, path: str, why: str) -> None:
        self.open_cases.setdefault(f"{path}: {why}")

    def verdict(self) -> RequestVerdict:
        if not self.violations and not self.open_cases:
            return _CLEAN  # the common answer, without sorting or building tuples
        ordered = sorted(
            self.violations.values(), key=lambda v: (path_order(v.path), v.rule_id, v.message)
        )
        return RequestVerdict(tuple(ordered), tuple(self.open_cases))


#: The verdict of a request with nothing to report (a frozen value, so one serves every call).
_CLEAN = RequestVerdict((), ())


class _NotJsonConstant(ValueError):
    """Python's parser takes NaN and Infinity; JSON has no such values (R1)."""


def _reject_constant(name: str) -> Any:
    raise _NotJsonConstant(f"{name} is not a JSON value")


def _parse(raw: bytes, findings: _Findings) -> tuple[bool, object]:
    """The JSON document in ``raw``, or ``(False, None)`` once the reason it is not is recorded."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        findings.violation("R1", "$", f"body is not UTF-8 encoded JSON (byte {error.start})")
        return False, None
    if text.startswith("\ufeff"):
        findings.open("$", "body starts with a byte order mark, which JSON parsers may ignore")
        text = text[1:]
    try:
        return True, json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        findings.violation("R1", "$", f"body is not JSON: {error.msg} at character {error.pos}")
    except _NotJsonConstant as error:
        findings.violation("R1", "$", f"body is not JSON: {error}")
    except RecursionError:
        findings.violation("R1", "$", "body is not JSON this server can read: nested too deeply")
    except ValueError:  # an integer of thousands of digits: JSON, but beyond any server's integers
        findings.open("$", "holds a number too large to read")
    return False, None


def _is_integral_float(value: object) -> bool:
    return isinstance(value, float) and value.is_integer()


def _message_path(m: int) -> str:
    """``json_path(["messages", m])``, written out: paths are built only for what is reported."""
    return f"$.messages[{m}]"


# --- sendAt (R8, R11) --------------------------------------------------------------------------


def _check_send_at(
    value: str, m: int, now: datetime | None, findings: _Findings
) -> datetime | None:
    """R8 of message ``m``: a real calendar date, at most 180 days ahead; R11 forms.

    Returns the clock it measured the horizon from, read only when a documented form needed it
    (``now`` if given).
    """
    reading = read_send_at(value)
    if reading.violation is not None:
        findings.violation("R8", f"{_message_path(m)}.sendAt", reading.violation)
        return now
    if reading.moment is None:
        return now
    if now is None:
        now = datetime.now(UTC)
    ahead = reading.moment - now
    if ahead > _BEYOND_HORIZON:
        findings.violation(
            "R8", f"{_message_path(m)}.sendAt", f"is more than 180 days ahead: {json.dumps(value)}"
        )
    elif ahead > _NEAR_HORIZON:
        findings.open(f"{_message_path(m)}.sendAt", "sendAt within a day of the 180-day horizon")
    return now


# --- deliveryTimeWindow (R7) -------------------------------------------------------------------


def _minute_of_day(hour: object, minute: object) -> int | None:
    """The minute of the day a window end names, or None if the schema has a finding there.

    Integers are compared as they are (``float()`` of an integer of hundreds of digits raises).
    """
    for value in (hour, minute):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if isinstance(value, float) and not value.is_integer():
            return None
    assert isinstance(hour, int | float) and isinstance(minute, int | float)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return int(hour) * 60 + int(minute)


def _window_end(window: dict[str, Any], end: str, m: int, findings: _Findings) -> int | None:
    """One end of a window: its OPEN cases (6.0 for 6), and its minute of the day if well formed."""
    part = window.get(end)
    if not isinstance(part, dict):
        return None
    hour, minute = part.get("hour"), part.get("minute")
    if type(hour) is int and type(minute) is int:  # what nearly every request holds
        return hour * 60 + minute if 0 <= hour <= 23 and 0 <= minute <= 59 else None
    path = f"{_message_path(m)}.deliveryTimeWindow.{end}"
    if _is_integral_float(hour):
        findings.open(f"{path}.hour", "an integer written with a fraction (6.0)")
    if _is_integral_float(minute):
        findings.open(f"{path}.minute", "an integer written with a fraction (6.0)")
    return _minute_of_day(hour, minute)


def _check_window(window: dict[str, Any], m: int, findings: _Findings) -> None:
    """R7 of message ``m`` beyond the schema (a window at least an hour long), its OPEN cases."""
    start = _window_end(window, "from", m, findings)
    finish = _window_end(window, "to", m, findings)
    if start is None or finish is None:
        return  # missing or malformed ends are the schema's findings (R5, R6, R7)
    if finish < start:
        findings.open(
            f"{_message_path(m)}.deliveryTimeWindow", "window crosses midnight (to before from)"
        )
    elif finish - start < MIN_WINDOW_MINUTES:
        findings.violation(
            "R7",
            f"{_message_path(m)}.deliveryTimeWindow.to",
            f"must be at least {MIN_WINDOW_MINUTES} minutes after from",
        )


# --- text length ---------------------------------------------------------------------------------


def _check_text_length(message: dict[str, Any], text: str, path: str, findings: _Findings) -> None:
    """OPEN when ``text`` may be more than 25 segments; called only for texts that may be."""
    if len(text.encode("utf-16-le", "surrogatepass")) // 2 <= _SURELY_SHORT_UNITS:
        return
    from sms_acceptance._segmentation import segment_count  # only for texts this long

    language = message.get("language")
    code = language.get("languageCode") if isinstance(language, dict) else None
    transliteration = message.get("transliteration")
    count = segment_count(
        text,
        language_code=code if isinstance(code, str) else None,
        transliteration=transliteration if isinstance(transliteration, str) else None,
    )
    if count.most > MAX_SEGMENTS:
        findings.open(f"{path}.text", f"text may be more than 25 segments (up to {count.most})")


# --- integers beyond 2^53-1, null for an optional field (OPEN) ------------------------------------


def _is_unsafe_integer(value: object) -> bool:
    return type(value) is int and not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER


def _open_unsafe_integer(path: str, findings: _Findings) -> None:
    findings.open(
        path, f"an integer beyond 2^53-1 ({MAX_SAFE_INTEGER}), which not every parser reads"
    )


def _find_unsafe_integers(value: object, parts: list[str | int], findings: _Findings) -> None:
    """Every integer beyond ±(2^53-1), anywhere in the document (called on the slow path only:
    a request the schema accepts can hold one only where `_semantic_checks` looks)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _find_unsafe_integers(item, [*parts, key], findings)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_unsafe_integers(item, [*parts, index], findings)
    elif _is_unsafe_integer(value):
        _open_unsafe_integer(json_path(parts), findings)


def _without_optional_nulls(value: object, parts: list[str | int], findings: _Findings) -> object:
    """`value` with every `null` optional property left out (each one an OPEN case); the same
    object when there is none, so a request without nulls costs one walk and no copy."""
    if isinstance(value, dict):
        changed: dict[str, Any] | None = None
        for key, item in value.items():
            if item is None and key not in _REQUIRED_PROPERTIES:
                findings.open(
                    json_path([*parts, key]), "null for an optional field (read as absent)"
                )
                if changed is None:
                    changed = dict(value)
                del changed[key]
                continue
            kept = _without_optional_nulls(item, [*parts, key], findings)
            if kept is not item:
                if changed is None:
                    changed = dict(value)
                changed[key] = kept
        return value if changed is None else changed
    if isinstance(value, list):
        items = [
            _without_optional_nulls(item, [*parts, i], findings) for i, item in enumerate(value)
        ]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return items
    return value


# --- the oracle ----------------------------------------------------------------------------------


def _destination_positions(messages: list[Any]) -> list[tuple[int, int]]:
    """(message index, destination index) of each destination the checks count, in their order.

    The pass over destinations keeps only ordinals (no index pairs to build for every one); this
    turns them into positions, in one more pass, for a request that has a duplicate to report.
    """
    return [
        (m, d)
        for m, message in enumerate(messages)
        if isinstance(message, dict) and isinstance(message.get("destinations"), list)
        for d, destination in enumerate(message["destinations"])
        if isinstance(destination, dict)
    ]


def _message_id_path(position: tuple[int, int]) -> str:
    return f"{_message_path(position[0])}.destinations[{position[1]}].messageId"


def _semantic_checks(document: object, now: datetime | None, findings: _Findings) -> None:
    """The rules and OPEN cases beyond the schema, on whatever parts have the right shape.

    One pass over messages and destinations that touches only the fields these checks read and
    builds a JSONPath only for what it reports: the sandbox runs this on every request, and per
    destination it is the whole of the oracle's cost beyond the compiled validator. The order of
    the findings (OPEN cases keep it) is message by message: validityPeriod, sendAt, the window,
    the text, then each destination's messageId.
    """
    if not isinstance(document, dict):
        return
    messages = document.get("messages")
    limit = document.get("sendingSpeedLimit")
    if isinstance(limit, dict) and _is_unsafe_integer(limit.get("amount")):
        _open_unsafe_integer("$.sendingSpeedLimit.amount", findings)
    if not isinstance(messages, list):
        return
    total = 0  # destinations counted so far: also each one's ordinal, for duplicate messageIds
    seen_ids: dict[str, int] = {}  # messageId -> ordinal of its first use
    positions: list[tuple[int, int]] | None = None  # ordinal -> indexes, once a duplicate needs it
    for m, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        validity = message.get("validityPeriod")
        if isinstance(validity, float) and validity.is_integer():
            findings.open(
                f"{_message_path(m)}.validityPeriod", "an integer written with a fraction (6.0)"
            )
        elif _is_unsafe_integer(validity):
            _open_unsafe_integer(f"{_message_path(m)}.validityPeriod", findings)
        send_at = message.get("sendAt")
        if isinstance(send_at, str):
            now = _check_send_at(send_at, m, now, findings)
        window = message.get("deliveryTimeWindow")
        if isinstance(window, dict):
            _check_window(window, m, findings)
        text = message.get("text")
        # At most 2 UTF-16 units a character: a text this short is surely short (no encoding).
        if isinstance(text, str) and 2 * len(text) > _SURELY_SHORT_UNITS:
            _check_text_length(message, text, _message_path(m), findings)
        destinations = message.get("destinations")
        if not isinstance(destinations, list):
            continue
        for destination in destinations:
            if not isinstance(destination, dict):
                continue
            message_id = destination.get("messageId")
            if isinstance(message_id, str):
                first = seen_ids.setdefault(message_id, total)
                if first != total:
                    if positions is None:
                        positions = _destination_positions(messages)
                    where, first_at = positions[total], positions[first]
                    findings.open(
                        _message_id_path(where),
                        f"duplicate client messageId (first at {_message_id_path(first_at)})",
                    )
            total += 1
    if total > MAX_DESTINATIONS:
        findings.open("$.messages", f"{total} destinations in total, more than {MAX_DESTINATIONS}")


#: What ``judge_request`` parses (a tuple: ``isinstance`` takes it faster than a union).
_BYTES = (bytes, bytearray, memoryview)


def judge_request(raw: bytes | object, *, now: datetime | None = None) -> RequestVerdict:
    """Judge a request body against rules R1-R13 of rules.md.

    ``raw`` is the body as bytes (parsed as JSON here: R1) or an already decoded document.
    ``now`` is the clock the 180-day horizon of ``sendAt`` is measured from (default: the
    current time, UTC); naive datetimes are taken as UTC.
    """
    findings = _Findings()
    if isinstance(raw, _BYTES):
        parsed, document = _parse(bytes(raw), findings)
        if not parsed:
            return findings.verdict()
    else:
        document = raw
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if not fast_validator("request").is_valid(document):
        # The slow path: what the schema refuses may hold the OPEN cases it cannot see.
        _find_unsafe_integers(document, [], findings)
        document = _without_optional_nulls(document, [], findings)
        problems = (
            []
            if fast_validator("request").is_valid(document)
            else schema_violations("request", document)
        )
        for problem in problems:
            rule_id = problem.rule_id
            if rule_id is not None and rule_id in RULE_LEVELS:
                findings.violation(rule_id, problem.path, problem.message)
            else:  # OPEN (or, defensively, a constraint without a rule: never blame a server)
                findings.open(problem.path, problem.message)
    _semantic_checks(document, now, findings)
    return findings.verdict()
