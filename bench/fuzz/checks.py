"""The platform's own checks for the API fuzz run (`npm run fuzz`; loaded through SCHEMATHESIS_HOOKS).

Besides what the OpenAPI document promises, every answer must keep the platform's error and header contract, and
input shapes that once crashed services (issue 12) must stay 4xx problems: an undecodable query (`?x=%FF`), unpaired
surrogates in JSON text, and framework errors that echoed the URL.
"""

import json

import requests
import schemathesis

PROBLEM = "application/problem+json"
TIMEOUT = 10


def _header(response, name):
    values = response.headers.get(name.lower()) or []
    return values[0] if values else ""


def _assert_problem(status, content_type, body, what):
    assert status < 500, f"{what}: {status} (a server error)"
    assert PROBLEM in content_type, f"{what}: {status} answered as {content_type or 'no content type'}, not {PROBLEM}"
    try:
        problem = json.loads(body)
    except ValueError as error:
        raise AssertionError(f"{what}: the problem body is not JSON") from error
    assert problem.get("status") == status, f"{what}: problem status {problem.get('status')} for HTTP {status}"
    assert problem.get("type") and problem.get("title"), f"{what}: problem without type or title"


@schemathesis.check
def errors_are_problems(ctx, response, case):
    """Every 4xx/5xx is RFC 9457 problem+json whose status matches the HTTP status."""
    if response.status_code >= 400:
        _assert_problem(response.status_code, _header(response, "content-type"), response.content, "error answer")


@schemathesis.check
def errors_do_not_echo_the_query(ctx, response, case):
    """An error answer never reflects the raw query string (framework errors used to quote the whole URL)."""
    if response.status_code < 400:
        return
    url = response.request.url or ""
    query = url.split("?", 1)[1] if "?" in url else ""
    if len(query) >= 12:
        assert query.encode() not in response.content, "the error answer echoes the request's query string"


@schemathesis.check
def defensive_headers(ctx, response, case):
    """nosniff and no framing on every answer; no caching of error answers."""
    assert _header(response, "x-content-type-options") == "nosniff", "missing X-Content-Type-Options: nosniff"
    framing = _header(response, "x-frame-options") or _header(response, "content-security-policy")
    assert framing, "missing X-Frame-Options / CSP frame-ancestors"
    if response.status_code in (401, 403, 404, 413, 429):
        assert "no-store" in _header(response, "cache-control"), f"{response.status_code} answer may be cached"


def _with_lone_surrogates(body):
    """The JSON object with every top-level string replaced by one holding an unpaired surrogate."""
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        return None
    if not isinstance(value, dict) or not any(isinstance(item, str) for item in value.values()):
        return None
    odd = {key: ("odd \ud800 text" if isinstance(item, str) else item) for key, item in value.items()}
    # ensure_ascii writes the surrogate as the escape `\ud800`, exactly what a client's JSON would carry.
    return json.dumps(odd, ensure_ascii=True)


@schemathesis.check
class odd_input_is_refused:
    """Once per operation, replays its request with an undecodable query and with lone surrogates in the JSON text:
    both must be refused with a 4xx problem, never a 5xx and never taken."""

    def __init__(self):
        self.probed = set()

    def after_response(self, ctx, response, case):
        sent = response.request
        label = case.operation.label
        if label in self.probed or sent is None or not sent.url:
            return
        self.probed.add(label)
        headers = {name: value for name, value in sent.headers.items() if name.lower() != "content-length"}
        separator = "&" if "?" in sent.url else "?"
        answer = requests.request(
            sent.method, f"{sent.url}{separator}odd=%FF", headers=headers, data=sent.body, timeout=TIMEOUT
        )
        _assert_problem(answer.status_code, answer.headers.get("content-type", ""), answer.content, "?odd=%FF")
        # 400 wherever the request is routed; a method the gateway does not route (TRACE) may stay its 404.
        assert 400 <= answer.status_code < 500, f"?odd=%FF: {answer.status_code}, expected a 4xx"
        assert b"%FF" not in answer.content, "?odd=%FF: the answer echoes the URL"

        body = sent.body.decode() if isinstance(sent.body, bytes) else sent.body
        content_type = next((value for name, value in headers.items() if name.lower() == "content-type"), "")
        odd = _with_lone_surrogates(body) if "json" in content_type else None
        if odd is None or response.status_code >= 400:
            return
        answer = requests.request(sent.method, sent.url, headers=headers, data=odd.encode(), timeout=TIMEOUT)
        _assert_problem(answer.status_code, answer.headers.get("content-type", ""), answer.content, "lone surrogate")
        assert 400 <= answer.status_code < 500, f"lone surrogate in the body taken with {answer.status_code}"
