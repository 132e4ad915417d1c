"""The XML form of delivery reports (D9) and logs, converted to and from the JSON form.

With `notifyContentType: application/xml` the provider pushes `<reportResponse><results><result>…`
with child element names equal to the JSON keys and nested objects as nested elements
(provider-facts §11.1); `/sms/1/logs` answers `<smsLogsResponse>` the same way (§11.2). XML carries
no types, so reading it back takes each leaf's type from the schemas (`log.schema.json`, whose
properties are a report's plus `text`): the schemas stay the one description of the payload.

XML is parsed with `defusedxml`, which refuses DTDs, entity declarations and external references
outright (no billion-laughs expansion, no file or network access), whatever the expat version.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Final
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from ._schema_store import bundled_schema

__all__ = [
    "LOGS_XML_ROOT",
    "REPORTS_XML_ROOT",
    "XML_REPLACEMENT_CHARACTER",
    "ReportXmlError",
    "results_from_xml",
    "results_to_xml",
]

#: Root element of a report push and of `GET /sms/1/reports` in XML (provider-facts §11.1).
REPORTS_XML_ROOT: Final = "reportResponse"
#: Root element of `GET /sms/1/logs` in XML (provider-facts §11.2).
LOGS_XML_ROOT: Final = "smsLogsResponse"

# A leaf's JSON type, or the types of a nested object's properties.
_Types = dict[str, "str | _Types"]


class ReportXmlError(ValueError):
    """A body that is not the XML form of a results document; the message is one line."""


# What XML 1.0 cannot carry at all, escaped or not (its `Char` production): C0 controls other
# than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What stands in for such a character in the XML form (a JSON push carries it unchanged).
XML_REPLACEMENT_CHARACTER: Final = "\ufffd"


def _leaf_xml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # JSON's spelling, not Python's
    if value is None:
        return ""
    # A sender id or callbackData holding a control character would make the whole push
    # ill-formed, so no report in it could be read: the character becomes U+FFFD instead.
    return _NOT_XML_CHAR.sub(XML_REPLACEMENT_CHARACTER, str(value))


def _fill(parent: Element, document: dict[str, Any]) -> None:
    for key, value in document.items():
        child = SubElement(parent, key)
        if isinstance(value, dict):
            _fill(child, value)
        else:
            child.text = _leaf_xml(value)


def results_to_xml(body: dict[str, Any], *, root: str = REPORTS_XML_ROOT) -> bytes:
    """`{"results": [...]}` as `<root><results><result>…</result></results></root>` (UTF-8)."""
    top = Element(root)
    results = SubElement(top, "results")
    for entry in body.get("results", []):
        _fill(SubElement(results, "result"), entry)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + tostring(top, encoding="unicode").encode()


def _types_of(schema: dict[str, Any], defs: dict[str, Any]) -> _Types:
    types: _Types = {}
    for key, child in schema.get("properties", {}).items():
        while isinstance(child.get("$ref"), str) and child["$ref"].startswith("#/$defs/"):
            target = defs[child["$ref"].removeprefix("#/$defs/")]
            child = {**{k: v for k, v in child.items() if k != "$ref"}, **target}
        if "properties" in child:
            types[key] = _types_of(child, defs)
        elif isinstance(child.get("type"), str):
            types[key] = child["type"]
    return types


@cache
def _entry_types() -> _Types:
    schema = bundled_schema("log")
    return _types_of(schema, schema.get("$defs", {}))


def _typed(text: str, kind: str | _Types | None, where: str) -> Any:
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ReportXmlError(f"{where}: expected an integer, got {text!r}") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ReportXmlError(f"{where}: expected a number, got {text!r}") from None
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ReportXmlError(f"{where}: expected true or false, got {text!r}")
        return text == "true"
    return text


def _read(element: Element, types: _Types, where: str) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for child in element:
        name = child.tag
        path = f"{where}.{name}"
        kind = types.get(name)
        if len(child):
            document[name] = _read(child, kind if isinstance(kind, dict) else {}, path)
        else:
            document[name] = _typed(child.text or "", kind, path)
    return document


def results_from_xml(data: bytes | str) -> tuple[str, dict[str, Any]]:
    """The root element's name and the JSON form of an XML results document.

    Leaves are typed by the schemas (`smsCount` an integer, `permanent` a boolean …); elements
    the schemas do not name stay strings. `ReportXmlError` for anything else, including a DTD.
    """
    try:
        top = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise ReportXmlError(f"not well-formed or unsafe XML: {error}") from None
    results = top.find("results")
    if results is None or any(child.tag != "results" for child in top):
        raise ReportXmlError(f"<{top.tag}> must hold exactly one <results> element")
    entries = []
    for index, result in enumerate(results):
        if result.tag != "result":
            raise ReportXmlError(f"<results> may hold only <result>, found <{result.tag}>")
        entries.append(_read(result, _entry_types(), f"$.results[{index}]"))
    return top.tag, {"results": entries}
