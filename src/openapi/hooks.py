"""Request hooks: code of yours that runs around every HTTP attempt the SDK makes.

Pass them to the core (or the facade): ``SDKCore(hooks=[...])``. A hook is any object with
one or more of these methods, each plain or ``async``:

- ``before_request(context, headers)``: before the request goes out. ``headers`` is a
  mutable mapping of the headers this request adds to the session's defaults: set a name to
  add or replace a header. ``Authorization`` is not in it and is set after the hooks ran, so
  a hook can neither read the API key nor replace it (use ``api_key=`` a callable to
  rotate keys, or ``RequestOptions(headers={"Authorization": ...})`` to send your own).
- ``after_success(context, response)``: after an attempt that returned the endpoint's
  success; ``response`` is its ``HTTPMetadata`` (status, headers, request id, URL).
- ``after_error(context, error)``: after an attempt that failed, whether or not it will be
  retried; ``error`` is the SDK error the attempt got (``error.http_meta`` when a response
  came back).

Each is told the endpoint's name, the operation id and the attempt number
(``HookContext``), and they run for every attempt, retries included, in the order given.
The hooks only look: none can change a result. A hook that raises ends the call with
``Err(UnexpectedClientError)`` whose ``__cause__`` is the hook's exception (not retried; a
``before_request`` that raises means nothing is sent); ``asyncio.CancelledError`` and other
``BaseException`` propagate as they are::

    class RequestTagger:
        def before_request(self, context: HookContext, headers: MutableMapping[str, str]):
            headers["X-Tenant"] = "acme"
            headers["X-Attempt"] = str(context.attempt)

    async with SDKCore(api_key="...", server_url="...", hooks=[RequestTagger()]) as core:
        ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Protocol, TypeAlias, cast, runtime_checkable

import attrs

if TYPE_CHECKING:
    from openapi.models.errors import CallError
    from openapi.models.http_metadata import HTTPMetadata

__all__ = [
    "AfterErrorHook",
    "AfterSuccessHook",
    "BeforeRequestHook",
    "Hook",
    "HookContext",
    "Hooks",
]


@attrs.frozen(slots=True)
class HookContext:
    """What a hook is told about the attempt it runs for."""

    endpoint: str
    """The API operation's name, as in the API description: ``"getOperation"``."""
    operation_id: str | None
    """The request's ``operation_id`` (``None`` if the request has none)."""
    attempt: int
    """1 for the first attempt, 2 for the first retry, and so on."""
    method: str
    """``"GET"``, ``"POST"``."""
    url: str
    """The URL the attempt goes to (no credentials: they are refused in ``server_url``)."""


@runtime_checkable
class BeforeRequestHook(Protocol):
    """A hook run before each attempt; it may add or replace headers in ``headers``."""

    def before_request(
        self, context: HookContext, headers: MutableMapping[str, str]
    ) -> Awaitable[None] | None:
        """Called before the request goes out (``Authorization`` is added after it)."""
        ...


@runtime_checkable
class AfterSuccessHook(Protocol):
    """A hook run after each attempt that returned the endpoint's success."""

    def after_success(self, context: HookContext, response: HTTPMetadata) -> Awaitable[None] | None:
        """Called with the successful response's metadata."""
        ...


@runtime_checkable
class AfterErrorHook(Protocol):
    """A hook run after each attempt that failed (retried or not)."""

    def after_error(self, context: HookContext, error: CallError) -> Awaitable[None] | None:
        """Called with the error the attempt got."""
        ...


Hook: TypeAlias = BeforeRequestHook | AfterSuccessHook | AfterErrorHook
"""Anything ``SDKCore(hooks=[...])`` takes: an object with one or more of the methods."""


@attrs.frozen(slots=True)
class Hooks:
    """A core's hooks, sorted once by what each one implements."""

    before: tuple[BeforeRequestHook, ...] = ()
    success: tuple[AfterSuccessHook, ...] = ()
    error: tuple[AfterErrorHook, ...] = ()

    @classmethod
    def of(cls, hooks: Iterable[Hook]) -> Hooks:
        """Sort ``hooks``; ``TypeError`` for an object that implements none of them."""
        given = cast(tuple[object, ...], tuple(hooks))  # checked: callers may pass anything
        for hook in given:
            if not isinstance(hook, BeforeRequestHook | AfterSuccessHook | AfterErrorHook):
                raise TypeError(
                    f"hooks=: {type(hook).__name__} has none of before_request, "
                    "after_success, after_error; give each hook at least one of them"
                )
        return cls(
            before=tuple(hook for hook in given if isinstance(hook, BeforeRequestHook)),
            success=tuple(hook for hook in given if isinstance(hook, AfterSuccessHook)),
            error=tuple(hook for hook in given if isinstance(hook, AfterErrorHook)),
        )

    def __bool__(self) -> bool:
        return bool(self.before or self.success or self.error)
