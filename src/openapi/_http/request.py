"""``call``: run one endpoint call through the pipeline and return its ``Result``.

validate (path) -> URL -> headers -> first attempt -> retry -> ``Result``

``call`` never raises for anything that can go wrong in a call; it returns ``Err`` with one
of ``openapi.models.errors``. ``asyncio.CancelledError`` propagates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from openapi import _observing
from openapi._http.attempt import attempt
from openapi._http.endpoint import Endpoint
from openapi._http.path import render_path
from openapi._http.retry import retried
from openapi._http.state import Authorize, Call
from openapi._http.transport_errors import detached
from openapi.core import SDKCore
from openapi.models.errors import CallError, InvalidRequestError, UnexpectedClientError
from openapi.types import Err, Result

if TYPE_CHECKING:
    from openapi.utils.options import RequestOptions

__all__ = ["call"]

ReqT = TypeVar("ReqT")
RespT = TypeVar("RespT")


async def call(
    core: SDKCore,
    endpoint: Endpoint[ReqT, Any, RespT],
    request: ReqT | Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[RespT, CallError]:
    """Run one endpoint call through the pipeline and return its ``Result``."""
    observer = _observing.observer  # telemetry, when SDKInstrumentor is on
    if observer is None:
        return await _call(core, endpoint, request, options)
    return await observer.call(
        endpoint.name,
        _observing.operation_id(request),
        lambda: _call(core, endpoint, request, options),
    )


async def _call(
    core: SDKCore,
    endpoint: Endpoint[ReqT, Any, RespT],
    request: ReqT | Mapping[str, Any],
    options: RequestOptions | None,
) -> Result[RespT, CallError]:
    try:
        path = render_path(endpoint, request)
        if isinstance(path, InvalidRequestError):
            return Err(path)
        base = core.server_url(options.server_url if options else None)
        if isinstance(base, Err):
            return base
        headers = dict(core.request_headers)
        extra = options.headers if options is not None else None
        authorize = _authorize(core, headers, extra)
        if isinstance(authorize, InvalidRequestError):
            return Err(authorize)
        if extra:
            headers.update(extra)  # last, so a caller's header wins
        session = core.session()
        if isinstance(session, Err):
            return session
        pending = Call(
            endpoint,
            session.value,
            base.value + path,
            headers,
            core.timeout(options.timeout if options else None),
            (options.retries if options else None) or core.config.retry_config,
            core.deadlines,
            authorize,
            _operation_id(request),
        )
        if core.proxies.active:
            proxy = core.proxies.route(base.value)
            if isinstance(proxy, InvalidRequestError):
                return Err(proxy)
            pending.proxy = proxy
        if core.hooks is not None or _observing.observer is not None:
            from openapi._http.hooked import call_hooks  # only a call with hooks loads it

            pending.hooks = call_hooks(core.hooks, endpoint.name, request)
        outcome = await attempt(pending, core.fleet)
        if outcome.retryable and pending.retries.strategy != "none":
            outcome = await retried(pending, outcome, core.fleet)
        if core.closed:  # aclose() ran during the call: say so, not what it broke
            return core.closed_under(outcome.result)
        return outcome.result
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug of ours must still come back as a value
        error = UnexpectedClientError(
            f"{endpoint.name} failed unexpectedly: {type(exc).__name__}: {exc}"
        )
        error.__cause__ = detached(exc)
        return Err(error)


def _authorize(
    core: SDKCore, headers: dict[str, str], extra: Mapping[str, str] | None
) -> Authorize | InvalidRequestError | None:
    """Put a fixed key in ``headers``; a key callable is returned, to be called per attempt
    (see ``openapi._http.attempt``). ``None``: nothing more to do per attempt."""
    # Only a caller's own Authorization header may stand in for the key.
    if extra and any(name.lower() == "authorization" for name in extra):
        return None
    bearer = core.fixed_authorization()
    if bearer is not None:
        headers["Authorization"] = bearer
        return None
    missing = core.missing_key()  # no key at all: the call is refused before sending
    return missing if missing is not None else core.authorization


def _operation_id(request: object) -> str | None:
    """The request's ``operation_id`` (already checked by ``render_path``), for logs."""
    if type(request) is dict or isinstance(request, Mapping):  # dict: skip the ABC check
        value = cast(Mapping[str, object], request).get("operation_id")
    else:
        value = getattr(request, "operation_id", None)
    return value if isinstance(value, str) else None
