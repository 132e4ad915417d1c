"""A vendor's declared deviations (`--vendor-profile FILE`, TOML).

Some gateways document a deliberate difference from the provider: a cap on destinations per request,
another accepted auth scheme, a REJECTED status for trial accounts, no `smsCount`. Declaring it in a
profile keeps the run green without hiding it: the report lists each deviation as DECLARED, never as
PASS, and the checks it relaxes say so. A profile is validated strictly (unknown keys, wrong types)
because a typo that silently relaxed nothing, or everything, would make the verdict meaningless.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["AcceptedStatus", "Deviation", "VendorProfile", "VendorProfileError", "load_profile"]

_AUTH_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


class VendorProfileError(ValueError):
    """The profile cannot be used; the message is one line naming the file and the problem."""


@dataclass(frozen=True)
class AcceptedStatus:
    """S10: a (groupId, id) the vendor answers valid requests with, and why."""

    group_id: int
    status_id: int
    note: str = ""


@dataclass(frozen=True)
class Deviation:
    """One declared deviation, as the report lists it."""

    key: str
    value: Any
    rule_ids: tuple[str, ...]
    checks: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class VendorProfile:
    """What the vendor declared; the empty profile declares nothing."""

    name: str | None = None
    path: str | None = None
    max_destinations: int | None = None
    extra_auth_schemes: tuple[str, ...] = ()
    sms_count_absent: bool = False
    accepted_statuses: tuple[AcceptedStatus, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)
    # `[clients] require = [...]`: Infobip clients the vendor promises work (K1-K5).
    required_clients: tuple[str, ...] = ()
    # Delivery reports (D): no pull (D13, D14), no XML (D9), a retry schedule (D11: seconds to
    # the first retry), a bound for the final report (D1: seconds after the send).
    reports_pull: bool | None = None
    reports_xml: bool | None = None
    report_retry_seconds: int | None = None
    report_delay_seconds: int | None = None

    def accepted_status(self, group_id: int, status_id: int) -> str | None:
        """The declaration covering this status, as text, or None."""
        for status in self.accepted_statuses:
            if (status.group_id, status.status_id) == (group_id, status_id):
                return f"status ({group_id}, {status_id}) declared: {status.note or 'no note'}"
        return None

    def deviations(self) -> tuple[Deviation, ...]:
        found: list[Deviation] = []
        if self.max_destinations is not None:
            found.append(
                Deviation(
                    "max_destinations",
                    self.max_destinations,
                    ("R13",),
                    ("bulk_size_accepted",),
                    self.notes.get("max_destinations", ""),
                )
            )
        if self.extra_auth_schemes:
            found.append(
                Deviation(
                    "extra_auth_schemes",
                    list(self.extra_auth_schemes),
                    ("A2", "A5"),
                    ("ignored_auth", "accepted_auth_scheme"),
                    self.notes.get("extra_auth_schemes", ""),
                )
            )
        if self.sms_count_absent:
            found.append(
                Deviation(
                    "sms_count",
                    "absent",
                    ("S11", "S12"),
                    ("sms_count_matches_segmentation", "seed_sms_count"),
                    self.notes.get("sms_count", ""),
                )
            )
        for key, value, rules, checks in (
            (
                "reports_pull",
                self.reports_pull,
                ("D13", "D14"),
                ("pull_reports_once", "logs_not_consumed"),
            ),
            ("reports_xml", self.reports_xml, ("D9",), ("report_xml_form",)),
            (
                "report_retry_seconds",
                self.report_retry_seconds,
                ("D11",),
                ("report_retried_after_5xx",),
            ),
            (
                "report_delay_seconds",
                self.report_delay_seconds,
                ("D1",),
                ("report_delivered_once",),
            ),
        ):
            if value is not None:  # reports_pull/reports_xml are only ever False here
                found.append(Deviation(key, value, rules, checks, self.notes.get(key, "")))
        for status in self.accepted_statuses:
            found.append(
                Deviation(
                    "accepted_statuses",
                    {"group_id": status.group_id, "id": status.status_id},
                    ("S10",),
                    ("status_group_accepting",),
                    status.note,
                )
            )
        return tuple(found)


def _fail(path: Path, message: str) -> VendorProfileError:
    return VendorProfileError(f"vendor profile {path}: {message}")


def _check_keys(path: Path, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _fail(
            path, f"unknown key {unknown[0]!r} in {where} (known: {', '.join(sorted(allowed))})"
        )


def _int(path: Path, where: str, value: object, low: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise _fail(path, f"{where} must be an integer >= {low}, got {value!r}")
    return value


def load_profile(path: Path) -> VendorProfile:
    """Read and validate a profile; `VendorProfileError` (one line) on any problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(path, f"cannot read it ({type(error).__name__})") from None
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, f"not valid TOML ({' '.join(str(error).split())})") from None
    _check_keys(path, "the file", data, {"vendor", "deviations", "clients"})
    clients = data.get("clients", {})
    if not isinstance(clients, dict):
        raise _fail(path, "[clients] must be a table")
    _check_keys(path, "[clients]", clients, {"require"})
    required = clients.get("require", [])
    if not isinstance(required, list) or not all(isinstance(n, str) and n for n in required):
        raise _fail(path, "clients.require must be a list of client names")
    vendor = data.get("vendor", {})
    deviations = data.get("deviations", {})
    if not isinstance(vendor, dict) or not isinstance(deviations, dict):
        raise _fail(path, "[vendor] and [deviations] must be tables")
    _check_keys(path, "[vendor]", vendor, {"name"})
    name = vendor.get("name")
    if name is not None and not isinstance(name, str):
        raise _fail(path, f"vendor.name must be a string, got {name!r}")
    _check_keys(
        path,
        "[deviations]",
        deviations,
        {
            "max_destinations",
            "extra_auth_schemes",
            "sms_count",
            "accepted_statuses",
            "notes",
            *_REPORT_KEYS,
        },
    )
    reports = _report_deviations(path, deviations)
    max_destinations = deviations.get("max_destinations")
    if max_destinations is not None:
        max_destinations = _int(path, "deviations.max_destinations", max_destinations, 1)
        if max_destinations > 1000:
            raise _fail(path, "deviations.max_destinations above 1000 is not a deviation (R13)")
    schemes = deviations.get("extra_auth_schemes", [])
    if not isinstance(schemes, list) or not all(
        isinstance(s, str) and s and set(s) <= _AUTH_SCHEME_CHARS for s in schemes
    ):
        raise _fail(path, "deviations.extra_auth_schemes must be a list of scheme words")
    sms_count = deviations.get("sms_count")
    if sms_count not in (None, "absent"):
        raise _fail(path, f'deviations.sms_count may only be "absent", got {sms_count!r}')
    statuses = deviations.get("accepted_statuses", [])
    if not isinstance(statuses, list):
        raise _fail(path, "deviations.accepted_statuses must be an array of tables")
    accepted: list[AcceptedStatus] = []
    for index, entry in enumerate(statuses):
        where = f"deviations.accepted_statuses[{index}]"
        if not isinstance(entry, dict):
            raise _fail(path, f"{where} must be a table with group_id, id and note")
        _check_keys(path, where, entry, {"group_id", "id", "note"})
        if "group_id" not in entry or "id" not in entry:
            raise _fail(path, f"{where} needs group_id and id")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise _fail(path, f"{where}.note must be a string")
        accepted.append(
            AcceptedStatus(
                _int(path, f"{where}.group_id", entry["group_id"], 0),
                _int(path, f"{where}.id", entry["id"], 0),
                note,
            )
        )
    notes = deviations.get("notes", {})
    if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
        raise _fail(path, "deviations.notes must be a table of strings")
    return VendorProfile(
        name=name,
        path=str(path),
        max_destinations=max_destinations,
        extra_auth_schemes=tuple(schemes),
        sms_count_absent=sms_count == "absent",
        accepted_statuses=tuple(accepted),
        notes=dict(notes),
        required_clients=tuple(required),
        **reports,
    )


_REPORT_KEYS = ("reports_pull", "reports_xml", "report_retry_seconds", "report_delay_seconds")


def _report_deviations(path: Path, deviations: Mapping[str, Any]) -> dict[str, Any]:
    """The delivery-report deviations: `reports_pull`/`reports_xml` may only be false (true is no
    deviation); the two durations are whole seconds >= 1."""
    found: dict[str, Any] = {}
    for key in ("reports_pull", "reports_xml"):
        if key in deviations:
            if deviations[key] is not False:
                raise _fail(path, f"deviations.{key} may only be false, got {deviations[key]!r}")
            found[key] = False
    for key in ("report_retry_seconds", "report_delay_seconds"):
        if key in deviations:
            found[key] = _int(path, f"deviations.{key}", deviations[key], 1)
    return found
