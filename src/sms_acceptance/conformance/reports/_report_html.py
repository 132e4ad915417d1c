"""`report.html`: the summary rendered for a vendor's engineer, self-contained (no network).

Rendered from `summary.json` with jinja2 (autoescaping on: response bodies are whatever the server
sent, HTML included). The verdict comes first, then the checks by family with rule ids and levels,
then each failure with its request, response, message and `curl`, then the declared deviations.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from sms_acceptance._redaction import Redactor
from sms_acceptance.conformance.checks._catalogue import FAMILIES

__all__ = ["render_html_report", "write_html_report"]


_TEMPLATE_NAME = "report.html.j2"
_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def render_html_report(summary: Mapping[str, Any]) -> str:
    """The page for `summary` (the template ships beside this module)."""
    template = (files(__package__) / _TEMPLATE_NAME).read_text(encoding="utf-8")
    return _ENVIRONMENT.from_string(template).render(s=summary, families=FAMILIES)


def write_html_report(summary: Mapping[str, Any], path: Path, redactor: Redactor) -> None:
    path.write_text(redactor.scrub(render_html_report(summary)), encoding="utf-8")
