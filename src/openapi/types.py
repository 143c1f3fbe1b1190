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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Literal, NoReturn, TypeAlias, TypeVar, final

import attrs

__all__ = ["Err", "Ok", "Result", "UnwrapError"]

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

    def __repr__(self) -> str:
        return f"Err({self.error!r})"


Result: TypeAlias = Ok[T] | Err[E]
"""Either ``Ok[T]`` or ``Err[E]``."""
