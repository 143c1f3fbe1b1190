"""Request hooks (``openapi.hooks``): what they see, what they may change, how they fail.

Every test talks HTTP to the scripted server on 127.0.0.1 and reads what went over the wire.
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping

import pytest

from openapi import SDK
from openapi.core import SDKCore
from openapi.errors import CallError, SDKDefaultError, UnexpectedClientError
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.hooks import HookContext
from openapi.models.http_metadata import HTTPMetadata
from openapi.testing.scripted import ScriptedServer, json_response
from openapi.types import Err, Ok
from openapi.utils.options import RequestOptions
from tests.conftest import API_KEY, FAST_RETRIES
from tests.hostile._scan import frames_in, paths_to
from tests.support import operation


class Recorder:
    """All three hooks: records every call with the headers it was shown."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, HookContext, object]] = []

    def before_request(self, context: HookContext, headers: MutableMapping[str, str]) -> None:
        self.seen.append(("before", context, dict(headers)))
        headers["X-Attempt"] = str(context.attempt)
        headers["User-Agent"] = "tagged-by-hook"  # replaces the session's default
        headers["authorization"] = "Bearer forged-by-hook"  # must not win over the key

    async def after_success(self, context: HookContext, response: HTTPMetadata) -> None:
        await asyncio.sleep(0)  # async hooks are awaited
        self.seen.append(("success", context, response))

    def after_error(self, context: HookContext, error: CallError) -> None:
        self.seen.append(("error", context, error))

    def kinds(self) -> list[tuple[str, int]]:
        return [(kind, context.attempt) for kind, context, _ in self.seen]


def _core(server: ScriptedServer, *hooks: object, **settings: object) -> SDKCore:
    return SDKCore(
        api_key=settings.pop("api_key", API_KEY),  # type: ignore[arg-type]
        server_url=server.url,
        retry_config=FAST_RETRIES,
        hooks=hooks,  # type: ignore[arg-type]
        **settings,  # type: ignore[arg-type]
    )


async def test_hooks_run_on_every_attempt_retries_included(server: ScriptedServer) -> None:
    server.then(
        json_response({"code": "busy", "message": "later"}, status=503),
        json_response({"code": "busy", "message": "later"}, status=503),
        json_response(operation()),
    )
    recorder = Recorder()
    async with _core(server, recorder) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert res.ok is True
    assert recorder.kinds() == [
        ("before", 1),
        ("error", 1),
        ("before", 2),
        ("error", 2),
        ("before", 3),
        ("success", 3),
    ]
    for _, context, _ in recorder.seen:
        assert context.endpoint == "getOperation"
        assert context.operation_id == "op_1"
        assert context.method == "GET"
        assert context.url == f"{server.url}/operations/op_1"
    errors = [value for kind, _, value in recorder.seen if kind == "error"]
    assert all(isinstance(error, SDKDefaultError) for error in errors)
    success = recorder.seen[-1][2]
    assert isinstance(success, HTTPMetadata)
    assert success.status_code == 200
    assert success.attempts == 3


async def test_before_request_adds_and_replaces_headers_but_never_the_key(
    server: ScriptedServer,
) -> None:
    server.then(json_response(operation()))
    recorder = Recorder()
    async with _core(server, recorder) as core:
        options = RequestOptions(headers={"X-Caller": "yes"})
        await operations_get_operation(core, {"operation_id": "op_1"}, options)
    shown = recorder.seen[0][2]
    assert isinstance(shown, dict)
    assert shown == {"X-Caller": "yes"}  # the request's own headers, without Authorization
    sent = server.requests[0].headers
    assert sent["X-Attempt"] == "1"
    assert sent["X-Caller"] == "yes"
    assert sent["User-Agent"] == "tagged-by-hook"
    assert sent["Authorization"] == f"Bearer {API_KEY}"
    assert [name for name in sent if name.lower() == "authorization"] == ["Authorization"]


