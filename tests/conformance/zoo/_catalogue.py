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
from pathlib import Path
from typing import Any, Literal

from sms_acceptance.sandbox import SandboxConfig, create_app, serve_on_loopback

from .._raw_server import Handler, wire_server
from . import _correct_variants as variants
from . import _protocol_bugs as protocol
from . import _report_bugs as reports
from . import _request_bugs as requests
from . import _response_bugs as responses
from . import _wire_servers as wire
from ._exchange import Bug, BuggyGateway, faithful

# Which kind of credential a server is configured with (and the suite is given).
Scheme = Literal["App", "Basic"]


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


def _gateway(make_bug: Callable[[str], Bug], *, http: str = "auto") -> ServerFactory:
    """The sandbox, configured with the credential, behind the bug `make_bug(credential)`."""

    @contextlib.contextmanager
    def serve(authorization: str) -> Iterator[str]:
        app = BuggyGateway(
            create_app(SandboxConfig(authorization=authorization)), make_bug(authorization)
        )
        # log_level critical: a broken server that raises (the non-ASCII bug) is expected to; its
        # traceback belongs to the bug. A graceful shutdown bounded at 1 s: a stalled request
        # must not hold the test up.
        with serve_on_loopback(
            app, http=http, lifespan="on", log_level="critical", graceful_shutdown_s=1
        ) as server:
            yield server.base_url

    return serve


def _sandbox_with(bug: Bug) -> ServerFactory:
    return _gateway(lambda _authorization: bug)


def _reporting(make_bug: Callable[[str], Bug]) -> ServerFactory:
    """The sandbox with reports scaled to seconds (retries 0.24 s apart), behind one bug."""
    from sms_acceptance.sandbox import ReportConfig

    @contextlib.contextmanager
    def serve(authorization: str) -> Iterator[str]:
        config = SandboxConfig(
            authorization=authorization,
            reports=ReportConfig(delay_ms=300.0, time_scale=0.002, batch_wait_ms=50.0),
        )
        app = BuggyGateway(create_app(config), make_bug(authorization))
        with serve_on_loopback(
            app, lifespan="on", log_level="critical", graceful_shutdown_s=1
        ) as server:
            yield server.base_url

    return serve


def _wire(handler: Handler) -> ServerFactory:
    @contextlib.contextmanager
    def serve(_authorization: str) -> Iterator[str]:
        with wire_server(handler) as server:
            yield server.base_url

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
    # The part of the suite that exercises the check: pytest arguments after `conformance`
    # (the whole suite instead with SMS_ACCEPTANCE_ZOO_FULL_SUITE=1, see `_suite_run`).
    select: tuple[str, ...] = ()
    # Other checks this bug legitimately fails too in that part of the suite (a 500 in plain text is
    # also a wrong content type); anything else failing would be the suite blaming the wrong thing.
    collateral: frozenset[str] = frozenset()
    reports: bool = False  # a delivery-report bug: shown at a receiver, not in the send answer

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
    select: tuple[str, ...] = ()  # the whole suite unless the choice concerns one part of it


# Parts of the suite, by test file (one family each) and test name.
_AUTH = ("conformance/test_auth.py",)
# Every alphabet at every segment boundary (deterministic texts since FINDINGS.md 2 was fixed).
_SEGMENTATION = ("conformance/test_segmentation.py",)
_POSITIVE = "conformance/test_positive.py"
_AUTH_AND_NEGATIVE = (
    *_AUTH,
    "conformance/test_negative.py",
    "-k",
    "A1 or A2 or A3 or A5 or R2 or R9",
)
_SEED = (_POSITIVE, "-k", "R10")
_BULK = (_POSITIVE, "-k", "bulk_of")
# The seed has two messages, three destinations, client ids, a bulkId and tracking: enough for
# most response bugs. What it lacks (flash: true, a bulk without a client bulkId, a long text in
# each alphabet) the suite's fixed R13 cases send in every run (FINDINGS 6). No Hypothesis-drawn
# test is selected: the zoo proves the fixed cases alone catch these bugs, whatever is drawn.
_RESPONSES = (_POSITIVE, "-k", "R10 or R13_every_optional_field or R13_concatenated_text")
_WIRE = ("conformance/test_auth.py", _POSITIVE, "-k", "A1 or A5 or R10")
_CLIENTS = ("conformance/test_client_compatibility.py",)


