"""Checked by mypy --strict and pyright (strict), never run: the ``Result`` names people know
(``is_ok``/``is_err``, ``unwrap_or_else``, ``map_or``, ``inspect``, the async steps) are typed,
and the ``TypeIs`` functions narrow under both checkers."""

from __future__ import annotations

from typing import Literal, assert_type

from openapi import Err, Ok, Result, is_err, is_ok
from openapi.types import is_ok as is_ok_from_types


def narrowing(res: Result[int, ValueError]) -> None:
    if is_ok(res):
        assert_type(res, Ok[int])
        assert_type(res.value, int)
    else:
        assert_type(res, Err[ValueError])
        assert_type(res.error, ValueError)
    if is_err(res):
        assert_type(res, Err[ValueError])
    else:
        assert_type(res, Ok[int])
    if not is_ok_from_types(res):
        assert_type(res, Err[ValueError])
    # The methods say the same at run time, typed as literals (they do not narrow ``res``).
    assert_type(res.is_ok(), bool)
    assert_type(Ok(1).is_ok(), Literal[True])
    assert_type(Err(ValueError()).is_err(), Literal[True])
    assert_type(Err(ValueError()).is_ok(), Literal[False])


def combinators(res: Result[int, ValueError]) -> None:
    assert_type(res.unwrap_or_else(lambda error: len(str(error))), int)
    assert_type(res.unwrap_or_else(lambda error: str(error)), int | str)
    assert_type(res.map_or("none", lambda value: value * 2), int | str)
    assert_type(res.map_or(0, lambda value: value * 2), int)
    assert_type(res.inspect(print), Ok[int] | Err[ValueError])
    assert_type(res.inspect_err(print), Ok[int] | Err[ValueError])
    assert_type(res.inspect(print).map(str), Ok[str] | Err[ValueError])


async def double(value: int) -> int:
    return value * 2


async def checked(value: int) -> Result[str, KeyError]:
    return Ok(str(value)) if value else Err(KeyError(value))


async def pipelines(res: Result[int, ValueError]) -> None:
    assert_type(await res.map_async(double), Ok[int] | Err[ValueError])
    chained = await res.and_then_async(checked)
    assert_type(chained, Ok[str] | Err[KeyError] | Err[ValueError])
    both = await (await res.map_async(double)).and_then_async(checked)
    assert_type(both, Ok[str] | Err[KeyError] | Err[ValueError])
