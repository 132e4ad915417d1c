"""Client compatibility (rules.md K1-K5, H1): will an existing Infobip integration work unchanged?

A buyer keeps the client it already has. So the suite replays, byte for byte, what each real client
puts on the wire (recorded by `tools/record_clients.py` into `client_recordings/`: its request line
form, its headers, its body with its nulls, its `type`, its `sendAt` forms) against the server under
test, with only the address and the user's Authorization substituted, and judges each answer by what
that client needs to deserialise it correctly. The verdict is one row per client and version,
"works" or "breaks" with the reasons, each reason marked when it stems from a choice rules.md leaves
OPEN (the server is told, not failed, unless the user requires that client).
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

from sms_acceptance._destinations import each_destination
from sms_acceptance._envelope import parse_error_envelope
from sms_acceptance._network import NetworkSettings
from sms_acceptance._request_rules import judge_request
from sms_acceptance.conformance.transport._auth_header import AuthHeader
from sms_acceptance.conformance.transport._base_url import BaseUrl
from sms_acceptance.conformance.transport._exchange import (
    Exchange,
    ReceivedResponse,
    SentRequest,
    TransportFailure,
)
from sms_acceptance.conformance.transport._raw_request import send_raw

__all__ = [
    "CLIENT_PROPERTY",
    "ClientRecording",
    "ClientVerdict",
    "RecordedRequest",
    "absolute_form_exchange",
    "judge_client",
    "load_recordings",
    "matches_client",
    "null_fields",
    "replay",
    "verdicts_table",
]

# The `report.user_properties` entry a client's row travels in (xdist-safe, like the tallies).
CLIENT_PROPERTY = "sms_acceptance_client"

# Replays without proxy or TLS options (the project's own tests call them directly).
_DIRECT = NetworkSettings(proxy="")
# Fields the contract needs a value for: a null there is a bad request, not an absent option.
_REQUIRED = frozenset({"messages", "destinations", "to", "days", "hour", "minute"})


@dataclass(frozen=True)
class RecordedRequest:
    """One request as a client sent it; `{host}` and `{authorization}` stand for what varies."""

    scenario: str
    expect: str  # "accepted", "unauthorized" or "bad_request"
    request_line: str
    headers: tuple[tuple[str, str], ...]
    body: str
    wrong_credential: bool = False

    @property
    def absolute_form(self) -> bool:
        """Whether the request line names scheme and host (`POST http://host/... HTTP/1.1`)."""
        target = self.request_line.split(" ")[1]
        return target.lower().startswith(("http://", "https://"))

    def document(self) -> Any:
        return json.loads(self.body)

    def wire_bytes(self, *, host: str, path_prefix: str, authorization: str) -> bytes:
        """The exact bytes to send: the recording with address, base path and credential filled."""
        method, target, version = self.request_line.split(" ")
        if self.absolute_form:
            scheme, _, rest = target.partition("://")
            _, _, path = rest.partition("/")
            target = f"{scheme}://{host}{path_prefix}/{path}"
        else:
            target = path_prefix + target
        lines = [f"{method} {target} {version}"]
        for name, value in self.headers:
            if name.lower() == "authorization":
                value = authorization
            lines.append(f"{name}: {value.replace('{host}', host)}")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("latin-1") + self.body.encode("utf-8")


@dataclass(frozen=True)
class ClientRecording:
    """A client build's recorded requests (`client_recordings/<client>.json`)."""

    client: str
    package: str
    version: str
    rule: str
    path: str
    requests: tuple[RecordedRequest, ...]

    @property
    def label(self) -> str:
        return f"{self.package} {self.version}"


def _recording(data: Mapping[str, Any]) -> ClientRecording:
    return ClientRecording(
        client=data["client"],
        package=data["package"],
        version=data["version"],
        rule=data["rule"],
        path=data["path"],
        requests=tuple(
            RecordedRequest(
                scenario=entry["scenario"],
                expect=entry["expect"],
                request_line=entry["request_line"],
                headers=tuple((name, value) for name, value in entry["headers"]),
                body=entry["body"],
                wrong_credential=entry.get("authorization") == "wrong",
            )
            for entry in data["exchanges"]
        ),
    )


