"""The request oracle: is a request body valid (R1-R13), invalid (and why), or OPEN?

One judgement used by both sides of the kit: the sandbox answers 400 exactly when a request has a
violation, and the conformance suite uses the same verdict to confirm that a generated request
really is invalid (or valid, or OPEN) before it blames a server for its answer.

The schema says what a client may send; every failing constraint carries an ``x-rule``. A failure
tagged ``OPEN`` is a documented limit the contract leaves open, so it becomes an OPEN case, not a
violation. Rules the schema cannot express (R7 window length, R8 real dates and the 180-day
horizon, and the OPEN cases of rules.md that depend on the whole request) are checked here.

Speed matters (the sandbox calls this on every request): a body the fast validator accepts skips
the reference validator, which only runs to explain a failure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any, Literal

from sms_acceptance._schema_store import load_schema
from sms_acceptance._validation import (
    fast_validator,
    json_path,
    path_order,
    schema_violations,
)

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
#: R7: from and to of a delivery time window at least this far apart.
MIN_WINDOW_MINUTES = 60

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

    def __init__(self) -> None:
        self.violations: dict[tuple[str, str], RuleViolation] = {}
        self.open_cases: dict[str, None] = {}

    def violation(self, rule_id: str, path: str, message: str) -> None:
        level = RULE_LEVELS[rule_id]
        self.violations.setdefault((rule_id, path), RuleViolation(rule_id, level, path, message))

    def open(self, path: str, why: str) -> None:
        self.open_cases.setdefault(f"{path}: {why}")

    def verdict(self) -> RequestVerdict:
        ordered = sorted(
            self.violations.values(), key=lambda v: (path_order(v.path), v.rule_id, v.message)
        )
        return RequestVerdict(tuple(ordered), tuple(self.open_cases))


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


def _messages(document: object) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(document, dict) and isinstance(document.get("messages"), list):
        for index, message in enumerate(document["messages"]):
            if isinstance(message, dict):
                yield index, message


def _destinations(message: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(message.get("destinations"), list):
        for index, destination in enumerate(message["destinations"]):
            if isinstance(destination, dict):
                yield index, destination


def _is_integral_float(value: object) -> bool:
    return isinstance(value, float) and value.is_integer()


# --- sendAt (R8, R11) --------------------------------------------------------------------------


@dataclass(frozen=True)
class _SendAtPatterns:
    any_date: re.Pattern[str]  # the R8 pattern: a date, with an optional time and offset
    documented: re.Pattern[str]  # the OPEN pattern: the R11 forms


@cache
def _send_at_patterns() -> _SendAtPatterns:
    """The two sendAt patterns, read from the request schema so there is one source of truth."""
    send_at = load_schema("request")["$defs"]["message"]["properties"]["sendAt"]
    by_rule = {branch["x-rule"]: branch["pattern"] for branch in send_at["allOf"]}
    return _SendAtPatterns(re.compile(by_rule["R8"]), re.compile(by_rule["OPEN"]))


_DATE_TIME_PARTS = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"(?P<z>[Zz]|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)?"
)


_EXAMPLE = "2021-08-25T16:00:00.000+0000"


def _check_send_at(value: str, path: str, now: datetime, findings: _Findings) -> None:
    """R8 beyond the schema's pattern: a real calendar date, at most 180 days ahead; R11 forms."""
    patterns = _send_at_patterns()
    parts = _DATE_TIME_PARTS.fullmatch(value)
    if parts is None or patterns.any_date.fullmatch(value) is None:
        findings.violation("R8", path, f"must be a date-time such as {_EXAMPLE}; got {value!r}")
        return
    offset: timezone | None = None
    if parts["z"]:
        if parts["sign"]:
            minutes = int(parts["oh"]) * 60 + int(parts["om"] or 0)
            offset = timezone(timedelta(minutes=-minutes if parts["sign"] == "-" else minutes))
        else:
            offset = UTC
    try:
        moment = datetime(
            int(parts["y"]),
            int(parts["mo"]),
            int(parts["d"]),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
            tzinfo=offset or UTC,
        )
    except ValueError:
        findings.violation("R8", path, f"is an impossible date: {value!r}")
        return
    if patterns.documented.fullmatch(value) is None or offset is None:
        return  # an undocumented form: the schema's OPEN pattern already reported it
    ahead = moment - now
    if ahead > SEND_AT_HORIZON + _HORIZON_MARGIN:
        findings.violation("R8", path, f"is more than 180 days ahead: {value!r}")
    elif ahead > SEND_AT_HORIZON - _HORIZON_MARGIN:
        findings.open(path, "sendAt within a day of the 180-day horizon")


