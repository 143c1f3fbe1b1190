"""Fixtures for the mock server's own tests: servers, a fake clock and an HTTP session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from openapi.testing import MockServer

# The fixture users get from the plugin; imported so these tests need no root-level
# ``pytest_plugins`` entry (test_mock_plugin.py checks the plugin as users enable it).
from openapi.testing.pytest_plugin import mock_server, pytest_configure

__all__ = ["mock_server", "pytest_configure"]

MakeServer = Callable[..., Awaitable[MockServer]]


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_server() -> AsyncIterator[MakeServer]:
    """Start servers with custom options; all are closed after the test."""
    servers: list[MockServer] = []

    async def factory(**options: Any) -> MockServer:
        server = MockServer(**options)
        await server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        await server.close()


@pytest.fixture
async def fake_server(make_server: MakeServer, clock: FakeClock) -> MockServer:
    """A server whose operations progress only when ``clock`` is advanced."""
    return await make_server(clock=clock)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
