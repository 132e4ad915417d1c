"""The zoo: every broken server with the check that must catch it, and every correct variant.

A broken server is one realistic vendor bug on top of the sandbox (or, for the wire-level ones, a
raw socket server); its entry names the check(s) of docs/conformance.md that must FAIL against it
and the rule ids their failures must cite. The correct variants must pass with zero failures.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sms_acceptance.sandbox import SandboxConfig, create_app

from . import _correct_variants as variants
from . import _protocol_bugs as protocol
from . import _request_bugs as requests
from . import _response_bugs as responses
from . import _wire_servers as wire
from ._exchange import Bug, BuggyGateway, faithful
from ._serving import ConnectionHandler, serve_asgi, serve_raw

Scheme = str  # "App" or "Basic": which kind of credential the server is configured with


@dataclass(frozen=True)
class Credentials:
    """The zoo's credentials for one test run: random, so a leak is unmistakable."""

    secret: str = field(repr=False)

    @classmethod
    def generate(cls, seed: str | None = None) -> Credentials:
        """Random; or derived from `seed` (pytest-xdist's run id) so every worker of one run
        shares them, while no two runs do."""
        if seed is None:
            return cls(secrets.token_hex(12))
        return cls(hashlib.sha256(f"sms-acceptance-zoo:{seed}".encode()).hexdigest()[:24])

    @property
    def app(self) -> str:
        return f"App zoo{self.secret}"

    @property
    def basic(self) -> str:
        return "Basic " + base64.b64encode(f"zoo-user:{self.secret}".encode()).decode()

    def for_scheme(self, scheme: Scheme) -> str:
        return self.basic if scheme == "Basic" else self.app

    def leak_markers(self) -> tuple[str, ...]:
        """What must never appear in a report or on the console: any form of the secret."""
        return (self.secret, self.basic.split(" ", 1)[1])


ServerFactory = Callable[[str], contextlib.AbstractContextManager[str]]


def _gateway(make_bug: Callable[[str], Bug]) -> ServerFactory:
    """The sandbox, configured with the credential, behind the bug `make_bug(credential)`."""

    @contextlib.contextmanager
    def serve(authorization: str) -> Iterator[str]:
        app = BuggyGateway(
            create_app(SandboxConfig(authorization=authorization)), make_bug(authorization)
        )
        with serve_asgi(app) as base_url:
            yield base_url

    return serve


def _sandbox_with(bug: Bug) -> ServerFactory:
    return _gateway(lambda _authorization: bug)


def _wire(handler: ConnectionHandler) -> ServerFactory:
    @contextlib.contextmanager
    def serve(_authorization: str) -> Iterator[str]:
        with serve_raw(handler) as base_url:
            yield base_url

    return serve


@dataclass(frozen=True)
class BrokenServer:
    """One vendor bug and how the suite must report it."""

    name: str
    serve: ServerFactory = field(repr=False)
    imitates: Any = field(repr=False)  # the bug function; its docstring says which vendor bug
    catches: tuple[str, ...]  # checks of docs/conformance.md that must FAIL
    rule_ids: frozenset[str]  # a failure of those checks cites one of these
    categories: frozenset[str] = frozenset()  # transport/body categories any of which may be named
    scheme: Scheme = "App"
    wire_level: bool = False  # raw socket server: every request is answered the same broken way

    @property
    def description(self) -> str:
        doc = getattr(self.imitates, "__doc__", None) or ""
        return " ".join(doc.split())


@dataclass(frozen=True)
class CorrectServer:
    """A conforming server that takes its own OPEN and optional choices: zero failures allowed."""

    name: str
    serve: ServerFactory = field(repr=False)
    choices: str
    scheme: Scheme = "App"


def _broken(
    name: str,
    bug: Bug,
    catches: str | tuple[str, ...],
    rule_ids: str,
    *,
    scheme: Scheme = "App",
) -> BrokenServer:
    checks = (catches,) if isinstance(catches, str) else catches
    return BrokenServer(
        name=name,
        serve=_sandbox_with(bug),
        imitates=bug,
        catches=checks,
        rule_ids=frozenset(rule_ids.split()),
        scheme=scheme,
    )


def _broken_auth(
    name: str, make_bug: Callable[[str], Bug], catches: str, rule_ids: str
) -> BrokenServer:
    return BrokenServer(
        name=name,
        serve=_gateway(make_bug),
        imitates=make_bug,
        catches=(catches,),
        rule_ids=frozenset(rule_ids.split()),
    )


def _broken_wire(
    name: str, handler: ConnectionHandler, doc: object, catches: str, rule_ids: str, categories: str
) -> BrokenServer:
    return BrokenServer(
        name=name,
        serve=_wire(handler),
        imitates=doc,
        catches=(catches,),
        rule_ids=frozenset(rule_ids.split()),
        categories=frozenset(categories.split()),
        wire_level=True,
    )


