"""The event loop switch (``OPENAPI_TEST_LOOP``, tests/loops.py), and code that must run on
any asyncio-compatible loop (uvloop's transports are not ``asyncio.Transport`` subclasses).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import aiohttp
import pytest

from tests.loops import SWITCH, loop_factory, new_loop, selected

pytest_plugins = ["pytester"]

uvloop = pytest.importorskip("uvloop")

ROOT = Path(__file__).resolve().parents[2]


def loop_kind(loop: asyncio.AbstractEventLoop) -> str:
    return "uvloop" if isinstance(loop, uvloop.Loop) else "asyncio"


async def test_the_running_loop_is_the_one_the_switch_selects() -> None:
    assert loop_kind(asyncio.get_running_loop()) == selected()


def test_new_loop_is_the_one_the_switch_selects() -> None:
    loop = new_loop()
    try:
        assert loop_kind(loop) == selected()
    finally:
        loop.close()


INNER_CONFTEST = """
import asyncio

import pytest

from tests.loops import pytest_configure


@pytest.fixture
async def fixture_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()
"""

INNER_TESTS = """
import asyncio

import uvloop


async def test_async_test_and_fixture(fixture_loop):
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
    assert fixture_loop is asyncio.get_running_loop()
"""


def inner_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.RunResult:
    """Run pytest in a subprocess on the files made, with this project importable."""
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) if not path else str(ROOT) + os.pathsep + path)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider")


def test_the_switch_ignores_case_and_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWITCH, " UVLOOP ")
    assert selected() == "uvloop"
    monkeypatch.setenv(SWITCH, "")
    assert selected() == "asyncio"
    monkeypatch.delenv(SWITCH)
    assert selected() == "asyncio"


def test_the_switch_runs_async_tests_and_fixtures_on_uvloop(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SWITCH, "uvloop")
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function")
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)
    inner_run(pytester, monkeypatch).assert_outcomes(passed=1)


def test_an_unknown_loop_is_refused_with_a_clear_message(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SWITCH, "trio")
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner="def test_nothing():\n    pass\n")
    result = inner_run(pytester, monkeypatch)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*OPENAPI_TEST_LOOP='trio': use one of asyncio, uvloop*"])


def benchmark_server() -> ModuleType:
    """``benchmarks/server.py``, imported from its path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_server", ROOT / "benchmarks" / "server.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def get_from_benchmark_server(server_module: ModuleType) -> tuple[int, str]:
    loop = asyncio.get_running_loop()
    state = server_module.State("fixed", 10, 20.0, None)
    server = await loop.create_server(lambda: server_module.HttpProtocol(state), "127.0.0.1", 0)
    timeout = aiohttp.ClientTimeout(total=30)
    async with server, aiohttp.ClientSession(timeout=timeout) as http:
        port = server.sockets[0].getsockname()[1]
        async with http.get(f"http://127.0.0.1:{port}/operations/op-1") as response:
            return response.status, (await response.json())["id"]


@pytest.mark.parametrize("kind", ["asyncio", "uvloop"])
def test_the_benchmark_server_serves_on_either_loop(kind: str) -> None:
    factory: Callable[[], asyncio.AbstractEventLoop] = loop_factory(kind)
    server_module = benchmark_server()
    with asyncio.Runner(loop_factory=factory) as runner:
        assert loop_kind(runner.get_loop()) == kind
        assert runner.run(get_from_benchmark_server(server_module)) == (200, "op-1")