# --- deliveryTimeWindow (R7) -------------------------------------------------------------------


def _minute_of_day(time_of_day: object) -> int | None:
    if not isinstance(time_of_day, dict):
        return None
    hour, minute = time_of_day.get("hour"), time_of_day.get("minute")
    if isinstance(hour, bool) or isinstance(minute, bool):
        return None
    if not isinstance(hour, int | float) or not isinstance(minute, int | float):
        return None
    if not (float(hour).is_integer() and float(minute).is_integer()):
        return None
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return int(hour) * 60 + int(minute)


def _check_window(window: dict[str, Any], path: str, findings: _Findings) -> None:
    start, end = _minute_of_day(window.get("from")), _minute_of_day(window.get("to"))
    if start is None or end is None:
        return  # missing or malformed ends are the schema's findings (R5, R6, R7)
    if end < start:
        findings.open(path, "window crosses midnight (to before from)")
    elif end - start < MIN_WINDOW_MINUTES:
        findings.violation(
            "R7", f"{path}.to", f"must be at least {MIN_WINDOW_MINUTES} minutes after from"
        )


# --- text length ---------------------------------------------------------------------------------


def _check_text_length(message: dict[str, Any], path: str, findings: _Findings) -> None:
    text = message.get("text")
    if not isinstance(text, str):
        return
    if len(text.encode("utf-16-le", "surrogatepass")) // 2 <= _SURELY_SHORT_UNITS:
        return
    try:  # written by another engineer; the oracle stays usable before it lands
        from sms_acceptance._segmentation import segment_count
    except ImportError:  # pragma: no cover - only before _segmentation exists
        findings.open(f"{path}.text", "text too long to be sure of at most 25 segments")
        return
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


# --- the oracle ----------------------------------------------------------------------------------


def _semantic_checks(document: object, now: datetime, findings: _Findings) -> None:
    """The rules and OPEN cases beyond the schema, on whatever parts have the right shape."""
    total = 0
    seen_ids: dict[str, str] = {}
    for m, message in _messages(document):
        path = json_path(["messages", m])
        if _is_integral_float(message.get("validityPeriod")):
            findings.open(f"{path}.validityPeriod", "an integer written with a fraction (6.0)")
        send_at = message.get("sendAt")
        if isinstance(send_at, str):
            _check_send_at(send_at, f"{path}.sendAt", now, findings)
        window = message.get("deliveryTimeWindow")
        if isinstance(window, dict):
            for end in ("from", "to"):
                part = window.get(end)
                if isinstance(part, dict):
                    for unit in ("hour", "minute"):
                        if _is_integral_float(part.get(unit)):
                            findings.open(
                                f"{path}.deliveryTimeWindow.{end}.{unit}",
                                "an integer written with a fraction (6.0)",
                            )
            _check_window(window, f"{path}.deliveryTimeWindow", findings)
        _check_text_length(message, path, findings)
        for d, destination in _destinations(message):
            total += 1
            message_id = destination.get("messageId")
            if isinstance(message_id, str):
                where = json_path(["messages", m, "destinations", d, "messageId"])
                if message_id in seen_ids:
                    findings.open(
                        where, f"duplicate client messageId (first at {seen_ids[message_id]})"
                    )
                else:
                    seen_ids[message_id] = where
    if total > MAX_DESTINATIONS:
        findings.open("$.messages", f"{total} destinations in total, more than {MAX_DESTINATIONS}")


def judge_request(raw: bytes | object, *, now: datetime | None = None) -> RequestVerdict:
    """Judge a request body against rules R1-R13 of rules.md.

    ``raw`` is the body as bytes (parsed as JSON here: R1) or an already decoded document.
    ``now`` is the clock the 180-day horizon of ``sendAt`` is measured from (default: the
    current time, UTC); naive datetimes are taken as UTC.
    """
    findings = _Findings()
    if isinstance(raw, bytes | bytearray | memoryview):
        parsed, document = _parse(bytes(raw), findings)
        if not parsed:
            return findings.verdict()
    else:
        document = raw
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if not fast_validator("request").is_valid(document):
        for problem in schema_violations("request", document):
            rule_id = problem.rule_id
            if rule_id is not None and rule_id in RULE_LEVELS:
                findings.violation(rule_id, problem.path, problem.message)
            else:  # OPEN (or, defensively, a constraint without a rule: never blame a server)
                findings.open(problem.path, problem.message)
    _semantic_checks(document, now, findings)
    return findings.verdict()
