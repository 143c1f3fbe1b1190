"""A mock server in the test's event loop for the command to talk real HTTP to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from openapi.testing import MockServer
from tests.cli.support import KEY, cli_env


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=KEY, poll_hint=None, cancel_delay=0.05) as mock:
        yield mock


@pytest.fixture
def env(server: MockServer) -> dict[str, str]:
    return cli_env(server.url)
