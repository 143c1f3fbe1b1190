"""``Ok``/``Err`` behaviour."""

from __future__ import annotations

import attrs
import pytest

from openapi import ApiError, Err, Ok, Result
from openapi.types import UnwrapError


def test_ok_api() -> None:
    res: Result[int, ValueError] = Ok(2)
    assert res.ok is True
    assert res.value == 2
    assert res.error is None
    assert res.unwrap() == 2
    assert res.unwrap_or(0) == 2
    assert res.map(lambda v: v * 10) == Ok(20)
    assert res.map_err(str) == Ok(2)
    assert res.and_then(lambda v: Err(ValueError(str(v)))).ok is False
    assert repr(res) == "Ok(2)"


def test_err_api() -> None:
    error = ValueError("bad")
    res: Result[int, ValueError] = Err(error)
    assert res.ok is False
    assert res.error is error
    assert res.value is None
    with pytest.raises(ValueError, match="bad"):
        res.unwrap()
    assert res.unwrap_or(7) == 7
    assert res.map(lambda v: v * 10) is res
    assert res.map_err(str) == Err("bad")
    assert res.and_then(lambda v: Ok(v)) is res
    with pytest.raises(UnwrapError):
        Err("not an exception").unwrap()


def test_immutable_and_matchable() -> None:
    res: Result[int, Exception] = Ok(1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        res.value = 3  # type: ignore[misc]
    match res:
        case Ok(value):
            assert value == 1
        case Err(_):
            pytest.fail("Ok matched Err")
    match Err(KeyError("k")):
        case Err(ApiError()):
            pytest.fail("wrong class matched")
        case Err(KeyError() as e):
            assert e.args == ("k",)