async def test_hooks_with_a_key_callable_see_no_key_and_the_request_carries_it(
    server: ScriptedServer,
) -> None:
    server.then(json_response(operation()))
    recorder = Recorder()
    async with _core(server, recorder, api_key=lambda: API_KEY) as core:
        await operations_get_operation(core, {"operation_id": "op_1"})
    assert "Authorization" not in str(recorder.seen[0][2])
    assert server.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"


async def test_the_callers_own_authorization_header_still_wins(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    recorder = Recorder()
    async with _core(server, recorder) as core:
        options = RequestOptions(headers={"Authorization": "Bearer callers-own"})
        await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert recorder.seen[0][2] == {}
    assert server.requests[0].headers["Authorization"] == "Bearer callers-own"


async def test_cancel_hooks_are_told_their_endpoint(server: ScriptedServer) -> None:
    server.then(json_response(operation(status="cancelling")))
    recorder = Recorder()
    async with _core(server, recorder) as core:
        await operations_cancel_operation(core, {"operation_id": "op/2"})
    context = recorder.seen[0][1]
    assert (context.endpoint, context.operation_id, context.method) == (
        "cancelOperation",
        "op/2",
        "POST",
    )
    assert context.url == f"{server.url}/operations/op%2F2/cancel"


class Raising:
    def __init__(self, where: str) -> None:
        self.where = where

    def before_request(self, context: HookContext, headers: MutableMapping[str, str]) -> None:
        if self.where == "before":
            raise ValueError("the tenant header is missing")

    async def after_success(self, context: HookContext, response: HTTPMetadata) -> None:
        if self.where == "success":
            raise KeyError("no such tenant")

    def after_error(self, context: HookContext, error: CallError) -> None:
        if self.where == "error":
            raise RuntimeError("pager is down")


@pytest.mark.parametrize(
    ("where", "kind", "sent"),
    [("before", ValueError, 0), ("success", KeyError, 1), ("error", RuntimeError, 1)],
)
async def test_a_raising_hook_is_an_err_caused_by_its_exception(
    server: ScriptedServer, where: str, kind: type[Exception], sent: int
) -> None:
    status = 404 if where == "error" else 200
    body = {"code": "not_found", "message": "no"} if where == "error" else operation()
    server.then(json_response(body, status=status))
    async with _core(server, Raising(where)) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    error = res.error
    assert isinstance(error, UnexpectedClientError)
    assert isinstance(error.__cause__, kind)
    assert f"the {where}" in error.message.replace("after_", "").replace("_request", "")
    assert "Raising" in error.message
    assert "fix the hook" in error.message
    assert len(server.requests) == sent  # before_request raising: nothing is sent, no retry
    assert paths_to(API_KEY, error) == []
    # The traceback keeps the hook's own frame (what a bug report needs), not the SDK's.
    method = {"before": "before_request", "success": "after_success", "error": "after_error"}
    assert frames_in(error) == [f"{kind.__name__}: {method[where]}"]


async def test_a_raising_hook_is_raised_by_the_facade(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with SDK(api_key=API_KEY, server_url=server.url, hooks=[Raising("before")]) as sdk:
        with pytest.raises(UnexpectedClientError) as raised:
            await sdk.operations.get_operation(operation_id="op_1")
    assert isinstance(raised.value.__cause__, ValueError)
    assert server.requests == []


class Cancelling:
    def before_request(self, context: HookContext, headers: MutableMapping[str, str]) -> None:
        raise asyncio.CancelledError


async def test_cancelled_error_in_a_hook_propagates(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with _core(server, Cancelling()) as core:
        with pytest.raises(asyncio.CancelledError):
            await operations_get_operation(core, {"operation_id": "op_1"})
    assert server.requests == []


def test_an_object_with_no_hook_method_is_refused() -> None:
    with pytest.raises(TypeError, match="has none of before_request"):
        SDKCore(api_key=API_KEY, server_url="http://127.0.0.1:1", hooks=[object()])  # type: ignore[list-item]


async def test_a_core_without_hooks_runs_none(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with _core(server) as core:
        assert core.hooks is None
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
