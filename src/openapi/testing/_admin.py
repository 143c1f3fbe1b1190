"""The ``/_mock`` admin routes: drive operations, faults, the request log, the capacity limit
and the outage window over HTTP."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import cast

from aiohttp import web

from ._admin_body import (
    AdminError,
    get_dict,
    get_error,
    get_number,
    get_polls,
    get_str,
    json_object,
    only,
)
from ._backend import MockBackend, api_error, method_not_allowed, reset_backend
from ._faults import FaultRule
from ._operation import MockError, MockOperation, Outcome
from ._overload import CapacityLimit, OutageKind
from ._paths import decode_segment, display_path
from ._store import OperationOptions

__all__ = ["AdminRoutes"]

_AdminHandler = Callable[[web.Request, str | None], Awaitable[web.Response]]

#: The body of ``POST /_mock/operations``: ``create_operation``'s keywords, and the id.
_CREATE_FIELDS = tuple(sorted(OperationOptions.__optional_keys__ | {"id"}))


class AdminRoutes:
    """The admin request handlers bound to one backend."""

    def __init__(self, backend: MockBackend) -> None:
        self._backend = backend
        op = r"/_mock/operations/(?P<id>[^/]*)"
        self._routes: tuple[tuple[re.Pattern[str], dict[str, _AdminHandler]], ...] = (
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
            (
                re.compile(r"/_mock/capacity"),
                {"GET": self._capacity, "PUT": self._limit, "DELETE": self._unlimit},
            ),
            (
                re.compile(r"/_mock/outage"),
                {"GET": self._outage, "POST": self._start_outage, "DELETE": self._end_outage},
            ),
            (re.compile(r"/_mock/reset"), {"POST": self._reset}),
        )

    async def handle(self, request: web.Request, raw_path: str, request_id: str) -> web.Response:
        """Route an admin request by its raw path and method, and answer it."""
        for pattern, methods in self._routes:
            match = pattern.fullmatch(raw_path)
            if match is None:
                continue
            handler = methods.get(request.method.upper())
            if handler is None:
                return method_not_allowed(", ".join(methods), request_id)
            raw_id = match.groupdict().get("id")
            operation_id = None if raw_id is None else decode_segment(raw_id)
            if raw_id is not None and not operation_id:
                return api_error(400, "invalid_operation_id", "Bad operation id.", request_id)
            try:
                return await handler(request, operation_id)
            except AdminError as exc:
                return api_error(exc.status, exc.code, exc.message, request_id)
        path = display_path(raw_path)
        return api_error(404, "not_found", f"No admin route {path}.", request_id)

    # -- operations ---------------------------------------------------------------------

    async def _list_ops(self, request: web.Request, _: str | None) -> web.Response:
        return web.json_response([op.to_json() for op in self._backend.store.all()])

    async def _create(self, request: web.Request, _: str | None) -> web.Response:
        body = await json_object(request)
        only(body, *_CREATE_FIELDS)
        outcome: Outcome
        match get_str(body, "outcome"):
            case None | "succeeded":
                outcome = "succeeded"
            case "failed":
                outcome = "failed"
            case _:
                raise AdminError(400, "invalid_request", "outcome must be succeeded or failed")
        duration = (
            get_number(body, "duration") if "duration" in body else self._backend.default_duration
        )
        try:
            operation = self._backend.store.create(
                get_str(body, "id"),
                outcome=outcome,
                duration=duration,
                result=body.get("result"),
                error=get_error(body.get("error")),
                metadata=get_dict(body, "metadata"),
                status=get_str(body, "status"),
                progress=get_number(body, "progress"),
                polls=get_polls(body),
            )
        except ValueError as exc:
            status = 409 if "already exists" in str(exc) else 400
            raise AdminError(status, "invalid_request", str(exc)) from None
        return web.json_response(operation.to_json(), status=201)

    def _drive(self, action: Callable[[], MockOperation]) -> web.Response:
        try:
            return web.json_response(action().to_json())
        except KeyError as exc:
            raise AdminError(404, "not_found", str(exc.args[0])) from None
        except ValueError as exc:
            raise AdminError(400, "invalid_request", str(exc)) from None

    async def _get_op(self, request: web.Request, op_id: str | None) -> web.Response:
        operation = self._backend.store.get(cast(str, op_id))
        if operation is None:
            raise AdminError(404, "not_found", f"no operation with id {op_id!r}")
        return web.json_response(operation.to_json())

    async def _complete(self, request: web.Request, op_id: str | None) -> web.Response:
        body = await json_object(request)
        only(body, "result")
        store = self._backend.store
        return self._drive(lambda: store.complete(cast(str, op_id), body.get("result")))

    async def _fail(self, request: web.Request, op_id: str | None) -> web.Response:
        body = await json_object(request)
        only(body, "code", "message", "details")
        error = MockError(
            get_str(body, "code") or "operation_failed",
            get_str(body, "message") or "The operation failed.",
            body.get("details"),
        )
        store = self._backend.store
        return self._drive(
            lambda: store.fail(cast(str, op_id), error.code, error.message, error.details)
        )

    async def _set_status(self, request: web.Request, op_id: str | None) -> web.Response:
        body = await json_object(request)
        only(body, "status", "progress", "result", "error")
        status = get_str(body, "status")
        if not status:
            raise AdminError(400, "invalid_request", "status is required")
        progress = get_number(body, "progress")
        error = get_error(body.get("error"))
        store = self._backend.store
        return self._drive(
            lambda: store.set_status(
                cast(str, op_id), status, progress=progress, result=body.get("result"), error=error
            )
        )

    # -- faults, request log, reset -----------------------------------------------------

    async def _list_faults(self, request: web.Request, _: str | None) -> web.Response:
        return web.json_response([rule.to_json() for rule in self._backend.faults.rules])

    async def _add_fault(self, request: web.Request, _: str | None) -> web.Response:
        body = await json_object(request)
        try:
            rule = FaultRule.from_json(body)
        except (TypeError, ValueError) as exc:
            raise AdminError(400, "invalid_request", str(exc)) from None
        return web.json_response(self._backend.faults.add(rule).to_json(), status=201)

    async def _clear_faults(self, request: web.Request, _: str | None) -> web.Response:
        self._backend.faults.clear()
        return web.Response(status=204)

    async def _requests(self, request: web.Request, _: str | None) -> web.Response:
        return web.json_response([entry.to_json() for entry in self._backend.log.entries])

    async def _clear_log(self, request: web.Request, _: str | None) -> web.Response:
        self._backend.log.clear()
        return web.Response(status=204)

    # -- overload: capacity limit and outage ----------------------------------------------

    async def _capacity(self, request: web.Request, _: str | None) -> web.Response:
        capacity = self._backend.overload.capacity
        return web.json_response(None if capacity is None else capacity.to_json())

    async def _limit(self, request: web.Request, _: str | None) -> web.Response:
        body = await json_object(request)
        only(body, "rate", "retry_after")
        rate, retry_after = get_number(body, "rate"), get_number(body, "retry_after")
        try:
            capacity = CapacityLimit(rate=cast(float, rate), retry_after=int(retry_after or 1))
        except (TypeError, ValueError) as exc:
            raise AdminError(400, "invalid_request", f"rate must be > 0: {exc}") from None
        self._backend.overload.limit(capacity)
        return web.json_response(capacity.to_json())

    async def _unlimit(self, request: web.Request, _: str | None) -> web.Response:
        self._backend.overload.limit(None)
        return web.Response(status=204)

    async def _outage(self, request: web.Request, _: str | None) -> web.Response:
        overload = self._backend.overload
        outage = overload.outage
        now = overload.clock()
        active = outage is not None and now < outage.until
        return web.json_response(outage.to_json(now) if outage is not None and active else None)

    async def _start_outage(self, request: web.Request, _: str | None) -> web.Response:
        body = await json_object(request)
        only(body, "seconds", "after", "kind", "status", "retry_after")
        retry_after = get_number(body, "retry_after")
        overload = self._backend.overload
        try:
            outage = overload.begin_outage(
                cast(float, get_number(body, "seconds")),
                after=get_number(body, "after") or 0.0,
                kind=cast(OutageKind, get_str(body, "kind") or "status"),
                status=int(get_number(body, "status") or 503),
                retry_after=None if retry_after is None else int(retry_after),
            )
        except (TypeError, ValueError) as exc:
            raise AdminError(400, "invalid_request", str(exc)) from None
        return web.json_response(outage.to_json(overload.clock()), status=201)

    async def _end_outage(self, request: web.Request, _: str | None) -> web.Response:
        self._backend.overload.outage = None
        return web.Response(status=204)

    async def _reset(self, request: web.Request, _: str | None) -> web.Response:
        reset_backend(self._backend)
        return web.Response(status=204)
