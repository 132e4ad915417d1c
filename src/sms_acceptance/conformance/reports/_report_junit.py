"""`junit.xml`: one test case per check, rendered from the summary, for CI dashboards.

Written from `summary.json` rather than from pytest's own junitxml, so the file lists checks (what a
vendor is judged on) rather than test functions, and the credential is provably absent (the text
goes through the run's redactor).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sms_acceptance._redaction import Redactor

__all__ = ["write_junit_report"]


def _failure_text(failure: Mapping[str, Any]) -> str:
    lines = [f"{failure['rule_id']} ({failure['level']}): {failure['message']}"]
    if failure.get("mutation"):
        lines.append(f"mutation: {failure['mutation']}")
    if failure.get("test"):
        lines.append(f"test: {failure['test']}")
    if failure.get("curl"):
        lines.append(f"reproduce: {failure['curl']}")
    return "\n".join(lines)


def write_junit_report(summary: Mapping[str, Any], path: Path, redactor: Redactor) -> None:
    checks = summary["checks"]
    counts = summary["counts"]
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="sms-acceptance conformance",
        tests=str(len(checks)),
        failures=str(counts["FAIL"]),
        errors="0",
        skipped=str(counts["SKIP"] + counts.get("BLOCKED", 0)),
        time=str(summary.get("duration_seconds", 0)),
        timestamp=str(summary.get("started_at", "")),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("target", summary["target"]["url"]),
        ("level", summary["level"]),
        ("hypothesis_seed", summary["hypothesis"]["seed"]),
        ("verdict", summary["verdict"]),
        *(("diagnosis", line) for line in summary.get("diagnosis", [])),
    ):
        ET.SubElement(properties, "property", name=name, value=str(value))
    for check in checks:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"conformance.{check['family']}",
            name=f"{check['name']} [{', '.join(check['rule_ids'])}] {check['level']}",
            time="0",
        )
        if check["verdict"] == "FAIL":
            for failure in check["failures"]:
                element = ET.SubElement(
                    case, "failure", message=failure["message"][:300], type=check["name"]
                )
                element.text = _failure_text(failure)
        elif check["verdict"] == "BLOCKED":
            ET.SubElement(case, "skipped", message=f"BLOCKED: {check['blocked_reason']}")
        elif check["verdict"] == "SKIP":
            ET.SubElement(case, "skipped", message=check["skip_reason"] or "not run")
        elif check["verdict"] == "DECLARED":
            out = ET.SubElement(case, "system-out")
            out.text = f"DECLARED deviation: {check['declared']}"
    ET.indent(suites)
    text = ET.tostring(suites, encoding="unicode", xml_declaration=False)
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n' + redactor.scrub(text) + "\n", encoding="utf-8"
    )
