"""Which event loop the suite runs on: ``OPENAPI_TEST_LOOP=asyncio`` (default) or ``uvloop``.

``make test-uvloop`` sets it. With ``uvloop``, every async test and fixture runs on a uvloop
loop, through pytest-asyncio's ``pytest_asyncio_loop_factories`` hook (its mechanism since
1.4; overriding the ``event_loop_policy`` fixture is deprecated). Tests that make a loop of
their own (a background thread, ``asyncio.Runner``) ask :func:`new_loop` for one.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping

import pytest

#: The environment variable that selects the loop.
SWITCH = "OPENAPI_TEST_LOOP"
LOOPS = ("asyncio", "uvloop")

LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def selected() -> str:
    """The loop the switch names; ``pytest.UsageError`` for anything else."""
    name = os.environ.get(SWITCH, "").strip().lower() or "asyncio"
    if name not in LOOPS:
        raise pytest.UsageError(f"{SWITCH}={name!r}: use one of {', '.join(LOOPS)}")
    return name


def loop_factory(name: str) -> LoopFactory:
    """A factory of new loops of kind ``name``; ``pytest.UsageError`` if it is unavailable."""
    if name == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        raise pytest.UsageError(
            f"{SWITCH}=uvloop needs uvloop: pip install -e '.[dev]' (not on Windows)"
        ) from None
    return uvloop.new_event_loop


def new_loop() -> asyncio.AbstractEventLoop:
    """A new event loop of the selected kind, for tests that run a loop of their own."""
    return loop_factory(selected())()


class UvloopPlugin:
    """Runs every async test (and its async fixtures) on a uvloop loop."""

    def __init__(self, factory: LoopFactory) -> None:
        self.factory = factory

    def pytest_asyncio_loop_factories(
        self, config: pytest.Config, item: pytest.Item
    ) -> Mapping[str, LoopFactory]:
        # One factory: pytest-asyncio keeps the test ids unchanged.
        return {"uvloop": self.factory}


def pytest_configure(config: pytest.Config) -> None:
    """Check the switch and, for uvloop, register the plugin that selects its loops."""
    name = selected()
    if name != "asyncio":
        config.pluginmanager.register(UvloopPlugin(loop_factory(name)), "openapi-test-loop")
