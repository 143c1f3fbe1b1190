"""A pytest plugin with a ``mock_server`` fixture (needs pytest-asyncio).

Enable it in a ``conftest.py``::

    pytest_plugins = ["openapi.testing.pytest_plugin"]

Each test that asks for ``mock_server`` gets its own running :class:`MockServer`. Its
options come from the ``mock_server`` marker::

    @pytest.mark.mock_server(api_key=None, cancel_delay=0)
    async def test_cancel(mock_server: MockServer) -> None: ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from ._server import MockServer

__all__ = ["mock_server", "pytest_configure"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``mock_server`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        "mock_server(**options): keyword arguments for the mock_server fixture's MockServer",
    )


@pytest_asyncio.fixture
async def mock_server(request: pytest.FixtureRequest) -> AsyncIterator[MockServer]:
    """A running :class:`MockServer`, closed after the test."""
    marker = request.node.get_closest_marker("mock_server")
    options: dict[str, Any] = {} if marker is None else dict(marker.kwargs)
    async with MockServer(**options) as server:
        yield server
