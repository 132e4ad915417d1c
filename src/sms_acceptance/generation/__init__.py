"""Request generation: what the suite sends, what Locust sends and what the benchmarks draw.

Library work both the conformance suite and the load tests use, so it lives below both (neither
imports the other). A pipeline in stages, each its own module:

- `_schema_strategy`: a JSON Schema compiled once into a Hypothesis strategy (`compile_schema`).
- `_texts`: SMS texts chosen for segmentation, by alphabet family and around part boundaries.
- `_valid_requests`: clean requests (the oracle finds no violation and no OPEN case), drawn from
  the bundled request schema with texts, numbers, `sendAt` and delivery windows overlaid.
- `_mutations`: named mutations that break exactly one request rule (R1-R9).
- `_fixed_requests`: the fixed valid requests every run sends (each optional field, each
  concatenated alphabet family), derived from the schema and the seed.
- `_seed_request`: the seed document's own request example and its smsCounts.
- `_encoding`: the bytes a request is sent as (`encode_json`).

Nothing here imports pytest, the suite or the load tests.
"""

from __future__ import annotations

from sms_acceptance._lazy import lazy_exports

TYPE_CHECKING = False  # not typing's: importing typing costs more than this whole module
if TYPE_CHECKING:
    from sms_acceptance.generation._clock import generation_now, pin_generation_clock
    from sms_acceptance.generation._encoding import encode_json
    from sms_acceptance.generation._fixed_requests import (
        RequestCase,
        concatenated_text_requests,
        longest_text_requests,
        longest_value_requests,
        optional_field_requests,
    )
    from sms_acceptance.generation._mutations import MUTATIONS, Mutation
    from sms_acceptance.generation._schema_strategy import UnsupportedSchemaError, compile_schema
    from sms_acceptance.generation._seed_request import SEED_SMS_COUNTS, seed_request
    from sms_acceptance.generation._texts import (
        BOUNDARY_LENGTHS,
        TEXT_FAMILIES,
        SmsText,
        boundary_texts,
        sms_texts,
    )
    from sms_acceptance.generation._valid_requests import (
        delivery_windows,
        drop_open_properties,
        phone_numbers,
        send_at_values,
        single_message,
        valid_requests,
    )

# Where each public name lives (imported from there on first use: the seed request alone does
# not load Hypothesis).
_EXPORTS: dict[str, str] = {
    "encode_json": "_encoding",
    "generation_now": "_clock",
    "pin_generation_clock": "_clock",
    "BOUNDARY_LENGTHS": "_texts",
    "MUTATIONS": "_mutations",
    "Mutation": "_mutations",
    "RequestCase": "_fixed_requests",
    "SEED_SMS_COUNTS": "_seed_request",
    "SmsText": "_texts",
    "TEXT_FAMILIES": "_texts",
    "UnsupportedSchemaError": "_schema_strategy",
    "boundary_texts": "_texts",
    "compile_schema": "_schema_strategy",
    "concatenated_text_requests": "_fixed_requests",
    "longest_text_requests": "_fixed_requests",
    "longest_value_requests": "_fixed_requests",
    "delivery_windows": "_valid_requests",
    "drop_open_properties": "_valid_requests",
    "optional_field_requests": "_fixed_requests",
    "phone_numbers": "_valid_requests",
    "seed_request": "_seed_request",
    "send_at_values": "_valid_requests",
    "single_message": "_valid_requests",
    "sms_texts": "_texts",
    "valid_requests": "_valid_requests",
}

__all__ = [
    "BOUNDARY_LENGTHS",
    "MUTATIONS",
    "SEED_SMS_COUNTS",
    "TEXT_FAMILIES",
    "Mutation",
    "RequestCase",
    "SmsText",
    "UnsupportedSchemaError",
    "boundary_texts",
    "compile_schema",
    "concatenated_text_requests",
    "delivery_windows",
    "drop_open_properties",
    "encode_json",
    "generation_now",
    "longest_text_requests",
    "longest_value_requests",
    "optional_field_requests",
    "phone_numbers",
    "pin_generation_clock",
    "seed_request",
    "send_at_values",
    "single_message",
    "sms_texts",
    "valid_requests",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
