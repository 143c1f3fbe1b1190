"""A core never closed: one clear ResourceWarning from the SDK, its pool closed, nothing else.

The hard case is a core collected after its event loop closed (``asyncio.run`` returned)
while the server still keeps its connections open: nothing can close a socket once its
loop is gone, so every keep-alive connection would add warnings of its own.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from openapi import Ok
from openapi.core import UNCLOSED_MESSAGE, SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing import MockServer
from openapi.testing.scripted import ScriptedServer, json_response
from tests.loops import new_loop
from tests.pool_support import connector_of
from tests.secret_support import SECRET_KEY
from tests.support import operation

KEY = "sk-unclosed-core-tests"
CONNECTIONS = 8

# Runs in a fresh interpreter, so that whatever it leaves behind (late warnings at exit,
# "Exception ignored" reports) shows on its stderr and nowhere in this test run.
SCRIPT = """
import asyncio, gc, json, sys, warnings
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation

url, operation_id, key, connections = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
kept = []

async def use():
    core = SDKCore(api_key=key, server_url=url)
    calls = [operations_get_operation(core, {"operation_id": operation_id})
             for _ in range(connections)]  # at once: one connection each
    assert all(res.ok for res in await asyncio.gather(*calls))
    kept.append(core)  # never closed, and it outlives its loop

asyncio.run(use())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    kept.clear()
    for _ in range(3):
        gc.collect()
print(json.dumps([f"{w.category.__name__}: {w.message}" for w in caught]))
"""


@pytest.fixture
async def mock() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=KEY) as server:
        yield server


async def test_a_core_collected_after_its_loop_closed_warns_once(mock: MockServer) -> None:
    operation = mock.create_operation(duration=None)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-W",
        "always::ResourceWarning",  # anything left for the interpreter's exit shows too
        "-c",
        SCRIPT,
        mock.url,
        operation.id,
        KEY,
        str(CONNECTIONS),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()  # the server stays up all along
    assert child.returncode == 0, err.decode()
    assert mock.count("GET") == CONNECTIONS
    assert json.loads(out) == [f"ResourceWarning: {UNCLOSED_MESSAGE}"]
    assert err.decode() == "", "no other warning, report or traceback, at exit either"


def test_no_private_aiohttp_api() -> None:
    # pyright (strict) refuses private attributes of another package; the old finalizer
    # silenced it to call aiohttp's connector._close().
    source = Path(__file__).parents[2] / "src" / "openapi"
    offenders = [
        str(path)
        for path in source.rglob("*.py")
        if "reportPrivateUsage" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


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