def load_recordings() -> tuple[ClientRecording, ...]:
    """Every committed recording, in rule order (K1 ... K5)."""
    folder = resources.files("sms_acceptance.conformance").joinpath("client_recordings")
    found = [
        _recording(json.loads(item.read_text(encoding="utf-8")))
        for item in folder.iterdir()
        if item.name.endswith(".json")
    ]
    return tuple(sorted(found, key=lambda r: (r.rule, r.client)))


def matches_client(name: str, recording: ClientRecording) -> bool:
    """`--require-client NAME`: a client id (`infobip-api-python-sdk-5`) or a package name."""
    return name.lower() in {recording.client.lower(), recording.package.lower()}


def null_fields(document: object, path: str = "$") -> list[str]:
    """JSONPaths of the optional fields a body sets to `null` (K4)."""
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            where = f"{path}.{key}"
            if value is None and key not in _REQUIRED:
                found.append(where)
            else:
                found.extend(null_fields(value, where))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.extend(null_fields(value, f"{path}[{index}]"))
    return found


def shown_request(
    recorded: RecordedRequest, *, url: str, host: str, auth: AuthHeader, authorization: str
) -> SentRequest:
    """The request as evidence shows it: the recorded headers, the credential as `App ***`."""
    headers = tuple(
        (name, auth.shown(authorization) if name.lower() == "authorization" else value)
        for name, value in ((n, v.replace("{host}", host)) for n, v in recorded.headers)
    )
    return SentRequest("POST", url, headers, recorded.body.encode("utf-8"), auth)


# -- judging -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a client breaks; `open_choice` when the server's behaviour is a choice rules.md leaves
    OPEN (told, never failed unless the client is required)."""

    text: str
    open_choice: bool


@dataclass(frozen=True)
class ClientVerdict:
    """One row of the client table."""

    client: str
    label: str
    rule: str
    path: str
    works: bool
    reasons: tuple[str, ...]
    open_choice: bool
    requests: int
    required: bool = False
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def summary(self) -> str:
        if self.note:
            return self.note
        if self.works:
            return "works"
        return "breaks: " + "; ".join(self.reasons)


@dataclass
class _Findings:
    label: str
    reasons: dict[str, tuple[Reason, list[str]]] = field(default_factory=dict)

    def add(self, reason: Reason, scenario: str) -> None:
        self.reasons.setdefault(reason.text, (reason, []))[1].append(scenario)


def _rejection_reason(recorded: RecordedRequest, response: ReceivedResponse) -> Reason:
    """Why a request the client expects to be accepted was not, in the client's terms."""
    status = response.status
    if recorded.absolute_form and status in (400, 404):
        return Reason(
            f"answers {status} to its absolute-form request line "
            f"(`{recorded.request_line.replace('{host}', 'host')}`, H1)",
            False,
        )
    if status == 404:
        return Reason(f"does not serve POST {recorded.request_line.split(' ')[1]}", True)
    document = recorded.document()
    nulls = null_fields(document)
    if status == 400 and nulls:
        return Reason("rejects `null` optional fields", True)
    if status == 400 and isinstance(document, dict) and "type" in document:
        return Reason('rejects the unknown top-level property `"type"`', True)
    verdict = judge_request(document)
    if status == 400 and verdict.is_valid and verdict.open_cases:
        return Reason(f"rejects an OPEN input ({verdict.open_cases[0]})", True)
    return Reason(f"answers {status} to a valid request", False)


