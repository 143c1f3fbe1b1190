"""``operation_id`` is checked before sending and travels as exactly one encoded segment."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from openapi import Err, InvalidRequestError, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from tests.support import ScriptedServer, json_response, operation


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("", "empty"),
        (".", "relative path step"),
        ("..", "relative path step"),
        ("x" * 257, "at most 256"),
        ("a\x00b", "control characters"),
        ("line\nbreak", "control characters"),
        ("tab\there", "control characters"),
        ("del\x7f", "control characters"),
        (42, "must be a string"),
        (None, "must be a string"),
    ],
)
async def test_bad_ids_are_refused_before_sending(
    server: ScriptedServer, core: SDKCore, bad: object, reason: str
) -> None:
    server.then(json_response(operation()))
    for call in (operations_get_operation, operations_cancel_operation):
        res = await call(core, {"operation_id": bad})
        assert isinstance(res, Err)
        assert isinstance(res.error, InvalidRequestError)
        assert reason in str(res.error)
        assert "operation_id" in str(res.error)
    assert server.requests == []


async def test_longest_allowed_id_is_sent(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response(operation()))
    res = await operations_get_operation(core, {"operation_id": "x" * 256})
    assert isinstance(res, Ok)


@pytest.mark.parametrize(
    ("op_id", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("?", "%3F"),
        ("#", "%23"),
        ("%", "%25"),
        ("%2F", "%252F"),
        ("a b", "a%20b"),
        ("ünï-cødé", "%C3%BCn%C3%AF-c%C3%B8d%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("...", "..."),
        ("a.b_c-d~e", "a.b_c-d~e"),
        ("+&=;:@!$'()*,", "%2B%26%3D%3B%3A%40%21%24%27%28%29%2A%2C"),
    ],
)
async def test_awkward_ids_arrive_as_one_encoded_segment(
    server: ScriptedServer, core: SDKCore, op_id: str, encoded: str
) -> None:
    server.then(json_response(operation()))
    await operations_get_operation(core, {"operation_id": op_id})
    await operations_cancel_operation(core, {"operation_id": op_id})
    get, cancel = server.requests
    assert get.raw_path == f"/operations/{encoded}"
    assert cancel.raw_path == f"/operations/{encoded}/cancel"
    assert unquote(get.raw_path.removeprefix("/operations/")) == op_id


async def test_wrong_request_shapes_are_refused(server: ScriptedServer, core: SDKCore) -> None:
    for bad in ({"operationId": "x"}, {"operation_id": "x", "extra": 1}, ["op_1"], "op_1"):
        res = await operations_get_operation(core, bad)  # type: ignore[arg-type]
        assert isinstance(res, Err)
        assert isinstance(res.error, InvalidRequestError)
        assert "getOperation" in str(res.error)
    assert server.requests == []


async def test_server_url_with_base_path_is_kept(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with SDKCore(api_key="k", server_url=server.url + "/api/v1/") as core:
        await operations_get_operation(core, {"operation_id": "op_1"})
    assert server.requests[0].raw_path == "/api/v1/operations/op_1"
