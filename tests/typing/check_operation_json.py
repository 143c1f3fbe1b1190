"""Checked by mypy --strict and pyright (strict), never run: an ``Operation``'s JSON form.

Each ``# type: ignore[...]`` marks a call both checkers must refuse (an unneeded one fails).
"""
# pyright: reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from typing import Any, assert_type

from openapi import Operation


def round_trip(op: Operation) -> None:
    assert_type(op.to_dict(), dict[str, Any])
    assert_type(op.to_json(), str)
    assert_type(op.to_json(indent=2), str)
    assert_type(Operation.from_dict(op.to_dict()), Operation)
    assert_type(Operation.from_json(op.to_json()), Operation)
    assert_type(Operation.from_json(op.to_json().encode()), Operation)
    Operation.from_dict([("id", "op_1")])  # type: ignore[arg-type]
    op.to_json(2)  # type: ignore[call-arg]
