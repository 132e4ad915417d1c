"""sms-acceptance: conformance and load testing for Infobip-compatible SMS send APIs.

The public face is this module's ``__all__`` (and the subpackages' own: ``generation``,
``sandbox``, ``conformance``, ``load``); every implementation module is private (``_name.py``).
Names are loaded on first use, so ``import sms_acceptance`` stays cheap: a caller that only wants
the oracle does not pay for the sandbox's web stack or Hypothesis.

Rule ids (R, H, A, S, E, C, K, D) are those of ``docs/rules.md``; ``provider-facts`` (cited as
``provider-facts §N``) is ``docs/provider-facts.md``.
"""

from __future__ import annotations

from ._lazy import lazy_exports

TYPE_CHECKING = False  # not typing's: importing typing costs more than this whole module

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._destinations import destination_count, destination_numbers, each_destination
    from ._envelope import (
        STANDARD_ERRORS,
        ErrorEnvelope,
        error_envelope,
        parse_error_envelope,
    )
    from ._gsm_tables import GSM7_BASIC_CHARACTERS, GSM7_EXTENSION_CHARACTERS
    from ._live_guard import (
        LiveTrafficGuard,
        LiveTrafficRefused,
        check_outbound_url,
        is_loopback_url,
        url_origin,
    )
    from ._network import (
        NetworkConfigError,
        NetworkSettings,
        TlsSettings,
        curl_network_words,
    )
    from ._provider_time import ProviderTimeError, format_provider_time, parse_provider_time
    from ._redaction import (
        MASK,
        Redactor,
        redact_authorization,
    )
    from ._report_status import is_final_status
    from ._report_xml import ReportXmlError, results_from_xml, results_to_xml
    from ._reproduction import AUTHORIZATION_ENV, curl_command
    from ._request_rules import (
        RULE_LEVELS,
        RequestVerdict,
        RuleViolation,
        judge_request,
    )
    from ._schema_store import (
        SCHEMA_NAMES,
        SCHEMA_VERSION,
        SchemaName,
        SchemaStoreError,
        bundled_schema,
        load_schema,
        schema_dir,
        schema_registry,
        schema_uri,
    )
    from ._segmentation import (
        SegmentCount,
        segment_count,
        transliterate_turkish,
    )
    from ._status_table import (
        KNOWN_STATUSES,
        PENDING_GROUP_ID,
        REJECTED_GROUP_ID,
        STATUS_GROUPS,
        STATUS_ROWS,
        KnownStatus,
        group_name_matches,
        is_known_status,
    )
    from ._validation import (
        FastValidator,
        SchemaViolation,
        fast_validator,
        json_path,
        path_order,
        schema_violations,
    )
    from .generation import (
        MUTATIONS,
        Mutation,
        SmsText,
        compile_schema,
        encode_json,
        seed_request,
        sms_texts,
        valid_requests,
    )
    from .sandbox import (
        FaultConfig,
        LoopbackServer,
        RunningSandbox,
        SandboxConfig,
        SandboxProcess,
        create_app,
        running_sandbox,
        serve_on_loopback,
    )


