"""``operations_wait_many`` takes an iterable of ids: a bare string is refused at the call."""

from __future__ import annotations

from typing import Any

import pytest

from openapi import SDK
from openapi.core import SDKCore
from openapi.funcs.operations_wait import operations_wait_many
from openapi.testing import MockServer
from tests.waiting.support import FAST


@pytest.mark.parametrize("ids", ["op_1", b"op_1", bytearray(b"op_1")])
async def test_a_bare_string_is_a_type_error_at_the_call(
    mock: MockServer, core: SDKCore, ids: Any
) -> None:
    with pytest.raises(TypeError, match=r"iterable of ids.*\[operation_id\]"):
        operations_wait_many(core, ids)
    async with SDK(core=core) as sdk:
        with pytest.raises(TypeError, match="one id per character"):
            sdk.operations.wait_many(ids)
    assert mock.requests == []


async def test_a_duplicate_id_is_waited_for_and_yielded_once(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("a", polls=2)
    mock.create_operation("b", polls=1)
    async with operations_wait_many(core, ["a", "b", "a", "b", "a"], poll_interval=FAST) as waits:
        assert waits.operation_ids == ("a", "b")
        seen = [operation_id async for operation_id, _ in waits]
    assert sorted(seen) == ["a", "b"]