def _negative(rule: str) -> tuple[str, ...]:
    return ("conformance/test_negative.py", "-k", rule)


def _broken(
    name: str,
    bug: Bug,
    catches: str | tuple[str, ...],
    rule_ids: str,
    select: tuple[str, ...],
    *,
    scheme: Scheme = "App",
    also: str = "",
) -> BrokenServer:
    return BrokenServer(
        name=name,
        serve=_sandbox_with(bug),
        imitates=bug,
        catches=(catches,) if isinstance(catches, str) else catches,
        rule_ids=frozenset(rule_ids.split()),
        scheme=scheme,
        select=select,
        collateral=frozenset(also.split()),
    )


# Delivery reports: the report tests with a profile declaring the zoo sandbox's retry schedule.
_REPORTS = (
    "conformance/test_delivery_reports.py",
    "--vendor-profile",
    str(Path(__file__).with_name("report_profile.toml")),
)


def _broken_report(
    name: str, push_bug: Any, catches: str | tuple[str, ...], rule_ids: str, *, also: str = ""
) -> BrokenServer:
    """A report bug: `push_bug` changes pushes on their way out (or, `pull=True`, a pull)."""
    return BrokenServer(
        name=name,
        serve=_reporting(lambda _authorization: reports.relaying(push_bug)),
        imitates=push_bug,
        catches=(catches,) if isinstance(catches, str) else catches,
        rule_ids=frozenset(rule_ids.split()),
        select=_REPORTS,
        collateral=frozenset(also.split()),
        reports=True,
    )


def _broken_pull(name: str, make_bug: Callable[[], Bug], catches: str, rule: str) -> BrokenServer:
    return BrokenServer(
        name=name,
        serve=_reporting(lambda _authorization: make_bug()),
        imitates=make_bug,
        catches=(catches,),
        rule_ids=frozenset({rule}),
        select=_REPORTS,
        reports=True,
    )


def _broken_auth(name: str, make_bug: Callable[[str], Bug], rule_ids: str) -> BrokenServer:
    """A bug that needs the configured credential (to let strangers in with it)."""
    return BrokenServer(
        name=name,
        serve=_gateway(make_bug),
        imitates=make_bug,
        catches=("ignored_auth",),
        rule_ids=frozenset(rule_ids.split()),
        select=_AUTH,
    )


def _broken_wire(
    name: str, handler: Handler, catches: str, rule_ids: str, categories: str
) -> BrokenServer:
    return BrokenServer(
        name=name,
        serve=_wire(handler),
        imitates=handler,
        catches=(catches,),
        rule_ids=frozenset(rule_ids.split()),
        categories=frozenset(categories.split()),
        wire_level=True,
        select=_WIRE,
    )


_TIMEOUT = "response_within_timeout"
_TRANSPORT = "transport_failure"
_SCHEMA = "response_schema_conformance"
_NEGATIVE = "negative_data_rejection"
_SEMANTIC = "semantic_data_rejection"
_ENVELOPE = "error_envelope_conformance"
_SMS_COUNT = "sms_count_matches_segmentation"