def _accepted_reasons(
    recording: ClientRecording, recorded: RecordedRequest, response: ReceivedResponse
) -> list[Reason]:
    """What the client needs of a 200 to deserialise it into the right values."""
    if response.media_type != "application/json" or not response.is_json:
        return [Reason("answers 200 without a JSON body (S1)", False)]
    body = response.json
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return [Reason("answers 200 without a `messages` array (S2)", False)]
    document = recorded.document()
    destinations = [destination for _, destination in each_destination(document)]
    entries = body["messages"]
    reasons: list[Reason] = []
    if len(entries) != len(destinations):
        reasons.append(
            Reason("answers with another number of entries than destinations (S2)", False)
        )
    for destination, entry in zip(destinations, entries, strict=False):
        if not isinstance(entry, dict):
            reasons.append(Reason("answers with an entry that is not an object (S2)", False))
            continue
        status = entry.get("status")
        if not (
            isinstance(status, dict)
            and all(isinstance(status.get(k), int) for k in ("groupId", "id"))
            and all(isinstance(status.get(k), str) for k in ("groupName", "name", "description"))
        ):
            reasons.append(Reason("answers with a `status` its models cannot read (S8)", False))
        if not isinstance(entry.get("messageId"), str) or not isinstance(entry.get("to"), str):
            reasons.append(
                Reason("answers with an entry without string `to`/`messageId` (S2)", False)
            )
        elif destination.get("messageId") not in (None, entry["messageId"]):
            reasons.append(Reason("does not return the client's `messageId` (S4)", False))
        if "smsCount" in entry and not isinstance(entry["smsCount"], int):
            reasons.append(Reason("answers a `smsCount` that is not an integer (S11)", False))
    client_bulk = document.get("bulkId")
    if isinstance(client_bulk, str) and body.get("bulkId") != client_bulk:
        reasons.append(Reason("does not return the client's `bulkId` (S5)", False))
    elif recording.rule == "K2" and not isinstance(body.get("bulkId"), str):
        reasons.append(
            Reason(
                f"leaves `bulkId` out of a single-destination answer: reading `bulk_id` raises "
                f"in {recording.label}",
                True,
            )
        )
    return reasons


def _error_reasons(
    recording: ClientRecording, recorded: RecordedRequest, response: ReceivedResponse
) -> list[Reason]:
    expected = 401 if recorded.expect == "unauthorized" else 400
    what = "a wrong key" if expected == 401 else "an invalid request"
    if response.status != expected:
        return [Reason(f"answers {response.status} to {what}, expected {expected}", False)]
    envelope = parse_error_envelope(response.json) if response.is_json else None
    if envelope is None or response.media_type != "application/json":
        return [Reason(f"its {expected} answer is not the error envelope (E1)", False)]
    if recording.rule == "K5" and envelope.validation_errors is not None:
        return [
            Reason(
                f"its {expected} envelope carries `validationErrors`: {recording.label} raises "
                "TypeError instead of its ApiException",
                True,
            )
        ]
    return []


def judge_client(
    recording: ClientRecording, replies: Sequence[tuple[RecordedRequest, Exchange]]
) -> ClientVerdict:
    """Works, or breaks with the reasons, from every replayed request of one client."""
    findings = _Findings(recording.label)
    for recorded, exchange in replies:
        outcome = exchange.outcome
        if isinstance(outcome, TransportFailure):
            findings.add(
                Reason(f"no usable answer ({outcome.category.value})", False), recorded.scenario
            )
            continue
        if outcome.status >= 500:
            findings.add(Reason(f"answers {outcome.status} (E2)", False), recorded.scenario)
            continue
        if recorded.expect == "accepted":
            reasons = (
                _accepted_reasons(recording, recorded, outcome)
                if outcome.status == 200
                else [_rejection_reason(recorded, outcome)]
            )
        else:
            reasons = _error_reasons(recording, recorded, outcome)
        for reason in reasons:
            findings.add(reason, recorded.scenario)
    accepted = {r.scenario for r, _ in replies if r.expect == "accepted"}
    texts: list[str] = []
    open_flags: list[bool] = []
    for text, (reason, scenarios) in findings.reasons.items():
        failing = set(scenarios)
        if accepted and failing == accepted:
            scope = f"every call from {recording.label} fails"
        else:
            scope = f"{len(failing)} of {len(replies)} calls fail ({', '.join(sorted(failing))})"
        texts.append(f"{text}{' (an OPEN choice)' if reason.open_choice else ''}: {scope}")
        open_flags.append(reason.open_choice)
    return ClientVerdict(
        client=recording.client,
        label=recording.label,
        rule=recording.rule,
        path=recording.path,
        works=not texts,
        reasons=tuple(texts),
        open_choice=bool(texts) and all(open_flags),
        requests=len(replies),
    )