class _Doc:
    """Carries a module-level docstring for handlers made by a factory (`canned_answer`)."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc


_WIRE_DOCS = {
    "sends_garbage": "Something that is not HTTP on the port (a TLS listener, a binary protocol).",
    "sends_truncated_json": "A 200 whose JSON body stops half-way (a serializer dying mid-write).",
    "sends_short_body": "Content-Length promises more than arrives before the connection closes.",
    "sends_html_error_page": "nginx's HTML 502 page for every request (a dead backend).",
    "sends_ten_megabytes": "Every answer carries a 10 MB debug dump.",
}

BROKEN_SERVERS: tuple[BrokenServer, ...] = (
    # protocol
    _broken(
        "crashes_on_non_ascii_text", protocol.crashes_on_non_ascii_text, "not_a_server_error", "E2"
    ),
    _broken(
        "crashes_on_malformed_json", protocol.crashes_on_malformed_json, "not_a_server_error", "E2"
    ),
    _broken(
        "success_as_text_plain", protocol.success_as_text_plain, "content_type_conformance", "S1 E1"
    ),
    _broken("stalls_on_bulk", protocol.stalls_on_bulk, "response_within_timeout", "S1 E1"),
    # wire level (robustness of the suite itself)
    _broken_wire(
        "hangs_forever",
        wire.hangs_forever,
        wire.hangs_forever,
        "response_within_timeout",
        "S1 E1",
        "read_timeout deadline",
    ),
    _broken_wire(
        "drips_bytes",
        wire.drips_bytes,
        wire.drips_bytes,
        "response_within_timeout",
        "S1 E1",
        "deadline read_timeout",
    ),
    _broken_wire(
        "resets_connections",
        wire.resets_connections,
        wire.resets_connections,
        "transport_failure",
        "S1 E1",
        "reset protocol_error",
    ),
    _broken_wire(
        "sends_garbage",
        wire.sends_garbage,
        _Doc(_WIRE_DOCS["sends_garbage"]),
        "transport_failure",
        "S1 E1",
        "protocol_error",
    ),
    _broken_wire(
        "sends_short_body",
        wire.sends_short_body,
        _Doc(_WIRE_DOCS["sends_short_body"]),
        "transport_failure",
        "S1 E1",
        "protocol_error reset",
    ),
    _broken_wire(
        "sends_truncated_json",
        wire.sends_truncated_json,
        _Doc(_WIRE_DOCS["sends_truncated_json"]),
        "response_schema_conformance",
        "S1 S2 S8 S11 S13",
        "truncated_json not_json",
    ),
    _broken_wire(
        "sends_html_error_page",
        wire.sends_html_error_page,
        _Doc(_WIRE_DOCS["sends_html_error_page"]),
        "not_a_server_error",
        "E2",
        "",
    ),
    _broken_wire(
        "sends_ten_megabytes",
        wire.sends_ten_megabytes,
        _Doc(_WIRE_DOCS["sends_ten_megabytes"]),
        "transport_failure",
        "S1 E1",
        "body_too_large",
    ),
    # positive
    _broken("rejects_flash", requests.rejects_flash, "positive_data_acceptance", "R13"),
    _broken(
        "rejects_concatenated_texts",
        requests.rejects_concatenated_texts,
        ("positive_data_acceptance", "seed_reproduction"),
        "R13 R10",
    ),
    _broken(
        "rejects_language_with_transliteration",
        requests.rejects_language_with_transliteration,
        "seed_reproduction",
        "R10",
    ),
    _broken(
        "rejects_send_at_with_z", requests.rejects_send_at_with_z, "send_at_forms_accepted", "R11"
    ),
    _broken(
        "rejects_long_validity", requests.rejects_long_validity, "validity_period_clamped", "R12"
    ),
    _broken(
        "caps_destinations_at_100", requests.caps_destinations_at_100, "bulk_size_accepted", "R13"
    ),
    # response
    _broken(
        "drops_last_destination",
        responses.drops_last_destination,
        "destination_count_matches",
        "S2 S3",
    ),
    _broken(
        "normalises_to_e164", responses.normalises_to_e164, "destination_count_matches", "S2 S3"
    ),
    _broken("reverses_entries", responses.reverses_entries, "destination_order_preserved", "S3"),
    _broken(
        "ignores_client_message_id",
        responses.ignores_client_message_id,
        "client_message_id_echoed",
        "S4",
    ),
    _broken("ignores_client_bulk_id", responses.ignores_client_bulk_id, "bulk_id_echoed", "S5"),
    _broken(
        "reuses_generated_message_id",
        responses.reuses_generated_message_id,
        "generated_message_ids_unique",
        "S6",
    ),
    _broken(
        "omits_generated_bulk_id",
        responses.omits_generated_bulk_id,
        "bulk_id_present_for_bulk",
        "S7",
    ),
    _broken(
        "status_without_description",
        responses.status_without_description,
        "response_schema_conformance",
        "S8",
    ),
    _broken(
        "group_id_as_string", responses.group_id_as_string, "response_schema_conformance", "S8"
    ),
    _broken(
        "pending_group_named_rejected",
        responses.pending_group_named_rejected,
        "status_in_provider_tables",
        "S9",
    ),
    _broken("unknown_status_id", responses.unknown_status_id, "status_in_provider_tables", "S9"),
    _broken(
        "rejects_every_destination",
        responses.rejects_every_destination,
        "status_group_accepting",
        "S10",
    ),
    _broken("sms_count_zero", responses.sms_count_zero, "response_schema_conformance", "S11"),
    _broken(
        "tracking_process_key_number",
        responses.tracking_process_key_number,
        "response_schema_conformance",
        "S13",
    ),
    # segmentation
    _broken(
        "sms_count_ignores_ucs2",
        responses.sms_count_ignores_ucs2,
        "sms_count_matches_segmentation",
        "S12 C1",
    ),
    _broken(
        "sms_count_160_per_part",
        responses.sms_count_160_per_part,
        "sms_count_matches_segmentation",
        "S12 C1",
    ),
    _broken(
        "sms_count_ignores_language",
        responses.sms_count_ignores_language,
        "sms_count_matches_segmentation",
        "S12 C2 C3",
    ),
    _broken(
        "sms_count_of_raw_text", responses.sms_count_of_raw_text, "seed_sms_count", "S12 C2 C4 C1"
    ),
    # negative
    _broken(
        "missing_messages_is_empty_bulk",
        requests.missing_messages_is_empty_bulk,
        "negative_data_rejection",
        "R2",
    ),
    _broken(
        "skips_messages_without_destinations",
        requests.skips_messages_without_destinations,
        "negative_data_rejection",
        "R3",
    ),
    _broken("accepts_numeric_to", requests.accepts_numeric_to, "negative_data_rejection", "R4"),
    _broken(
        "drops_fields_of_wrong_type",
        requests.drops_fields_of_wrong_type,
        "negative_data_rejection",
        "R5",
    ),
    _broken(
        "wraps_window_times_around",
        requests.wraps_window_times_around,
        "negative_data_rejection",
        "R6",
    ),
    _broken("ignores_unknown_days", requests.ignores_unknown_days, "negative_data_rejection", "R6"),
    _broken("window_days_only", requests.window_days_only, "semantic_data_rejection", "R7"),
    _broken("ignores_send_at", requests.ignores_send_at, "semantic_data_rejection", "R8"),
    _broken(
        "defaults_unknown_enum_values",
        requests.defaults_unknown_enum_values,
        "semantic_data_rejection",
        "R9",
    ),
    _broken(
        "html_bad_request_page", protocol.html_bad_request_page, "error_envelope_conformance", "E1"
    ),
    _broken(
        "flat_error_envelope", protocol.flat_error_envelope, "error_envelope_conformance", "E1"
    ),
    _broken(
        "invalid_argument_message_id",
        protocol.invalid_argument_message_id,
        "bad_request_message_id",
        "E3",
    ),
    # auth
    _broken_auth(
        "accepts_missing_authorization",
        protocol.accepts_missing_authorization,
        "ignored_auth",
        "A1",
    ),
    _broken_auth("accepts_any_credential", protocol.accepts_any_credential, "ignored_auth", "A3"),
    _broken(
        "plain_text_unauthorized",
        protocol.plain_text_unauthorized,
        "unauthorized_envelope",
        "A1 A2 A3 E1",
    ),
    _broken(
        "unauthorized_as_bad_request",
        protocol.unauthorized_as_bad_request,
        "unauthorized_message_id",
        "A4",
    ),
    _broken(
        "rejects_basic_scheme",
        protocol.rejects_basic_scheme,
        "accepted_auth_scheme",
        "A5",
        scheme="Basic",
    ),
)


CORRECT_SERVERS: tuple[CorrectServer, ...] = (
    CorrectServer("sandbox", _sandbox_with(faithful), "the sandbox itself, unchanged"),
    CorrectServer(
        "minimal",
        _sandbox_with(variants.minimal),
        " ".join((variants.minimal.__doc__ or "").split()),
    ),
    CorrectServer(
        "strict", _sandbox_with(variants.strict), " ".join((variants.strict.__doc__ or "").split())
    ),
    CorrectServer(
        "decorated",
        _sandbox_with(variants.decorated),
        " ".join((variants.decorated.__doc__ or "").split()),
    ),
    CorrectServer(
        "basic_credential",
        _sandbox_with(faithful),
        "the sandbox configured with a Basic credential (A5)",
        scheme="Basic",
    ),
)


def broken_server(name: str) -> BrokenServer:
    return next(server for server in BROKEN_SERVERS if server.name == name)
