"""The aiohttp application: the API routes of ``openapi.yaml`` plus ``/_mock`` admin routes.

Every request goes through one middleware that routes on ``request.raw_path`` itself
(aiohttp's router is not used), so an operation id is always exactly one percent-encoded
path segment, decoded once, whatever a given aiohttp version does with ``%2F`` or an
encoded newline when matching routes.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import cast

import attrs
from aiohttp import web

from ._faults import DEFAULT_429_RETRY_AFTER, FaultRule, FaultSet, format_retry_after
from ._log import RequestLog, RequestLogEntry, redact_headers
from ._paths import MAX_OPERATION_ID_LENGTH, decode_segment, display_path, split_target
from ._state import MockError, MockOperation, OperationStore, Outcome

__all__ = ["REQUEST_ID_HEADER", "MockBackend", "build_app", "new_request_id"]

_logger = logging.getLogger("openapi.testing")

REQUEST_ID_HEADER = "X-Request-Id"

_JSON = "application/json"
_MALFORMED_JSON = b'{"id": "op_malformed", "status": "runn'
_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"
    "<body><h1>Service Unavailable</h1><p>Please try again later.</p></body></html>\n"
)

# API routes, matched against the raw path: (pattern, method, endpoint name).
_API_ROUTES = (
    (re.compile(r"/operations/(?P<id>[^/]*)"), "GET", "get"),
    (re.compile(r"/operations/(?P<id>[^/]*)/cancel"), "POST", "cancel"),
)


def new_request_id() -> str:
    """A fresh, unique request id such as ``req_3f2a...``."""
    return f"req_{uuid.uuid4().hex}"


@attrs.define(kw_only=True)
class MockBackend:
    """Everything the handlers share: state, faults, request log and settings."""

    store: OperationStore
    faults: FaultSet
    log: RequestLog
    api_key: str | None
    poll_hint: int | None
    cancel_delay: float
    default_duration: float | None
    seed: int | None


def api_error(
    status: int, code: str, message: str, request_id: str, details: object = None
) -> web.Response:
    """An ``ApiError`` JSON response."""
    body: dict[str, object] = {"code": code, "message": message, "request_id": request_id}
    if details is not None:
        body["details"] = details
    return web.json_response(body, status=status)


class _AdminError(Exception):
    """An admin request that cannot be served; becomes an ``ApiError`` response."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


_AdminHandler = Callable[[web.Request, str | None, str], Awaitable[web.Response]]