# fmt: off
BROKEN_SERVERS: tuple[BrokenServer, ...] = (
    # protocol
    _broken("crashes_on_non_ascii_text", protocol.crashes_on_non_ascii_text, "not_a_server_error", "E2", _SEGMENTATION, also="content_type_conformance error_envelope_conformance positive_data_acceptance"),  # noqa: E501
    _broken("crashes_on_malformed_json", protocol.crashes_on_malformed_json, "not_a_server_error", "E2", _negative("R1"), also="negative_data_rejection"),  # noqa: E501
    _broken("success_as_text_plain", protocol.success_as_text_plain, "content_type_conformance", "S1 E1", _AUTH),  # noqa: E501
    _broken("stalls_on_bulk", protocol.stalls_on_bulk, _TIMEOUT, "S1 E1", _BULK),
    # wire level: the robustness of the suite itself
    _broken_wire("hangs_forever", wire.hangs_forever, _TIMEOUT, "S1 E1", "read_timeout deadline"),
    _broken_wire("drips_bytes", wire.drips_bytes, _TIMEOUT, "S1 E1", "deadline read_timeout"),
    _broken_wire("resets_connections", wire.resets_connections, _TRANSPORT, "S1 E1", "reset protocol_error"),  # noqa: E501
    _broken_wire("sends_garbage", wire.sends_garbage, _TRANSPORT, "S1 E1", "protocol_error"),
    _broken_wire("sends_short_body", wire.sends_short_body, _TRANSPORT, "S1 E1", "protocol_error reset server_disconnected"),  # noqa: E501
    _broken_wire("sends_truncated_json", wire.sends_truncated_json, _SCHEMA, "S1 S2 S8 S11 S13", "truncated_json not_json"),  # noqa: E501
    _broken_wire("sends_empty_success", wire.sends_empty_success, _SCHEMA, "S1 S2 S8 S11 S13", "empty_body not_json"),  # noqa: E501
    _broken_wire("sends_html_error_page", wire.sends_html_error_page, "not_a_server_error", "E2", ""),  # noqa: E501
    _broken_wire("sends_ten_megabytes", wire.sends_ten_megabytes, _TRANSPORT, "S1 E1", "body_too_large"),  # noqa: E501
    # positive
    _broken("rejects_flash", requests.rejects_flash, "positive_data_acceptance", "R13", _RESPONSES),
    _broken("rejects_concatenated_texts", requests.rejects_concatenated_texts, ("positive_data_acceptance", "seed_reproduction"), "R13 R10", _RESPONSES),  # noqa: E501
    _broken("rejects_language_with_transliteration", requests.rejects_language_with_transliteration, "seed_reproduction", "R10", _SEED),  # noqa: E501
    _broken("rejects_send_at_with_z", requests.rejects_send_at_with_z, "send_at_forms_accepted", "R11", (_POSITIVE, "-k", "R11")),  # noqa: E501
    _broken("rejects_long_validity", requests.rejects_long_validity, "validity_period_clamped", "R12", (_POSITIVE, "-k", "R12")),  # noqa: E501
    _broken("caps_destinations_at_100", requests.caps_destinations_at_100, "bulk_size_accepted", "R13", _BULK),  # noqa: E501
    # response
    _broken("drops_last_destination", responses.drops_last_destination, "destination_count_matches", "S2 S3", _SEED, also="client_message_id_echoed"),  # noqa: E501
    _broken("normalises_to_e164", responses.normalises_to_e164, "destination_count_matches", "S2 S3", _SEED, also="client_message_id_echoed"),  # noqa: E501
    _broken("reverses_entries", responses.reverses_entries, "destination_order_preserved", "S3", _SEED),  # noqa: E501
    _broken("ignores_client_message_id", responses.ignores_client_message_id, "client_message_id_echoed", "S4", _SEED),  # noqa: E501
    _broken("ignores_client_bulk_id", responses.ignores_client_bulk_id, "bulk_id_echoed", "S5", _SEED),  # noqa: E501
    _broken("reuses_generated_message_id", responses.reuses_generated_message_id, "generated_message_ids_unique", "S6", _SEED),  # noqa: E501
    _broken("omits_generated_bulk_id", responses.omits_generated_bulk_id, "bulk_id_present_for_bulk", "S7", _RESPONSES),  # noqa: E501
    _broken("status_without_description", responses.status_without_description, _SCHEMA, "S8", _SEED),  # noqa: E501
    _broken("group_id_as_string", responses.group_id_as_string, _SCHEMA, "S8", _SEED),
    _broken("pending_group_named_rejected", responses.pending_group_named_rejected, "status_in_provider_tables", "S9", _SEED),  # noqa: E501
    _broken("unknown_status_id", responses.unknown_status_id, "status_in_provider_tables", "S9", _SEED),  # noqa: E501
    _broken("rejects_every_destination", responses.rejects_every_destination, "status_group_accepting", "S10", _SEED),  # noqa: E501
    _broken("sms_count_zero", responses.sms_count_zero, _SCHEMA, "S11", _SEED, also="seed_sms_count sms_count_matches_segmentation"),  # noqa: E501
    _broken("tracking_process_key_number", responses.tracking_process_key_number, _SCHEMA, "S13", _SEED),  # noqa: E501
    # segmentation
    _broken("sms_count_ignores_ucs2", responses.sms_count_ignores_ucs2, _SMS_COUNT, "S12 C1", _SEGMENTATION),  # noqa: E501
    _broken("sms_count_160_per_part", responses.sms_count_160_per_part, _SMS_COUNT, "S12 C1", _SEGMENTATION),  # noqa: E501
    _broken("sms_count_ignores_language", responses.sms_count_ignores_language, _SMS_COUNT, "S12 C2 C3", _SEGMENTATION),  # noqa: E501
    _broken("sms_count_of_raw_text", responses.sms_count_of_raw_text, "seed_sms_count", "S12 C2 C4 C1", _SEED, also="sms_count_matches_segmentation"),  # noqa: E501
    # negative
    _broken("missing_messages_is_empty_bulk", requests.missing_messages_is_empty_bulk, _NEGATIVE, "R2", _negative("R2")),  # noqa: E501
    _broken("skips_messages_without_destinations", requests.skips_messages_without_destinations, _NEGATIVE, "R3", _negative("R3")),  # noqa: E501
    # `to_as_number` alone: every one of its examples sends the number (FINDINGS 6).
    _broken("accepts_numeric_to", requests.accepts_numeric_to, _NEGATIVE, "R4", _negative("to_as_number")),  # noqa: E501
    _broken("drops_fields_of_wrong_type", requests.drops_fields_of_wrong_type, _NEGATIVE, "R5", _negative("R5")),  # noqa: E501
    _broken("wraps_window_times_around", requests.wraps_window_times_around, _NEGATIVE, "R6", _negative("R6")),  # noqa: E501
    _broken("ignores_unknown_days", requests.ignores_unknown_days, _NEGATIVE, "R6", _negative("R6")),  # noqa: E501
    _broken("window_days_only", requests.window_days_only, _SEMANTIC, "R7", _negative("R7")),
    _broken("ignores_send_at", requests.ignores_send_at, _SEMANTIC, "R8", _negative("R8")),
    _broken("defaults_unknown_enum_values", requests.defaults_unknown_enum_values, _SEMANTIC, "R9", _negative("R9")),  # noqa: E501
    _broken("html_bad_request_page", protocol.html_bad_request_page, _ENVELOPE, "E1", _negative("R2"), also="content_type_conformance"),  # noqa: E501
    _broken("flat_error_envelope", protocol.flat_error_envelope, _ENVELOPE, "E1", _negative("R2")),
    _broken("invalid_argument_message_id", protocol.invalid_argument_message_id, "bad_request_message_id", "E3", _negative("R2")),  # noqa: E501
    # auth
    _broken_auth("accepts_missing_authorization", protocol.accepts_missing_authorization, "A1"),
    _broken_auth("accepts_any_credential", protocol.accepts_any_credential, "A3"),
    _broken("plain_text_unauthorized", protocol.plain_text_unauthorized, "unauthorized_envelope", "A1 A2 A3 E1", _AUTH, also="content_type_conformance"),  # noqa: E501
    _broken("unauthorized_as_bad_request", protocol.unauthorized_as_bad_request, "unauthorized_message_id", "A4", _AUTH),  # noqa: E501
    # With negative requests too: their 401 must blame A5 alone, not R1-R9 (FINDINGS 5).
    _broken("rejects_basic_scheme", protocol.rejects_basic_scheme, "accepted_auth_scheme", "A5", _AUTH_AND_NEGATIVE, scheme="Basic"),  # noqa: E501
    # http: the router sees the target as it arrived (h11), so the v1 client's lines get 404
    BrokenServer("rejects_absolute_form_request_line", _gateway(lambda _: protocol.rejects_absolute_form_request_line, http="h11"), protocol.rejects_absolute_form_request_line, ("absolute_form_request_line",), frozenset({"H1"}), select=(*_CLIENTS, "-k", "H1")),  # noqa: E501
    # delivery reports
    _broken_report("never_pushes", reports.never_pushes, "report_delivered_once", "D1"),
    _broken_report("pushes_to_another_path", reports.pushes_to_another_path, "report_delivered_once", "D1"),  # noqa: E501
    _broken_report("duplicates_final_after_200", reports.duplicates_final_after_200, "report_delivered_once", "D1"),  # noqa: E501
    _broken_report("push_as_text_plain", reports.push_as_text_plain, "report_push_shape", "D2"),
    _broken_report("wrong_message_id", reports.wrong_message_id, ("report_identity", "report_delivered_once"), "D3 D1"),  # noqa: E501
    _broken_report("wrong_bulk_id", reports.wrong_bulk_id, "report_identity", "D3"),
    _broken_report("wrong_to", reports.wrong_to, "report_identity", "D3"),
    _broken_report("drops_callback_data", reports.drops_callback_data, "report_callback_data", "D4"),  # noqa: E501
    _broken_report("clips_callback_data", reports.clips_callback_data, "report_callback_data", "D4"),  # noqa: E501
    _broken_report("stops_at_delivered_to_operator", reports.stops_at_delivered_to_operator, "report_final_status", "D5", also="report_delivered_once intermediate_reports_when_asked"),  # noqa: E501
    _broken_report("error_without_permanent", reports.error_without_permanent, "report_error_object", "D6"),  # noqa: E501
    _broken_report("dates_with_colon_offset", reports.dates_with_colon_offset, "report_dates", "D7"),  # noqa: E501
    _broken_report("done_before_sent", reports.done_before_sent, "report_dates", "D7"),
    _broken_report("report_sms_count_zero", reports.sms_count_zero, "report_sms_count_and_price", "D8"),  # noqa: E501
    _broken_report("xml_with_wrong_root", reports.xml_with_wrong_root, "report_xml_form", "D9"),
    _broken_report("intermediate_without_being_asked", reports.intermediate_without_being_asked, "intermediate_reports_when_asked", "D10"),  # noqa: E501
    _broken_report("no_retry_after_500", reports.no_retry_after_500, "report_retried_after_5xx", "D11"),  # noqa: E501
    BrokenServer("forwards_credential", _reporting(lambda a: reports.relaying(reports.forwards_credential(a))), reports.forwards_credential("x"), ("report_push_without_credentials",), frozenset({"D12"}), select=_REPORTS, reports=True),  # noqa: E501
    _broken_pull("pull_returns_reports_twice", reports.pull_returns_reports_twice, "pull_reports_once", "D13"),  # noqa: E501
    _broken_pull("logs_consumed_by_reading", reports.logs_consumed_by_reading, "logs_not_consumed", "D14"),  # noqa: E501
)
# fmt: on


