"""``create_operation`` and ``set_status`` take their keywords from one declaration each."""

from __future__ import annotations

from typing import Any, get_args, get_type_hints

import pytest

from openapi.testing import MockServer


async def test_a_misspelt_keyword_is_a_type_error_and_creates_nothing() -> None:
    server = MockServer()
    options: dict[str, Any] = {"durration": 1.0}  # a dict: type checkers would refuse it
    with pytest.raises(TypeError, match=r"create_operation\(\) got unexpected .*'durration'"):
        server.create_operation("op", **options)
    assert server.operations == []
    server.create_operation("op", duration=None)
    with pytest.raises(TypeError, match=r"set_status\(\) got unexpected .*'progres'"):
        server.set_status("op", "running", **{"progres": 0.5})
    assert server.get_operation("op").status == "queued"


def test_every_keyword_is_declared_once_for_the_server_and_its_store() -> None:
    create = get_args(get_type_hints(MockServer.create_operation)["options"])
    pin = get_args(get_type_hints(MockServer.set_status)["options"])
    (create_options,), (pin_options,) = create, pin
    assert pin_options.__optional_keys__ < create_options.__optional_keys__
    assert create_options.__optional_keys__ == {
        "outcome",
        "duration",
        "result",
        "error",
        "metadata",
        "status",
        "progress",
        "polls",
    }


async def test_the_defaults_hold_without_keywords() -> None:
    op = MockServer().create_operation("op")
    assert (op.status, op.progress, op.result, dict(op.metadata)) == ("queued", 0.0, None, {})
