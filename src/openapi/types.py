"""``Result``: errors as values.

Every standalone function returns ``Ok(value)`` or ``Err(error)`` instead of raising.
Both are small immutable classes; ``Result[T, E]`` is their union, so type checkers narrow
it on ``res.ok``, on ``isinstance(res, Ok)`` and in ``match`` statements::

    match await operations_get_operation(core, {"operation_id": "op_1"}):
        case Ok(value):
            print(value.operation.status)
        case Err(ApiError() as error):
            print("not found:", error.code)
        case Err(error):
            print("failed:", error)

``res.ok`` (literal-typed) narrows under mypy; pyright narrows a literal discriminant only on
``res.ok is True`` / ``== True``, by design (microsoft/pyright#6113), so the portable forms are
``match``, ``isinstance`` and the ``TypeIs`` functions ``is_ok(res)`` / ``is_err(res)``. The
methods ``res.is_ok()`` / ``res.is_err()`` say the same at run time, but no checker narrows
the object a method is called on (a ``TypeIs`` method narrows its first argument after
``self``), so they do not narrow.

Pipelines: ``map``, ``map_err``, ``and_then``, ``map_or``, ``unwrap_or_else``, ``inspect`` and
``inspect_err``, and for steps that are coroutines ``map_async`` and ``and_then_async``::

    res = await (await get(core, "op_1")).and_then_async(wait_for)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, NoReturn, TypeAlias, TypeVar, final

import attrs

if TYPE_CHECKING:  # typing.TypeIs from Python 3.13; only type checkers read it here
    from typing_extensions import TypeIs

__all__ = ["Err", "Ok", "Result", "UnwrapError", "is_err", "is_ok"]

T = TypeVar("T", covariant=True)
E = TypeVar("E", covariant=True)
U = TypeVar("U")
F = TypeVar("F")
D = TypeVar("D")


class UnwrapError(Exception):
    """Raised by ``Err.unwrap()`` when the error it holds is not an exception itself."""


@final
@attrs.frozen(slots=True, repr=False)
class Ok(Generic[T]):
    """A successful result holding ``value``."""

    value: T

    @property
    def ok(self) -> Literal[True]:
        """Always ``True``: lets ``if res.ok:`` narrow a ``Result`` to ``Ok``."""
        return True

    @property
    def error(self) -> None:
        """Always ``None``: an ``Ok`` has no error."""
        return None

    def unwrap(self) -> T:
        """Return the value."""
        return self.value

    def unwrap_or(self, default: object) -> T:
        """Return the value (``default`` is only used by ``Err``)."""
        return self.value

    def map(self, f: Callable[[T], U]) -> Ok[U]:
        """Return ``Ok(f(value))``."""
        return Ok(f(self.value))

    def map_err(self, f: Callable[[Any], object]) -> Ok[T]:
        """Return this result unchanged: there is no error to map."""
        return self

    def and_then(self, f: Callable[[T], Ok[U] | Err[F]]) -> Ok[U] | Err[F]:
        """Chain a step that itself returns a ``Result``: ``f(value)``."""
        return f(self.value)

    def is_ok(self) -> Literal[True]:
        """Always ``True`` (to narrow a ``Result``, use ``openapi.types.is_ok(res)``)."""
        return True

    def is_err(self) -> Literal[False]:
        """Always ``False`` (to narrow a ``Result``, use ``openapi.types.is_err(res)``)."""
        return False

    def unwrap_or_else(self, f: Callable[[Any], object]) -> T:
        """Return the value (``f`` is only called by ``Err``)."""
        return self.value

    def map_or(self, default: object, f: Callable[[T], U]) -> U:
        """Return ``f(value)`` (``default`` is only used by ``Err``)."""
        return f(self.value)

    def inspect(self, f: Callable[[T], object]) -> Ok[T]:
        """Call ``f(value)`` (to log it, say) and return this result unchanged."""
        f(self.value)
        return self

    def inspect_err(self, f: Callable[[Any], object]) -> Ok[T]:
        """Return this result unchanged: there is no error to show ``f``."""
        return self

    async def map_async(self, f: Callable[[T], Awaitable[U]]) -> Ok[U]:
        """Return ``Ok(await f(value))``."""
        return Ok(await f(self.value))

    async def and_then_async(self, f: Callable[[T], Awaitable[Ok[U] | Err[F]]]) -> Ok[U] | Err[F]:
        """Chain an async step that itself returns a ``Result``: ``await f(value)``."""
        return await f(self.value)

    def __repr__(self) -> str:
        return f"Ok({self.value!r})"


@final
@attrs.frozen(slots=True, repr=False)
class Err(Generic[E]):
    """A failed result holding ``error`` (for this SDK, an ``SDKBaseError``)."""

    error: E

    @property
    def ok(self) -> Literal[False]:
        """Always ``False``: lets ``if not res.ok:`` narrow a ``Result`` to ``Err``."""
        return False

    @property
    def value(self) -> None:
        """Always ``None``: an ``Err`` has no value."""
        return None

    def unwrap(self) -> NoReturn:
        """Raise the error (wrapped in ``UnwrapError`` if it is not an exception)."""
        if isinstance(self.error, BaseException):
            raise self.error
        raise UnwrapError(f"called unwrap() on Err({self.error!r})")

    def unwrap_or(self, default: D) -> D:
        """Return ``default``."""
        return default

    def map(self, f: Callable[[Any], object]) -> Err[E]:
        """Return this result unchanged: there is no value to map."""
        return self

    def map_err(self, f: Callable[[E], F]) -> Err[F]:
        """Return ``Err(f(error))``."""
        return Err(f(self.error))

    def and_then(self, f: Callable[[Any], object]) -> Err[E]:
        """Return this result unchanged: the chain stops at the first error."""
        return self

    def is_ok(self) -> Literal[False]:
        """Always ``False`` (to narrow a ``Result``, use ``openapi.types.is_ok(res)``)."""
        return False

    def is_err(self) -> Literal[True]:
        """Always ``True`` (to narrow a ``Result``, use ``openapi.types.is_err(res)``)."""
        return True

    def unwrap_or_else(self, f: Callable[[E], U]) -> U:
        """Return ``f(error)``: a value computed from the error."""
        return f(self.error)

    def map_or(self, default: D, f: Callable[[Any], object]) -> D:
        """Return ``default`` (``f`` is only called by ``Ok``)."""
        return default

    def inspect(self, f: Callable[[Any], object]) -> Err[E]:
        """Return this result unchanged: there is no value to show ``f``."""
        return self

    def inspect_err(self, f: Callable[[E], object]) -> Err[E]:
        """Call ``f(error)`` (to log it, say) and return this result unchanged."""
        f(self.error)
        return self

    async def map_async(self, f: Callable[[Any], Awaitable[object]]) -> Err[E]:
        """Return this result unchanged (``f`` is not called)."""
        return self

    async def and_then_async(self, f: Callable[[Any], Awaitable[object]]) -> Err[E]:
        """Return this result unchanged: the chain stops at the first error."""
        return self

    def __repr__(self) -> str:
        return f"Err({self.error!r})"


Result: TypeAlias = Ok[T] | Err[E]
"""Either ``Ok[T]`` or ``Err[E]``."""


def is_ok(res: Result[U, F]) -> TypeIs[Ok[U]]:
    """Whether ``res`` is an ``Ok``; ``if is_ok(res):`` narrows ``res`` under mypy and
    pyright alike (``TypeIs``: the ``else`` branch is ``Err``)."""
    return res.ok


def is_err(res: Result[U, F]) -> TypeIs[Err[F]]:
    """Whether ``res`` is an ``Err``; ``if is_err(res):`` narrows ``res`` under mypy and
    pyright alike (``TypeIs``: the ``else`` branch is ``Ok``)."""
    return not res.ok
