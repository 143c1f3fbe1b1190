"""A core that is never closed: one clear ``ResourceWarning``, its pool closed, no crash.

Using a closed SDK is covered by ``tests/test_lifecycle.py``, using a core from a second
event loop by ``tests/test_config.py::test_core_is_bound_to_its_first_loop``.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from openapi import Ok
from openapi.core import UNCLOSED_MESSAGE, SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing import MockServer
from tests.loops import new_loop
from tests.pool_support import connector_of
from tests.secret_support import SECRET_KEY
from tests.support import ScriptedServer, json_response, operation


@pytest.fixture
def unraisable() -> Iterator[list[Any]]:
    """Exceptions raised in finalizers, which Python otherwise only prints."""
    caught: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = caught.append
    try:
        yield caught
    finally:
        sys.unraisablehook = previous


def resource_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


async def test_gc_of_an_unclosed_core_warns_once_and_closes_its_pool(
    unraisable: list[Any],
) -> None:
    loop = asyncio.get_running_loop()
    loop_errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))
    try:
        async with MockServer(api_key=SECRET_KEY) as server:
            op = server.create_operation(duration=None)
            core = SDKCore(api_key=SECRET_KEY, server_url=server.url)
            assert isinstance(await operations_get_operation(core, {"operation_id": op.id}), Ok)
            connector = connector_of(core)
            protocols = [proto for conns in connector._conns.values() for proto, _ in conns]
            assert protocols, "the pool should hold the keep-alive connection"
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                del core
                gc.collect()
                await asyncio.sleep(0.01)  # the transports' close runs on the loop
                gc.collect()
    finally:
        loop.set_exception_handler(None)
    assert resource_warnings(caught) == [UNCLOSED_MESSAGE]
    assert "SDKCore" in UNCLOSED_MESSAGE
    assert "aclose()" in UNCLOSED_MESSAGE
    assert connector.closed
    assert all(p.transport is None or p.transport.is_closing() for p in protocols)
    assert loop_errors == [], "aiohttp's own 'Unclosed ...' reports must not fire too"
    assert unraisable == []


def test_gc_after_the_loop_closed_warns_once_and_does_not_crash(unraisable: list[Any]) -> None:
    kept: list[SDKCore] = []

    async def use() -> None:
        async with MockServer(api_key=SECRET_KEY) as server:
            op = server.create_operation(duration=None)
            core = SDKCore(api_key=SECRET_KEY, server_url=server.url)
            assert isinstance(await operations_get_operation(core, {"operation_id": op.id}), Ok)
            kept.append(core)

    with asyncio.Runner(loop_factory=new_loop) as runner:
        runner.run(use())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept.clear()
        gc.collect()
    assert resource_warnings(caught) == [UNCLOSED_MESSAGE]
    assert unraisable == []


async def test_gc_is_silent_when_the_core_owns_nothing_open(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with aiohttp.ClientSession() as session:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            unused = SDKCore(api_key=SECRET_KEY, server_url=server.url)
            borrowed = SDKCore(api_key=SECRET_KEY, server_url=server.url, session=session)
            assert isinstance(await operations_get_operation(borrowed, {"operation_id": "o"}), Ok)
            closed = SDKCore(api_key=SECRET_KEY, server_url=server.url)
            assert isinstance(await operations_get_operation(closed, {"operation_id": "o"}), Ok)
            await closed.aclose()
            del unused, borrowed, closed
            gc.collect()
        assert not session.closed, "a caller's session is never closed by the SDK"
    assert resource_warnings(caught) == []


async def test_finalizer_never_raises(server: ScriptedServer, unraisable: list[Any]) -> None:
    server.then(json_response(operation()))
    half_built = SDKCore.__new__(SDKCore)  # __init__ never ran: no attributes at all
    core = SDKCore(api_key=SECRET_KEY, server_url=server.url)
    assert isinstance(await operations_get_operation(core, {"operation_id": "o"}), Ok)
    connector = connector_of(core)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warn() itself raises now
        del half_built, core
        gc.collect()
    assert unraisable == []
    assert connector.closed, "the pool is closed even when the warning cannot be shown"
