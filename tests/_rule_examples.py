"""Example values of a rule that the tests of more than one part hold to the same expectation.

The oracle (`tests/schemas/`) and the sandbox (`tests/sandbox/`) must both accept R11's documented
`sendAt` forms; one table keeps the two from drifting apart.
"""

from __future__ import annotations

R11_DOCUMENTED_SEND_AT_FORMS = (
    "2021-08-25T16:00:00.000+0000",
    "2021-08-25T16:00:00.000+00:00",
    "2021-08-25T16:00:00.000Z",
    "2021-08-25T16:00:00Z",
)
"""`sendAt` in each form R11 names (`docs/rules.md`), all in the past, which R11 allows."""