# Where each public name lives (imported from there on first use).
_EXPORTS: dict[str, str] = {
    "AUTHORIZATION_ENV": "_reproduction",
    "curl_command": "_reproduction",
    "RULE_LEVELS": "_request_rules",
    "RequestVerdict": "_request_rules",
    "RuleViolation": "_request_rules",
    "judge_request": "_request_rules",
    "SCHEMA_NAMES": "_schema_store",
    "SCHEMA_VERSION": "_schema_store",
    "SchemaName": "_schema_store",
    "SchemaStoreError": "_schema_store",
    "bundled_schema": "_schema_store",
    "load_schema": "_schema_store",
    "schema_dir": "_schema_store",
    "schema_registry": "_schema_store",
    "schema_uri": "_schema_store",
    "FastValidator": "_validation",
    "SchemaViolation": "_validation",
    "fast_validator": "_validation",
    "json_path": "_validation",
    "path_order": "_validation",
    "schema_violations": "_validation",
    "SegmentCount": "_segmentation",
    "segment_count": "_segmentation",
    "transliterate_turkish": "_segmentation",
    "KNOWN_STATUSES": "_status_table",
    "PENDING_GROUP_ID": "_status_table",
    "REJECTED_GROUP_ID": "_status_table",
    "STATUS_GROUPS": "_status_table",
    "STATUS_ROWS": "_status_table",
    "KnownStatus": "_status_table",
    "group_name_matches": "_status_table",
    "is_known_status": "_status_table",
    "destination_count": "_destinations",
    "destination_numbers": "_destinations",
    "each_destination": "_destinations",
    "STANDARD_ERRORS": "_envelope",
    "ErrorEnvelope": "_envelope",
    "error_envelope": "_envelope",
    "parse_error_envelope": "_envelope",
    "MASK": "_redaction",
    "Redactor": "_redaction",
    "redact_authorization": "_redaction",
    "GSM7_BASIC_CHARACTERS": "_gsm_tables",
    "GSM7_EXTENSION_CHARACTERS": "_gsm_tables",
    "ProviderTimeError": "_provider_time",
    "format_provider_time": "_provider_time",
    "parse_provider_time": "_provider_time",
    "is_final_status": "_report_status",
    "ReportXmlError": "_report_xml",
    "results_from_xml": "_report_xml",
    "results_to_xml": "_report_xml",
    "LiveTrafficGuard": "_live_guard",
    "LiveTrafficRefused": "_live_guard",
    "is_loopback_url": "_live_guard",
    "check_outbound_url": "_live_guard",
    "url_origin": "_live_guard",
    "NetworkConfigError": "_network",
    "NetworkSettings": "_network",
    "TlsSettings": "_network",
    "curl_network_words": "_network",
    "MUTATIONS": "generation",
    "Mutation": "generation",
    "SmsText": "generation",
    "compile_schema": "generation",
    "encode_json": "generation",
    "seed_request": "generation",
    "sms_texts": "generation",
    "valid_requests": "generation",
    "FaultConfig": "sandbox",
    "RunningSandbox": "sandbox",
    "SandboxConfig": "sandbox",
    "SandboxProcess": "sandbox",
    "create_app": "sandbox",
    "running_sandbox": "sandbox",
    "serve_on_loopback": "sandbox",
    "LoopbackServer": "sandbox",
}

__all__ = [
    "AUTHORIZATION_ENV",
    "GSM7_BASIC_CHARACTERS",
    "GSM7_EXTENSION_CHARACTERS",
    "KNOWN_STATUSES",
    "MASK",
    "MUTATIONS",
    "PENDING_GROUP_ID",
    "REJECTED_GROUP_ID",
    "RULE_LEVELS",
    "SCHEMA_NAMES",
    "SCHEMA_VERSION",
    "STANDARD_ERRORS",
    "STATUS_GROUPS",
    "STATUS_ROWS",
    "ErrorEnvelope",
    "FastValidator",
    "FaultConfig",
    "KnownStatus",
    "LiveTrafficGuard",
    "LiveTrafficRefused",
    "LoopbackServer",
    "Mutation",
    "NetworkConfigError",
    "NetworkSettings",
    "ProviderTimeError",
    "Redactor",
    "ReportXmlError",
    "RequestVerdict",
    "RuleViolation",
    "RunningSandbox",
    "SandboxConfig",
    "SandboxProcess",
    "SchemaName",
    "SchemaStoreError",
    "SchemaViolation",
    "SegmentCount",
    "SmsText",
    "TlsSettings",
    "__version__",
    "bundled_schema",
    "check_outbound_url",
    "compile_schema",
    "create_app",
    "curl_command",
    "curl_network_words",
    "destination_count",
    "destination_numbers",
    "each_destination",
    "encode_json",
    "error_envelope",
    "fast_validator",
    "format_provider_time",
    "group_name_matches",
    "is_final_status",
    "is_known_status",
    "is_loopback_url",
    "json_path",
    "judge_request",
    "load_schema",
    "parse_error_envelope",
    "parse_provider_time",
    "path_order",
    "redact_authorization",
    "results_from_xml",
    "results_to_xml",
    "running_sandbox",
    "schema_dir",
    "schema_registry",
    "schema_uri",
    "schema_violations",
    "seed_request",
    "segment_count",
    "serve_on_loopback",
    "sms_texts",
    "transliterate_turkish",
    "url_origin",
    "valid_requests",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
