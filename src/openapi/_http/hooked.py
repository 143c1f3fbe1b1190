"""One attempt with the core's hooks (``openapi.hooks``) and the telemetry around it.

Loaded only by a call that has something to run (a core with hooks, or
``openapi._observing.observer`` set): the plain call never imports it. The attempt itself
is ``openapi._http.attempt``'s; this module only decides the headers it goes with and
tells the hooks how it went.

Why not aiohttp's client middlewares: a middleware sees the ``ClientRequest`` with its
``Authorization`` header (the key would reach the hooks), runs once per redirect hop where
a hook runs once per attempt, and sees no SDK error, which only exists once the response is
decoded; the SDK's own pipeline has each of these at hand.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from openapi import _observing
from openapi._http.state import Call, Exchange, Outcome
from openapi._http.transport_errors import detached
from openapi.hooks import HookContext, Hooks
from openapi.models.errors import UnexpectedClientError
from openapi.models.http_metadata import HTTPMetadata
from openapi.types import Err

__all__ = ["CallHooks", "call_hooks"]

RespT = TypeVar("RespT")

_AUTHORIZATION = "authorization"


class _HookFailed(Exception):
    """A hook raised: carries the error the call returns instead."""

    def __init__(self, error: UnexpectedClientError) -> None:
        super().__init__()
        self.error = error


class CallHooks:
    """The hooks one call runs on each of its attempts, and the telemetry if it is on."""

    __slots__ = ("endpoint", "hooks", "observer", "operation_id")

    def __init__(
        self,
        hooks: Hooks,
        observer: _observing.Observer | None,
        endpoint: str,
        operation_id: str | None,
    ) -> None:
        self.hooks = hooks
        self.observer = observer
        self.endpoint = endpoint
        self.operation_id = operation_id

    async def run(self, call: Call[RespT], exchange: Exchange[RespT]) -> Outcome[RespT]:
        """Attempt number ``call.attempts`` of ``call``, its hooks and telemetry around it."""
        context = HookContext(
            endpoint=self.endpoint,
            operation_id=self.operation_id,
            attempt=call.attempts,
            method=call.endpoint.method,
            url=call.url_text,
        )
        # What hooks and telemetry see and edit: never the key (set again after them).
        headers = {k: v for k, v in call.headers.items() if k.lower() != _AUTHORIZATION}
        if self.observer is None:
            return await self._hooked(call, exchange, context, headers)
        return await self.observer.attempt(
            call, context, headers, lambda: self._hooked(call, exchange, context, headers)
        )

    async def _hooked(
        self,
        call: Call[RespT],
        exchange: Exchange[RespT],
        context: HookContext,
        headers: dict[str, str],
    ) -> Outcome[RespT]:
        try:
            for before in self.hooks.before:
                await _run(before.before_request, context, headers, "before_request", before)
            for name in [name for name in headers if name.lower() == _AUTHORIZATION]:
                del headers[name]  # a hook's own: the key (or the caller's header) wins
            headers.update((k, v) for k, v in call.headers.items() if k.lower() == _AUTHORIZATION)
            outcome = await exchange(call, headers)
            result = outcome.result
            if isinstance(result, Err):
                for failed in self.hooks.error:
                    await _run(failed.after_error, context, result.error, "after_error", failed)
            elif self.hooks.success:
                meta = getattr(result.value, "http_meta", None)
                if isinstance(meta, HTTPMetadata):
                    for done in self.hooks.success:
                        await _run(done.after_success, context, meta, "after_success", done)
        except _HookFailed as failed:
            return Outcome(Err(failed.error))
        return outcome


async def _run(
    method: Callable[[HookContext, Any], Awaitable[None] | None],
    context: HookContext,
    argument: object,
    name: str,
    hook: object,
) -> None:
    try:
        produced = method(context, argument)
        if inspect.isawaitable(produced):
            await produced
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        error = UnexpectedClientError(
            f"{context.endpoint}: the {name} hook {type(hook).__name__} raised "
            f"{type(exc).__name__}: {exc} (attempt {context.attempt}); fix the hook, or "
            "leave it out of hooks="
        )
        error.__cause__ = detached(exc)
        raise _HookFailed(error) from None


def call_hooks(hooks: Hooks | None, endpoint: str, request: object) -> CallHooks | None:
    """The ``CallHooks`` of a call to ``endpoint``, or ``None`` when nothing is to run."""
    observer = _observing.observer
    if observer is None and not hooks:
        return None
    return CallHooks(hooks or Hooks(), observer, endpoint, _observing.operation_id(request))
