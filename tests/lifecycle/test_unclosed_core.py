"""A core never closed: one clear ResourceWarning from the SDK, and nothing else.

The hard case is a core collected after its event loop closed (``asyncio.run`` returned)
while the server still keeps its connections open: nothing can close a socket once its
loop is gone, so every keep-alive connection would add warnings of its own.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from openapi.core import UNCLOSED_MESSAGE
from openapi.testing import MockServer

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
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=KEY) as mock:
        yield mock


async def test_a_core_collected_after_its_loop_closed_warns_once(server: MockServer) -> None:
    operation = server.create_operation(duration=None)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-W",
        "always::ResourceWarning",  # anything left for the interpreter's exit shows too
        "-c",
        SCRIPT,
        server.url,
        operation.id,
        KEY,
        str(CONNECTIONS),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()  # the server stays up all along
    assert child.returncode == 0, err.decode()
    assert server.count("GET") == CONNECTIONS
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
