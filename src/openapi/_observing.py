"""The one switch telemetry turns on: ``observer``, and the seams that consult it.

``openapi.contrib.opentelemetry.SDKInstrumentor`` sets ``observer`` on ``instrument()`` and
clears it on ``uninstrument()``; while it is ``None`` (always, without the extra) each seam
costs one module attribute read. This module imports nothing of OpenTelemetry, so the
plain SDK never loads it. The seams:

- a call (``openapi._http.request.call``): ``Observer.call`` runs it;
- an attempt (``openapi._http.hooked``): ``Observer.attempt`` runs it, with its headers;
- a wait or watch (``openapi._waiting._loops``): ``observed_wait`` / ``observed_watch``
  wrap the loop, and ``Observer.wait`` / ``Observer.watch`` run it;
- a ``wait_many`` item (``openapi._waiting._many``), which has no task of its own:
  ``Observer.wait_item`` begins it, its ``WaitItem`` runs each of its steps (polls, the
  cancel at its deadline) and ends it with its result.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from openapi._http.state import Call, Outcome
    from openapi.hooks import HookContext
    from openapi.types import Result

__all__ = ["Observer", "WaitItem", "observed_wait", "observed_watch", "observer", "operation_id"]

T = TypeVar("T")
P = ParamSpec("P")


class Observer(Protocol):
    """What telemetry does at each seam: run the work given, observing it."""

    def call(
        self, endpoint: str, operation_id: str | None, run: Callable[[], Awaitable[Result[T, Any]]]
    ) -> Awaitable[Result[T, Any]]:
        """Run one SDK call (all its attempts)."""
        ...

    def attempt(
        self,
        call: Call[Any],
        context: HookContext,
        headers: dict[str, str],
        run: Callable[[], Awaitable[Outcome[T]]],
    ) -> Awaitable[Outcome[T]]:
        """Run one HTTP attempt; ``headers`` (no ``Authorization``) are the ones it sends."""
        ...

    def wait(
        self, operation_id: str | None, run: Callable[[], Awaitable[Result[T, Any]]]
    ) -> Awaitable[Result[T, Any]]:
        """Run a whole wait for one operation."""
        ...

    def watch(
        self, operation_id: str | None, states: AsyncGenerator[Result[T, Any], None]
    ) -> AsyncGenerator[Result[T, Any], None]:
        """Observe a watch's ``states`` as the consumer pulls them."""
        ...

    def wait_item(self, operation_id: str | None) -> WaitItem:
        """Begin observing one ``wait_many`` item."""
        ...


class WaitItem(Protocol):
    """One ``wait_many`` item under observation, from its first poll to its result."""

    def step(self, run: Callable[[], Awaitable[None]]) -> Awaitable[None]:
        """Run one step of the item (a poll, or the cancel at its deadline)."""
        ...

    def end(self, result: Result[Any, Any]) -> None:
        """The item ended with ``result``."""
        ...

    def abandon(self) -> None:
        """The consumer left before the item ended (``break``, ``aclose()``, cancelled)."""
        ...


observer: Observer | None = None
"""The telemetry in force (``SDKInstrumentor``), or ``None``."""


def operation_id(request: object) -> str | None:
    """The ``operation_id`` of a request model or mapping, if it has a string one."""
    value: object
    if isinstance(request, Mapping):
        value = cast(Mapping[str, object], request).get("operation_id")
    else:
        value = getattr(request, "operation_id", None)
    return value if isinstance(value, str) else None


def _poller_operation(args: tuple[object, ...]) -> str | None:
    """The operation id of a wait loop called as ``(poller, state, ...)``."""
    return operation_id(getattr(args[1], "request", None)) if len(args) > 1 else None


def observed_wait(
    wait: Callable[P, Awaitable[Result[T, Any]]],
) -> Callable[P, Awaitable[Result[T, Any]]]:
    """Wrap a wait loop called as ``(poller, state, ...)``: one span over the wait."""

    @functools.wraps(wait)
    async def observed(*args: P.args, **kwargs: P.kwargs) -> Result[T, Any]:
        active = observer
        if active is None:
            return await wait(*args, **kwargs)
        return await active.wait(_poller_operation(args), lambda: wait(*args, **kwargs))

    return observed


def observed_watch(
    watch: Callable[P, AsyncGenerator[Result[T, Any], None]],
) -> Callable[P, AsyncGenerator[Result[T, Any], None]]:
    """Wrap a watch generator called as ``(poller, state, ...)``, as ``observed_wait``."""

    @functools.wraps(watch)
    def observed(*args: P.args, **kwargs: P.kwargs) -> AsyncGenerator[Result[T, Any], None]:
        states = watch(*args, **kwargs)
        active = observer
        return states if active is None else active.watch(_poller_operation(args), states)

    return observed