def verdicts_table(verdicts: Iterable[Mapping[str, Any]]) -> list[str]:
    """The terminal's lines: one per client and version."""
    lines = []
    for verdict in verdicts:
        mark = "works" if verdict["works"] else "BREAKS" if verdict["required"] else "breaks"
        if verdict.get("note"):
            mark = "not run"
        detail = verdict.get("note") or "; ".join(verdict["reasons"])
        required = " (required)" if verdict["required"] else ""
        lines.append(
            f"  {verdict['rule']} {verdict['label']}{required}: {mark}"
            + (f": {detail}" if detail else "")
        )
    return lines


# -- sending -----------------------------------------------------------------------------------


def absolute_form_exchange(
    base: BaseUrl,
    endpoint_path: str,
    body: bytes,
    authorization: str,
    timeout: float,
    network: NetworkSettings = _DIRECT,
) -> Exchange:
    """H1: `body` POSTed with the request line in absolute form (`POST http://host/path`)."""
    target = f"{base.scheme}://{base.netloc}{base.path}{endpoint_path}"
    headers = (
        ("Host", base.netloc),
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    )
    auth = AuthHeader("configured")
    head = f"POST {target} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers)
    raw = (head + f"Authorization: {authorization}\r\n\r\n").encode("latin-1") + body
    shown = SentRequest(
        "POST",
        target,
        (*headers, ("Authorization", auth.shown(authorization))),
        body,
        auth,
        request_target=target,
    )
    return send_raw(base.text, raw, shown=shown, timeout=timeout, network=network)


def replay(
    recording: ClientRecording,
    base: BaseUrl,
    authorization: str,
    timeout: float,
    network: NetworkSettings = _DIRECT,
    concurrency: int = 1,
) -> list[tuple[RecordedRequest, Exchange]]:
    """Every recorded request of one client sent below `base`, with its answer, in the
    recording's order; up to `concurrency` at once (`--concurrency`: each on its own connection,
    as each is anyway).

    The wrong-key requests carry a credential in the user's scheme that cannot be theirs.
    """
    scheme = authorization.split(" ", 1)[0]
    wrong = f"{scheme} sms-acceptance-not-a-key-{secrets.token_hex(8)}"
    sends: list[tuple[RecordedRequest, Callable[[], Exchange]]] = []
    for recorded in recording.requests:
        credential = wrong if recorded.wrong_credential else authorization
        auth = (
            AuthHeader("literal", literal=wrong, label="a wrong credential")
            if recorded.wrong_credential
            else AuthHeader("configured")
        )
        raw = recorded.wire_bytes(host=base.netloc, path_prefix=base.path, authorization=credential)
        url = base.url(recording.path)
        shown = shown_request(
            recorded, url=url, host=base.netloc, auth=auth, authorization=authorization
        )
        sends.append(
            (
                recorded,
                functools.partial(
                    send_raw, base.text, raw, shown=shown, timeout=timeout,
                    network=network,
                ),
            )
        )  # fmt: skip
    if concurrency < 2 or len(sends) < 2:
        return [(recorded, send()) for recorded, send in sends]
    with ThreadPoolExecutor(min(concurrency, len(sends))) as senders:
        exchanges = list(senders.map(lambda pair: pair[1](), sends))
    return [(recorded, exchange) for (recorded, _), exchange in zip(sends, exchanges, strict=True)]
