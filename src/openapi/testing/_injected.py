"""The responses an injected fault sends instead of the API's own answer."""

from __future__ import annotations

import json

from aiohttp import web

from ._faults import DEFAULT_429_RETRY_AFTER, FaultRule, format_retry_after

__all__ = ["drop", "faulted"]

_JSON = "application/json"
_MALFORMED_JSON = b'{"id": "op_malformed", "status": "runn'
_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
    "<body><h1>Service Unavailable</h1><p>Please try again later.</p></body></html>\n"
)


def drop(request: web.Request) -> web.Response:
    """Close the connection without answering; the client sees a disconnect."""
    transport = request.transport
    if transport is not None:
        # abort() discards any buffered output and closes at once, so nothing is sent.
        transport.abort()
    # aiohttp needs a return value; it cannot be written to the closed transport.
    return web.Response(status=204)


def faulted(rule: FaultRule, request_id: str) -> web.Response:
    """The response for a ``status``, ``malformed_json`` or ``wrong_content_type`` fault."""
    status = rule.effective_status
    payload, content_type = _body(rule, status, request_id)
    # 1xx, 204 and 304 cannot carry a body.
    body = None if status < 200 or status in (204, 304) else payload
    response = web.Response(status=status, body=body)
    if body is not None:
        response.headers["Content-Type"] = rule.content_type or content_type
    if rule.retry_after is not None:
        response.headers["Retry-After"] = format_retry_after(rule.retry_after)
    elif status == 429:  # openapi.yaml makes Retry-After required on a 429
        response.headers["Retry-After"] = format_retry_after(DEFAULT_429_RETRY_AFTER)
    for name, value in rule.headers:
        response.headers[name] = value
    return response


def _body(rule: FaultRule, status: int, request_id: str) -> tuple[bytes, str]:
    """The fault's body and its default content type."""
    if rule.kind == "malformed_json":
        return _body_bytes(rule.body, _MALFORMED_JSON), _JSON
    if rule.kind == "wrong_content_type":
        return _body_bytes(rule.body, _HTML_PAGE.encode()), "text/html"
    if rule.body is None:
        error = {
            "code": "injected_fault",
            "message": f"Injected fault: HTTP {status}.",
            "request_id": request_id,
        }
        return json.dumps(error).encode(), _JSON
    if isinstance(rule.body, str | bytes):
        return _body_bytes(rule.body, b""), "text/plain"
    return json.dumps(rule.body).encode(), _JSON


def _body_bytes(body: object, default: bytes) -> bytes:
    if body is None:
        return default
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()