# `minimal` and `decorated` rewrite send answers only (generated ids, smsCount); the reports come
# from the sandbox underneath with its own ids and counts, which no real server would do, so
# their runs leave the delivery-report tests out (the report variants below cover reports).
_SEND_ANSWER_ONLY = ("--ignore=conformance/test_delivery_reports.py",)

CORRECT_SERVERS: tuple[CorrectServer, ...] = (
    CorrectServer("sandbox", _sandbox_with(faithful), "the sandbox itself, unchanged"),
    CorrectServer(
        "minimal",
        _sandbox_with(variants.minimal),
        " ".join((variants.minimal.__doc__ or "").split()),
        select=_SEND_ANSWER_ONLY,
    ),
    CorrectServer(
        "strict", _sandbox_with(variants.strict), " ".join((variants.strict.__doc__ or "").split())
    ),
    CorrectServer(
        "decorated",
        _sandbox_with(variants.decorated),
        " ".join((variants.decorated.__doc__ or "").split()),
        select=_SEND_ANSWER_ONLY,
    ),
    CorrectServer(
        "rejects_null_optional_fields",
        _sandbox_with(variants.rejects_null_optional_fields),
        " ".join((variants.rejects_null_optional_fields.__doc__ or "").split()),
        select=_CLIENTS,
    ),
    CorrectServer(
        "basic_credential",
        _sandbox_with(faithful),
        "the sandbox configured with a Basic credential (A5)",
        scheme="Basic",
        select=(*_AUTH, _POSITIVE, "-k", "A1 or A2 or A3 or A5 or R10"),
    ),
    CorrectServer(
        "reports_one_per_push",
        _reporting(lambda _a: reports.relaying(reports.one_report_per_push)),
        " ".join((reports.one_report_per_push.__doc__ or "").split()),
        select=_REPORTS,
    ),
    CorrectServer(
        "reports_late_within_bound",
        _reporting(lambda _a: reports.relaying(reports.late_within_bound)),
        " ".join((reports.late_within_bound.__doc__ or "").split()),
        select=_REPORTS,
    ),
    CorrectServer(
        "reports_intermediate_when_asked",
        _reporting(lambda _a: reports.relaying(reports._as_is)),
        "the sandbox's own reports through the relay: intermediate ones only when asked (D10)",
        select=_REPORTS,
    ),
)


def broken_server(name: str) -> BrokenServer:
    return next(server for server in BROKEN_SERVERS if server.name == name)
