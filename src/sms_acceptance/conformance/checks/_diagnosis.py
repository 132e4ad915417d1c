"""A run-level diagnosis: when the answers say the target is not this API, say so first.

A wrong `--endpoint-path` gets a 404 for every request, a dead backend a 500, a web server an HTML
page, a canned mock the same 200 body whatever it is sent. Each such run fails a hundred checks, and
the hundred failures hide the one cause. So every exchange leaves its answer's shape here
(`answer_signature`), and `diagnose` turns the run's counts into lines such as
"all 177 answers were 404 text/plain: check --base-url and --endpoint-path", shown at the top of
the terminal summary, `summary.json` and the HTML report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from sms_acceptance.conformance.transport._exchange import BodyKind, Exchange, ReceivedResponse

__all__ = ["MIN_ANSWERS", "answer_signature", "diagnose"]

#: Fewer answers than this make no pattern (a run of one test is not a diagnosis).
MIN_ANSWERS = 5
#: The share of answers that must look alike before the run is called uniform.
UNIFORM_SHARE = 0.8
_SEPARATOR = "|"


def answer_signature(exchange: Exchange, purpose: str) -> str:
    """`purpose|404 text/plain`: what kind of request got what kind of answer."""
    outcome = exchange.outcome
    if not isinstance(outcome, ReceivedResponse):
        return f"{purpose}{_SEPARATOR}no answer ({outcome.category.value})"
    media = outcome.media_type or "(no Content-Type)"
    shape = f"{outcome.status} {media}"
    if outcome.body_kind is BodyKind.HTML and "html" not in media:
        shape += " (an HTML page)"
    return f"{purpose}{_SEPARATOR}{shape}"


def _status(shape: str) -> int | None:
    word = shape.split(" ", 1)[0]
    return int(word) if word.isdigit() else None


def _cause(status: int) -> str | None:
    """The likely cause when nearly every answer has `status`."""
    if status in (404, 405, 410):
        return "check --base-url and --endpoint-path"
    if 300 <= status < 400:
        return (
            "the target redirects instead of answering: check the scheme (http or https) and "
            "host of --base-url, and --endpoint-path"
        )
    if status >= 500:
        return "the server fails nearly every request: look at its logs (is its backend up?)"
    if status in (401, 403):
        return (
            "the configured credential is refused: check --authorization "
            "($SMS_ACCEPTANCE_AUTHORIZATION) and its scheme word"
        )
    if status == 400:
        return (
            "valid requests are refused too: check --endpoint-path and that the target "
            "implements this API"
        )
    if status == 200:
        return None
    return "the target answers nearly every request alike: check that it is this SMS API"


def _quantity(count: int, total: int) -> str:
    return f"all {total} answers were" if count == total else f"{count} of {total} answers were"


def diagnose(answers: Mapping[str, int], bodies: Mapping[str, int]) -> list[str]:
    """Lines naming the likely cause when the answers are uniform or not this API's; else none.

    `answers` counts `answer_signature`s; `bodies` counts `"STATUS DIGEST"` of each answer's
    exact body.
    """
    shapes: Counter[str] = Counter()
    valid: Counter[str] = Counter()
    for signature, count in answers.items():
        purpose, _, shape = signature.partition(_SEPARATOR)
        shapes[shape] += count
        if purpose == "valid":
            valid[shape] += count
    total = sum(shapes.values())
    if total < MIN_ANSWERS:
        return []
    lines: list[str] = []
    shape, count = shapes.most_common(1)[0]
    status = _status(shape)
    # 401 and 400 are what bad credentials and broken requests should get: judged on the answers
    # to valid requests with the configured credential alone.
    if count >= UNIFORM_SHARE * total and status is not None and status not in (200, 400, 401, 403):
        lines.append(f"{_quantity(count, total)} {shape}: {_cause(status)}")
    elif valid:
        valid_total = sum(valid.values())
        shape, count = valid.most_common(1)[0]
        status = _status(shape)
        if (
            valid_total >= MIN_ANSWERS
            and count >= UNIFORM_SHARE * valid_total
            and status in (400, 401, 403)
        ):
            lines.append(
                f"{count} of {valid_total} valid requests were answered {shape}: {_cause(status)}"
            )
    html = sum(c for s, c in shapes.items() if "html" in s.lower())
    if html * 2 >= total and not lines:
        lines.append(
            f"{html} of {total} answers were HTML pages: the target does not speak this API "
            "(a web server, proxy or login page?): check --base-url and --endpoint-path"
        )
    redirects = sum(c for s, c in shapes.items() if (_status(s) or 0) // 100 == 3)
    if redirects * 2 >= total and not lines:
        lines.append(f"{redirects} of {total} answers were redirects: {_cause(302)}")
    if bodies:
        body, same = Counter(bodies).most_common(1)[0]
        if same >= UNIFORM_SHARE * total and body.startswith("200 "):
            lines.append(
                f"{_quantity(same, total)} the same 200 body, whatever was sent (valid requests, "
                "broken ones, no credential): the target answers like a canned mock, not an "
                "implementation of this API"
            )
    return lines
