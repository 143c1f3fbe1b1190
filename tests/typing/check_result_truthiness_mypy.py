"""Checked by mypy --strict only: plain ``if res.ok:`` narrows a ``Result`` under mypy."""

from __future__ import annotations

from typing import assert_type

from openapi.types import Err, Ok, Result


def truthiness(res: Result[int, ValueError]) -> None:
    if res.ok:
        assert_type(res, Ok[int])
        assert_type(res.value, int)
    else:
        assert_type(res, Err[ValueError])
        assert_type(res.error, ValueError)
    if not res.ok:
        assert_type(res, Err[ValueError])
