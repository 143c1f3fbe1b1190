"""Checked by mypy --strict and pyright (strict), never run: the facade's keyword arguments,
declared once (``CoreSettings``, ``CallOptions``, ``PollOptions``), are still each checked.

Every ``# type: ignore[...]`` below marks a call the checkers must refuse; both report an
ignore that is no longer needed (mypy's ``warn_unused_ignores``, and pyright's setting on the
next line), so a declaration that stops refusing them fails the check.
"""
# pyright: reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

import ssl
from typing import assert_type

import aiohttp

from openapi import SDK, GetOperationResponse, Operation, RetryConfig
from openapi.core import CoreSettings, SDKCore
from openapi.funcs.operations_wait import WaitMany
from openapi.models.operations import CancelOperationResponse
from openapi.utils import CallOptions, PollOptions


def settings(session: aiohttp.ClientSession) -> None:
    SDK(
        api_key="k",
        server_url="https://ops.example.com",
        session=session,
        retry_config=RetryConfig.none(),
        timeout=5,
        headers={"X-Team": "a"},
        allow_insecure_http=False,
        verify_ssl=ssl.create_default_context(),
        connection_limit=10,
    )
    SDK(api_key=lambda: "k")
    SDK(core=SDKCore(api_key="k"))
    SDKCore(timeout=2.5)
    given: CoreSettings = {"api_key": "k", "timeout": 1}
    SDK(**given)
    SDKCore(**given)

    SDK(api_kye="k")  # type: ignore[call-arg]
    SDK(timeout="30")  # type: ignore[arg-type]
    SDK(connection_limit=None)  # type: ignore[arg-type]
    SDKCore(core=SDKCore())  # type: ignore[call-arg]


async def calls(sdk: SDK) -> None:
    ops = sdk.operations
    retries = RetryConfig.none()
    got = await ops.get_operation(
        operation_id="op", retries=retries, timeout=1.5, headers={"a": "b"}, server_url="u"
    )
    assert_type(got, GetOperationResponse)
    assert_type(
        await ops.cancel_operation(operation_id="op", timeout=None), CancelOperationResponse
    )
    options: CallOptions = {"timeout": 2}
    assert_type(await ops.get_operation(operation_id="op", **options), GetOperationResponse)

    await ops.get_operation(operation_id="op", request_timeout=1)  # type: ignore[call-arg]
    await ops.get_operation(operation_id="op", timeout="1")  # type: ignore[arg-type]
    await ops.cancel_operation(operation_id="op", retries=3)  # type: ignore[arg-type]
    await ops.get_operation(operation_id="op", headers=[("a", "b")])  # type: ignore[arg-type]
    await ops.get_operation("op")  # type: ignore[call-arg]


async def waits(sdk: SDK) -> None:
    ops = sdk.operations
    op = await ops.wait(
        operation_id="op",
        timeout=60,
        poll_interval=2,
        on_update=print,
        cancel_on_timeout=True,
        cancel_grace=1,
        retries=RetryConfig.none(),
        request_timeout=5,
        headers={"a": "b"},
        server_url="u",
    )
    assert_type(op, Operation)
    assert_type(ops.wait_many(["a"], timeout=60, request_timeout=5), WaitMany)
    async for state in ops.watch(operation_id="op", timeout=60, request_timeout=5):
        assert_type(state, Operation)
    polls: PollOptions = {"request_timeout": 2}
    assert_type(await ops.wait(operation_id="op", **polls), Operation)

    await ops.wait(operation_id="op", retry=None)  # type: ignore[call-arg]
    await ops.wait(operation_id="op", request_timeout="5")  # type: ignore[arg-type]
    ops.wait_many(["a"], server="u")  # type: ignore[call-arg]
    ops.watch(operation_id="op", headers=1)  # type: ignore[arg-type]