class _Handlers:
    """Request handlers bound to one backend."""

    def __init__(self, backend: MockBackend) -> None:
        self._backend = backend
        op = r"/_mock/operations/(?P<id>[^/]*)"
        self._admin_routes: tuple[tuple[re.Pattern[str], dict[str, _AdminHandler]], ...] = (
            (re.compile(r"/_mock/operations"), {"GET": self._list_ops, "POST": self._create}),
            (re.compile(op), {"GET": self._get_op}),
            (re.compile(op + "/complete"), {"POST": self._complete}),
            (re.compile(op + "/fail"), {"POST": self._fail}),
            (re.compile(op + "/status"), {"POST": self._set_status}),
            (
                re.compile(r"/_mock/faults"),
                {"GET": self._list_faults, "POST": self._add_fault, "DELETE": self._clear_faults},
            ),
            (re.compile(r"/_mock/requests"), {"GET": self._requests, "DELETE": self._clear_log}),
            (re.compile(r"/_mock/reset"), {"POST": self._reset}),
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Entry point for every request: route, answer, stamp ``X-Request-Id``."""
        request_id = new_request_id()
        try:
            response = await self._dispatch(request, request_id)
        except Exception:
            # A bug in the mock must still give the client a well-formed 500, not a hang.
            _logger.exception("mock server error on %s %s", request.method, request.raw_path)
            response = api_error(500, "internal_error", "Mock server error.", request_id)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    async def _dispatch(self, request: web.Request, request_id: str) -> web.StreamResponse:
        raw_path = split_target(request.raw_path)
        if raw_path == "/_mock" or raw_path.startswith("/_mock/"):
            return await self._admin(request, raw_path, request_id)
        return await self._api(request, raw_path, request_id)

    # -- API routes ---------------------------------------------------------------------

    async def _api(
        self, request: web.Request, raw_path: str, request_id: str
    ) -> web.StreamResponse:
        backend = self._backend
        method = request.method.upper()
        route = _match_api(raw_path)
        operation_id = None if route is None else decode_segment(route[0])
        decoded_path = display_path(raw_path)
        # The fault is chosen first so the entry, logged on arrival, already names it.
        fault = backend.faults.pick(method, raw_path, decoded_path, operation_id)
        backend.log.append(
            RequestLogEntry(
                request_id=request_id,
                method=method,
                raw_path=request.raw_path,
                path=decoded_path,
                query=request.raw_path[len(raw_path) + 1 :],
                operation_id=operation_id,
                attempt=backend.log.next_attempt(method, raw_path),
                headers=redact_headers(request.headers.items()),
                fault=fault,
            )
        )
        status: int | None = None
        try:
            if fault is not None:
                if fault.delay > 0:
                    await asyncio.sleep(fault.delay)
                if fault.kind == "drop":
                    return _drop(request)
                if fault.kind != "delay":
                    response = _faulted(fault, request_id)
                    status = response.status
                    return response
            response = await self._endpoint(request, method, route, operation_id, request_id)
            status = response.status
            return response
        finally:
            backend.log.finish(request_id, status)

    async def _endpoint(
        self,
        request: web.Request,
        method: str,
        route: tuple[str, str, str] | None,
        operation_id: str | None,
        request_id: str,
    ) -> web.Response:
        backend = self._backend
        if route is None:
            path = display_path(split_target(request.raw_path))
            return api_error(404, "not_found", f"No route for {method} {path}.", request_id)
        _, allowed, endpoint = route
        if method != allowed:
            response = api_error(
                405, "method_not_allowed", f"Use {allowed} on this path.", request_id
            )
            response.headers["Allow"] = allowed
            return response
        if not self._authorized(request):
            response = api_error(
                401, "unauthorized", "Missing or invalid bearer token.", request_id
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="operations"'
            return response
        if operation_id is None or not 1 <= len(operation_id) <= MAX_OPERATION_ID_LENGTH:
            return api_error(
                400,
                "invalid_operation_id",
                f"operation_id must be 1 to {MAX_OPERATION_ID_LENGTH} characters of UTF-8.",
                request_id,
            )
        if endpoint == "get":
            operation = backend.store.poll(operation_id)
        else:
            operation = backend.store.cancel(operation_id, backend.cancel_delay)
        if operation is None:
            return api_error(
                404, "not_found", f"No operation with id {operation_id!r}.", request_id
            )
        response = web.json_response(operation.to_json())
        if endpoint == "get" and not operation.done and backend.poll_hint is not None:
            response.headers["Retry-After"] = str(backend.poll_hint)
        return response

    def _authorized(self, request: web.Request) -> bool:
        expected = self._backend.api_key
        if expected is None:
            return True
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        # Bytes, because compare_digest refuses non-ASCII str; constant time out of habit.
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), expected.encode()
        )

    # -- admin routes -------------------------------------------------------------------

    async def _admin(self, request: web.Request, raw_path: str, request_id: str) -> web.Response:
        for pattern, methods in self._admin_routes:
            match = pattern.fullmatch(raw_path)
            if match is None:
                continue
            handler = methods.get(request.method.upper())
            if handler is None:
                allowed = ", ".join(methods)
                response = api_error(
                    405, "method_not_allowed", f"Use {allowed} on this path.", request_id
                )
                response.headers["Allow"] = allowed
                return response
            raw_id = match.groupdict().get("id")
            operation_id = None if raw_id is None else decode_segment(raw_id)
            if raw_id is not None and not operation_id:
                return api_error(400, "invalid_operation_id", "Bad operation id.", request_id)
            try:
                return await handler(request, operation_id, request_id)
            except _AdminError as exc:
                return api_error(exc.status, exc.code, exc.message, request_id)
        path = display_path(raw_path)
        return api_error(404, "not_found", f"No admin route {path}.", request_id)

    async def _list_ops(self, request: web.Request, _: str | None, __: str) -> web.Response:
        return web.json_response([op.to_json() for op in self._backend.store.all()])

    async def _create(self, request: web.Request, _: str | None, __: str) -> web.Response:
        body = await _json_object(request)
        _only(
            body,
            "id",
            "outcome",
            "duration",
            "result",
            "error",
            "metadata",
            "status",
            "progress",
            "polls",
        )
        outcome: Outcome
        match _get_str(body, "outcome"):
            case None | "succeeded":
                outcome = "succeeded"
            case "failed":
                outcome = "failed"
            case _:
                raise _AdminError(400, "invalid_request", "outcome must be succeeded or failed")
        duration = (
            _get_number(body, "duration") if "duration" in body else self._backend.default_duration
        )
        metadata = _get_dict(body, "metadata")
        try:
            operation = self._backend.store.create(
                _get_str(body, "id"),
                outcome=outcome,
                duration=duration,
                result=body.get("result"),
                error=_error(body.get("error")),
                metadata=metadata,
                status=_get_str(body, "status"),
                progress=_get_number(body, "progress"),
                polls=_get_polls(body),
            )
        except ValueError as exc:
            status = 409 if "already exists" in str(exc) else 400
            raise _AdminError(status, "invalid_request", str(exc)) from None
        return web.json_response(operation.to_json(), status=201)

    def _drive(self, action: Callable[[], MockOperation]) -> web.Response:
        try:
            return web.json_response(action().to_json())
        except KeyError as exc:
            raise _AdminError(404, "not_found", str(exc.args[0])) from None
        except ValueError as exc:
            raise _AdminError(400, "invalid_request", str(exc)) from None

    async def _get_op(self, request: web.Request, op_id: str | None, __: str) -> web.Response:
        operation = self._backend.store.get(cast(str, op_id))
        if operation is None:
            raise _AdminError(404, "not_found", f"no operation with id {op_id!r}")
        return web.json_response(operation.to_json())

    async def _complete(self, request: web.Request, op_id: str | None, __: str) -> web.Response:
        body = await _json_object(request)
        _only(body, "result")
        store = self._backend.store
        return self._drive(lambda: store.complete(cast(str, op_id), body.get("result")))

    async def _fail(self, request: web.Request, op_id: str | None, __: str) -> web.Response:
        body = await _json_object(request)
        _only(body, "code", "message", "details")
        error = MockError(
            _get_str(body, "code") or "operation_failed",
            _get_str(body, "message") or "The operation failed.",
            body.get("details"),
        )
        store = self._backend.store
        return self._drive(
            lambda: store.fail(cast(str, op_id), error.code, error.message, error.details)
        )

    async def _set_status(self, request: web.Request, op_id: str | None, __: str) -> web.Response:
        body = await _json_object(request)
        _only(body, "status", "progress", "result", "error")
        status = _get_str(body, "status")
        if not status:
            raise _AdminError(400, "invalid_request", "status is required")
        progress = _get_number(body, "progress")
        error = _error(body.get("error"))
        store = self._backend.store
        return self._drive(
            lambda: store.set_status(
                cast(str, op_id),
                status,
                progress=progress,
                result=body.get("result"),
                error=error,
            )
        )

    async def _list_faults(self, request: web.Request, _: str | None, __: str) -> web.Response:
        return web.json_response([rule.to_json() for rule in self._backend.faults.rules])

    async def _add_fault(self, request: web.Request, _: str | None, __: str) -> web.Response:
        body = await _json_object(request)
        try:
            rule = FaultRule.from_json(body)
        except (TypeError, ValueError) as exc:
            raise _AdminError(400, "invalid_request", str(exc)) from None
        return web.json_response(self._backend.faults.add(rule).to_json(), status=201)

    async def _clear_faults(self, request: web.Request, _: str | None, __: str) -> web.Response:
        self._backend.faults.clear()
        return web.Response(status=204)

    async def _requests(self, request: web.Request, _: str | None, __: str) -> web.Response:
        return web.json_response([entry.to_json() for entry in self._backend.log.entries])

    async def _clear_log(self, request: web.Request, _: str | None, __: str) -> web.Response:
        self._backend.log.clear()
        return web.Response(status=204)

    async def _reset(self, request: web.Request, _: str | None, __: str) -> web.Response:
        reset_backend(self._backend)
        return web.Response(status=204)


def reset_backend(backend: MockBackend) -> None:
    """Forget operations, fault rules and logged requests; reseed the fault random."""
    backend.store.clear()
    backend.faults.clear()
    backend.faults.reseed(backend.seed)
    backend.log.clear()


def _match_api(raw_path: str) -> tuple[str, str, str] | None:
    """``(raw operation id, allowed method, endpoint)`` for an API path, else ``None``."""
    for pattern, method, endpoint in _API_ROUTES:
        match = pattern.fullmatch(raw_path)
        if match is not None:
            return match["id"], method, endpoint
    return None


def _drop(request: web.Request) -> web.Response:
    """Close the connection without answering; the client sees a disconnect."""
    transport = request.transport
    if transport is not None:
        # abort() discards any buffered output and closes at once, so nothing is sent.
        transport.abort()
    # aiohttp needs a return value; it cannot be written to the closed transport.
    return web.Response(status=204)


def _faulted(rule: FaultRule, request_id: str) -> web.Response:
    """The response for a ``status``, ``malformed_json`` or ``wrong_content_type`` fault."""
    status = rule.effective_status
    body: bytes | None
    if rule.kind == "malformed_json":
        body, content_type = _body_bytes(rule.body, _MALFORMED_JSON), _JSON
    elif rule.kind == "wrong_content_type":
        body, content_type = _body_bytes(rule.body, _HTML_PAGE.encode()), "text/html"
    elif rule.body is None:
        body = json.dumps(
            {
                "code": "injected_fault",
                "message": f"Injected fault: HTTP {status}.",
                "request_id": request_id,
            }
        ).encode()
        content_type = _JSON
    elif isinstance(rule.body, str | bytes):
        body, content_type = _body_bytes(rule.body, b""), "text/plain"
    else:
        body, content_type = json.dumps(rule.body).encode(), _JSON
    if status < 200 or status in (204, 304):
        body = None  # these statuses cannot carry a body
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


def _body_bytes(body: object, default: bytes) -> bytes:
    if body is None:
        return default
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


async def _json_object(request: web.Request) -> dict[str, object]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data: object = json.loads(raw)
    except ValueError:
        raise _AdminError(400, "invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise _AdminError(400, "invalid_request", "The request body must be a JSON object.")
    return cast(dict[str, object], data)


def _only(body: Mapping[str, object], *allowed: str) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise _AdminError(400, "invalid_request", f"unknown field(s): {', '.join(unknown)}")


def _check(body: Mapping[str, object], key: str, kind: type | tuple[type, ...]) -> object:
    value = body.get(key)
    # bool is an int subclass, but ``"duration": true`` is certainly a mistake.
    if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
        raise _AdminError(400, "invalid_request", f"{key!r} has the wrong type")
    return value


def _get_str(body: Mapping[str, object], key: str) -> str | None:
    return cast("str | None", _check(body, key, str))


def _get_number(body: Mapping[str, object], key: str) -> float | None:
    value = cast("int | float | None", _check(body, key, (int, float)))
    return None if value is None else float(value)


def _get_polls(body: Mapping[str, object]) -> int | None:
    polls = body.get("polls")
    if polls is None:
        return None
    if isinstance(polls, bool) or not isinstance(polls, int):
        raise _AdminError(400, "invalid_request", "polls must be a whole number >= 1")
    return polls


def _get_dict(body: Mapping[str, object], key: str) -> dict[str, object] | None:
    return cast("dict[str, object] | None", _check(body, key, dict))


def _error(value: object) -> MockError | None:
    """An operation error from JSON: ``{"code", "message", "details"?}`` or ``[code, msg]``."""
    if value is None:
        return None
    if isinstance(value, list):
        pair = cast(list[object], value)
        if len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], str):
            return MockError(pair[0], pair[1])
    if isinstance(value, dict):
        data = cast(dict[str, object], value)
        code, message = data.get("code"), data.get("message")
        if isinstance(code, str) and isinstance(message, str):
            return MockError(code, message, data.get("details"))
    raise _AdminError(400, "invalid_request", "error must be {code, message, details?}")


def build_app(backend: MockBackend) -> web.Application:
    """The mock server's aiohttp application over ``backend``."""
    handlers = _Handlers(backend)

    @web.middleware
    async def route_everything(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        # Every request is handled here, bypassing aiohttp's router entirely: routing
        # happens on the raw path in _Handlers (see the module doc), and no path (not even
        # one with an encoded newline, which a "{tail:.*}" route fails to match) can reach
        # aiohttp's own text/plain 404 page. ``handler`` (aiohttp's choice) is never called.
        return await handlers.handle(request)

    app = web.Application(middlewares=[route_everything])
    app.on_response_prepare.append(_ensure_request_id)
    return app


async def _ensure_request_id(request: web.Request, response: web.StreamResponse) -> None:
    # Safety net for responses aiohttp builds itself (e.g. for an unhandled error).
    if REQUEST_ID_HEADER not in response.headers:
        response.headers[REQUEST_ID_HEADER] = new_request_id()
